"""A sheet copied to start the next period: the report never takes the old figures silently.

Excel and LibreOffice Calc give a copied sheet sheet-scoped copies of the names on it and
new names for its tables (``noi_nhan_2``), so after "copy the sheet, type the new figures"
one name means two cells. Which ones the clerk meant only the clerk knows: the workbook is
refused, naming both places. The real case is made by LibreOffice Calc itself through UNO
(``tests/corpus/calc_typist.py``); the variants by openpyxl.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from test_calc_typing import type_in_calc
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx.workbook import COPIED_SHEET_HINT


def copy_in_calc(target: Path, sheet: str, copy: str, *typed: tuple[str, str]) -> Path:
    """``EXAMPLE`` with ``sheet`` duplicated by LibreOffice Calc, ``typed`` (cell, text)
    typed into the copy, saved as .xlsx."""
    typing = [[copy, cell, text] for cell, text in typed]
    job = {"path": str(EXAMPLE), "copy": [[sheet, copy]], "typing": typing}
    type_in_calc(target.parent, [{**job, "save": [[str(target), "Calc MS Excel 2007 XML"]]}])
    return target


def refusal(workbook: Path) -> bdt_docx.WorkbookError:
    with pytest.raises(bdt_docx.WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    return caught.value


@pytest.mark.slow
def test_names_of_a_sheet_copied_in_calc_are_refused_naming_both_cells(tmp_path):
    workbook = copy_in_calc(
        tmp_path / "chep.xlsx", "Thông tin", "Thông tin 2027", ("B12", "Lào Cai"), ("B17", "40")
    )
    error = refusal(workbook)
    assert error.problems[0].message == COPIED_SHEET_HINT
    total = next(p for p in error.problems if p.field == "tong_so_nguoi")
    assert (total.sheet, total.cell) == ("Thông tin", "B17")
    assert "'Thông tin 2027'!B17 (trang 'Thông tin 2027')" in total.message
    assert "'Thông tin'!B17 (toàn sổ)" in total.message
    # and the command writes nothing, with the code of a workbook error
    done = subprocess.run(
        [sys.executable, "-m", "bdt_docx", "fill", str(workbook)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "sao chép trang tính" in done.stderr
    assert not workbook.with_suffix(".docx").exists()


@pytest.mark.slow
def test_a_list_copied_in_calc_is_refused_naming_both_tables(tmp_path):
    workbook = copy_in_calc(
        tmp_path / "chep.xlsx", "Nơi nhận", "Nơi nhận 2027", ("A3", "Sở Tài chính")
    )
    error = refusal(workbook)
    (problem,) = [p for p in error.problems if p.field == "noi_nhan"]
    assert problem.sheet == "Nơi nhận"
    assert "'Nơi nhận 2027'!" in problem.message
    assert error.problems[0].message == COPIED_SHEET_HINT


def _with_names(target: Path, *names: tuple[str, str, int | None], value: object = 99) -> Path:
    """``EXAMPLE`` with a sheet 'Bản sao' holding ``value`` in B17 and extra definitions
    (name, reference, scope sheet index or None)."""
    book = openpyxl.load_workbook(EXAMPLE)
    copy = book.create_sheet("Bản sao")
    copy["B17"] = value
    for name, ref, scope in names:
        if scope is None:
            del book.defined_names[name]
            book.defined_names[name] = DefinedName(name, attr_text=ref)
        else:
            book.worksheets[scope].defined_names[name] = DefinedName(name, attr_text=ref)
    book.save(target)
    return target


def test_a_sheet_scoped_name_elsewhere_with_other_figures_is_refused(tmp_path):
    workbook = _with_names(tmp_path / "w.xlsx", ("tong_so_nguoi", "'Bản sao'!$B$17", 4))
    (problem,) = [p for p in refusal(workbook).problems if p.field == "tong_so_nguoi"]
    assert "'Bản sao'!B17 (trang 'Bản sao')" in problem.message


def test_a_definition_left_broken_by_the_deleted_original_gives_way_to_the_sound_one(tmp_path):
    workbook = _with_names(
        tmp_path / "w.xlsx",
        ("tong_so_nguoi", "#REF!$B$17", None),
        ("tong_so_nguoi", "'Bản sao'!$B$17", 4),
        value=40,
    )
    assert bdt_docx.read_workbook(workbook)["tong_so_nguoi"] == 40


def test_two_scopes_naming_the_same_cell_are_one_place(tmp_path):
    workbook = _with_names(tmp_path / "w.xlsx", ("tong_so_nguoi", "'Thông tin'!$B$17", 0))
    assert bdt_docx.read_workbook(workbook)["tong_so_nguoi"] == 25
