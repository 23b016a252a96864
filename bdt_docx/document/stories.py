"""A part's flow of content (the body, a header, a footer…), walked once in document order.

:class:`Story` reads the paragraphs and tables of one part, looking through content
controls and custom XML, numbers them the one way every command names a place
(:attr:`Paragraph.place <bdt_docx.document.text.Paragraph.place>`), and holds what its
paragraphs share: the stylesheet, the theme and the part's label.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

from bdt_docx.document.styles import StyleSheet, Theme
from bdt_docx.document.tables import Cell, Row, Table
from bdt_docx.document.text import Paragraph
from bdt_docx.document.values import integer, w
from bdt_docx.namespaces import NS

__all__ = ["Story", "part_label", "place_in"]

#: The label a part's places start with, by the start of its file name.
_PART_LABELS = (
    ("header", "đầu trang"),
    ("footer", "chân trang"),
    ("footnotes", "chú thích cuối trang"),
    ("endnotes", "chú thích cuối văn bản"),
    ("core", "thuộc tính tài liệu"),
)
_LOOKED_THROUGH = (w("sdt"), w("customXml"), w("sdtContent"))


def part_label(part: str) -> str:
    """How a place names the part it is in: ``đầu trang (header1.xml)``; nothing for the
    main document (``word/document.xml``), the file name for any other part."""
    name = part.rsplit("/", 1)[-1]
    for key, label in _PART_LABELS:
        if name.startswith(key):
            return f"{label} ({name})"
    return "" if name.startswith("document") else name


def place_in(part: str, where: str) -> str:
    """A place in ``part``: ``where`` after the part's label (:func:`part_label`), if any."""
    label = part_label(part)
    return f"{label}, {where}" if label else where


class Story:
    """The paragraphs and tables of one part, in document order, and what they share.

    ``root`` is the part's root element (of ``word/document.xml``, its ``w:body`` is read);
    ``styles`` and ``theme`` resolve formatting (empty ones when only text and places are
    wanted, as for a template's tags).
    """

    def __init__(
        self,
        root: etree._Element,
        part: str,
        styles: StyleSheet | None = None,
        theme: Theme | None = None,
    ) -> None:
        self.part = part
        """The part name, e.g. ``word/header1.xml``."""
        self.label = part_label(part)
        """What its places start with (:func:`part_label`)."""
        self.styles = styles if styles is not None else StyleSheet(None)
        self.theme = theme if theme is not None else Theme(None)
        self.paragraphs: list[Paragraph] = []
        """Every paragraph, those in tables (nested ones included) too, in document order."""
        self.tables: list[Table] = []
        """Every table, nested ones included, in document order."""
        self.blocks: list[Paragraph | Table] = []
        """The top-level content: paragraphs and tables, in order."""
        self._outside_tables = 0
        body = root.find(w("body"))
        self._read(body if body is not None else root, self.blocks, None)

    def locate(self, where: str) -> str:
        """A place in this part: ``where`` after the part's label, if it has one."""
        return place_in(self.part, where)

    def every_paragraph(self) -> Iterator[Paragraph]:
        """Each paragraph then the paragraphs of the text boxes anchored in it, in order:
        every ``w:p`` of the part that the walk reaches."""
        stack = list(reversed(self.paragraphs))
        while stack:
            paragraph = stack.pop()
            yield paragraph
            stack.extend(reversed(paragraph.text_box_paragraphs))

    def _read(
        self, container: etree._Element, blocks: list[Paragraph | Table] | None, cell: Cell | None
    ) -> None:
        """Append the paragraphs and tables of a body, header or cell; ``blocks`` receives
        the top-level ones (None below the top level)."""
        for element in container:
            if element.tag == w("p"):
                if cell is None:
                    self._outside_tables += 1
                    number = self._outside_tables
                else:
                    number = len(cell.paragraphs) + 1
                paragraph = Paragraph(element, self, len(self.paragraphs), cell, number)
                self.paragraphs.append(paragraph)
                if cell is not None:
                    cell.paragraphs.append(paragraph)
                if blocks is not None:
                    blocks.append(paragraph)
            elif element.tag == w("tbl"):
                table = Table(element, self, len(self.tables))
                self.tables.append(table)
                if blocks is not None:
                    blocks.append(table)
                self._read_rows(table)
            elif element.tag in _LOOKED_THROUGH:
                inner = element.find(w("sdtContent")) if element.tag == w("sdt") else element
                if inner is not None:
                    self._read(inner, blocks, cell)

    def _read_rows(self, table: Table) -> None:
        for row_element in _children(table.element, "tr"):
            row = Row(row_element, table, len(table.rows))
            table.rows.append(row)
            before = row_element.find("w:trPr/w:gridBefore", NS)
            grid = max(0, integer(None if before is None else before.get(w("val")), 0) or 0)
            for cell_element in _children(row_element, "tc"):
                cell = Cell(cell_element, row, len(row.cells), grid)
                row.cells.append(cell)
                grid += cell.grid_span
                self._read(cell_element, None, cell)


def _children(element: etree._Element, tag: str) -> Sequence[etree._Element]:
    """``w:tag`` children of ``element``, looking through content controls."""
    found: list[etree._Element] = []
    for child in element:
        if child.tag == w(tag):
            found.append(child)
        elif child.tag in (w("sdt"), w("customXml")):
            inner = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if inner is not None:
                found.extend(_children(inner, tag))
    return found
