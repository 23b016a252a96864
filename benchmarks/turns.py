"""Versions of bdt_docx timed in turn, each in a process of its own (for the benchmarks).

Each worker is a command that reads lines from its standard input, each a number of runs,
and answers each with one figure (the least time of that many runs). The workers take
turns, a round each, in alternating order, so that a disturbance from other work on the
machine hits them alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def versions(description: str, argv: Sequence[str] | None) -> tuple[dict[str, Path], int]:
    """The versions a benchmark's command line names, by name (this checkout, and the folder
    ``--against`` names, holding another version's ``bdt_docx``), and its ``--rounds``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--against", type=Path, help="a folder holding an older bdt_docx")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of each (20)")
    args = parser.parse_args(argv)
    sources = {"this checkout": ROOT}
    if args.against:
        sources["--against"] = args.against.resolve()
    return sources, args.rounds


def in_turn(
    worker: str,
    sources: dict[str, Path],
    arguments: Sequence[str],
    rounds: int,
    per_round: int,
    scale: float,
) -> dict[str, list[float]]:
    """Each version's figure of each round (multiplied by ``scale``), by name: the Python
    code ``worker`` run with the folder of the version's package and ``arguments``."""
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", worker, str(source), *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, source in sources.items()
    }
    figures: dict[str, list[float]] = {name: [] for name in sources}
    for round_number in range(rounds):
        order = list(workers) if round_number % 2 == 0 else list(reversed(workers))
        for name in order:
            worker = workers[name]
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(f"{per_round}\n")
            worker.stdin.flush()
            figures[name].append(float(worker.stdout.readline()) * scale)
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()
    return figures


def print_figures(what: str, figures: dict[str, list[float]], unit: str, digits: int) -> None:
    """The best and median figure of each worker, the ratio of the first to the second (when
    there are two), and the load average."""
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    for name, values in figures.items():
        print(
            f"{what}, {name}: best {min(values):.{digits}f} {unit}, "
            f"median {statistics.median(values):.{digits}f} {unit} ({len(values)} rounds)"
        )
    if len(figures) == 2:
        (this_name, this), (old_name, old) = figures.items()
        print(
            f"{this_name} / {old_name}: best {min(this) / min(old):.2f}, "
            f"median {statistics.median(this) / statistics.median(old):.2f}"
        )
    print(f"load average {load}; {time.strftime('%Y-%m-%d %H:%M')}")


#: Worker code (after ``import sys``) that sets ``TEMPLATE_FILE``, the shipped template
#: ``sys.argv[2]`` as the version in ``sys.argv[1]`` has it where its folder has one (a git
#: worktree's ``templates/``: an older version may not read a newer description).
OWN_TEMPLATE = """
from pathlib import Path
own = Path(sys.argv[1], "templates", Path(sys.argv[2]).name)
TEMPLATE_FILE = own if own.is_file() else Path(sys.argv[2])
"""

#: What a worker of :func:`on_the_batch` starts with: the version's package on the path,
#: ``validate``, ``Workbook``, the shipped template's ``fields`` (:data:`OWN_TEMPLATE`),
#: the workbooks' ``FOLDER``.
_BATCH_WORKER_HEAD = (
    """
import gc, sys, time
sys.path.insert(0, sys.argv[1])
from bdt_docx import validate
from bdt_docx.template import prepare_template
from bdt_docx.workbook import Workbook
"""
    + OWN_TEMPLATE
    + """
fields = prepare_template(TEMPLATE_FILE).fields
FOLDER = Path(sys.argv[3])
"""
)


def on_the_batch(worker: str, argv: Sequence[str] | None, description: str, what: str) -> int:
    """Time ``worker`` (see :func:`in_turn`), after :data:`_BATCH_WORKER_HEAD`, in each
    version the command line names, three passes a round, over the 240 workbooks of
    ``bench_batch.py`` made afresh; print ``what`` it times, in µs a workbook."""
    from bench_batch import BATCH, VARIANTS, copies, make_workbooks  # (benchmarks/, tests/
    from workbooks import TEMPLATE  # on the path, as the benchmarks put them)

    sources, rounds = versions(description, argv)
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        folder = Path(temporary)
        copies(make_workbooks(folder / "variants", VARIANTS), folder / "batch", BATCH)
        arguments = [str(TEMPLATE), str(folder / "batch")]
        figures = in_turn(_BATCH_WORKER_HEAD + worker, sources, arguments, rounds, 3, 1e6)
    print_figures(what, figures, "µs", 1)
    return 0
