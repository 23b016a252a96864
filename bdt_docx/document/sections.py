"""Sections and their header and footer parts: page size, margins, first-page setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from bdt_docx.document.values import child_of, integer, on, w

if TYPE_CHECKING:
    from bdt_docx.document.tables import Table
    from bdt_docx.document.text import Paragraph

__all__ = ["HeaderPart", "Section"]


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
        element = child_of(self.element, tag)
        return None if element is None else integer(element.get(w(attribute)))

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
        size = child_of(self.element, "pgSz")
        return "portrait" if size is None else size.get(w("orient"), "portrait")

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
        return bool(on(child_of(self.element, "titlePg")))
