"""Reading alone (a measurement, not a test): opening a workbook and fetching its cells.

``python benchmarks/bench_read.py [--against OLD]``, under a minute, run and compared as
``bench_validate.py`` is. Each of the 240 workbooks of ``bench_batch.py`` is run once
through ``read_context``, which records the areas it fetches and the sheets whose merged
blocks it asks for; what is timed is what a report's reading then costs: ``Workbook(path)``,
the same ``fetch`` and ``merged`` calls, ``close()``, for each workbook afresh (the sheets
inflated, parsed and read each time; the parts kept by content, ``Package.made_from``, kept
as in a batch), in microseconds per workbook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from turns import on_the_batch  # noqa: E402

# A worker: records each workbook's reading calls, then for each line it reads prints the
# least CPU time, in seconds, of that many passes of those calls over them all.
_WORKER = """
paths = sorted(FOLDER.glob("*.xlsx"))


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
    return on_the_batch(
        _WORKER, argv, __doc__.split("\n")[0], "reading a workbook (open, fetch, merged blocks)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
