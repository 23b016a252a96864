"""Runs and paragraphs, with the formatting that applies once the style hierarchy is resolved.

A :class:`Run` resolves its character formatting (font, size, bold, colour…) from its direct
``w:rPr``, then its character style, its paragraph's style, its table's style and the
document defaults; a :class:`Paragraph` its paragraph formatting (alignment, indents,
spacing, borders) the same way, and gives its text, fields, drawn lines and its place.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from lxml import etree

from bdt_docx.document.values import (
    OFF,
    TWIPS_PER_PT,
    Border,
    LineSpacing,
    child_of,
    edge_of,
    emu_to_pt,
    first_attribute,
    integer,
    on,
    on_in,
    twips_to_pt,
    w,
)
from bdt_docx.namespaces import NS, qn

if TYPE_CHECKING:
    from bdt_docx.document.stories import Story
    from bdt_docx.document.tables import Cell

__all__ = ["DEFAULT_SIZE", "Paragraph", "Run"]

#: Size in points when nothing in the style hierarchy sets ``w:sz``.
DEFAULT_SIZE = 10.0
# Runs inside these are not part of the paragraph that holds them (deleted text, the
# fallback copy of a drawing, the paragraphs of a text box).
_NOT_IN_PARAGRAPH = {qn("w:del"), qn("mc:Fallback"), qn("w:txbxContent")}
_VML_UNITS = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, "pc": 12.0}


class Run:
    """A run (``w:r``) and its effective character formatting."""

    def __init__(self, element: etree._Element, paragraph: Paragraph) -> None:
        self.element = element
        self.paragraph = paragraph

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(w("rPr"))

    @cached_property
    def style_id(self) -> str | None:
        """The character style (``w:rStyle``) of the run, if any."""
        style = child_of(self._direct, "rStyle")
        return None if style is None else style.get(w("val"))

    @cached_property
    def _style_levels(self) -> list[list[etree._Element]]:
        """``rPr`` blocks of each style level: character, paragraph and table style chains."""
        styles = self.paragraph.story.styles
        levels = [styles.properties(self.style_id, "character", "rPr")]
        levels += [self.paragraph.style_properties("rPr")]
        levels += [self.paragraph.table_style_properties("rPr")]
        return levels

    @cached_property
    def _levels(self) -> list[etree._Element]:
        """Every ``rPr`` that can set a property, strongest first."""
        default = self.paragraph.story.styles.default_run
        levels = [self._direct] + [p for level in self._style_levels for p in level] + [default]
        return [p for p in levels if p is not None]

    def _toggle(self, tag: str) -> bool:
        """A toggle property (``b``, ``i``, ``caps``): direct value, else XOR of style levels."""
        direct = on(child_of(self._direct, tag))
        if direct is not None:
            return direct
        found = [on_in(level, tag) for level in self._style_levels]
        if any(value is not None for value in found):
            return sum(bool(value) for value in found) % 2 == 1
        default = on(child_of(self.paragraph.story.styles.default_run, tag))
        return bool(default)

    @cached_property
    def text(self) -> str:
        """The run's text: ``w:t``; ``w:tab`` as a tab; ``w:br``, ``w:cr`` as a newline."""
        pieces = []
        for child in self.element:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "t":
                pieces.append(child.text or "")
            elif tag in ("tab", "ptab"):
                pieces.append("\t")
            elif tag in ("br", "cr"):
                pieces.append("\n")
            elif tag == "noBreakHyphen":
                pieces.append("-")
        return "".join(pieces)

    def _font(self, attribute: str) -> str | None:
        found = first_attribute(self._levels, "rFonts", f"{attribute}Theme", attribute)
        if found is None:
            return None
        name, value = found
        return self.paragraph.story.theme.font(value) if name.endswith("Theme") else value

    @cached_property
    def font(self) -> str | None:
        """The font of ASCII text (``w:ascii``/``w:asciiTheme``); None when nothing sets it."""
        return self._font("ascii")

    @cached_property
    def font_hansi(self) -> str | None:
        """The font of other Latin text, Vietnamese letters included (``w:hAnsi``)."""
        return self._font("hAnsi")

    @cached_property
    def size(self) -> float:
        """Font size in points (``w:sz`` / 2); 10 when nothing sets it."""
        found = first_attribute(self._levels, "sz", "val")
        half_points = None if found is None else integer(found[1])
        return DEFAULT_SIZE if half_points is None else half_points / 2

    @cached_property
    def bold(self) -> bool:
        """Whether the run is bold (``w:b``, a toggle property)."""
        return self._toggle("b")

    @cached_property
    def italic(self) -> bool:
        """Whether the run is italic (``w:i``, a toggle property)."""
        return self._toggle("i")

    @cached_property
    def caps(self) -> bool:
        """Whether the run is shown in capitals (``w:caps``, a toggle property)."""
        return self._toggle("caps")

    @cached_property
    def colour(self) -> str:
        """``auto`` or the RGB hex (upper case) of the text; theme colours resolved."""
        found = first_attribute(self._levels, "color", "themeColor", "val")
        if found is None:
            return "auto"
        name, value = found
        if name == "themeColor":
            value = self.paragraph.story.theme.colour(value) or "auto"
        return value if value == "auto" else value.upper()

    @cached_property
    def underline(self) -> str:
        """The underline style (``single``, ``double``…), ``none`` when not underlined."""
        found = first_attribute(self._levels, "u", "val")
        return "none" if found is None else found[1]

    @cached_property
    def language(self) -> str | None:
        """The language of Latin text (``w:lang/@w:val``, e.g. ``vi-VN``)."""
        found = first_attribute(self._levels, "lang", "val")
        return None if found is None else found[1]

    @property
    def shown_text(self) -> str:
        """The text as printed: upper case when the run has ``w:caps``."""
        return self.text.upper() if self.caps else self.text


class Paragraph:
    """A paragraph (``w:p``) and its effective paragraph formatting."""

    def __init__(
        self,
        element: etree._Element,
        story: Story,
        index: int,
        cell: Cell | None = None,
        number: int = 1,
        anchor: Paragraph | None = None,
    ) -> None:
        self.element = element
        self.story = story
        """What the paragraphs of its part share: stylesheet, theme, the part's name and
        label."""
        self.index = index
        """Position of the paragraph in its part, from 0, in document order (a text box's
        paragraph has the index of the paragraph holding the box)."""
        self.cell = cell
        """The table cell holding the paragraph, None outside tables."""
        self.number = number
        """Its number, from 1, among the paragraphs outside tables of its part, or among
        the paragraphs of its cell, or of the text boxes of its :attr:`anchor`."""
        self.anchor = anchor
        """The paragraph whose text box holds this one, None for the part's own paragraphs."""

    def __repr__(self) -> str:
        return f"<Paragraph {self.place!r} {self.text[:30]!r}>"

    @property
    def place(self) -> str:
        """Where the paragraph is, as a clerk finds it in Word: ``đoạn 12``, ``bảng 1, hàng
        2, ô 1`` (``…, đoạn 2`` when the cell has several), ``đầu trang (header1.xml), đoạn
        1`` (:mod:`bdt_docx.document` explains the numbering). Every command names a
        paragraph this way."""
        return self.story.locate(self._where)

    @property
    def _where(self) -> str:
        if self.anchor is not None:
            several = len(self.anchor.text_box_paragraphs) > 1
            return f"{self.anchor._where}, khung chữ" + (f", đoạn {self.number}" if several else "")
        if self.cell is None:
            return f"đoạn {self.number}"
        cell = self.cell
        where = f"{cell.row.where}, ô {cell.index + 1}"
        return where + (f", đoạn {self.number}" if len(cell.paragraphs) > 1 else "")

    @cached_property
    def text_box_paragraphs(self) -> list[Paragraph]:
        """The paragraphs of the text boxes anchored in this one (both copies Word writes of
        a box, the drawing and its ``mc:Fallback``), in order; not among the part's
        paragraphs."""
        found = [
            p
            for p in self.element.iter(w("p"))
            if p is not self.element and next(p.iterancestors(w("p"))) is self.element
        ]
        return [
            Paragraph(p, self.story, self.index, self.cell, number, self)
            for number, p in enumerate(found, 1)
        ]

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(w("pPr"))

    @cached_property
    def style_id(self) -> str | None:
        """The paragraph style (``w:pStyle``), or the default paragraph style's id."""
        style = child_of(self._direct, "pStyle")
        if style is not None:
            return style.get(w("val"))
        return self.story.styles.default_style("paragraph")

    def style_properties(self, tag: str) -> list[etree._Element]:
        """The ``pPr`` or ``rPr`` blocks along the paragraph style chain."""
        return self.story.styles.properties(self.style_id, "paragraph", tag)

    def table_style_properties(self, tag: str) -> list[etree._Element]:
        """The ``pPr`` or ``rPr`` blocks of the table style chain (empty outside tables)."""
        if self.cell is None:
            return []
        return self.story.styles.properties(self.cell.table.style_id, "table", tag)

    @cached_property
    def _levels(self) -> list[etree._Element]:
        """Every ``pPr`` that can set a property, strongest first."""
        levels = [self._direct, *self.style_properties("pPr")]
        levels += [*self.table_style_properties("pPr"), self.story.styles.default_paragraph]
        return [p for p in levels if p is not None]

    @cached_property
    def runs(self) -> list[Run]:
        """Every run of the paragraph, in order: those in hyperlinks, fields, insertions
        and content controls included; deleted runs and text-box contents excluded."""
        return [Run(r, self) for r in self.element.iter(w("r")) if self._owns(r)]

    def _owns(self, element: etree._Element) -> bool:
        for ancestor in element.iterancestors():
            if ancestor is self.element:
                return True
            if ancestor.tag in _NOT_IN_PARAGRAPH or ancestor.tag == w("p"):
                return False
        return False

    @cached_property
    def text(self) -> str:
        """The paragraph's text, field results included (instructions excluded)."""
        return "".join(run.text for run in self.runs)

    @property
    def shown_text(self) -> str:
        """The text as printed (runs with ``w:caps`` in upper case)."""
        return "".join(run.shown_text for run in self.runs)

    @cached_property
    def fields(self) -> list[str]:
        """The instructions of the fields in the paragraph (``PAGE``, ``DATE \\@ …``)."""
        simple = [f.get(w("instr"), "").strip() for f in self.element.iter(w("fldSimple"))]
        complex_fields: list[str] = []
        current: list[str] | None = None
        for run in self.runs:
            for child in run.element:
                if child.tag == w("fldChar"):
                    kind = child.get(w("fldCharType"))
                    if kind == "begin":
                        current = []
                    elif kind in ("separate", "end") and current is not None:
                        complex_fields.append("".join(current).strip())
                        current = None
                elif child.tag == w("instrText") and current is not None:
                    current.append(child.text or "")
        return simple + complex_fields

    @cached_property
    def alignment(self) -> str:
        """``left``, ``center``, ``right``, ``both`` (justified), ``distribute``…

        ``start``/``end`` are reported as ``left``/``right``; ``left`` when nothing sets it.
        """
        found = first_attribute(self._levels, "jc", "val")
        value = "left" if found is None else found[1]
        return {"start": "left", "end": "right"}.get(value, value)

    def _indent(self, *attrs: str) -> int:
        found = first_attribute(self._levels, "ind", *attrs)
        return 0 if found is None else integer(found[1], 0) or 0

    @cached_property
    def first_line_indent(self) -> int:
        """First-line indent in twips; negative for a hanging indent."""
        found = first_attribute(self._levels, "ind", "hanging", "firstLine")
        if found is None:
            return 0
        value = integer(found[1], 0) or 0
        return -value if found[0] == "hanging" else value

    @cached_property
    def left_indent(self) -> int:
        """Left indent in twips (``w:left`` or ``w:start``)."""
        return self._indent("start", "left")

    @cached_property
    def right_indent(self) -> int:
        """Right indent in twips (``w:right`` or ``w:end``)."""
        return self._indent("end", "right")

    def _spacing(self, side: str) -> int:
        found = first_attribute(self._levels, "spacing", f"{side}Autospacing", side)
        if found is None:
            return 0
        if found[0].endswith("Autospacing"):
            if found[1].lower() not in OFF:
                return 14 * TWIPS_PER_PT  # Word's automatic spacing: 14 pt
            found = first_attribute(self._levels, "spacing", side)
        return 0 if found is None else integer(found[1], 0) or 0

    @cached_property
    def space_before(self) -> int:
        """Spacing before the paragraph in twips (``w:spacing/@w:before``)."""
        return self._spacing("before")

    @cached_property
    def space_after(self) -> int:
        """Spacing after the paragraph in twips (``w:spacing/@w:after``)."""
        return self._spacing("after")

    @cached_property
    def contextual_spacing(self) -> bool:
        """Whether spacing is ignored between paragraphs of the same style."""
        return bool(on_in(self._levels, "contextualSpacing"))

    @cached_property
    def line_spacing(self) -> LineSpacing:
        """The line spacing; single (``1.0``, ``auto``) when nothing sets it."""
        line = first_attribute(self._levels, "spacing", "line")
        rule = first_attribute(self._levels, "spacing", "lineRule")
        value = integer(line[1], 240) if line else 240
        kind = rule[1] if rule else "auto"
        if kind == "auto":
            return LineSpacing((value or 240) / 240, "auto")
        return LineSpacing(twips_to_pt(value or 0), kind)

    @cached_property
    def keep_next(self) -> bool:
        """Whether the paragraph is kept on the same page as the next (``w:keepNext``)."""
        return bool(on_in(self._levels, "keepNext"))

    def border(self, edge: str) -> Border | None:
        """The paragraph border on ``edge`` (``top``, ``bottom``, ``left``, ``right``)."""
        return Border.of(edge_of([child_of(level, "pBdr") for level in self._levels], edge))

    @property
    def border_bottom(self) -> Border | None:
        """The bottom border (a short line under a heading is often one)."""
        return self.border("bottom")

    @property
    def border_top(self) -> Border | None:
        """The top border."""
        return self.border("top")

    @cached_property
    def drawn_lines(self) -> list[float]:
        """Lengths in points of the lines drawn in the paragraph.

        DrawingML shapes whose geometry is a line or a connector (``wp:extent/@cx``), or
        whose height is 0, and VML ``v:line`` elements (``from``/``to``).
        """
        lengths = []
        for run in self.runs:
            for shape in run.element.iter(w("drawing"), qn("v:line")):
                if any(a.tag in _NOT_IN_PARAGRAPH for a in shape.iterancestors()):
                    continue
                if shape.tag == w("drawing"):
                    length = _drawing_line(shape)
                    if length is not None:
                        lengths.append(length)
                else:
                    lengths.append(_vml_length(shape.get("from", "0,0"), shape.get("to", "0,0")))
        return lengths


def _drawing_line(drawing: etree._Element) -> float | None:
    """Length in points of a DrawingML line (a line or connector, or a shape 0 high)."""
    extent = drawing.find(".//wp:extent", NS)
    if extent is None:
        return None
    geometry = drawing.find(".//a:prstGeom", NS)
    is_line = geometry is not None and geometry.get("prst", "") in ("line", "straightConnector1")
    if is_line or integer(extent.get("cy"), 1) == 0:
        return emu_to_pt(integer(extent.get("cx"), 0) or 0)
    return None


def _vml_point(text: str) -> tuple[float, float]:
    """A VML point ``"10pt,2.5pt"`` in points (bare numbers are pixels)."""
    coordinates = []
    for piece in [*text.split(","), "0"][:2]:
        match = re.fullmatch(r"\s*(-?\d{0,9}(?:\.\d{0,9})?)\s*([a-z]*)\s*", piece)
        if not match or match[1] in ("", "-", ".", "-."):
            coordinates.append(0.0)
            continue
        coordinates.append(float(match[1]) * _VML_UNITS.get(match[2] or "px", 0.75))
    return coordinates[0], coordinates[1]


def _vml_length(start: str, end: str) -> float:
    (x1, y1), (x2, y2) = _vml_point(start), _vml_point(end)
    return float(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5)
