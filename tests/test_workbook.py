"""The workbook reader facing what faulty programs and hurried clerks write.

Whatever a cell or part holds, the answer is a :class:`WorkbookError` that names the place,
never another exception.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus.builders import rewrite_parts
from workbooks import EXAMPLE, edit_workbook, named_cell_ref

import bdt_docx
from bdt_docx import WorkbookError
from bdt_docx.workbook import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def problems(workbook: Path) -> list:
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    return caught.value.problems


def edit_cell_xml(tmp_path: Path, name: str, change) -> Path:
    """Rewrite the XML of the cell a defined name points at with ``change(cell_xml)``."""
    _sheet, ref = named_cell_ref(name)
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)

    def rewrite(part: str, data: bytes) -> bytes:
        if part != SHEET:
            return data
        text = data.decode()
        assert pattern.search(text), ref
        return pattern.sub(lambda m: change(m[0]), text, count=1).encode()

    return rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", rewrite)


def test_a_number_typed_into_a_date_cell_is_refused_with_its_cell(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"ngay_ban_hanh": 20210609})
    (problem,) = problems(workbook)
    assert (problem.field, problem.cell) == ("ngay_ban_hanh", named_cell_ref("ngay_ban_hanh")[1])
    assert "cần một ngày, ô có số 20.210.609" in problem.message


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("tong_so_nguoi", '<c r="{ref}" s="7"><v>abc</v></c>'),
        ("tong_so_nguoi", '<c r="{ref}" s="x5"><v>25</v></c>'),
        ("ky_hieu", '<c r="{ref}" t="s"><v>99999</v></c>'),
        ("ngay_ban_hanh", '<c r="{ref}" t="d"><v>09/06/2021</v></c>'),
    ],
)
def test_a_damaged_cell_is_named(tmp_path, name, cell):
    ref = named_cell_ref(name)[1]
    (problem,) = problems(edit_cell_xml(tmp_path, name, lambda _: cell.format(ref=ref)))
    assert (problem.field, problem.sheet) == (name, "Thông tin")
    assert problem.cell == named_cell_ref(name)[1]
    assert "ô bị hỏng" in problem.message


def test_not_a_number_in_a_whole_number_cell(tmp_path):
    change = lambda c: re.sub(r"<v>[^<]*</v>", "<v>NaN</v>", c)  # noqa: E731
    (problem,) = problems(edit_cell_xml(tmp_path, "tong_so_nguoi", change))
    assert problem.field == "tong_so_nguoi" and "số lẻ nan" in problem.message


@pytest.mark.parametrize(
    "change",
    [
        lambda part, data: b"<table" if part.startswith("xl/tables/") else data,
        lambda part, data: None if part == "xl/tables/table1.xml" else data,
        lambda part, data: data.replace(b'<row r="5"', b'<row r="five"') if part == SHEET else data,
        lambda part, data: re.sub(rb'ref="[^"]*"', b'ref="oops"', data, count=1)
        if part.startswith("xl/tables/") else data,
    ],
)  # fmt: skip
def test_a_damaged_part_is_a_workbook_error(tmp_path, change):
    workbook = rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", change)
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    assert "sổ Excel bị hỏng" in str(caught.value)
    assert caught.value.file == str(workbook)


def test_a_name_over_a_merged_block_reads_its_first_cell(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    sheet = book["Thông tin"]
    sheet.merge_cells("B11:C11")
    book.defined_names["ky_hieu"].attr_text = "'Thông tin'!$B$11:$C$11"
    book.save(workbook)
    assert bdt_docx.read_workbook(workbook)["ky_hieu"] == "BC-BDT"
    with Workbook(workbook) as reader:
        assert reader.merged("Thông tin") is reader.merged("Thông tin")  # read once
