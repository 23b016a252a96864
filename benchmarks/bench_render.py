"""Rendering one report, alone (a measurement, not a test): ``render_parts`` per report.

Run from the repository (under a minute)::

    python benchmarks/bench_render.py                    # this checkout
    python benchmarks/bench_render.py --against OLD      # and an older one, in turn

``OLD`` is a folder holding another version's ``bdt_docx`` package, for instance made
with ``git archive COMMIT bdt_docx | tar -x -C OLD``. The example template is prepared
once; the contexts are read from the 60 workbooks ``bench_batch.py`` makes (other figures
and lists, some with line breaks); each run renders all 60 (Jinja, docxtpl's steps, the
well-formedness check or proof, compressing the rendered parts: where ``render_parts``
leaves them to the writer, :class:`~bdt_docx.output.Rendered`, they are compressed here, so
that versions before and after that are timed alike) and the best of the runs
is printed, in CPU time of the process, as milliseconds per report, with the parts of
the template proven well-formed when it was prepared (those need no parse). With ``--against``
the two versions are measured in turn, in fresh processes, so that a disturbance from
other work on the machine hits them alike.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
RUNS = 30


def measure(source: Path, contexts: Path) -> float:
    """The best CPU time of rendering every context with the package in ``source``, in
    milliseconds per report (run in a fresh process: the package is imported from there)."""
    script = (
        "import pickle, sys, time\n"
        f"sys.path.insert(0, {str(source)!r})\n"
        "from bdt_docx.render import render_parts\n"
        "from bdt_docx.template import prepare_template\n"
        f"prepared = prepare_template({str(TEMPLATE)!r})\n"
        f"contexts = pickle.loads(open({str(contexts)!r}, 'rb').read())\n"
        "best = float('inf')\n"
        f"for _ in range({RUNS}):\n"
        "    start = time.process_time()\n"
        "    for context in contexts:\n"
        "        for part in render_parts(prepared, context):\n"
        "            getattr(part, 'compressed', str)()\n"
        "    best = min(best, time.process_time() - start)\n"
        "print(best / len(contexts) * 1000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="a folder holding an older bdt_docx")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each (3)")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]
    from bench_batch import make_workbooks

    from bdt_docx.api import read_workbook
    from bdt_docx.template import prepare_template

    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        prepared = prepare_template(TEMPLATE)
        workbooks = make_workbooks(Path(folder) / "so", 60)
        contexts = Path(folder) / "contexts.pickle"
        contexts.write_bytes(pickle.dumps([read_workbook(w, prepared) for w in workbooks]))
        sources = {"this checkout": ROOT}
        if args.against:
            sources["--against"] = args.against.resolve()
        figures: dict[str, list[float]] = {name: [] for name in sources}
        for _ in range(args.rounds):
            for name, source in sources.items():
                figures[name].append(measure(source, contexts))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    for name, values in figures.items():
        shown = ", ".join(f"{value:.3f}" for value in values)
        print(f"render_parts, {name}: {min(values):.3f} ms per report (rounds: {shown})")
    if args.against:
        ratio = min(figures["--against"]) / min(figures["this checkout"])
        print(f"--against / this checkout: {ratio:.2f}x")
    rendered = [part for part in prepared.parts if part.compiled is not None]
    proven = [part.info.filename for part in rendered if part.well_formed]
    print(f"parts proven well-formed when prepared: {len(proven)} of {len(rendered)} {proven}")
    print(f"load average {load}; {time.strftime('%Y-%m-%d %H:%M')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
