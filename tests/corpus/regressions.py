"""The regression corpus: every break of the contract the fuzzer found, as a builder.

Contract: every entry point (``read_workbook``, ``fill_report``, ``prepare_template`` +
``render_report``, ``check``, ``bdt-docx lint``/``fill``/``check``) gives success or a
``BdtDocxError`` — no other exception, no hang, bounded memory — and the command exits with
3, 4 or 7 for a broken file, never 1.

Each :class:`Case` builds one file into a folder from the shipped example workbook, the
shipped template or a report rendered from them, and says what the command must answer:
its exit code and a piece of its message. ``tests/test_regressions.py`` replays them all,
each in a child process with the fuzzer's time and memory limits (:mod:`corpus.fuzz`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from corpus import zipsurgery
from corpus.builders import EXAMPLE, TEMPLATE

#: What each kind of file is: the seed it is built from and its file suffix.
KINDS = {"workbook": ".xlsx", "template": ".docx", "report": ".docx"}


@dataclass(frozen=True)
class Case:
    """One minimised failure: how to build the file and what the command must answer."""

    name: str
    kind: str  # "workbook", "template" or "report"
    build: Callable[[bytes], bytes]  # the seed's bytes → the broken file's bytes
    codes: tuple[int, ...]  # exit code of each command the kind goes through (runner)
    says: str  # a piece of the message

    def make(self, folder: Path, seed: bytes) -> Path:
        path = folder / f"{self.name}{KINDS[self.kind]}"
        path.write_bytes(self.build(seed))
        return path


def seed_path(kind: str, folder: Path) -> Path:
    """The file a kind's cases start from (a report is rendered once into ``folder``)."""
    if kind == "workbook":
        return EXAMPLE
    if kind == "template":
        return TEMPLATE
    report = folder / "seed_report.docx"
    if not report.exists():
        from bdt_docx.api import fill_report

        fill_report(EXAMPLE, TEMPLATE, report)
    return report


#: A part each kind's seed has, big enough to damage its compressed bytes.
_BIG_PART = {
    "workbook": "xl/worksheets/sheet1.xml",
    "template": "word/document.xml",
    "report": "word/document.xml",
}
#: Exit code for an unreadable file, per kind (check says 3 for a file that is no .docx).
_UNREADABLE = {"workbook": (3,), "template": (4, 4), "report": (3,)}


def _zip_cases() -> list[Case]:
    cases = []
    for kind in KINDS:
        big, code = _BIG_PART[kind], _UNREADABLE[kind]
        # (a workbook that is a zip but cannot be read is said damaged: often a copy cut short)
        unreadable_zip = "bị hỏng" if kind == "workbook" else "không phải"
        cases += [
            Case(
                f"{kind}-corrupt-deflate",
                kind,
                lambda data, big=big: zipsurgery.flip_member_bytes(data, big),
                code,
                big,
            ),
            Case(
                f"{kind}-bad-utf8-name",
                kind,
                lambda data: zipsurgery.bad_utf8_name(data, "docProps/app.xml"),
                code,
                unreadable_zip,
            ),
            Case(f"{kind}-zip-version-9.9", kind, zipsurgery.zip_version, code, unreadable_zip),
            Case(
                f"{kind}-central-directory-past-end",
                kind,
                lambda data: zipsurgery.central_directory_offset(data, len(data) + 100_000),
                code,
                "bị hỏng",
            ),
            Case(
                f"{kind}-corrupt-bzip2",
                kind,
                lambda data, big=big: zipsurgery.flip_member_bytes(
                    zipsurgery.recompressed(data, zipfile.ZIP_BZIP2), big
                ),
                code,
                big,
            ),
        ]
    return cases


def _comment_in_rels(name: str, data: bytes) -> bytes:
    if name.endswith(".rels"):
        return data.replace(b"<Relationship ", "<!-- sửa tay --><Relationship ".encode(), 1)
    return data


def _comment_in_settings(name: str, data: bytes) -> bytes:
    if name == "word/settings.xml":
        return data.replace(b"<w:compat>", b"<w:compat><!-- x --><?mso x?>", 1).replace(
            b"<w:settings ", b"<!-- y --><w:settings ", 1
        )
    return data


_XML_CASES = [
    # Every .rels part starts with a comment: relationships are read, comments skipped.
    Case(
        "workbook-comment-in-rels",
        "workbook",
        lambda data: zipsurgery.rewritten(data, _comment_in_rels),
        (0,),
        "Đã tạo báo cáo",
    ),
    Case(
        "report-comment-in-rels",
        "report",
        lambda data: zipsurgery.rewritten(data, _comment_in_rels),
        (0,),
        "ĐẠT",
    ),
    # A comment and a processing instruction among the settings the report adds to.
    Case(
        "template-comment-in-settings",
        "template",
        lambda data: zipsurgery.rewritten(data, _comment_in_settings),
        (0, 0),
        "Đã tạo",
    ),
]


def paragraph(text: str) -> bytes:
    """A Word paragraph of one run holding ``text``."""
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'.encode()


def table(rows: int, columns: int = 1) -> bytes:
    """A Word table of ``rows`` × ``columns`` cells, each holding ``x``."""
    cell = b"<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
    grid = b"<w:tblGrid>" + b"<w:gridCol/>" * columns + b"</w:tblGrid>"
    return b"<w:tbl>" + grid + (b"<w:tr>" + cell * columns + b"</w:tr>") * rows + b"</w:tbl><w:p/>"


def with_body(extra: bytes) -> Callable[[bytes], bytes]:
    """A builder: the document with ``extra`` added at the end of its body."""

    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        end = data.rindex(b"<w:sectPr")
        return data[:end] + extra + data[end:]

    return lambda seed: zipsurgery.rewritten(seed, change)


def _nested(opening: str, closing: str, depth: int) -> bytes:
    """``depth`` paragraphs opening blocks, one of text, ``depth`` closing them."""
    return paragraph(opening) * depth + paragraph("x") + paragraph(closing) * depth


_TEMPLATE_CASES = [
    # RecursionError in Jinja's parser, lint and prepare alike.
    Case(
        "template-1000-parentheses",
        "template",
        with_body(paragraph("{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}")),
        (7, 4),
        "lồng nhau quá sâu",
    ),
    Case(
        "template-1000-nested-ifs",
        "template",
        with_body(paragraph("{% if true %}" * 1000 + "x" + "{% endif %}" * 1000)),
        (7, 4),
        "quá giới hạn 12 tầng",
    ),
    # IndentationError from Python's compiler ("too many levels of indentation").
    Case(
        "template-100-nested-ifs",
        "template",
        with_body(_nested("{%p if true %}", "{%p endif %}", 100)),
        (7, 4),
        "quá giới hạn 12 tầng",
    ),
    # SyntaxError from Python's compiler ("too many statically nested blocks").
    Case(
        "template-30-nested-fors",
        "template",
        with_body(paragraph("{% for i in [1] %}" * 30 + "x" + "{% endfor %}" * 30)),
        (7, 4),
        "quá giới hạn 12 tầng",
    ),
    # Blocks in an attribute: lint does not see them, Jinja compiles them.
    Case(
        "template-100-nested-ifs-in-an-attribute",
        "template",
        with_body(
            f'<w:p><w:pPr><w:pStyle w:val="{"{% if true %}" * 100}{"{% endif %}" * 100}"/>'
            "</w:pPr></w:p>".encode()
        ),
        (7, 4),
        "lồng nhau quá sâu",
    ),
    # A macro that calls itself: RecursionError while rendering.
    Case(
        "template-recursive-macro",
        "template",
        with_body(paragraph("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}")),
        (0, 4),
        "macro gọi lại chính nó",
    ),
    # Found by the fuzzer: tags opened in attribute values, where Word shows nothing and the
    # analysis did not look: docxtpl's clean-up took minutes (the square of the size).
    Case(
        "template-unclosed-tags-in-attributes",
        "template",
        with_body(b'<w:p><w:pPr><w:pStyle w:val="{{"/></w:pPr></w:p>' * 40_000),
        (7, 4),
        "thuộc tính val",
    ),
    # 30,000 tags and bookmarks in one paragraph: the marks inside tags were found in
    # time growing with the square of the paragraph.
    Case(
        "template-30000-tags-in-one-paragraph",
        "template",
        with_body(
            b"<w:p>"
            + b'<w:r><w:t>{{ ten_co_quan }}</w:t></w:r><w:bookmarkStart w:id="1" w:name="x"/>'
            * 30_000
            + b"</w:p>"
        ),
        (0, 0),
        "Đã tạo",
    ),
    # "tag name expected" told in Vietnamese through str.format, whose braces broke it.
    Case(
        "template-empty-statement",
        "template",
        with_body(paragraph("{% %}")),
        (7, 4),
        "thiếu tên lệnh",
    ),
    # Found by the fuzzer: table grid widths and spans read with float() and int().
    Case(
        "template-grid-width-a-date",
        "template",
        with_body(table(2).replace(b"<w:gridCol/>", b'<w:gridCol w:w="29/02/2023"/>')),
        (0, 0),
        "Đã tạo",
    ),
    Case(
        "template-grid-span-inf",
        "template",
        with_body(table(2).replace(b"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="inf"/></w:tcPr>')),
        (0, 0),
        "Đã tạo",
    ),
    # A 10 KB template whose 3,000-row table took minutes to lint and prepare.
    Case("template-table-3000-rows", "template", with_body(table(3000)), (0, 0), "Đã tạo"),
    Case(
        "template-table-5001-rows",
        "template",
        with_body(table(5001)),
        (7, 4),
        "quá giới hạn 5000 hàng",
    ),
    Case(
        "template-table-64-columns",
        "template",
        with_body(table(2, 64)),
        (7, 4),
        "quá giới hạn 63 ô",
    ),
    # A 79 KB template whose document inflates to 15.8 MB: 45 s and 3 GB to prepare.
    Case(
        "template-document-16-mb",
        "template",
        with_body(paragraph("x" * 100) * 110_000),
        (7, 4),
        "quá giới hạn của một mẫu",
    ),
]


def replaced(part: str, pattern: bytes, replacement: bytes) -> Callable[[bytes], bytes]:
    """A builder: the first match of ``pattern`` in ``part`` replaced (``re.sub``)."""

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        changed = re.sub(pattern, replacement, data, count=1)
        assert changed != data, f"{pattern!r} not found in {part}"
        return changed

    return lambda seed: zipsurgery.rewritten(seed, change)


_SHEET = "xl/worksheets/sheet1.xml"  # 'Thông tin': the named cells
_TABLE = "xl/tables/table1.xml"  # van_ban, columns A:C
_DIGITS = b"9" * 5000

_WORKBOOK_CASES = [
    # Row numbers and counts read with int(): "²" is a digit to str.isdigit, not to int().
    Case(
        "workbook-row-r-superscript",
        "workbook",
        replaced(_SHEET, rb'<row r="17"', '<row r="²"'.encode()),
        (3,),
        "sheet1.xml",
    ),
    Case(
        "workbook-row-r-5000-digits",
        "workbook",
        replaced(_SHEET, rb'<row r="17"', b'<row r="' + _DIGITS + b'"'),
        (3,),
        "sheet1.xml",
    ),
    Case(
        "workbook-header-row-count-superscript",
        "workbook",
        replaced(_TABLE, rb'headerRowCount="1"', 'headerRowCount="²"'.encode()),
        (3,),
        "table1.xml",
    ),
    # A table whose ref is narrower than its columns (KeyError).
    Case(
        "workbook-table-narrower-than-columns",
        "workbook",
        replaced(_TABLE, rb'ref="A4:C', b'ref="A4:B'),
        (3,),
        "van_ban",
    ),
    # A 5,000-digit integer: past Python's limit on converting digits to int.
    Case(
        "workbook-5000-digit-integer",
        "workbook",
        replaced(_SHEET, rb"<v>25</v>", b"<v>" + _DIGITS + b"</v>"),
        (3,),
        "B17",
    ),
    Case(
        "workbook-5000-digit-integer-typed-as-text",
        "workbook",
        replaced(
            _SHEET,
            rb'<c r="B17"[^>]*>.*?</c>',
            b'<c r="B17" t="inlineStr"><is><t>' + _DIGITS + b"</t></is></c>",
        ),
        (3,),
        "B17",
    ),
    # "_xD800_" decodes to a lone surrogate, which UTF-8 cannot carry (nor --result): it is
    # read as U+FFFD.
    Case(
        "workbook-lone-surrogate",
        "workbook",
        replaced(
            _SHEET,
            rb'<c r="B27"[^>]*>.*?</c>',
            b'<c r="B27" t="inlineStr"><is><t>H\xc3\xa0 _xD800_ Vui</t></is></c>',
        ),
        (0,),
        "Đã tạo",
    ),
    # A table over the whole grid: rows up to 1,048,576 were walked (a hang).
    Case(
        "workbook-table-over-the-whole-grid",
        "workbook",
        replaced(_TABLE, rb'ref="A4:C[0-9]+"', b'ref="A4:XFD1048576"'),
        (3,),
        "van_ban",
    ),
]

_DOCUMENT = "word/document.xml"
_REPORT_CASES = [
    # Numbers in the page setup read with float(): 1e999 is infinity (OverflowError).
    Case(
        "report-margin-1e999",
        "report",
        replaced(_DOCUMENT, rb'w:top="1134"', b'w:top="1e999"'),
        (7,),
        "lề",
    ),
    Case(
        "report-grid-span-inf",
        "report",
        replaced(_DOCUMENT, rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="inf"/>'),
        (0,),
        "ĐẠT",
    ),
    # 5,000 digits in the date line and in the document's number (ValueError).
    Case(
        "report-date-5000-digit-month",
        "report",
        replaced(_DOCUMENT, "tháng 6 ".encode(), "tháng ".encode() + _DIGITS + b" "),
        (7,),
        "tháng",
    ),
    Case(
        "report-date-5000-digit-day",
        "report",
        replaced(
            _DOCUMENT, "ngày 09 tháng 6".encode(), "ngày ".encode() + _DIGITS + " tháng 6".encode()
        ),
        (7,),
        "ngày",
    ),
    Case(
        "report-number-5000-digits",
        "report",
        replaced(_DOCUMENT, "Số:       /".encode(), "Số: ".encode() + _DIGITS + b"/"),
        (7,),
        "số",
    ),
]

CASES: list[Case] = _zip_cases() + _XML_CASES + _TEMPLATE_CASES + _WORKBOOK_CASES + _REPORT_CASES
