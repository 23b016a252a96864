"""Tables, rows and cells: the grid, effective borders, widths and cell margins.

A :class:`Table` resolves its borders and cell margins from its direct ``w:tblPr`` then its
table style chain; a :class:`Cell` knows the grid columns it covers (``w:gridSpan``,
``w:gridBefore``), so its width is what Word lays out.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from lxml import etree

from bdt_docx.document.values import Border, child_of, edge_of, integer, w
from bdt_docx.namespaces import NS

if TYPE_CHECKING:
    from bdt_docx.document.stories import Story
    from bdt_docx.document.text import Paragraph

__all__ = ["DEFAULT_CELL_MARGIN", "Cell", "Row", "Table"]

#: Word's cell margin (left and right) when neither the table nor its style sets one.
DEFAULT_CELL_MARGIN = 108
_BORDER_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")


class Table:
    """A table (``w:tbl``): rows, cells, grid, effective borders and cell margins."""

    def __init__(self, element: etree._Element, story: Story, index: int) -> None:
        self.element = element
        self.story = story
        self.index = index
        """Position among the tables of the part, from 0, in document order."""
        self.rows: list[Row] = []
        """The rows, filled while the part is read."""

    @property
    def where(self) -> str:
        """``bảng 2``: the table's number among its part's tables (nested ones included),
        from the top."""
        return f"bảng {self.index + 1}"

    @property
    def place(self) -> str:
        """Where the table is, as paragraphs are named (``đầu trang (header1.xml), bảng 1``
        outside the body)."""
        return self.story.locate(self.where)

    @cached_property
    def _direct(self) -> etree._Element | None:
        return self.element.find(w("tblPr"))

    @cached_property
    def style_id(self) -> str | None:
        """The table style (``w:tblStyle``), or the default table style's id."""
        style = child_of(self._direct, "tblStyle")
        if style is not None:
            return style.get(w("val"))
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
            integer(c.get(w("w")), 0) or 0 for c in self.element.iterfind("w:tblGrid/w:gridCol", NS)
        ]

    @cached_property
    def borders(self) -> dict[str, Border | None]:
        """Effective table borders per edge (``top`` … ``insideV``), direct then style."""
        boxes = [child_of(level, "tblBorders") for level in self._levels]
        return {edge: Border.of(edge_of(boxes, edge)) for edge in _BORDER_EDGES}

    def cell_margin(self, side: str) -> int:
        """The table's cell margin on ``side`` (``left``/``right``…) in twips.

        From ``w:tblCellMar`` of the table or its style; 108 twips left and right, 0 top and
        bottom when none is set (Word's defaults).
        """
        found = edge_of([child_of(level, "tblCellMar") for level in self._levels], side)
        if found is None:
            return DEFAULT_CELL_MARGIN if side in ("left", "right") else 0
        return integer(found.get(w("w")), 0) or 0

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

    @property
    def where(self) -> str:
        """``bảng 2, hàng 3``, without the part's label."""
        return f"{self.table.where}, hàng {self.index + 1}"

    @property
    def place(self) -> str:
        """Where the row is, as paragraphs are named."""
        return self.table.story.locate(self.where)


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
        return self.element.find(w("tcPr"))

    @cached_property
    def grid_span(self) -> int:
        """How many grid columns the cell covers (``w:gridSpan``)."""
        span = child_of(self._direct, "gridSpan")
        return max(1, integer(None if span is None else span.get(w("val")), 1) or 1)

    @cached_property
    def width(self) -> int:
        """Width in twips: the grid columns it covers (as Word lays the table out), else
        ``w:tcW`` in twips."""
        grid = sum(self.table.grid[self.grid_start : self.grid_start + self.grid_span])
        if grid > 0:
            return grid
        width = child_of(self._direct, "tcW")
        if width is not None and width.get(w("type"), "dxa") == "dxa":
            value = integer(width.get(w("w")), 0) or 0
            if value > 0:
                return value
        return 0

    def margin(self, side: str) -> int:
        """Cell margin in twips on ``side``: ``w:tcMar`` of the cell, else the table's."""
        found = edge_of([child_of(self._direct, "tcMar")], side)
        if found is None:
            return self.table.cell_margin(side)
        return integer(found.get(w("w")), 0) or 0

    @property
    def content_width(self) -> int:
        """Width in twips available to text: the cell's width less its left and right margins."""
        return self.width - self.margin("left") - self.margin("right")

    @cached_property
    def borders(self) -> dict[str, Border | None]:
        """The cell's own borders (``w:tcBorders``) per edge it sets; absent edges omitted."""
        box = child_of(self._direct, "tcBorders")
        if box is None:
            return {}
        return {etree.QName(e).localname: Border.of(e) for e in box if isinstance(e.tag, str)}
