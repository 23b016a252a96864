"""Validation alone (a measurement, not a test): ``read_context`` without the sheets' reading.

Run from the repository (under a minute)::

    python benchmarks/bench_validate.py                    # this checkout
    python benchmarks/bench_validate.py --against OLD      # and an older one, in turn

``OLD`` is a folder holding another version's ``bdt_docx`` package, for instance made
with ``git archive COMMIT bdt_docx | tar -x -C OLD``. The 240 workbooks of
``bench_batch.py`` (60 made from the example, with other figures and lists, in turn) are
opened once in each version's process; each workbook's cells are read once, and its
``fetch`` then gives them back without reading the sheets again, so that what is timed is
what validation adds to reading: finding each field (the tables' definitions included,
read afresh each time, as a new workbook would), converting and checking each value, the
lists' rows. The processes take turns, a round each; a round's figure is the least CPU time
of a few passes over the 240 workbooks; the best and the median round are printed, in
microseconds per workbook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from turns import on_the_batch  # noqa: E402

# A worker: opens the workbooks, reads their cells once, then for each line it reads prints
# the least CPU time, in seconds, of that many passes of read_context over them all.
_WORKER = """
workbooks = [Workbook(path) for path in sorted(FOLDER.glob("*.xlsx"))]


def read_once(workbook):
    kept, fetch = {}, workbook.fetch

    def fetch_kept(areas):  # a workbook asks for its own areas, first and further, alike
        areas = list(areas)
        if len(areas) not in kept:
            kept[len(areas)] = fetch(areas)
        return dict(kept[len(areas)])

    return fetch_kept


for workbook in workbooks:
    workbook.fetch = read_once(workbook)
    validate.read_context(workbook, fields)
for line in sys.stdin:
    best = float("inf")
    for _ in range(int(line)):
        for workbook in workbooks:
            workbook._tables = None  # read afresh, as a new workbook's
        gc.collect()
        start = time.process_time()
        for workbook in workbooks:
            validate.read_context(workbook, fields)
        best = min(best, time.process_time() - start)
    print(best / len(workbooks), flush=True)
"""


def main(argv: Sequence[str] | None = None) -> int:
    return on_the_batch(
        _WORKER,
        argv,
        __doc__.split("\n")[0],
        "read_context without reading the sheets, per workbook",
    )


if __name__ == "__main__":
    raise SystemExit(main())
