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
                "không phải",
            ),
            Case(f"{kind}-zip-version-9.9", kind, zipsurgery.zip_version, code, "không phải"),
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

CASES: list[Case] = _zip_cases() + _XML_CASES + _TEMPLATE_CASES
