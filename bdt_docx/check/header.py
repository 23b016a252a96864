"""Rules of the header block: agencies, short lines, số and ký hiệu, Quốc hiệu, Tiêu ngữ, date."""

from __future__ import annotations

from collections.abc import Iterator

from bdt_docx.check.common import (
    DATE,
    MOTTO_LINE,
    NUMBER,
    NUMBER_START,
    QUOC_HIEU,
    SHORT_LINE,
    TIEU_NGU,
    borderless_two_columns,
    clean,
    format_issues,
    line_issues,
    locate,
    missing,
    pt_text,
    unchecked,
    widest_line,
)
from bdt_docx.check.layout import Layout
from bdt_docx.check.report import FAIL, Issue
from bdt_docx.formatting import Paragraph


def header_table(layout: Layout) -> Iterator[Issue]:
    """The header block is a borderless two-column table before the title."""
    yield from borderless_two_columns(layout.header_table, "phần đầu")


def _agencies(layout: Layout) -> tuple[list[Paragraph], list[Paragraph]]:
    """(cơ quan chủ quản, cơ quan ban hành) paragraphs of the header's left column."""
    left = [
        p
        for p in layout.header_column(right=False)
        if not clean(p.text).startswith("Số") and not DATE.match(clean(p.text))
    ]
    return (left[:1], left[1:]) if len(left) >= 2 else ([], left)


def parent_agency(layout: Layout) -> Iterator[Issue]:
    """Cơ quan chủ quản: upper case, upright, not bold, 12-13 pt (may be absent)."""
    if layout.header_table is None:
        yield from unchecked("phần đầu", "cơ quan chủ quản in hoa, không đậm")
    for p in _agencies(layout)[0]:
        yield from format_issues(
            p, "cơ quan chủ quản", sizes=(12, 13), bold=False, italic=False, upper=True
        )


def issuing_agency(layout: Layout) -> Iterator[Issue]:
    """Cơ quan ban hành: upper case, bold, 12-13 pt."""
    issuers = _agencies(layout)[1]
    if not issuers:
        yield from missing("tên cơ quan ban hành", "tên cơ quan ban hành ở cột trái phần đầu")
    for p in issuers:
        yield from format_issues(p, "cơ quan ban hành", sizes=(12, 13), bold=True, upper=True)


def agency_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the issuing agency, 1/3 to 1/2 of its text."""
    issuers = _agencies(layout)[1]
    if not issuers:
        yield from unchecked("tên cơ quan ban hành", f"đường kẻ liền {SHORT_LINE[1]}")
    else:
        line = layout.line_below(issuers[-1])
        yield from line_issues(
            line, "dưới cơ quan ban hành", layout.text_width(issuers), SHORT_LINE
        )


def number(layout: Layout) -> Iterator[Issue]:
    """``Số: 05/BC-BDT``: leading zero below 10 (or blank), ký hiệu in capitals, 13 pt."""
    paragraph = layout.header_paragraph(NUMBER_START)
    if paragraph is None:
        yield from missing("số, ký hiệu", "«Số: 05/BC-BDT» ở cột trái phần đầu")
        return
    text, where = clean(paragraph.shown_text), locate(paragraph, "số, ký hiệu")
    match = NUMBER.match(text)
    if match is None:
        yield Issue(FAIL, where, f"«{text}»", "«Số: 05/BC-BDT» hoặc «Số:      /BC-BDT»")
    else:
        value = match["number"]
        if value and value != f"{int(value):02d}":
            yield Issue(FAIL, where, f"số «{value}»", f"số «{int(value):02d}»")
        if not value and not match["gap"]:
            yield Issue(FAIL, where, f"«{text}» không chừa chỗ ghi số", "«Số:      /BC-BDT»")
        code = match["code"]
        if not code or code != code.upper():
            yield Issue(FAIL, where, f"ký hiệu «{code}»", "ký hiệu in hoa, ví dụ BC-BDT")
    yield from format_issues(paragraph, "số, ký hiệu", sizes=(13, 13), italic=False)


def _motto_lines(layout: Layout) -> tuple[Paragraph | None, Paragraph | None]:
    """(Quốc hiệu, Tiêu ngữ): the first two text paragraphs of the header's right column."""
    right = [p for p in layout.header_column(right=True) if not DATE.match(clean(p.text))]
    return (right[0] if right else None), (right[1] if len(right) > 1 else None)


def national_title(layout: Layout) -> Iterator[Issue]:
    """Quốc hiệu: the exact text, bold, 12-13 pt, on one line."""
    paragraph = _motto_lines(layout)[0]
    if paragraph is None:
        yield from missing("Quốc hiệu", QUOC_HIEU)
        return
    where, text = locate(paragraph, "Quốc hiệu"), clean(paragraph.shown_text)
    if text != QUOC_HIEU:
        yield Issue(FAIL, where, f"«{text}»", f"«{QUOC_HIEU}»")
    yield from format_issues(paragraph, "Quốc hiệu", sizes=(12, 13), bold=True)
    width, room = widest_line(paragraph), layout.available(paragraph)
    if width > room or "\n" in paragraph.text:
        found = f"dòng chữ dài {pt_text(width)}, ô chỉ rộng {pt_text(room)}: xuống dòng"
        yield Issue(FAIL, where, found, "Quốc hiệu trên một dòng")


def motto(layout: Layout) -> Iterator[Issue]:
    """Tiêu ngữ: ``Độc lập - Tự do - Hạnh phúc``, bold, 13-14 pt."""
    paragraph = _motto_lines(layout)[1]
    if paragraph is None:
        yield from missing("Tiêu ngữ", TIEU_NGU)
        return
    text = clean(paragraph.shown_text)
    if text != TIEU_NGU:
        yield Issue(FAIL, locate(paragraph, "Tiêu ngữ"), f"«{text}»", f"«{TIEU_NGU}»")
    yield from format_issues(paragraph, "Tiêu ngữ", sizes=(13, 14), bold=True)


def motto_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the Tiêu ngữ, as long as its text."""
    paragraph = _motto_lines(layout)[1]
    if paragraph is None:
        yield from unchecked("Tiêu ngữ", f"đường kẻ liền {MOTTO_LINE[1]}")
    else:
        line = layout.line_below(paragraph)
        width = layout.text_width([paragraph])
        yield from line_issues(line, "dưới Tiêu ngữ", width, MOTTO_LINE)


def place_date(layout: Layout) -> Iterator[Issue]:
    """``Cao Bằng, ngày 09 tháng 6 năm 2021``: italic, 13-14 pt, leading zeros as the rule."""
    paragraph = layout.header_paragraph(DATE)
    expected = "«Cao Bằng, ngày 09 tháng 6 năm 2021»"
    if paragraph is None:
        yield from missing("địa danh, ngày tháng", expected)
        return
    where, match = locate(paragraph, "địa danh, ngày tháng"), DATE.match(clean(paragraph.text))
    assert match is not None
    place, day, month = match["place"].strip(), match["day"], match["month"]
    if not place[:1].isupper():
        yield Issue(FAIL, where, f"địa danh «{place}»", "địa danh viết hoa chữ đầu")
    if day and (day != f"{int(day):02d}" or not 1 <= int(day) <= 31):
        yield Issue(FAIL, where, f"ngày «{day}»", f"ngày «{int(day):02d}» (có số 0 khi dưới 10)")
    if month:
        good = f"{int(month):02d}" if int(month) <= 2 else str(int(month))
        if month != good or not 1 <= int(month) <= 12:
            yield Issue(
                FAIL, where, f"tháng «{month}»", f"tháng «{good}» (số 0 chỉ cho tháng 1, 2)"
            )
    yield from format_issues(paragraph, "địa danh, ngày tháng", sizes=(13, 14), italic=True)
