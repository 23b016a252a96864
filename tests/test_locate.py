"""Finding the template's names in a workbook (bdt_docx/locate.py): names broken by one
cause, a sheet renamed without them or deleted, are told once, naming them, where each was
told apart in near the same words (23 messages for the shipped template)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from test_calc_typing import SAVES, type_in_calc
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx.cli import main

INFO = "Thông tin"
#: The shipped template's names on the information sheet, in the order they are told.
FIRST_NAMES = "co_quan_chu_quan, co_quan_ban_hanh, ten_co_quan, ten_day_du, ten_rut_gon"


def refusal(workbook: Path) -> bdt_docx.WorkbookError:
    with pytest.raises(bdt_docx.WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    return caught.value


def test_a_sheet_renamed_without_its_names_is_told_once(tmp_path, capsys):
    """openpyxl renames a sheet leaving the names on the old name (Excel and Calc would
    carry them along): one problem names the sheet, the names and the workbook's sheets."""
    book = openpyxl.load_workbook(EXAMPLE)
    book[INFO].title = "Thong tin xa A"
    book.save(tmp_path / "doi_ten.xlsx")
    (problem,) = refusal(tmp_path / "doi_ten.xlsx").problems
    assert problem.code == "name.missing_sheet" and problem.field is None
    assert problem.message.startswith(
        f"23 tên mẫu cần ({FIRST_NAMES} và 18 tên khác) trỏ tới trang tính '{INFO}', mà sổ "
        "không có trang tính nào tên như vậy (sổ có: 'Thong tin xa A', 'Văn bản đã ban hành',"
    )
    assert f"hãy đổi lại thành '{INFO}'" in problem.message
    assert main(["fill", str(tmp_path / "doi_ten.xlsx"), "--json"]) == 3
    (error,) = json.loads(capsys.readouterr().out)["errors"]
    assert error["code"] == "name.missing_sheet"


def test_names_of_deleted_cells_are_told_once_and_a_single_one_as_before(tmp_path):
    book = openpyxl.load_workbook(EXAMPLE)
    for name in ("tong_so_nguoi", "so_nguoi_di_bau_cu", "nguoi_ky"):
        book.defined_names[name].attr_text = "#REF!$B$5"  # as Excel writes them
    book.save(tmp_path / "ba.xlsx")
    (problem,) = refusal(tmp_path / "ba.xlsx").problems
    assert problem.code == "name.deleted"
    assert problem.message.startswith(
        "3 tên mẫu cần (tong_so_nguoi, so_nguoi_di_bau_cu, nguoi_ky) trỏ tới ô đã bị xóa (#REF!)"
    )
    book.defined_names["tong_so_nguoi"].attr_text = f"'{INFO}'!$B$17"
    book.defined_names["so_nguoi_di_bau_cu"].attr_text = f"'{INFO}'!$B$19"
    book.save(tmp_path / "mot.xlsx")
    (problem,) = refusal(tmp_path / "mot.xlsx").problems
    assert (problem.field, problem.code) == ("nguoi_ky", "name.missing")
    assert "tên trỏ tới ô đã bị xóa (#REF!) (Họ và tên người ký)" in problem.message


@pytest.mark.slow
def test_a_sheet_deleted_in_calc_is_told_once(tmp_path):
    """LibreOffice Calc itself deletes the sheet (Sheet → Delete Sheet) and saves: its names
    become ``#REF!`` in .xlsx and .ods alike."""
    saves = [[str(tmp_path / f"xoa.{suffix}"), name] for suffix, name in SAVES.items()]
    type_in_calc(tmp_path, [{"path": str(EXAMPLE), "remove": [INFO], "typing": [], "save": saves}])
    for suffix in SAVES:
        problems = refusal(tmp_path / f"xoa.{suffix}").problems
        assert [p.code for p in problems] == ["name.deleted"], suffix
        assert problems[0].message.startswith(f"23 tên mẫu cần ({FIRST_NAMES} và 18 tên khác)")
