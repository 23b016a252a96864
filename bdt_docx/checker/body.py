"""Rules of the title (tên loại, trích yếu) and of the body text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import bdt_docx.nd30 as nd30
from bdt_docx.checker.common import (
    ARABIC_HEADING,
    GAP_RULE,
    INDENT_RULE,
    INDENT_TOLERANCE,
    INDENTS,
    MIN_PARAGRAPH_GAP,
    PT_TOLERANCE,
    ROMAN_HEADING,
    SHORT_LINE,
    SPACING_RULE,
    clean,
    fold,
    format_issues,
    is_caps,
    line_issues,
    locate,
    missing,
    pt_text,
    text_runs,
    unchecked,
    widest_line,
)
from bdt_docx.checker.layout import Layout, pieces_of
from bdt_docx.checker.report import FAIL, Issue
from bdt_docx.document import Paragraph, twips_to_mm, twips_to_pt
from bdt_docx.filters import so

#: Word's default tab stops, every 1,27 cm (720 twips).
DEFAULT_TAB = 720


def title(layout: Layout) -> Iterator[Issue]:
    """Tên loại (``BÁO CÁO``): upper case, bold, centred, 13-14 pt."""
    kind = layout.kind
    expected = f"«{kind.title}»" if kind.code else "tên loại (BÁO CÁO, TỜ TRÌNH…)"
    if layout.title is None:
        yield from missing(f"tên loại {expected}", f"{expected} in hoa, đậm, căn giữa")
        return
    yield from format_issues(
        layout.title, "tên loại", sizes=nd30.TITLE_SIZE, bold=True, upper=True, align="center"
    )


def abstract(layout: Layout) -> Iterator[Issue]:
    """Trích yếu: bold, centred, 13-14 pt."""
    if layout.title is None:
        yield from unchecked("tên loại", "trích yếu đậm, căn giữa, dưới tên loại")
    elif not layout.trich_yeu:
        yield from missing("trích yếu", "trích yếu đậm, căn giữa, dưới tên loại")
    for p in layout.trich_yeu:
        yield from format_issues(
            p, "trích yếu", sizes=nd30.ABSTRACT_SIZE, bold=True, align="center"
        )


def abstract_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the trích yếu, 1/3 to 1/2 of its widest line."""
    if not layout.trich_yeu:
        yield from unchecked("trích yếu", f"đường kẻ liền {SHORT_LINE[1]}")
    else:
        width = layout.text_width(pieces_of(layout.trich_yeu))
        yield from line_issues(layout.trich_yeu_line, "dưới trích yếu", width, SHORT_LINE)


def _is_heading(layout: Layout, paragraph: Paragraph) -> bool:
    """``I. …`` always; ``1. …`` when it is one line ending no sentence (a khoản title), not
    a sentence that introduces a list (``…:``)."""
    text = clean(paragraph.text)
    if ROMAN_HEADING.match(text):
        return True
    return (
        bool(ARABIC_HEADING.match(text))
        and not text.endswith((".", ";", ":"))
        and (widest_line(paragraph) <= layout.available(paragraph))
    )


def _is_structural(paragraph: Paragraph) -> bool:
    """Lines ND30 centres that are not body text: the authority line and "QUYẾT ĐỊNH:" of a
    Quyết định, headings of a Phần, Chương or Mục (and the caption under them)."""
    text = clean(paragraph.text)
    return paragraph.alignment == "center" and (is_caps(text) or bool(_PART_HEADING.match(text)))


_PART_HEADING = re.compile(r"^(Phần|Chương|Mục)\s+([IVXLC]+|\d+)\b")


def _text(layout: Layout) -> list[Paragraph]:
    """The body paragraphs that are running text (headings and centred lines aside)."""
    return [p for p in layout.body if not _is_heading(layout, p) and not _is_structural(p)]


def _lead(paragraph: Paragraph) -> int:
    """How far, in twips, the first line's text starts from the paragraph's left indent:
    the first-line indent, then any tabs the line starts with (to Word's default stops,
    every 1,27 cm). A stray space is not counted."""
    position = paragraph.left_indent + paragraph.first_line_indent
    text = paragraph.text.lstrip(" \xa0")
    for _ in range(len(text) - len(text.lstrip("\t"))):
        position = (position // DEFAULT_TAB + 1) * DEFAULT_TAB
    return position - paragraph.left_indent


def _body_found(layout: Layout, primary: bool = False) -> Iterator[Issue]:
    """A failure (``primary``) or a warning when the body was not found."""
    if not layout.body:
        report = missing if primary else unchecked
        yield from report("phần nội dung", "các đoạn nội dung sau trích yếu")


def body_size(layout: Layout) -> Iterator[Issue]:
    """Body paragraphs in 13-14 pt."""
    yield from _body_found(layout, primary=True)
    for p in layout.body:
        yield from format_issues(p, "nội dung", sizes=nd30.BODY_SIZE)


def body_alignment(layout: Layout) -> Iterator[Issue]:
    """Body text justified (headings and centred structural lines aside). A left-aligned
    paragraph that fits on one line prints as a justified one, and passes."""
    yield from _body_found(layout)
    for p in _text(layout):
        one_line = widest_line(p) + twips_to_pt(max(0, _lead(p))) <= layout.available(p)
        if p.alignment == "left" and one_line:
            continue
        yield from format_issues(p, "nội dung", align="both")


def body_indent(layout: Layout) -> Iterator[Issue]:
    """First-line indent from 1 cm to 1,27 cm (± 0.5 mm), headings aside; a leading Tab
    counts as the indent it prints (1,27 cm at Word's default stops)."""
    yield from _body_found(layout)
    low, high = INDENTS
    for p in _text(layout):
        indent = _lead(p)
        if low - INDENT_TOLERANCE <= indent <= high + INDENT_TOLERANCE:
            continue
        found = f"thụt đầu dòng {so(twips_to_mm(indent) / 10, 2)} cm"
        yield Issue(FAIL, locate(p, "nội dung"), found, INDENT_RULE)


def paragraph_spacing(layout: Layout) -> Iterator[Issue]:
    """At least 6 pt between body paragraphs (space after one plus space before the next)."""
    yield from _body_found(layout)
    for first, second in zip(layout.body, layout.body[1:], strict=False):
        if _is_structural(first) or _is_structural(second):
            continue
        same = first.style_id == second.style_id
        after = 0 if same and first.contextual_spacing else first.space_after
        before = 0 if same and second.contextual_spacing else second.space_before
        if after + before < MIN_PARAGRAPH_GAP:
            found = f"cách đoạn trước {pt_text(twips_to_pt(after + before))}"
            yield Issue(FAIL, locate(second, "nội dung"), found, GAP_RULE)


def line_spacing(layout: Layout) -> Iterator[Issue]:
    """Line spacing from single to 1.5 lines (exact heights judged against the font size)."""
    yield from _body_found(layout)
    for p in layout.body:
        spacing = p.line_spacing
        if spacing.rule == "auto":
            low, high = nd30.LINE_SPACING
            good = low - PT_TOLERANCE <= spacing.value <= high + PT_TOLERANCE
            found = f"giãn dòng {so(spacing.value, 2)} dòng"
        else:
            size = max((r.size for r in text_runs(p)), default=13.0)
            good = size <= spacing.value <= size * 1.15 * nd30.LINE_SPACING[1] + 0.5
            found = (
                f"giãn dòng {'chính xác' if spacing.rule == 'exact' else 'tối thiểu'} "
                + pt_text(spacing.value)
            )
        if not good:
            yield Issue(FAIL, locate(p, "nội dung"), found, SPACING_RULE)


def headings(layout: Layout) -> Iterator[Issue]:
    """``I. …`` headings upper case and bold; ``1. …`` khoản titles bold (in the kinds that
    have such headings: Báo cáo, Kế hoạch…)."""
    yield from _body_found(layout)
    for p in layout.body:
        text = clean(p.text)
        if ROMAN_HEADING.match(text):
            yield from format_issues(p, "đề mục La Mã", bold=True, upper=True)
        elif _is_heading(layout, p):
            runs = text_runs(p)
            if runs and not runs[0].bold:
                yield Issue(FAIL, locate(p, "tên khoản"), f"«{text[:40]}» không đậm", "chữ đậm")


_DECIDES = re.compile(r"^QUYẾT (ĐỊNH|NGHỊ)\s*:?$")


def authority(layout: Layout) -> Iterator[Issue]:
    """Quyết định, Nghị quyết: the authority line ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …") first,
    and "QUYẾT ĐỊNH:" (or "QUYẾT NGHỊ:") before the articles: upper case, bold, centred,
    13-14 pt."""
    yield from _body_found(layout)
    decides = next((p for p in layout.body if _DECIDES.match(fold(p.text))), None)
    word = "QUYẾT NGHỊ" if layout.kind.name == "Nghị quyết" else "QUYẾT ĐỊNH"
    if decides is None and layout.body:
        yield from missing(f"«{word}:»", f"«{word}:» in hoa, đậm, căn giữa, trước các điều")
    first = [p for p in layout.body[:1] if p is not decides and is_caps(p.text)]
    if layout.body and not first:
        yield from missing(
            "thẩm quyền ban hành", "dòng thẩm quyền (CHỦ TỊCH ỦY BAN NHÂN DÂN …) trước các căn cứ"
        )
    lines = [(p, "thẩm quyền ban hành") for p in first]
    lines += [(decides, f"«{word}:»")] if decides is not None else []
    for p, what in lines:
        yield from format_issues(
            p, what, sizes=nd30.BODY_SIZE, bold=True, upper=True, align="center"
        )


def body_end(layout: Layout) -> Iterator[Issue]:
    """The body ends with ``./.``."""
    yield from _body_found(layout)
    if layout.body:
        last = layout.body[-1]
        text = clean(last.text)
        if not text.endswith(nd30.BODY_END):
            yield Issue(FAIL, locate(last, "cuối nội dung"), f"«…{text[-20:]}»", "kết thúc «./.»")
