"""The 60 real workbooks of shared/real/xlsx, read by the reader and by openpyxl side by side.

Every defined name, table and cell must agree, or the difference is one where Excel shows
what the reader returns and openpyxl is wrong; each such kind is named below. The files are
read in place (``shared_real``), never copied into the repository.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from pathlib import Path

import openpyxl
import pytest
from needs import shared_real
from openpyxl.utils import range_boundaries

from bdt_docx.workbook import Area, Cell, NameLookupError, Workbook

#: Rows and columns of each sheet compared (the first ones: enough to meet every kind of
#: cell; a sheet whose used range spans all 16,384 columns is not read whole).
ROWS, COLUMNS = 400, 100
#: Files openpyxl cannot open at all (it raises); the reader reads them, and what it reads
#: of them is checked against what Excel shows.
OPENPYXL_FAILS = {
    "18_poi_style-alternate-content.xlsx",
    "21_sheetjs_pivot_table_named_range.xlsx",
    "28_sheetjs_xlsx-stream-d-date-cell.xlsx",
    "37_calamine_empty_s_attribute.xlsx",
    "42_readxl_los-angeles-arrests-xlsx.xlsx",
}
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _files() -> list[Path]:
    return sorted(shared_real("xlsx").glob("*.xls[xm]"))


def _ids() -> list[str]:
    try:
        return [p.name for p in _files()]
    except pytest.skip.Exception:
        return []


@pytest.fixture(scope="module")
def folder() -> Path:
    return shared_real("xlsx")


def _same(ours: Cell | None, theirs: object) -> bool:
    """Does the reader's cell show what openpyxl's value shows, or what Excel shows where
    openpyxl is wrong?"""
    if ours is None or ours.unsaved_formula:
        # No cell, or a formula whose saved value the reader does not trust (the workbook
        # asks to be recalculated on opening: the saved value is not what Excel shows).
        return ours is not None or theirs in (None, "")
    if ours.error:
        return ours.error == theirs  # openpyxl gives Excel's error text as a string
    value = ours.value
    if isinstance(value, dt.timedelta):
        # An elapsed-time format ([h]:mm:ss): Excel shows hours past 24 where openpyxl
        # gives the number of days (or a date in 1900).
        days = value.total_seconds() / 86400
        if isinstance(theirs, dt.timedelta):
            theirs = theirs.total_seconds() / 86400
        elif isinstance(theirs, dt.datetime):
            theirs = (theirs - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return isinstance(theirs, (int, float)) and math.isclose(days, theirs, abs_tol=1e-6)
    if isinstance(theirs, str) and isinstance(value, str) and value != theirs:
        # Excel decodes _xHHHH_ escapes once, left to right (_x005F_ is "_" itself);
        # openpyxl leaves _x000D_ undecoded and decodes _x005F_x005F_ twice.
        return "_x" in theirs.lower() or "_x005f_" in value.lower()
    if isinstance(theirs, dt.date) and not isinstance(theirs, dt.datetime):
        theirs = dt.datetime.combine(theirs, dt.time())
    if isinstance(value, float) and isinstance(theirs, (int, float)):
        return not isinstance(theirs, bool) and math.isclose(value, theirs, rel_tol=1e-15)
    return value == theirs or (value == "" and theirs is None)


def _compare_names(ours: Workbook, theirs: openpyxl.Workbook) -> list[str]:
    wrong = []
    for name in theirs.defined_names.values():
        if name.name.startswith("_xlnm."):
            continue
        text = name.attr_text or ""
        try:
            found = ours.find_name(name.name)
        except NameLookupError:
            found = None
        expected = None
        if "#REF!" not in text and "[" not in text:  # a deleted cell, another workbook
            destinations = list(name.destinations)
            if len(destinations) == 1 and destinations[0][0] in theirs.sheetnames:
                sheet, ref = destinations[0]
                c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
                if None not in (c1, r1, c2, r2):
                    expected = Area(sheet, r1, c1, r2, c2)
        if expected is not None and found != expected:
            wrong.append(f"tên {name.name}: {found} ≠ {expected}")
    return wrong


def _compare_tables(ours: Workbook, theirs: openpyxl.Workbook) -> list[str]:
    wrong = []
    tables = ours.tables()
    for sheet in theirs.worksheets:
        for table in sheet.tables.values():
            found = tables.get(table.displayName.lower())
            expected = (sheet.title, table.ref, tuple(c.name for c in table.tableColumns))
            got = found and (found.area.sheet, found.area.ref, found.headers)
            if got != expected:
                wrong.append(f"bảng {table.displayName}: {got} ≠ {expected}")
    return wrong


def _compare_cells(ours: Workbook, theirs: openpyxl.Workbook) -> tuple[int, list[str]]:
    wrong, count = [], 0
    for sheet in theirs.worksheets:
        if sheet.title not in ours.sheets or not hasattr(sheet, "merged_cells"):
            continue
        c1, r1, c2, r2 = range_boundaries(sheet.calculate_dimension())
        r2, c2 = min(r2, r1 + ROWS - 1), min(c2, c1 + COLUMNS - 1)
        cells = ours.fetch([Area(sheet.title, r1, c1, r2, c2)])
        for row in sheet.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for cell in row:
                count += 1
                mine = cells.get((sheet.title, cell.row, cell.column))
                if not _same(mine, cell.value):
                    wrong.append(f"{sheet.title}!{cell.coordinate}: {mine} ≠ {cell.value!r}")
    return count, wrong


@pytest.mark.parametrize("name", _ids())
def test_the_reader_agrees_with_openpyxl_or_with_excel(folder, name):
    path = folder / name
    with Workbook(path) as ours:
        if name in OPENPYXL_FAILS:
            for sheet in ours.sheets:  # every cell reads, without a damaged one
                cells = ours.fetch([Area(sheet, 1, 1, ROWS, COLUMNS)])
                assert not [c for c in cells.values() if c.damaged], sheet
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = openpyxl.load_workbook(path, data_only=True)
        wrong = _compare_names(ours, theirs) + _compare_tables(ours, theirs)
        count, cell_wrong = _compare_cells(ours, theirs)
    assert not wrong + cell_wrong, (count, (wrong + cell_wrong)[:10])


def test_what_openpyxl_cannot_read_is_what_excel_shows(folder):
    """A time-only ISO date, ISO dates with a time zone and an empty style attribute."""
    with Workbook(folder / "28_sheetjs_xlsx-stream-d-date-cell.xlsx") as book:
        sheet = next(iter(book.sheets))
        values = [c.value for c in book.fetch([Area(sheet, 1, 1, 20, 10)]).values()]
    assert any(isinstance(v, (dt.datetime, dt.time)) for v in values)
    assert not any(getattr(v, "tzinfo", None) for v in values)
    with Workbook(folder / "37_calamine_empty_s_attribute.xlsx") as book:
        sheet = next(iter(book.sheets))
        cells = book.fetch([Area(sheet, 1, 1, 20, 10)]).values()
    assert cells and not [c for c in cells if c.damaged]
