"""Rules of the header block: agencies, short lines, số and ký hiệu, Quốc hiệu, Tiêu ngữ, date."""

from __future__ import annotations

from collections.abc import Iterator

import bdt_docx.nd30 as nd30
from bdt_docx.checker.common import (
    DATE,
    MOTTO_LINE,
    NUMBER,
    QUOC_HIEU,
    SHORT_LINE,
    TIEU_NGU,
    Piece,
    borderless_two_columns,
    fold,
    format_issues,
    line_issues,
    locate,
    missing,
    pieces,
    pt_text,
    skipped,
    small_int,
    widest_line,
)
from bdt_docx.checker.kinds import MIXED_CASE_CODES
from bdt_docx.checker.layout import Layout
from bdt_docx.checker.report import FAIL, WARN, Issue
from bdt_docx.document import Paragraph

_NO_HEADER = "văn bản không có phần đầu (Quốc hiệu, số, ký hiệu)"


def header_table(layout: Layout) -> Iterator[Issue]:
    """The header block is a borderless two-column table before the title."""
    if layout.header_table is None:
        found = f"không tìm thấy phần đầu: {_NO_HEADER[8:]}"
        expected = "phần đầu ở đầu trang 1 (trừ phụ lục, tài liệu kèm theo)"
        yield Issue(WARN, "đầu trang 1", found, expected)
        return
    yield from borderless_two_columns(layout.header_table, "phần đầu")


def _header_found(layout: Layout) -> Iterator[Issue]:
    if layout.header_table is None:
        yield from skipped(_NO_HEADER)


def parent_agency(layout: Layout) -> Iterator[Issue]:
    """Cơ quan chủ quản: upper case, upright, not bold, 12-13 pt (may be absent)."""
    yield from _header_found(layout)
    for line in layout.parent:
        yield from format_issues(
            line,
            "cơ quan chủ quản",
            sizes=nd30.PARENT_AGENCY_SIZE,
            bold=False,
            italic=False,
            upper=True,
        )


def issuing_agency(layout: Layout) -> Iterator[Issue]:
    """Cơ quan ban hành: upper case, bold, 12-13 pt."""
    yield from _header_found(layout)
    if layout.header_table is not None and not layout.issuer:
        yield from missing("tên cơ quan ban hành", "tên cơ quan ban hành ở cột trái phần đầu")
    for line in layout.issuer:
        yield from format_issues(
            line, "cơ quan ban hành", sizes=nd30.AGENCY_SIZE, bold=True, upper=True
        )


def agency_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the issuing agency, 1/3 to 1/2 of its text."""
    yield from _header_found(layout)
    if not layout.issuer:
        return
    first = layout.issuer[0].paragraph
    column = layout.column_after(first)
    line = layout.line_below(first, column[1:])
    # a name on two lines: the line is measured against the line of text it fits best
    (low, high), widths = SHORT_LINE[0], [layout.text_width([p]) for p in layout.issuer]
    fitting = [w for w in widths if line is not None and w and low <= line.length / w <= high]
    width = fitting[0] if fitting else max(widths)
    yield from line_issues(line, "dưới cơ quan ban hành", width, SHORT_LINE)


def number(layout: Layout) -> Iterator[Issue]:
    """``Số: 05/BC-BDT``: leading zero below 10 (or blank), ký hiệu in capitals, 13 pt."""
    yield from _header_found(layout)
    if layout.header_table is None:
        return
    paragraph, example = layout.number, layout.example
    if paragraph is None:
        yield from missing("số, ký hiệu", f"«{example}» ở cột trái phần đầu")
        return
    line = next(p for p in _lines(paragraph) if fold(p.text).startswith("SỐ"))
    where = locate(paragraph, "số, ký hiệu")
    match = NUMBER.match(line.text)
    if match is None:
        yield Issue(FAIL, where, f"«{line.text}»", f"«{example}» hoặc «Số:      /…»")
    else:
        value, code = match["number"], match["code"]
        if value and (small_int(value) is None or value != f"{int(value):02d}"):
            good = f"{int(value):02d}" if small_int(value) is not None else "05"
            yield Issue(FAIL, where, f"số «{value[:12]}»", f"số «{good}» (có số 0 khi dưới 10)")
        if not value and not match["gap"]:
            yield Issue(FAIL, where, f"«{line.text}» không chừa chỗ ghi số", "«Số:      /…»")
        head, _, rest = code.partition("-")
        if (
            not code
            or rest != rest.upper()
            or (head != head.upper() and head not in MIXED_CASE_CODES)
        ):
            yield Issue(FAIL, where, f"ký hiệu «{code}»", f"ký hiệu in hoa, ví dụ «{example}»")
    yield from format_issues(line, "số, ký hiệu", sizes=nd30.NUMBER_SIZE, italic=False)


def _lines(paragraph: Paragraph) -> list[Piece]:
    """The lines of ``paragraph`` that hold words."""
    return [p for p in pieces(paragraph) if p.text]


def letter_abstract(layout: Layout) -> Iterator[Issue]:
    """The trích yếu of a Công văn: "V/v …" under the số, 12-13 pt, upright, centred."""
    yield from _header_found(layout)
    if layout.header_table is None:
        return
    if not layout.vv:
        yield from missing("trích yếu «V/v …»", "«V/v …» căn giữa dưới số, ký hiệu")
    for paragraph in layout.vv:
        yield from format_issues(
            paragraph,
            "trích yếu công văn",
            sizes=nd30.LETTER_ABSTRACT_SIZE,
            italic=False,
            align="center",
        )


def national_title(layout: Layout) -> Iterator[Issue]:
    """Quốc hiệu: the exact text, bold, 12-13 pt, on one line."""
    yield from _header_found(layout)
    if layout.header_table is None:
        return
    lines = layout.quoc_hieu
    if not lines:
        yield from missing("Quốc hiệu", f"«{QUOC_HIEU}» ở cột phải phần đầu")
        return
    where = locate(lines[0].paragraph, "Quốc hiệu")
    text = " ".join(p.text for p in lines)
    if fold(text) != QUOC_HIEU or " ".join(text.split()) != QUOC_HIEU:
        yield Issue(FAIL, where, f"«{text}»", f"«{QUOC_HIEU}»")
    for line in lines:
        yield from format_issues(line, "Quốc hiệu", sizes=nd30.QUOC_HIEU_SIZE, bold=True)
    if len(lines) > 1:
        found = " / ".join(f"«{p.text}»" for p in lines)
        yield Issue(FAIL, where, f"xuống dòng: {found}", "Quốc hiệu trên một dòng")
        return
    width, room = widest_line(lines[0]), layout.available(lines[0].paragraph)
    if width > room + 0.5:
        found = f"dòng chữ dài {pt_text(width)}, ô chỉ rộng {pt_text(room)}: xuống dòng"
        yield Issue(FAIL, where, found, "Quốc hiệu trên một dòng")


def motto(layout: Layout) -> Iterator[Issue]:
    """Tiêu ngữ: ``Độc lập - Tự do - Hạnh phúc``, bold, 13-14 pt."""
    yield from _header_found(layout)
    line = layout.tieu_ngu
    if layout.header_table is not None and line is None:
        yield from missing("Tiêu ngữ", f"«{TIEU_NGU}» dưới Quốc hiệu")
    if line is None:
        return
    if line.text != TIEU_NGU:
        yield Issue(FAIL, locate(line.paragraph, "Tiêu ngữ"), f"«{line.text}»", f"«{TIEU_NGU}»")
    yield from format_issues(line, "Tiêu ngữ", sizes=nd30.TIEU_NGU_SIZE, bold=True)


def motto_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the Tiêu ngữ, as long as its text."""
    yield from _header_found(layout)
    if layout.tieu_ngu is None:
        return
    start = layout.quoc_hieu[0].paragraph if layout.quoc_hieu else layout.tieu_ngu.paragraph
    column = layout.column_after(start)
    line = layout.line_below(start, column[1:])
    width = layout.text_width([layout.tieu_ngu])
    yield from line_issues(line, "dưới Tiêu ngữ", width, MOTTO_LINE)


def place_date(layout: Layout) -> Iterator[Issue]:
    """``Cao Bằng, ngày 09 tháng 6 năm 2021``: italic, 13-14 pt, leading zeros as the rule."""
    yield from _header_found(layout)
    if layout.header_table is None:
        return
    line: Piece | None = layout.date
    expected = "«<Địa danh>, ngày 09 tháng 6 năm 2021» ở cột phải, dưới Tiêu ngữ"
    if line is None:
        yield from missing("địa danh, ngày tháng", expected)
        return
    where, match = locate(line.paragraph, "địa danh, ngày tháng"), DATE.match(line.text)
    assert match is not None
    place, day, month = match["place"].strip(), match["day"], match["month"]
    if not place[:1].isupper():
        yield Issue(FAIL, where, f"địa danh «{place}»", "địa danh viết hoa chữ đầu")
    value = small_int(day, 31)
    if day and (value is None or value < 1 or day != f"{value:02d}"):
        good = f"«{value:02d}» (có số 0 khi dưới 10)" if value else "từ 01 đến 31"
        yield Issue(FAIL, where, f"ngày «{day[:12]}»", f"ngày {good}")
    value = small_int(month, 12)
    if month and (value is None or value < 1 or month != _month(value)):
        good = f"«{_month(value)}» (số 0 chỉ cho tháng 1, 2)" if value else "từ 1 đến 12"
        yield Issue(FAIL, where, f"tháng «{month[:12]}»", f"tháng {good}")
    yield from format_issues(line, "địa danh, ngày tháng", sizes=nd30.DATE_SIZE, italic=True)


def _month(value: int) -> str:
    return f"{value:02d}" if value <= 2 else str(value)
