"""Rules of the page: paper, margins, fonts, colour, language and page numbers."""

from __future__ import annotations

from collections.abc import Iterator

from bdt_docx.check.common import (
    A4,
    ALIGN_NAMES,
    FONT,
    MARGINS,
    MM_TOLERANCE,
    locate,
    pt_text,
    text_runs,
    within,
)
from bdt_docx.check.layout import Layout
from bdt_docx.check.report import FAIL, WARN, Issue
from bdt_docx.filters import so
from bdt_docx.formatting import HeaderPart, Paragraph, twips_to_mm


def paper(layout: Layout) -> Iterator[Issue]:
    """Every section is A4 portrait."""
    for number, section in enumerate(layout.document.sections, 1):
        size = (section.page_width or 0, section.page_height or 0)
        portrait = section.orientation == "portrait"
        if any(abs(a - b) > 20 for a, b in zip(size, A4, strict=True)) or not portrait:
            found = f"{so(twips_to_mm(size[0]), 1)} x {so(twips_to_mm(size[1]), 1)} mm"
            found += "" if portrait else ", trang ngang"
            yield Issue(FAIL, f"mục {number}", f"khổ {found}", "A4 dọc 210 x 297 mm")


def margins(layout: Layout) -> Iterator[Issue]:
    """Page margins within the decree's ranges."""
    names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
    for number, section in enumerate(layout.document.sections, 1):
        for side, bounds in MARGINS.items():
            value = twips_to_mm(section.margin(side) or 0)
            if not within(value, bounds, MM_TOLERANCE):
                yield Issue(
                    FAIL,
                    f"mục {number}",
                    f"lề {names[side]} {so(value, 1)} mm",
                    f"lề {names[side]} {bounds[0]}-{bounds[1]} mm",
                )


def _all_paragraphs(layout: Layout) -> Iterator[Paragraph]:
    """The body's paragraphs, then those of every header and footer part (once each)."""
    yield from layout.document.paragraphs
    seen: set[str] = set()
    for section in layout.document.sections:
        for part in [*section.headers.values(), *section.footers.values()]:
            if part.name not in seen:
                seen.add(part.name)
                yield from part.paragraphs


def font_name(layout: Layout) -> Iterator[Issue]:
    """Times New Roman for every run with text (ASCII and other Latin text alike)."""
    for paragraph in _all_paragraphs(layout):
        fonts: set[str] = set()
        for run in text_runs(paragraph):
            if any(ord(c) < 128 for c in run.text.strip()):
                fonts.add(run.font or "không đặt")
            if any(ord(c) >= 128 for c in run.text):
                fonts.add(run.font_hansi or "không đặt")
        wrong = sorted(fonts - {FONT})
        if wrong:
            yield Issue(FAIL, locate(paragraph), "phông " + ", ".join(wrong), FONT)


def font_colour(layout: Layout) -> Iterator[Issue]:
    """Black text (``auto`` or ``000000``) everywhere."""
    for paragraph in _all_paragraphs(layout):
        colours = {r.colour for r in text_runs(paragraph)} - {"auto", "000000"}
        if colours:
            yield Issue(FAIL, locate(paragraph), "màu " + ", ".join(sorted(colours)), "màu đen")


def language(layout: Layout) -> Iterator[Issue]:
    """The document's default language is Vietnamese (a warning only)."""
    lang = layout.document.language
    if lang is None or lang.lower() != "vi-vn":
        found = "không đặt ngôn ngữ" if lang is None else f"ngôn ngữ {lang}"
        yield Issue(WARN, "mặc định của văn bản (docDefaults)", found, "vi-VN")


def _page_fields(part: HeaderPart | None) -> list[Paragraph]:
    """Paragraphs of ``part`` holding a ``PAGE`` field."""
    if part is None:
        return []
    return [p for p in part.paragraphs if any(_is_page(f) for f in p.fields)]


def _is_page(instruction: str) -> bool:
    return instruction.split()[:1] == ["PAGE"]


def first_page_number(layout: Layout) -> Iterator[Issue]:
    """No number on page 1: ``w:titlePg`` set and no PAGE field in the first-page header."""
    section = layout.section
    if not section.title_page:
        found = "trang đầu dùng chung đầu trang (không có titlePg)"
        yield Issue(FAIL, "mục 1", found, "trang đầu có đầu trang riêng, không số trang")
    elif _page_fields(section.headers.get("first")):
        yield Issue(FAIL, "đầu trang của trang đầu", "có số trang", "không đánh số trang đầu")


def page_number_format(layout: Layout) -> Iterator[Issue]:
    """A PAGE field in the default header, centred, 13-14 pt, upright."""
    section = layout.section
    paragraphs = _page_fields(section.headers.get("default"))
    if not paragraphs:
        in_footer = any(_page_fields(f) for f in section.footers.values())
        found = "số trang ở chân trang" if in_footer else "không có trường PAGE ở đầu trang"
        yield Issue(FAIL, "đầu trang mặc định", found, "số trang ở giữa đầu trang")
        return
    for p in paragraphs:
        runs = text_runs(p) or p.runs
        if any(not within(r.size, (13, 14)) for r in runs):
            found = "cỡ chữ " + ", ".join(sorted({pt_text(r.size) for r in runs}))
            yield Issue(FAIL, locate(p, "số trang"), found, "cỡ chữ 13-14 pt")
        if any(r.italic for r in runs):
            yield Issue(FAIL, locate(p, "số trang"), "chữ nghiêng", "chữ đứng")
        if p.alignment != "center":
            align = ALIGN_NAMES.get(p.alignment, p.alignment)
            yield Issue(FAIL, locate(p, "số trang"), f"căn lề «{align}»", "căn giữa")
