"""Benchmark: preparing (and so linting) a template takes time linear in its size.

Run from the repository (about a minute)::

    python benchmarks/bench_template_size.py

For each shape a hostile or merely large template can take — a long table, many tags in
one paragraph, many paragraphs with tags, tags in attribute values — it builds the shipped
template grown by ``N`` and by ``4 N`` copies, times :func:`bdt_docx.prepare_template` on
each (best of three, a fresh file each time so nothing is cached) and prints the ratio.
Linear work gives a ratio near 4; work growing with the square of the size gives 16.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus.builders import TEMPLATE  # noqa: E402
from corpus.regressions import paragraph, table, with_body  # noqa: E402

from bdt_docx.errors import TemplateError  # noqa: E402
from bdt_docx.template import prepare_template  # noqa: E402

#: Above this ratio (for 4 times the size) the work is not linear.
LINEAR_LIMIT = 6.0

SHAPES: dict[str, tuple[int, Callable[[int], bytes]]] = {
    "table rows": (1000, lambda n: table(n)),
    "tags in one paragraph": (
        5000,
        lambda n: (
            b"<w:p>"
            + b'<w:r><w:t>{{ ten_co_quan }}</w:t></w:r><w:bookmarkStart w:id="1" w:name="x"/>' * n
            + b"</w:p>"
        ),
    ),
    "paragraphs with tags": (2000, lambda n: paragraph("Kính gửi {{ ten_co_quan }}.") * n),
    "tags in attributes": (5000, lambda n: b'<w:p><w:pPr><w:pStyle w:val="{{"/></w:pPr></w:p>' * n),
}


def _seconds(folder: Path, body: bytes, runs: int = 3) -> float:
    best = float("inf")
    data = with_body(body)(TEMPLATE.read_bytes())
    for run in range(runs):
        path = folder / f"t{time.monotonic_ns()}-{run}.docx"
        path.write_bytes(data)
        started = time.perf_counter()
        with contextlib.suppress(TemplateError):  # refused: the time to say so counts
            prepare_template(path)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, (n, build) in SHAPES.items():
            small, large = _seconds(folder, build(n)), _seconds(folder, build(4 * n))
            ratio = large / small
            verdict = "PASS" if ratio <= LINEAR_LIMIT else "FAIL"
            failures += verdict == "FAIL"
            print(
                f"{name:24} N={n:>5}: {small:6.2f} s   4N: {large:6.2f} s   "
                f"ratio {ratio:4.1f} (linear ≈ 4, limit {LINEAR_LIMIT})  {verdict}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
