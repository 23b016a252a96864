"""Preparing the template, cold (a measurement, not a test): ``prepare_template`` afresh.

Run from the repository (under a minute)::

    python benchmarks/bench_prepare.py                    # this checkout
    python benchmarks/bench_prepare.py --against OLD      # and an older one, in turn

``OLD`` is a folder holding another version's ``bdt_docx`` package, for instance made
with ``git archive COMMIT bdt_docx | tar -x -C OLD``. Each version runs in a process of its
own, which prepares the shipped template with its cache cleared (``_prepare.cache_clear()``,
as ``bench_batch.py`` does before each batch): opening the package, the tag analysis,
docxtpl's clean-up, Jinja's parse and compile, the well-formedness proof. The processes
take turns, a round each, so that a disturbance from other work on the machine hits both
alike; a round's figure is the least CPU time of a few preparations, and the best and the
median round are printed, in milliseconds per preparation.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
#: Preparations per round (the round's figure is the least of them).
PER_ROUND = 3

# A worker: prepares once (imports, regular expressions), then for each line it reads
# prints the least CPU time, in seconds, of that many cold preparations.
_WORKER = """
import gc, sys, time
sys.path.insert(0, sys.argv[1])
from bdt_docx import template
template.prepare_template(sys.argv[2])
for line in sys.stdin:
    best = float("inf")
    for _ in range(int(line)):
        template._prepare.cache_clear()
        gc.collect()
        start = time.process_time()
        template.prepare_template(sys.argv[2])
        best = min(best, time.process_time() - start)
    print(best, flush=True)
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="a folder holding an older bdt_docx")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of each (20)")
    args = parser.parse_args(argv)
    sources = {"this checkout": ROOT}
    if args.against:
        sources["--against"] = args.against.resolve()
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(source), str(TEMPLATE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, source in sources.items()
    }
    figures: dict[str, list[float]] = {name: [] for name in sources}
    for round_number in range(args.rounds):
        order = list(workers) if round_number % 2 == 0 else list(reversed(workers))
        for name in order:
            worker = workers[name]
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(f"{PER_ROUND}\n")
            worker.stdin.flush()
            figures[name].append(float(worker.stdout.readline()) * 1000)
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    for name, values in figures.items():
        print(
            f"prepare_template, {name}: best {min(values):.2f} ms, "
            f"median {statistics.median(values):.2f} ms ({len(values)} rounds)"
        )
    if args.against:
        this, old = figures["this checkout"], figures["--against"]
        print(
            f"this checkout / --against: best {min(this) / min(old):.2f}, "
            f"median {statistics.median(this) / statistics.median(old):.2f}"
        )
    print(f"load average {load}; {time.strftime('%Y-%m-%d %H:%M')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
