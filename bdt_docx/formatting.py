"""Effective formatting of a .docx, resolved the way Word resolves it.

A small read-only layer over lxml, in the style of python-docx: :class:`Document` opens a
.docx (a path or its bytes) and gives its :class:`Section` s (page size, margins, headers),
its paragraphs in document order (those inside tables included, each knowing its
:class:`Cell`), its tables, and for every :class:`Paragraph` and :class:`Run` the properties
that apply once the style hierarchy is resolved:

    direct formatting → character style (``w:rStyle`` and its ``w:basedOn`` chain)
    → paragraph style chain (``w:pStyle``, or the default paragraph style)
    → table style chain (``w:tblStyle``, or the default table style, inside a table)
    → document defaults (``w:docDefaults``)

Theme fonts (``w:asciiTheme="minorHAnsi"``) are resolved through the theme part's major and
minor Latin fonts, and theme colours through its colour scheme. The toggle properties
(bold, italic, caps) follow the specification's rule approximately: a direct value wins;
otherwise each style level (character, paragraph, table style) contributes the value found
along its ``basedOn`` chain and the levels that turn it on cancel out in pairs (XOR); with
no style value the document default applies. Numbering, conditional table formatting
(``w:tblStylePr``) and tracked formatting changes are not resolved.

Lengths are in twips (1/20 pt; 1 cm = 567 twips) as in the file, font sizes in points.
The package is read with :class:`bdt_docx.package.Package`: every part's inflated size is
bounded, XML with a ``<!DOCTYPE`` is refused and parsing is strict, without entities or
network access. A file that is not a readable .docx raises :class:`DocumentError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lxml import etree

from bdt_docx.errors import DocumentError
from bdt_docx.namespaces import (
    EXTENDED_PROPERTIES,
    NS,
    REL_OFFICE_DOCUMENT,
    REL_STYLES,
    REL_THEME,
    qn,
)
from bdt_docx.package import Package, PackageError, Relationship

__all__ = [
    "NS",
    "Border",
    "Cell",
    "Document",
    "HeaderPart",
    "LineSpacing",
    "Paragraph",
    "Row",
    "Run",
    "Section",
    "StyleSheet",
    "Table",
    "Theme",
    "emu_to_pt",
    "twips_to_mm",
    "twips_to_pt",
]

#: Twips per point, EMU per point.
TWIPS_PER_PT = 20
EMU_PER_PT = 12700
#: Word's cell margin (left and right) when neither the table nor its style sets one.
DEFAULT_CELL_MARGIN = 108
#: Size in points when nothing in the style hierarchy sets ``w:sz``.
DEFAULT_SIZE = 10.0

_OFF = {"0", "false", "off", "none"}
_NO_BORDER = {"nil", "none"}
_BORDER_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")
# Theme colour names in w:themeColor → the slot of a:clrScheme.
_THEME_COLOUR_SLOTS = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1",
    "text2": "dk2", "dark2": "dk2", "background2": "lt2", "light2": "lt2",
}  # fmt: skip
# Runs inside these are not part of the paragraph that holds them (deleted text, the
# fallback copy of a drawing, the paragraphs of a text box).
_NOT_IN_PARAGRAPH = {qn("w:del"), qn("mc:Fallback"), qn("w:txbxContent")}
_LOGICAL_EDGES = {"left": "start", "right": "end"}
_VML_UNITS = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75, "pc": 12.0}


def _w(tag: str) -> str:
    """Clark name of a WordprocessingML tag: ``_w("p")`` → ``{…/main}p``."""
    return qn(f"w:{tag}")


def twips_to_pt(twips: float) -> float:
    """Points in a length given in twips."""
    return twips / TWIPS_PER_PT


def twips_to_mm(twips: float) -> float:
    """Millimetres in a length given in twips."""
    return twips * 25.4 / 1440


def emu_to_pt(emu: float) -> float:
    """Points in a length given in English Metric Units (DrawingML)."""
    return emu / EMU_PER_PT


#: Largest magnitude an integer attribute may have; beyond it (``1e999``, ``inf``, a
#: 5,000-digit number) the attribute is treated as unusable, like a malformed one.
MAX_ATTRIBUTE = 10**9


def _int(value: str | None, default: int | None = None) -> int | None:
    """An integer attribute (``"567"``; Word also writes ``"567.0"``), or ``default`` when it
    is absent, malformed, not finite or beyond :data:`MAX_ATTRIBUTE`."""
    if value is None or len(value) > 32:
        return default
    try:
        number = float(value)
    except ValueError:
        return default
    return round(number) if abs(number) <= MAX_ATTRIBUTE else default


def _on(element: etree._Element | None) -> bool | None:
    """The value of an on/off element (``<w:b/>`` is on), or None when it is absent."""
    if element is None:
        return None
    return element.get(_w("val"), "true").lower() not in _OFF


def _child(element: etree._Element | None, tag: str) -> etree._Element | None:
    """The first ``w:tag`` child of ``element`` (None when either is missing)."""
    return None if element is None else element.find(_w(tag))


def _attr(levels: Iterable[etree._Element], tag: str, *attrs: str) -> tuple[str, str] | None:
    """The first of ``attrs`` set on a ``w:tag`` child, searching ``levels`` in order.

    Each attribute is inherited on its own (a style setting only ``w:after`` leaves
    ``w:before`` to the levels below). Within one level ``attrs`` are tried in order, so a
    theme font listed first beats the plain font of the same level. Returns the attribute's
    local name and value.
    """
    for level in levels:
        child = level.find(_w(tag))
        if child is None:
            continue
        for name in attrs:
            value = child.get(_w(name))
            if value is not None:
                return name, value
    return None


def _edge(boxes: Iterable[etree._Element | None], edge: str) -> etree._Element | None:
    """The first element for ``edge`` among border or margin boxes, strongest first.

    ``boxes`` are ``w:pBdr``, ``w:tblBorders``, ``w:tblCellMar``… of successive levels
    (None where a level has none); ``left``/``right`` also match ``start``/``end``.
    """
    names = (edge, _LOGICAL_EDGES.get(edge, edge))
    for box in boxes:
        if box is None:
            continue
        for name in names:
            element = box.find(_w(name))
            if element is not None:
                return element
    return None


def _on_in(levels: Iterable[etree._Element], tag: str) -> bool | None:
    """The first on/off value of ``w:tag`` along ``levels``, or None when none sets it."""
    for level in levels:
        value = _on(level.find(_w(tag)))
        if value is not None:
            return value
    return None


class Theme:
    """The fonts and colours of the theme part (``word/theme/theme1.xml``)."""

    def __init__(self, root: etree._Element | None) -> None:
        self._root = root

    def _find(self, path: str) -> etree._Element | None:
        return None if self._root is None else self._root.find(path, NS)

    @cached_property
    def major_font(self) -> str | None:
        """The major (headings) Latin font, e.g. ``Calibri Light``."""
        latin = self._find(".//a:fontScheme/a:majorFont/a:latin")
        return None if latin is None else latin.get("typeface") or None

    @cached_property
    def minor_font(self) -> str | None:
        """The minor (body) Latin font, e.g. ``Calibri``."""
        latin = self._find(".//a:fontScheme/a:minorFont/a:latin")
        return None if latin is None else latin.get("typeface") or None

    def font(self, theme_font: str) -> str | None:
        """The typeface of a ``w:asciiTheme``/``w:hAnsiTheme`` value (``minorHAnsi``…)."""
        return self.major_font if theme_font.startswith("major") else self.minor_font

    def colour(self, theme_colour: str) -> str | None:
        """The RGB hex of a ``w:themeColor`` value (``text1`` → ``000000``), when known."""
        slot = _THEME_COLOUR_SLOTS.get(theme_colour, theme_colour)
        element = self._find(f".//a:clrScheme/a:{slot}")
        if element is None or len(element) == 0:
            return None
        colour = element[0]
        return colour.get("val") if colour.tag.endswith("srgbClr") else colour.get("lastClr")


class StyleSheet:
    """The styles part: document defaults and the ``basedOn`` chains of styles."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, etree._Element] = {}
        self._defaults: dict[str, str] = {}
        root = root if root is not None else etree.Element(_w("styles"))
        for style in root.iterfind(_w("style")):
            style_id = style.get(_w("styleId"), "")
            self._styles.setdefault(style_id, style)
            if style.get(_w("default"), "0").lower() in ("1", "true", "on"):
                self._defaults.setdefault(style.get(_w("type"), "paragraph"), style_id)
        defaults = root.find(_w("docDefaults"))
        self.default_run: etree._Element | None = _child(_child(defaults, "rPrDefault"), "rPr")
        """``w:rPrDefault/w:rPr`` of ``w:docDefaults`` (None when absent)."""
        self.default_paragraph: etree._Element | None = _child(
            _child(defaults, "pPrDefault"), "pPr"
        )
        """``w:pPrDefault/w:pPr`` of ``w:docDefaults`` (None when absent)."""

    def default_style(self, kind: str) -> str | None:
        """Id of the default style of ``kind`` (``paragraph``, ``character``, ``table``)."""
        return self._defaults.get(kind)

    def name(self, style_id: str) -> str | None:
        """The display name of a style (``w:name``), when the style exists."""
        style = self._styles.get(style_id)
        name = _child(style, "name")
        return None if name is None else name.get(_w("val"))

    def chain(self, style_id: str | None, kind: str) -> list[etree._Element]:
        """The style ``style_id`` then the styles it is based on, nearest first.

        An unknown or missing id falls back to the default style of ``kind`` (Word's
        behaviour for paragraphs and tables; there is no default character style in a
        chain of its own). Loops in ``basedOn`` are cut.
        """
        if style_id not in self._styles and kind != "character":
            style_id = self.default_style(kind)
        result: list[etree._Element] = []
        while style_id in self._styles and len(result) < 64:
            style = self._styles[style_id]
            if style in result:
                break
            result.append(style)
            based = style.find(_w("basedOn"))
            style_id = None if based is None else based.get(_w("val"))
        return result

    def properties(self, style_id: str | None, kind: str, tag: str) -> list[etree._Element]:
        """The ``w:tag`` blocks (``rPr``, ``pPr``, ``tblPr``, ``tcPr``) along a style chain."""
        return [p for s in self.chain(style_id, kind) if (p := s.find(_w(tag))) is not None]


@dataclass(frozen=True)
class Border:
    """One edge of a paragraph, table or cell border (``w:bottom`` of ``w:pBdr``…)."""

    style: str
    """``single``, ``double``, ``dotted``… (never ``nil`` or ``none``: those are no border)."""
    size: float
    """Width in points (``w:sz`` is in eighths of a point)."""
    colour: str
    """``auto`` or an RGB hex."""

    @classmethod
    def of(cls, element: etree._Element | None) -> Border | None:
        """The border an edge element draws, or None when it draws none."""
        if element is None or element.get(_w("val"), "nil") in _NO_BORDER:
            return None
        return cls(
            element.get(_w("val"), "single"),
            (_int(element.get(_w("sz")), 0) or 0) / 8,
            element.get(_w("color"), "auto"),
        )


@dataclass(frozen=True)
class LineSpacing:
    """Line spacing of a paragraph.

    ``rule`` ``auto``: ``value`` is a multiple of a single line (1.0, 1.15, 1.5);
    ``exact`` or ``atLeast``: ``value`` is a height in points.
    """

    value: float
    rule: str


class _Story:
    """What the paragraphs of one part share: the stylesheet, the theme, a label."""

    def __init__(self, styles: StyleSheet, theme: Theme, label: str) -> None:
        self.styles = styles
        self.theme = theme
        self.label = label


class Run:
    """A run (``w:r``) and its effective character formatting."""

    def __init__(self, element: etree._Element, paragraph: Paragraph) -> None:
        self.element = element
        self.paragraph = paragraph

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(_w("rPr"))

    @cached_property
    def style_id(self) -> str | None:
        """The character style (``w:rStyle``) of the run, if any."""
        style = _child(self._direct, "rStyle")
        return None if style is None else style.get(_w("val"))

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
        direct = _on(_child(self._direct, tag))
        if direct is not None:
            return direct
        found = [_on_in(level, tag) for level in self._style_levels]
        if any(value is not None for value in found):
            return sum(bool(value) for value in found) % 2 == 1
        default = _on(_child(self.paragraph.story.styles.default_run, tag))
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
        found = _attr(self._levels, "rFonts", f"{attribute}Theme", attribute)
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
        found = _attr(self._levels, "sz", "val")
        half_points = None if found is None else _int(found[1])
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
        found = _attr(self._levels, "color", "themeColor", "val")
        if found is None:
            return "auto"
        name, value = found
        if name == "themeColor":
            value = self.paragraph.story.theme.colour(value) or "auto"
        return value if value == "auto" else value.upper()

    @cached_property
    def underline(self) -> str:
        """The underline style (``single``, ``double``…), ``none`` when not underlined."""
        found = _attr(self._levels, "u", "val")
        return "none" if found is None else found[1]

    @cached_property
    def language(self) -> str | None:
        """The language of Latin text (``w:lang/@w:val``, e.g. ``vi-VN``)."""
        found = _attr(self._levels, "lang", "val")
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
        story: _Story,
        index: int,
        cell: Cell | None = None,
    ) -> None:
        self.element = element
        self.story = story
        """What the paragraphs of its part share: stylesheet, theme, the part's label
        (``document`` or the header part's name)."""
        self.index = index
        """Position of the paragraph in its part, from 0, in document order."""
        self.cell = cell
        """The table cell holding the paragraph, None outside tables."""

    def __repr__(self) -> str:
        return f"<Paragraph {self.index} {self.text[:30]!r}>"

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(_w("pPr"))

    @cached_property
    def style_id(self) -> str | None:
        """The paragraph style (``w:pStyle``), or the default paragraph style's id."""
        style = _child(self._direct, "pStyle")
        if style is not None:
            return style.get(_w("val"))
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
        return [Run(r, self) for r in self.element.iter(_w("r")) if self._owns(r)]

    def _owns(self, element: etree._Element) -> bool:
        for ancestor in element.iterancestors():
            if ancestor is self.element:
                return True
            if ancestor.tag in _NOT_IN_PARAGRAPH or ancestor.tag == _w("p"):
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
        simple = [f.get(_w("instr"), "").strip() for f in self.element.iter(_w("fldSimple"))]
        complex_fields: list[str] = []
        current: list[str] | None = None
        for run in self.runs:
            for child in run.element:
                if child.tag == _w("fldChar"):
                    kind = child.get(_w("fldCharType"))
                    if kind == "begin":
                        current = []
                    elif kind in ("separate", "end") and current is not None:
                        complex_fields.append("".join(current).strip())
                        current = None
                elif child.tag == _w("instrText") and current is not None:
                    current.append(child.text or "")
        return simple + complex_fields

    @cached_property
    def alignment(self) -> str:
        """``left``, ``center``, ``right``, ``both`` (justified), ``distribute``…

        ``start``/``end`` are reported as ``left``/``right``; ``left`` when nothing sets it.
        """
        found = _attr(self._levels, "jc", "val")
        value = "left" if found is None else found[1]
        return {"start": "left", "end": "right"}.get(value, value)

    def _indent(self, *attrs: str) -> int:
        found = _attr(self._levels, "ind", *attrs)
        return 0 if found is None else _int(found[1], 0) or 0

    @cached_property
    def first_line_indent(self) -> int:
        """First-line indent in twips; negative for a hanging indent."""
        found = _attr(self._levels, "ind", "hanging", "firstLine")
        if found is None:
            return 0
        value = _int(found[1], 0) or 0
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
        found = _attr(self._levels, "spacing", f"{side}Autospacing", side)
        if found is None:
            return 0
        if found[0].endswith("Autospacing"):
            if found[1].lower() not in _OFF:
                return 14 * TWIPS_PER_PT  # Word's automatic spacing: 14 pt
            found = _attr(self._levels, "spacing", side)
        return 0 if found is None else _int(found[1], 0) or 0

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
        return bool(_on_in(self._levels, "contextualSpacing"))

    @cached_property
    def line_spacing(self) -> LineSpacing:
        """The line spacing; single (``1.0``, ``auto``) when nothing sets it."""
        line = _attr(self._levels, "spacing", "line")
        rule = _attr(self._levels, "spacing", "lineRule")
        value = _int(line[1], 240) if line else 240
        kind = rule[1] if rule else "auto"
        if kind == "auto":
            return LineSpacing((value or 240) / 240, "auto")
        return LineSpacing(twips_to_pt(value or 0), kind)

    @cached_property
    def keep_next(self) -> bool:
        """Whether the paragraph is kept on the same page as the next (``w:keepNext``)."""
        return bool(_on_in(self._levels, "keepNext"))

    def border(self, edge: str) -> Border | None:
        """The paragraph border on ``edge`` (``top``, ``bottom``, ``left``, ``right``)."""
        return Border.of(_edge([_child(level, "pBdr") for level in self._levels], edge))

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
            for shape in run.element.iter(_w("drawing"), qn("v:line")):
                if any(a.tag in _NOT_IN_PARAGRAPH for a in shape.iterancestors()):
                    continue
                if shape.tag == _w("drawing"):
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
    if is_line or _int(extent.get("cy"), 1) == 0:
        return emu_to_pt(_int(extent.get("cx"), 0) or 0)
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


class Table:
    """A table (``w:tbl``): rows, cells, grid, effective borders and cell margins."""

    def __init__(self, element: etree._Element, story: _Story, index: int) -> None:
        self.element = element
        self.story = story
        self.index = index
        """Position among the tables of the part, from 0, in document order."""
        self.rows: list[Row] = []
        """The rows, filled while the part is read."""

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(_w("tblPr"))

    @cached_property
    def style_id(self) -> str | None:
        """The table style (``w:tblStyle``), or the default table style's id."""
        style = _child(self._direct, "tblStyle")
        if style is not None:
            return style.get(_w("val"))
        return self.story.styles.default_style("table")

    @cached_property
    def _levels(self) -> list[etree._Element]:
        """``tblPr`` of the table, then of its style chain."""
        styles = self.story.styles.properties(self.style_id, "table", "tblPr")
        return [p for p in [self._direct, *styles] if p is not None]

    @cached_property
    def grid(self) -> list[int]:
        """Widths in twips of the grid columns (``w:tblGrid/w:gridCol``)."""
        return [
            _int(c.get(_w("w")), 0) or 0 for c in self.element.iterfind("w:tblGrid/w:gridCol", NS)
        ]

    @cached_property
    def borders(self) -> dict[str, Border | None]:
        """Effective table borders per edge (``top`` … ``insideV``), direct then style."""
        boxes = [_child(level, "tblBorders") for level in self._levels]
        return {edge: Border.of(_edge(boxes, edge)) for edge in _BORDER_EDGES}

    def cell_margin(self, side: str) -> int:
        """The table's cell margin on ``side`` (``left``/``right``…) in twips.

        From ``w:tblCellMar`` of the table or its style; 108 twips left and right, 0 top and
        bottom when none is set (Word's defaults).
        """
        found = _edge([_child(level, "tblCellMar") for level in self._levels], side)
        if found is None:
            return DEFAULT_CELL_MARGIN if side in ("left", "right") else 0
        return _int(found.get(_w("w")), 0) or 0

    @property
    def cells(self) -> Iterator[Cell]:
        """Every cell, row by row."""
        for row in self.rows:
            yield from row.cells


class Row:
    """A table row (``w:tr``)."""

    def __init__(self, element: etree._Element, table: Table, index: int) -> None:
        self.element = element
        self.table = table
        self.index = index
        """Position of the row in its table, from 0."""
        self.cells: list[Cell] = []
        """The cells of the row, in order."""


class Cell:
    """A table cell (``w:tc``): its paragraphs, width and margins."""

    def __init__(self, element: etree._Element, row: Row, index: int, grid_start: int) -> None:
        self.element = element
        self.row = row
        self.index = index
        """Position of the cell in its row, from 0."""
        self.grid_start = grid_start
        """The first grid column the cell covers."""
        self.paragraphs: list[Paragraph] = []
        """The paragraphs directly in the cell (nested tables' paragraphs excluded)."""

    @property
    def table(self) -> Table:
        """The table holding the cell."""
        return self.row.table

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(_w("tcPr"))

    @cached_property
    def grid_span(self) -> int:
        """How many grid columns the cell covers (``w:gridSpan``)."""
        span = _child(self._direct, "gridSpan")
        return max(1, _int(None if span is None else span.get(_w("val")), 1) or 1)

    @cached_property
    def width(self) -> int:
        """Width in twips: the grid columns it covers (as Word lays the table out), else
        ``w:tcW`` in twips."""
        grid = sum(self.table.grid[self.grid_start : self.grid_start + self.grid_span])
        if grid > 0:
            return grid
        width = _child(self._direct, "tcW")
        if width is not None and width.get(_w("type"), "dxa") == "dxa":
            value = _int(width.get(_w("w")), 0) or 0
            if value > 0:
                return value
        return 0

    def margin(self, side: str) -> int:
        """Cell margin in twips on ``side``: ``w:tcMar`` of the cell, else the table's."""
        found = _edge([_child(self._direct, "tcMar")], side)
        if found is None:
            return self.table.cell_margin(side)
        return _int(found.get(_w("w")), 0) or 0

    @property
    def content_width(self) -> int:
        """Width in twips available to text: the cell's width less its left and right margins."""
        return self.width - self.margin("left") - self.margin("right")

    @cached_property
    def borders(self) -> dict[str, Border | None]:
        """The cell's own borders (``w:tcBorders``) per edge it sets; absent edges omitted."""
        box = _child(self._direct, "tcBorders")
        if box is None:
            return {}
        return {etree.QName(e).localname: Border.of(e) for e in box if isinstance(e.tag, str)}


class HeaderPart:
    """A header or footer part and its paragraphs."""

    def __init__(self, name: str, paragraphs: list[Paragraph], tables: list[Table]) -> None:
        self.name = name
        """The part name, e.g. ``word/header1.xml``."""
        self.paragraphs = paragraphs
        """Its paragraphs, those in tables included, in order."""
        self.tables = tables
        """Its tables."""

    @property
    def text(self) -> str:
        """All its text, one line per paragraph."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def fields(self) -> list[str]:
        """The instructions of all its fields."""
        return [f for p in self.paragraphs for f in p.fields]


class Section:
    """A section (``w:sectPr``): page size, margins, first-page setting, headers, footers."""

    def __init__(
        self,
        element: etree._Element,
        headers: dict[str, HeaderPart],
        footers: dict[str, HeaderPart],
    ) -> None:
        self.element = element
        self.headers = headers
        """Header parts by type (``default``, ``first``, ``even``), inherited ones included."""
        self.footers = footers
        """Footer parts by type, inherited ones included."""

    def _get(self, tag: str, attribute: str) -> int | None:
        element = _child(self.element, tag)
        return None if element is None else _int(element.get(_w(attribute)))

    @property
    def page_width(self) -> int | None:
        """Page width in twips (``w:pgSz/@w:w``)."""
        return self._get("pgSz", "w")

    @property
    def page_height(self) -> int | None:
        """Page height in twips (``w:pgSz/@w:h``)."""
        return self._get("pgSz", "h")

    @property
    def orientation(self) -> str:
        """``portrait`` or ``landscape`` (``w:pgSz/@w:orient``)."""
        size = _child(self.element, "pgSz")
        return "portrait" if size is None else size.get(_w("orient"), "portrait")

    def margin(self, side: str) -> int | None:
        """Page margin in twips: ``top``, ``bottom``, ``left``, ``right``, ``header``…"""
        return self._get("pgMar", side)

    @property
    def text_width(self) -> int:
        """Width in twips between the left and right margins."""
        return (self.page_width or 0) - (self.margin("left") or 0) - (self.margin("right") or 0)

    @property
    def title_page(self) -> bool:
        """Whether the first page has its own header and footer (``w:titlePg``)."""
        return bool(_on(_child(self.element, "titlePg")))


class Document:
    """A .docx opened for reading effective formatting.

    ``Document(path_or_bytes)``; :attr:`paragraphs` gives the body's paragraphs in document
    order, those in tables (nested ones included) too, each with its :attr:`Paragraph.cell`.
    """

    def __init__(self, source: str | Path | bytes) -> None:
        self.name = "<bytes>" if isinstance(source, bytes) else str(source)
        """The file name, or ``<bytes>``."""
        try:
            self._package = Package(source)
        except PackageError as exc:
            raise DocumentError(exc.reason, file=self.name) from exc
        self._xml_cache: dict[str, etree._Element | None] = {}
        main = next(
            (r.target for r in self._relationships("").values() if r.type == REL_OFFICE_DOCUMENT),
            "word/document.xml",
        )
        self.part_name = main
        """Name of the main part, usually ``word/document.xml``."""
        root = self._xml(main)
        if root is None or root.find(_w("body")) is None:
            raise DocumentError("tệp không có phần nội dung văn bản Word", file=self.name)
        self.element = root
        self.styles = StyleSheet(self._xml(self._related(main, REL_STYLES, "word/styles.xml")))
        """The stylesheet."""
        self.theme = Theme(self._xml(self._related(main, REL_THEME, "word/theme/theme1.xml")))
        """The theme (fonts and colours)."""
        story = _Story(self.styles, self.theme, "document")
        self.paragraphs: list[Paragraph] = []
        """The body's paragraphs in document order, those in tables included."""
        self.tables: list[Table] = []
        """Every table of the body, nested ones included, in document order."""
        self.blocks: list[Paragraph | Table] = []
        """The top-level content of the body: paragraphs and tables, in order."""
        _read_story(root.find(_w("body")), story, self.paragraphs, self.tables, self.blocks)
        self._headers: dict[str, HeaderPart] = {}

    @classmethod
    def open(cls, source: str | Path | bytes) -> Document:
        """Open a .docx from a path or from its bytes."""
        return cls(source)

    def _xml(self, part: str) -> etree._Element | None:
        """The root element of ``part`` (``word/document.xml``), or None if it is missing.

        A part that is present but unreadable raises :class:`DocumentError`.
        """
        if part not in self._xml_cache:
            root = None
            if part in self._package.names:
                try:
                    root = self._package.read_xml(part)
                except PackageError as exc:
                    raise DocumentError(exc.reason, file=self.name) from exc
            self._xml_cache[part] = root
        return self._xml_cache[part]

    def _relationships(self, part: str) -> dict[str, Relationship]:
        """The internal relationships of ``part`` (``""``: the package's), by id."""
        try:
            return self._package.relationships(part)
        except PackageError as exc:
            raise DocumentError(exc.reason, file=self.name) from exc

    def _related(self, part: str, rel_type: str, fallback: str) -> str:
        """The target of the first relationship of ``rel_type`` from ``part``, or ``fallback``."""
        targets = [r.target for r in self._relationships(part).values() if r.type == rel_type]
        return targets[0] if targets else fallback

    @cached_property
    def saved_pages(self) -> int | None:
        """How many pages the program that saved the file counted: ``Pages`` of
        ``docProps/app.xml``, or one more than Word's ``w:lastRenderedPageBreak`` marks,
        whichever is more; None when the file tells neither."""
        counts = []
        try:
            app = self._xml("docProps/app.xml")
        except DocumentError:  # the count is a hint: a damaged part only loses it
            app = None
        pages = None if app is None else app.find(f"{{{EXTENDED_PROPERTIES}}}Pages")
        if pages is not None and (_int(pages.text) or 0) > 0:
            counts.append(_int(pages.text) or 0)
        breaks = sum(1 for _ in self.element.iter(_w("lastRenderedPageBreak")))
        if breaks:
            counts.append(breaks + 1)
        return max(counts) if counts else None

    @property
    def language(self) -> str | None:
        """The document's default language (``w:docDefaults`` ``w:lang/@w:val``)."""
        lang = _child(self.styles.default_run, "lang")
        return None if lang is None else lang.get(_w("val"))

    def _header(self, r_id: str) -> HeaderPart | None:
        target = self._relationships(self.part_name).get(r_id)
        if target is None:
            return None
        name = target.target
        if name not in self._headers:
            root = self._xml(name)
            if root is None:
                return None
            story = _Story(self.styles, self.theme, name)
            paragraphs: list[Paragraph] = []
            tables: list[Table] = []
            _read_story(root, story, paragraphs, tables, [])
            self._headers[name] = HeaderPart(name, paragraphs, tables)
        return self._headers[name]

    @cached_property
    def sections(self) -> list[Section]:
        """The sections in order; a header or footer type a section does not set is
        inherited from the section before it, as in Word."""
        body = self.element.find(_w("body"))
        elements = [p for p in body.iterfind("w:p/w:pPr/w:sectPr", NS)]
        last = body.find(_w("sectPr"))
        elements.append(last if last is not None else etree.Element(_w("sectPr")))
        result: list[Section] = []
        inherited: dict[str, dict[str, HeaderPart]] = {"header": {}, "footer": {}}
        for element in elements:
            for kind in ("header", "footer"):
                current = dict(inherited[kind])
                for ref in element.iterfind(f"w:{kind}Reference", NS):
                    part = self._header(ref.get(qn("r:id"), ""))
                    if part is not None:
                        current[ref.get(_w("type"), "default")] = part
                inherited[kind] = current
            result.append(Section(element, inherited["header"], inherited["footer"]))
        return result


def _read_story(
    container: etree._Element,
    story: _Story,
    paragraphs: list[Paragraph],
    tables: list[Table],
    blocks: list[Paragraph | Table] | None,
    cell: Cell | None = None,
) -> None:
    """Walk a body, header or cell: append its paragraphs and tables in document order.

    ``blocks`` receives the top-level paragraphs and tables (None below the top level).
    Content controls and custom XML are looked through.
    """
    for element in container:
        if element.tag == _w("p"):
            paragraph = Paragraph(element, story, len(paragraphs), cell)
            paragraphs.append(paragraph)
            if cell is not None:
                cell.paragraphs.append(paragraph)
            if blocks is not None:
                blocks.append(paragraph)
        elif element.tag == _w("tbl"):
            table = Table(element, story, len(tables))
            tables.append(table)
            if blocks is not None:
                blocks.append(table)
            for row_element in _children(element, "tr"):
                row = Row(row_element, table, len(table.rows))
                table.rows.append(row)
                before = row_element.find("w:trPr/w:gridBefore", NS)
                grid = max(0, _int(None if before is None else before.get(_w("val")), 0) or 0)
                for cell_element in _children(row_element, "tc"):
                    new = Cell(cell_element, row, len(row.cells), grid)
                    row.cells.append(new)
                    grid += new.grid_span
                    _read_story(cell_element, story, paragraphs, tables, None, new)
        elif element.tag in (_w("sdt"), _w("customXml"), _w("sdtContent")):
            inner = element.find(_w("sdtContent")) if element.tag == _w("sdt") else element
            if inner is not None:
                _read_story(inner, story, paragraphs, tables, blocks, cell)


def _children(element: etree._Element, tag: str) -> Sequence[etree._Element]:
    """``w:tag`` children of ``element``, looking through content controls."""
    found: list[etree._Element] = []
    for child in element:
        if child.tag == _w(tag):
            found.append(child)
        elif child.tag in (_w("sdt"), _w("customXml")):
            inner = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if inner is not None:
                found.extend(_children(inner, tag))
    return found
