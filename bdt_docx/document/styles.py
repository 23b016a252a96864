"""The styles part and the theme part: what a paragraph or run inherits when it sets nothing.

:class:`StyleSheet` holds the document defaults (``w:docDefaults``) and follows a style's
``w:basedOn`` chain; :class:`Theme` gives the theme's major and minor Latin fonts and its
colour scheme, through which ``w:asciiTheme`` and ``w:themeColor`` are resolved.
"""

from __future__ import annotations

from functools import cached_property

from lxml import etree

from bdt_docx.document.values import child_of, w
from bdt_docx.namespaces import NS

__all__ = ["StyleSheet", "Theme"]

# Theme colour names in w:themeColor → the slot of a:clrScheme.
_THEME_COLOUR_SLOTS = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1",
    "text2": "dk2", "dark2": "dk2", "background2": "lt2", "light2": "lt2",
}  # fmt: skip


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
        root = root if root is not None else etree.Element(w("styles"))
        for style in root.iterfind(w("style")):
            style_id = style.get(w("styleId"), "")
            self._styles.setdefault(style_id, style)
            if style.get(w("default"), "0").lower() in ("1", "true", "on"):
                self._defaults.setdefault(style.get(w("type"), "paragraph"), style_id)
        defaults = root.find(w("docDefaults"))
        self.default_run: etree._Element | None = child_of(child_of(defaults, "rPrDefault"), "rPr")
        """``w:rPrDefault/w:rPr`` of ``w:docDefaults`` (None when absent)."""
        self.default_paragraph: etree._Element | None = child_of(
            child_of(defaults, "pPrDefault"), "pPr"
        )
        """``w:pPrDefault/w:pPr`` of ``w:docDefaults`` (None when absent)."""

    def default_style(self, kind: str) -> str | None:
        """Id of the default style of ``kind`` (``paragraph``, ``character``, ``table``)."""
        return self._defaults.get(kind)

    def name(self, style_id: str) -> str | None:
        """The display name of a style (``w:name``), when the style exists."""
        style = self._styles.get(style_id)
        name = child_of(style, "name")
        return None if name is None else name.get(w("val"))

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
            based = style.find(w("basedOn"))
            style_id = None if based is None else based.get(w("val"))
        return result

    def properties(self, style_id: str | None, kind: str, tag: str) -> list[etree._Element]:
        """The ``w:tag`` blocks (``rPr``, ``pPr``, ``tblPr``, ``tcPr``) along a style chain."""
        return [p for s in self.chain(style_id, kind) if (p := s.find(w(tag))) is not None]
