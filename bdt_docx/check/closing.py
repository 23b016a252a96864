"""Rules of the closing block: Nơi nhận and the signature."""

from __future__ import annotations

from collections.abc import Iterator

from bdt_docx.check.common import (
    borderless_two_columns,
    clean,
    format_issues,
    has_text,
    locate,
    missing,
)
from bdt_docx.check.layout import Layout
from bdt_docx.check.report import FAIL, Issue
from bdt_docx.formatting import Paragraph


def closing_table(layout: Layout) -> Iterator[Issue]:
    """Nơi nhận and signature side by side in a borderless two-column table."""
    yield from borderless_two_columns(layout.closing_table, "phần cuối")


def _closing_column(layout: Layout, right: bool) -> list[Paragraph]:
    if layout.closing_table is None:
        return []
    cells = [c for c in layout.closing_table.cells if (c.grid_start > 0) == right]
    return [p for c in cells for p in c.paragraphs if has_text(p)]


def recipients_heading(layout: Layout) -> Iterator[Issue]:
    """``Nơi nhận:`` bold italic, 12 pt, at the left margin."""
    left = _closing_column(layout, right=False)
    if not left:
        yield from missing("«Nơi nhận:»", "«Nơi nhận:» ở cột trái phần cuối")
        return
    heading, where = left[0], locate(left[0], "Nơi nhận")
    if clean(heading.text) != "Nơi nhận:":
        yield Issue(FAIL, where, f"«{clean(heading.text)}»", "«Nơi nhận:»")
    yield from format_issues(heading, "Nơi nhận", sizes=(12, 12), bold=True, italic=True)
    if heading.alignment not in ("left", "both") or heading.left_indent > 0:
        yield Issue(FAIL, where, "không sát lề trái", "sát lề trái")


def recipients(layout: Layout) -> Iterator[Issue]:
    """Each recipient ``- …;`` on its own line, the last ending ``.``; 11 pt, upright."""
    names = _closing_column(layout, right=False)[1:]
    if not names:
        yield from missing("danh sách nơi nhận", "«- UBND tỉnh;» … «- Lưu: VT.»")
    for i, p in enumerate(names):
        text = clean(p.text)
        end = "." if i == len(names) - 1 else ";"
        if not text.startswith("- ") or not text.endswith(end):
            yield Issue(FAIL, locate(p, "nơi nhận"), f"«{text}»", f"«- …{end}»")
        yield from format_issues(p, "nơi nhận", sizes=(11, 11), italic=False)


def signature(layout: Layout) -> Iterator[Issue]:
    """Quyền hạn and chức vụ upper, bold, centred; the signer's name bold, centred; 13-14 pt."""
    right = _closing_column(layout, right=True)
    if len(right) < 2:
        yield from missing("phần ký", "chức vụ người ký và họ tên ở cột phải phần cuối")
        return
    for p in right[:-1]:
        yield from format_issues(
            p, "quyền hạn, chức vụ", sizes=(13, 14), bold=True, upper=True, align="center"
        )
    name = right[-1]
    yield from format_issues(name, "họ tên người ký", sizes=(13, 14), bold=True, align="center")
