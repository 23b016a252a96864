"""Table grids fitted to their rows, as docxtpl fits them after rendering.

A template's ``{%tc for %}`` loops and merges change how many cells a row has; Word then
needs the table's column grid (``w:tblGrid``) to match. :func:`fit_grids` does what docxtpl
does: columns added (the table keeps its width, shared evenly) or the last ones removed (their
width spread over the others).
"""

from __future__ import annotations

from lxml import etree

from bdt_docx.namespaces import NS, qn

__all__ = ["fit_grids"]


def fit_grids(root: etree._Element) -> bool:
    """Fit each table's column grid to its rows, as docxtpl does after rendering.

    A ``{%tc for %}`` loop can give rows more cells than the grid has columns, and merges
    or loops fewer: columns are added (the table keeps its width, shared evenly) or the last
    ones removed (their width spread over the others). True when a grid changed.
    """
    changed = False
    for table in root.iter(qn("w:tbl")):
        grid = table.find(qn("w:tblGrid"))
        if grid is None:
            continue
        rows = list(table.iter(qn("w:tr")))
        columns = grid.findall(qn("w:gridCol"))
        cells = max((len(row.findall(qn("w:tc"))) for row in rows), default=0)
        total = sum(_width(column) for column in columns)
        if cells > len(columns) > 0 and total > 0:
            scale = len(columns) / cells
            for column in columns:
                column.set(qn("w:w"), str(int(_width(column) * scale)))
            for _ in range(cells - len(columns)):
                etree.SubElement(grid, qn("w:gridCol"), {qn("w:w"): str(int(total / cells))})
            changed = True
            columns = grid.findall(qn("w:gridCol"))
        spans = max((sum(map(_span, row.findall(qn("w:tc")))) for row in rows), default=0)
        extra = len(columns) - spans
        if extra > 0:
            kept, dropped = columns[:-extra], columns[-extra:]
            share = int(sum(map(_width, dropped)) / len(kept)) if kept else 0
            for column in dropped:
                grid.remove(column)
            for column in kept:
                column.set(qn("w:w"), str(int(_width(column) + share)))
            changed = True
    return changed


def _width(column: etree._Element) -> float:
    return _whole(column.get(qn("w:w")), 0)


def _span(cell: etree._Element) -> int:
    span = cell.find("w:tcPr/w:gridSpan", NS)
    return int(_whole(span.get(qn("w:val")), 1)) if span is not None else 1


def _whole(text: str | None, default: int) -> int:
    """A width or span as Word writes it (up to 9 digits); anything else (a date, ``inf``,
    5,000 digits) counts as ``default``."""
    if text and text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return default
