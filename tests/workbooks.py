"""Workbooks for tests: the example, edited the way a clerk would edit it in Excel."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.table import Table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bao_cao_bau_cu_2021.xlsx"
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"


def _named_cell(book: openpyxl.Workbook, name: str):
    sheet_name, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet_name][ref.replace("$", "")]


def _table(book: openpyxl.Workbook, name: str) -> tuple[Any, Table]:
    for sheet in book.worksheets:
        if name in sheet.tables:
            return sheet, sheet.tables[name]
    raise KeyError(name)


def edit_workbook(
    target: Path,
    values: Mapping[str, Any] | None = None,
    tables: Mapping[str, Sequence[Sequence[Any]]] | None = None,
    source: Path = EXAMPLE,
) -> Path:
    """Copy ``source`` to ``target``, set named cells and replace the rows of tables.

    ``values`` maps a defined name to the value to type in its cell; ``tables`` maps a table
    name to its new data rows (an empty list leaves one blank row, as Excel would).
    """
    shutil.copy(source, target)
    book = openpyxl.load_workbook(target)
    for name, value in (values or {}).items():
        cell = _named_cell(book, name)
        cell.value = value
    for name, rows in (tables or {}).items():
        sheet, table = _table(book, name)
        first_col, header_row, last_col, last_row = openpyxl.utils.range_boundaries(table.ref)
        for row in sheet.iter_rows(min_row=header_row + 1, max_row=max(last_row, header_row + 1)):
            for cell in row[first_col - 1 : last_col]:
                cell.value = None
        data = list(rows) or [[None] * (last_col - first_col + 1)]
        for offset, values_row in enumerate(data, 1):
            for col, value in enumerate(values_row, first_col):
                sheet.cell(header_row + offset, col, value)
        end = openpyxl.utils.get_column_letter(last_col) + str(header_row + len(data))
        table.ref = f"{openpyxl.utils.get_column_letter(first_col)}{header_row}:{end}"
        table.autoFilter.ref = table.ref
    book.save(target)
    return target


def named_cell_ref(name: str, source: Path = EXAMPLE) -> tuple[str, str]:
    """(sheet, cell) of a defined name in ``source``."""
    book = openpyxl.load_workbook(source)
    cell = _named_cell(book, name)
    return cell.parent.title, cell.coordinate
