"""A template without a field description prints a cell as the cell shows it (issue 8 §3),
and a date read from a month-first cell is said in the output."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from corpus.builders import docx_template
from reading import text as report_text
from workbooks import EXAMPLE, edit_workbook

import bdt_docx
from bdt_docx.errors import BdtDocxWarning
from bdt_docx.numfmt import shown

CASES = [  # value, number format, what Excel shows on a Vietnamese machine
    (0.9667, "0.00%", "96,67%"),
    (1500000, '#,##0 "đ"', "1.500.000 đ"),
    (1500000, "#,##0 [$đ-42A]", "1.500.000 đ"),
    (5, "00", "05"),
    (dt.time(12, 0), "h:mm", "12:00"),
    (1234.5, "#,##0.00", "1.234,50"),
    (1234.567, "#,##0.0#", "1.234,57"),
    (-5, "#,##0;(#,##0)", "(5)"),
    (0, '#,##0;-#,##0;"-"', "-"),
    (24.999999999999996, "General", "25"),
    (0.1 + 0.2, "General", "0,3"),
    (2.5, "0", "3"),
    (dt.datetime(2021, 6, 9), "mm-dd-yy", "09/06/2021"),  # built-in 14: the short date
    # built-in 22: the short date and a time (found by a new-user run: printed 6/9/21 14:05)
    (dt.datetime(2021, 6, 9, 14, 5), "m/d/yy h:mm", "09/06/2021 14:05"),
    (dt.datetime(2021, 6, 9, 14, 5), "dd/mm/yyyy hh:mm", "09/06/2021 14:05"),
    (dt.timedelta(hours=255, minutes=10, seconds=10), "[h]:mm:ss", "255:10:10"),
    # minutes after elapsed hours, and General under a locale (as Calc saves an .xlsx)
    (dt.timedelta(hours=255, minutes=10), "[hh]:mm", "255:10"),
    (dt.time(14, 5), "[h]:mm", "14:05"),
    (1500.5, "[$-409]General", "1500,5"),
    (12, '"Số "0', "Số 12"),
    # conditions choose the section (found by a new-user run: 500 printed as "0,0triệu")
    (500, '[>=1000000]0.0,,"triệu";0', "500"),
    (1500000, '[>=1000000]0.0,,"triệu";0', "1,5triệu"),
    (1500000, '[<1000]0;[<1000000]0.0,"K";0.0,,"M"', "1,5M"),
    (2500, '[<1000]0;[<1000000]0.0,"K";0.0,,"M"', "2,5K"),
    (5, '[=1]"một";[=2]"hai";0', "5"),
    (1, '[=1]"một";[=2]"hai";0', "một"),
    # text between digit placeholders is kept, digits filled from the right
    (912345678, "0000 000 000", "0912 345 678"),
    (123456, "000-000", "123-456"),
    (5, "000-000", "000-005"),
    (1234, "#\\.##0", "1.234"),
    # an empty section hides the value
    (5, ";;;", ""),
    (0, "#,##0;-#,##0;;@", ""),
    (5, "0.", "5,"),
]


@pytest.mark.parametrize(("value", "code", "expected"), CASES)
def test_a_value_is_shown_as_its_number_format_shows_it(value, code, expected):
    assert shown(value, code) == expected


def test_a_template_without_description_prints_what_the_cells_show(tmp_path):
    template = docx_template(
        tmp_path, ["Tỷ lệ {{ ty_le }}, kinh phí {{ kinh_phi }}, số {{ so }}, lúc {{ gio }}."]
    )
    book = openpyxl.Workbook()
    sheet = book.active
    for column, (name, value, code) in enumerate(
        [
            ("ty_le", 0.9667, "0.00%"),
            ("kinh_phi", 1500000, '#,##0 "đ"'),
            ("so", 5, "00"),
            ("gio", dt.time(12, 0), "h:mm"),
        ],
        1,
    ):
        cell = sheet.cell(1, column, value)
        cell.number_format = code
        book.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(
            name, attr_text=f"Sheet!${cell.column_letter}$1"
        )
    workbook = tmp_path / "so.xlsx"
    book.save(workbook)
    report = bdt_docx.fill_report(workbook, template, tmp_path / "r.docx")
    assert "Tỷ lệ 96,67%, kinh phí 1.500.000 đ, số 05, lúc 12:00." in report_text(report)


def test_a_date_and_time_typed_in_excel_prints_day_first(tmp_path):
    """A date with a time typed in Excel gets the built-in format 22, the machine's short
    date and a time: on a Vietnamese machine Excel shows 09/06/2021 14:05, and the report
    printed 6/9/21 14:05, the 6th of September to its reader (found by a new-user run)."""
    template = docx_template(tmp_path, ["Họp lúc {{ thoi_gian }}."])
    book = openpyxl.Workbook()
    book.active["B2"] = dt.datetime(2021, 6, 9, 14, 5)
    book.active["B2"].number_format = "m/d/yy h:mm"  # (openpyxl writes it as built-in 22)
    book.defined_names["thoi_gian"] = openpyxl.workbook.defined_name.DefinedName(
        "thoi_gian", attr_text="Sheet!$B$2"
    )
    book.save(tmp_path / "so.xlsx")
    with zipfile.ZipFile(tmp_path / "so.xlsx") as package:
        assert b'numFmtId="22"' in package.read("xl/styles.xml")
    report = bdt_docx.fill_report(tmp_path / "so.xlsx", template, tmp_path / "r.docx")
    assert "Họp lúc 09/06/2021 14:05." in report_text(report)


@pytest.mark.parametrize(
    ("value", "code"), [(-5, '[<0]"âm "0;0'), (1.5, "0.0-0"), (1234567, "#,##0-000")]
)
def test_a_format_whose_result_is_uncertain_is_refused_naming_the_cell(tmp_path, value, code):
    template = docx_template(tmp_path, ["Số {{ so }}."])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet["C4"] = value
    sheet["C4"].number_format = code
    book.defined_names["so"] = openpyxl.workbook.defined_name.DefinedName(
        "so", attr_text="'Số liệu'!$C$4"
    )
    book.save(tmp_path / "so.xlsx")
    with pytest.raises(bdt_docx.WorkbookError) as caught:
        bdt_docx.fill_report(tmp_path / "so.xlsx", template, tmp_path / "r.docx")
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.cell, problem.field) == ("Số liệu", "C4", "so")
    assert f"định dạng số «{code}»" in problem.message
    assert not (tmp_path / "r.docx").exists()


def test_a_list_column_prints_what_its_cells_show(tmp_path):
    """The recipients list is text: each cell prints as it shows, conditions and all."""
    workbook = tmp_path / "so.xlsx"
    book = openpyxl.load_workbook(EXAMPLE)
    table_sheet = next(ws for ws in book.worksheets if "noi_nhan" in ws.tables)
    first_row = int(table_sheet.tables["noi_nhan"].ref.split(":")[0][1:]) + 1
    cells = [
        (1500000, '[<1000]0;[<1000000]0.0,"K";0.0,,"M"'),
        (912345678, "0000 000 000"),
    ]
    for offset, (value, code) in enumerate(cells):
        cell = table_sheet.cell(first_row + offset, 1, value)
        cell.number_format = code
    book.save(workbook)
    text = report_text(bdt_docx.fill_report(workbook, None, tmp_path / "r.docx"))
    assert "1,5M" in text and "0912 345 678" in text


def test_a_date_from_a_month_first_cell_is_said(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"ngay_ban_hanh": dt.datetime(2021, 9, 6)})
    book = openpyxl.load_workbook(workbook)
    sheet_name, ref = next(iter(book.defined_names["ngay_ban_hanh"].destinations))
    book[sheet_name][ref.replace("$", "")].number_format = "m/d/yyyy"
    book.save(workbook)
    with pytest.warns(BdtDocxWarning) as caught:
        context = bdt_docx.read_workbook(workbook)
    assert context["ngay_ban_hanh"] == dt.date(2021, 9, 6)
    (warning,) = [w.message for w in caught if isinstance(w.message, BdtDocxWarning)]
    assert "đã đọc ngày 06/09/2021 (ngày 6 tháng 9 năm 2021)" in str(warning)
    # what to do, in Excel and in Calc (found by a new-user run: Excel's menu only)
    assert (
        "hãy định dạng ô dd/mm/yyyy (Excel: Format Cells → Custom, gõ dd/mm/yyyy; LibreOffice "
        "Calc: Format → Cells → Numbers, Format code DD/MM/YYYY) rồi gõ lại"
    ) in str(warning)


def test_a_day_first_date_is_read_without_a_word():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bdt_docx.read_workbook(EXAMPLE)["ngay_ban_hanh"] == dt.date(2021, 6, 9)
