"""Reading alone (a measurement, not a test): opening a workbook and fetching its cells.

Run from the repository (under a minute)::

    python benchmarks/bench_read.py                    # this checkout
    python benchmarks/bench_read.py --against OLD      # and an older one, in turn

``OLD`` is a folder holding another version's ``bdt_docx`` package, for instance made
with ``git archive COMMIT bdt_docx | tar -x -C OLD``. The 240 workbooks of
``bench_batch.py`` (60 made from the example, with other figures and lists, in turn) are
each run once through ``read_context``, which records the areas it fetches and the sheets
whose merged blocks it asks for; what is timed is what a report's reading then costs:
``Workbook(path)``, the same ``fetch`` and ``merged`` calls, ``close()``, for each workbook
afresh (the sheets inflated, parsed and read each time; the parts kept by content,
``Package.made_from``, kept as in a batch). The processes take turns, a round each; a round's
figure is the least CPU time of a few passes over the 240 workbooks; the best and the median
round are printed, in microseconds per workbook.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_batch import BATCH, VARIANTS, copies, make_workbooks  # noqa: E402
from turns import in_turn, print_figures, versions  # noqa: E402
from workbooks import TEMPLATE  # noqa: E402

#: Passes over the workbooks per round (the round's figure is the least of them).
PER_ROUND = 3

# A worker: records each workbook's reading calls, then for each line it reads prints the
# least CPU time, in seconds, of that many passes of those calls over them all.
_WORKER = """
import gc, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bdt_docx import validate
from bdt_docx.template import prepare_template
from bdt_docx.workbook import Workbook

fields = prepare_template(sys.argv[2]).fields
paths = sorted(Path(sys.argv[3]).glob("*.xlsx"))


def recorded(workbook):  # the reading calls read_context makes, as they are made
    made = []
    for name in ("fetch", "merged"):
        call = getattr(workbook, name)

        def record(argument, name=name, call=call):
            argument = list(argument) if name == "fetch" else argument
            made.append((name, argument))
            return call(argument)

        setattr(workbook, name, record)
    return made


calls = {}
for path in paths:
    workbook = Workbook(path)
    calls[path] = recorded(workbook)
    validate.read_context(workbook, fields)
    workbook.close()


def read_all():
    for path in paths:
        workbook = Workbook(path)
        for name, argument in calls[path]:
            getattr(workbook, name)(argument)
        workbook.close()


read_all()
for line in sys.stdin:
    best = float("inf")
    for _ in range(int(line)):
        gc.collect()
        start = time.process_time()
        read_all()
        best = min(best, time.process_time() - start)
    print(best / len(paths), flush=True)
"""


def main(argv: Sequence[str] | None = None) -> int:
    sources, rounds = versions(__doc__.split("\n")[0], argv)
    with tempfile.TemporaryDirectory(prefix="bench-read-") as temporary:
        folder = Path(temporary)
        copies(make_workbooks(folder / "variants", VARIANTS), folder / "batch", BATCH)
        arguments = [str(TEMPLATE), str(folder / "batch")]
        figures = in_turn(_WORKER, sources, arguments, rounds, PER_ROUND, 1e6)
    print_figures("reading a workbook (open, fetch, merged blocks)", figures, "µs", 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
