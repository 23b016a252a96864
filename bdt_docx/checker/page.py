"""Rules of the page: paper, margins, fonts, colour, language and page numbers."""

from __future__ import annotations

from collections.abc import Iterator

import bdt_docx.nd30 as nd30
from bdt_docx.checker.common import (
    A4,
    ALIGN_NAMES,
    FONT,
    MARGINS,
    MM_TOLERANCE,
    locate,
    pt_text,
    size_range,
    span,
    text_runs,
    within,
)
from bdt_docx.checker.layout import Layout
from bdt_docx.checker.report import FAIL, WARN, Issue
from bdt_docx.document import HeaderPart, Paragraph, Section, twips_to_mm
from bdt_docx.filters import so

#: Paper sizes a document may be set on, in twips (short side, long side).
PAPERS = {
    "A4": A4,
    "A5": (8391, 11906),
    "A3": (16838, 23811),
    "Letter": (12240, 15840),
    "Legal": (12240, 20160),
}
_SIDES = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
#: Margins of a landscape section (an appendix turned for a wide table, which Phụ lục I
#: allows). ND30 gives the margins of a portrait page; on a landscape one the bound edge
#: may be the left or the bottom, so top and bottom may go to 35 mm, and a left margin
#: under 30 mm is a warning, not an error.
LANDSCAPE_MARGINS = {"top": (20, 35), "bottom": (20, 35), "left": (15, 35), "right": (15, 20)}


def _paper_name(size: tuple[int, int]) -> str:
    short, long = sorted(size)
    for name, (a, b) in PAPERS.items():
        if abs(short - a) <= 20 and abs(long - b) <= 20:
            return name
    return "khác A4"


def paper(layout: Layout) -> Iterator[Issue]:
    """Every section on A4; the first one portrait (later ones may be landscape for a wide
    table, as Phụ lục I allows)."""
    for number, section in enumerate(layout.document.sections, 1):
        size = (section.page_width or 0, section.page_height or 0)
        short, long = sorted(size)
        name = _paper_name(size)
        if name != "A4":
            found = f"khổ {name} {so(twips_to_mm(short), 1)} x {so(twips_to_mm(long), 1)} mm"
            yield Issue(FAIL, f"mục {number}", found, "khổ A4 (210 x 297 mm)")
        landscape = section.orientation == "landscape" or size[0] > size[1]
        if number == 1 and landscape:
            yield Issue(
                FAIL, "mục 1", "trang ngang", "trang dọc (trang ngang chỉ cho bảng rộng ở phụ lục)"
            )


def margins(layout: Layout) -> Iterator[Issue]:
    """Page margins within the decree's ranges (those of a landscape section: see
    :data:`LANDSCAPE_MARGINS`)."""
    for number, section in enumerate(layout.document.sections, 1):
        size = (section.page_width or 0, section.page_height or 0)
        landscape = number > 1 and (section.orientation == "landscape" or size[0] > size[1])
        for side, bounds in (LANDSCAPE_MARGINS if landscape else MARGINS).items():
            value = twips_to_mm(section.margin(side) or 0)
            found = f"lề {_SIDES[side]} {so(value, 1)} mm"
            expected = f"lề {_SIDES[side]} {bounds[0]}-{bounds[1]} mm"
            expected += " (trang ngang)" if landscape else ""
            if not within(value, bounds, MM_TOLERANCE):
                yield Issue(FAIL, f"mục {number}", found, expected)
            elif landscape and side == "left" and not within(value, MARGINS["left"], MM_TOLERANCE):
                found += " (trang ngang)"
                expected = f"lề trái {span(MARGINS['left'])} mm như trang dọc"
                yield Issue(WARN, f"mục {number}", found, expected)


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


def _numbered_first_page(section: Section) -> list[Paragraph]:
    """The PAGE fields that print on the first page of ``section``."""
    kind = "first" if section.title_page else "default"
    parts = [section.headers.get(kind), section.footers.get(kind)]
    return [p for part in parts for p in _page_fields(part)]


def first_page_number(layout: Layout) -> Iterator[Issue]:
    """No number on page 1 (``w:titlePg`` with a first-page header without PAGE)."""
    for p in _numbered_first_page(layout.section):
        where = locate(p, "số trang")
        yield Issue(FAIL, where, "trang 1 có số trang", "không đánh số trang đầu (titlePg)")


def page_number_format(layout: Layout) -> Iterator[Issue]:
    """From page 2, a PAGE field in the header, centred, 13-14 pt, upright. A document of
    one page (as the program that saved it counted) needs none."""
    section = layout.section
    paragraphs = _page_fields(section.headers.get("default"))
    if not paragraphs:
        pages = layout.document.saved_pages
        if pages == 1:
            return
        in_footer = any(_page_fields(f) for f in section.footers.values())
        found = "số trang ở chân trang" if in_footer else "không có số trang ở đầu trang"
        if pages is None:
            found += " (không rõ văn bản có mấy trang)"
        verdict = FAIL if pages else WARN
        yield Issue(verdict, "đầu trang mặc định", found, "số trang ở giữa đầu trang, từ trang 2")
        return
    for p in paragraphs:
        runs = text_runs(p) or p.runs
        if any(not within(r.size, nd30.PAGE_NUMBER_SIZE) for r in runs):
            found = "cỡ chữ " + ", ".join(sorted({pt_text(r.size) for r in runs}))
            yield Issue(FAIL, locate(p, "số trang"), found, size_range(nd30.PAGE_NUMBER_SIZE))
        if any(r.italic for r in runs):
            yield Issue(FAIL, locate(p, "số trang"), "chữ nghiêng", "chữ đứng")
        if p.alignment != "center":
            align = ALIGN_NAMES.get(p.alignment, p.alignment)
            yield Issue(FAIL, locate(p, "số trang"), f"căn lề «{align}»", "căn giữa")
