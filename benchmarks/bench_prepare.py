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

from collections.abc import Sequence
from pathlib import Path

from turns import OWN_TEMPLATE, in_turn, print_figures, versions

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
#: Preparations per round (the round's figure is the least of them).
PER_ROUND = 3

# A worker: prepares once (imports, regular expressions), then for each line it reads
# prints the least CPU time, in seconds, of that many cold preparations.
_WORKER = (
    """
import gc, sys, time
sys.path.insert(0, sys.argv[1])
from bdt_docx import template
"""
    + OWN_TEMPLATE
    + """
template.prepare_template(TEMPLATE_FILE)
for line in sys.stdin:
    best = float("inf")
    for _ in range(int(line)):
        template._prepare.cache_clear()
        gc.collect()
        start = time.process_time()
        template.prepare_template(TEMPLATE_FILE)
        best = min(best, time.process_time() - start)
    print(best, flush=True)
"""
)


def main(argv: Sequence[str] | None = None) -> int:
    sources, rounds = versions(__doc__.split("\n")[0], argv)
    figures = in_turn(_WORKER, sources, [str(TEMPLATE)], rounds, PER_ROUND, 1000)
    print_figures("prepare_template", figures, "ms", 2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
