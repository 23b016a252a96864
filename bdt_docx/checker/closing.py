"""Rules of the closing block: Nơi nhận and the signature."""

from __future__ import annotations

import re
from collections.abc import Iterator

import bdt_docx.nd30 as nd30
from bdt_docx.checker.common import (
    Piece,
    borderless_two_columns,
    clean,
    format_issues,
    locate,
    missing,
    skipped,
)
from bdt_docx.checker.layout import Layout
from bdt_docx.checker.report import FAIL, Issue


def _attachment(layout: Layout) -> bool:
    """Neither a header block nor a closing block: an appendix or an attached programme,
    whose closing rules cannot be judged."""
    return layout.header_table is None and layout.closing_table is None


def closing_table(layout: Layout) -> Iterator[Issue]:
    """Nơi nhận and signature side by side in a borderless two-column table."""
    if _attachment(layout):
        yield from skipped(_ATTACHMENT)
        return
    yield from borderless_two_columns(layout.closing_table, "phần cuối")


_ATTACHMENT = "văn bản không có phần đầu, phần cuối (phụ lục hoặc tài liệu kèm theo)"


def recipients_heading(layout: Layout) -> Iterator[Issue]:
    """``Nơi nhận:`` bold italic, 12 pt, at the left margin."""
    heading = layout.noi_nhan
    if heading is None:
        if not _attachment(layout):
            yield from missing("«Nơi nhận:»", "«Nơi nhận:» ở cột trái phần cuối")
        return
    paragraph = heading.paragraph
    where = locate(paragraph, "Nơi nhận")
    if heading.text != "Nơi nhận:":
        yield Issue(FAIL, where, f"«{heading.text}»", "«Nơi nhận:»")
    yield from format_issues(
        heading, "Nơi nhận", sizes=nd30.RECIPIENTS_HEADING_SIZE, bold=True, italic=True
    )
    if paragraph.alignment not in ("left", "both") or paragraph.left_indent > LEFT_SLACK:
        yield Issue(FAIL, where, "không sát lề trái", "sát lề trái")


#: A left indent this small (1 mm, in twips) still prints at the left margin.
LEFT_SLACK = 57


def _sized_runs(line: Piece, last: bool) -> Piece:
    """The runs of a recipient line whose size is judged: in the last line ("- Lưu: VT,
    NC.Châu") the drafter's initials after the last comma may be smaller."""
    texts = [run.shown_text for run in line.runs]
    cut = "".join(texts).rfind(",") if last else -1
    if cut < 0:
        return line
    kept, position = [], 0
    for run, text in zip(line.runs, texts, strict=True):
        if position <= cut:
            kept.append(run)
        position += len(text)
    return Piece(line.paragraph, tuple(kept), line.text)


def recipients(layout: Layout) -> Iterator[Issue]:
    """Each recipient ``- …;`` on its own line, the last ending ``.``; 11 pt, upright."""
    names = layout.recipients
    if not names and not _attachment(layout):
        yield from missing("danh sách nơi nhận", "«- UBND tỉnh;» … «- Lưu: VT.»")
    for i, lines in enumerate(names):
        text = " ".join(line.text for line in lines)
        end = "." if i == len(names) - 1 else ";"
        if not text.startswith("- ") or not text.endswith(end):
            where = locate(lines[0].paragraph, "nơi nhận")
            yield Issue(FAIL, where, f"«{text}»", f"«- {text[2:].rstrip(';.')}{end}»")
        for line in lines:
            sized = _sized_runs(line, i == len(names) - 1)
            yield from format_issues(sized, "nơi nhận", sizes=nd30.RECIPIENT_SIZE)
            yield from format_issues(line, "nơi nhận", italic=False)


_AUTHORITY = re.compile(r"^(KT|TM|TL|TUQ|Q)\.(?=\S)")


def signature(layout: Layout) -> Iterator[Issue]:
    """Quyền hạn and chức vụ upper, bold, centred; the signer's name bold, centred; 13-14 pt."""
    right = layout.signature
    if len(right) < 2:
        if not _attachment(layout):
            yield from missing("phần ký", "chức vụ người ký và họ tên ở cột phải phần cuối")
        return
    for p in right[:-1]:
        what = "quyền hạn, chức vụ"
        yield from format_issues(
            p, what, sizes=nd30.SIGNATURE_SIZE, bold=True, upper=True, align="center"
        )
        text = clean(p.text)
        if _AUTHORITY.match(text):
            good = _AUTHORITY.sub(lambda m: m[0] + " ", text)
            yield Issue(FAIL, locate(p, what), f"«{text}»", f"«{good}» (dấu cách sau dấu chấm)")
    name = right[-1]
    yield from format_issues(
        name, "họ tên người ký", sizes=nd30.SIGNATURE_SIZE, bold=True, align="center"
    )
