"""Checking a workbook against the template's fields: every problem, with its place."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from workbooks import EXAMPLE, edit_workbook, named_cell_ref

import bdt_docx
from bdt_docx import WorkbookError


def problems_of(workbook) -> list:
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    return caught.value.problems


def only_problem(workbook):
    found = problems_of(workbook)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_example_reads_typed_values():
    context = bdt_docx.read_workbook(EXAMPLE)
    assert context["tong_so_nguoi"] == 25 and isinstance(context["tong_so_nguoi"], int)
    assert context["ngay_ban_hanh"] == dt.date(2021, 6, 9)
    assert context["so_van_ban"] is None
    assert context["khen_thuong"] == []
    assert [r["noi_nhan"] for r in context["noi_nhan"]] == [
        "UBND tỉnh",
        "Sở Nội vụ",
        "Lãnh đạo Ban",
        "Lưu: VT",
    ]
    assert context["van_ban"][1]["so_ky_hieu"] == "91/PĐTĐ-BDT"
    assert context["van_ban"][1]["ngay"] == dt.date(2021, 2, 18)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("tong_so_nguoi", "hai mươi", "cần một số nguyên, không phải chữ 'hai mươi'"),
        ("so_nguoi_du_hoi_nghi", 2.5, "số lẻ 2,5"),
        ("so_nguoi_ung_cu", -1, "số âm"),
        ("so_nguoi_di_bau_cu", 26, "không được lớn hơn tổng số công chức, người lao động (25)"),
        ("ngay_ban_hanh", "31/02/2021", "ngày 31/02/2021 không có thật"),
        ("ngay_huong_dan_khen_thuong", "tháng tư", "cần một ngày dạng dd/mm/yyyy"),
        ("nguoi_ky", "   ", "ô trống, cần nhập Họ và tên người ký"),
        ("tong_so_nguoi", 0, "không được nhỏ hơn 1"),
        ("nhiem_ky_den", 2020, "không được nhỏ hơn nhiệm kỳ HĐND từ năm (2021)"),
    ],
)
def test_each_bad_value_names_its_cell(tmp_path, name, value, words):
    problem = only_problem(edit_workbook(tmp_path / "w.xlsx", {name: value}))
    sheet, cell = named_cell_ref(name)
    assert (problem.field, problem.sheet, problem.cell) == (name, sheet, cell)
    assert words in problem.message
    assert problem.file == str(tmp_path / "w.xlsx")


def test_whole_numbers_typed_as_text_are_accepted(tmp_path):
    context = bdt_docx.read_workbook(
        edit_workbook(tmp_path / "w.xlsx", {"tong_so_nguoi": "1.025", "so_nguoi_di_bau_cu": "25"})
    )
    assert (context["tong_so_nguoi"], context["so_nguoi_di_bau_cu"]) == (1025, 25)


def test_zero_width_characters_pasted_from_the_web_are_dropped(tmp_path):
    # A number or a date pasted from a web page or a PDF carries an invisible U+200B (or a
    # word joiner, a byte-order mark): it was refused as a text the clerk saw as "2".
    context = bdt_docx.read_workbook(
        edit_workbook(
            tmp_path / "w.xlsx",
            {
                "so_nguoi_ung_cu": "2\u200b",
                "ngay_huong_dan_khen_thuong": "\ufeff14/04/2021",
                "ten_day_du": "Ban Dân tộc\u2060 tỉnh Cao Bằng\u200b",
            },
        )
    )
    assert context["so_nguoi_ung_cu"] == 2
    assert context["ngay_huong_dan_khen_thuong"] == dt.date(2021, 4, 14)
    assert context["ten_day_du"] == "Ban Dân tộc tỉnh Cao Bằng"


def test_five_faults_on_several_sheets_in_one_error(tmp_path):
    workbook = edit_workbook(
        tmp_path / "w.xlsx",
        {"tong_so_nguoi": "x", "ngay_ban_hanh": "30/02/2021", "so_nguoi_ung_cu": 1.5},
        {"van_ban": [["1/BDT", "32/13/2021", "về việc A"]], "noi_nhan": []},
    )
    book = openpyxl.load_workbook(workbook)
    del book.defined_names["ky_hieu"]
    book.save(workbook)
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    error = caught.value
    places = {(p.field, p.sheet, p.cell) for p in error.problems}
    assert ("tong_so_nguoi", "Thông tin", "B17") in places
    assert ("ngay_ban_hanh", "Thông tin", "B13") in places
    assert ("so_nguoi_ung_cu", "Thông tin", "B20") in places
    assert ("van_ban.ngay", "Văn bản đã ban hành", "B5") in places
    assert any(p.field == "noi_nhan" and p.sheet == "Nơi nhận" for p in error.problems)
    assert any(p.field == "ky_hieu" and "không có tên" in p.message for p in error.problems)
    assert len(error.problems) == 6
    text = str(error)
    assert text.startswith(f"Lỗi trong sổ Excel ({workbook}): 6 lỗi cần sửa:")
    assert "trang tính 'Văn bản đã ban hành', ô B5 (van_ban.ngay)" in text


def test_missing_column_says_which_columns_exist(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Văn bản đã ban hành"]
    sheet["C4"] = "Nội dung"
    sheet.tables["van_ban"].tableColumns[2].name = "Nội dung"
    book.save(workbook)
    problem = only_problem(workbook)
    assert problem.field == "van_ban.trich_yeu"
    assert "thiếu cột 'Trích yếu'" in problem.message and "'Nội dung'" in problem.message
    # where the header row is and what to do (found by a new-user run: neither was said)
    assert (problem.sheet, problem.cell) == ("Văn bản đã ban hành", "A4:C4")
    assert "hãy gõ lại tiêu đề của nó trong dòng tiêu đề đúng là 'Trích yếu'" in problem.message


def test_a_named_range_without_its_header_row_is_said_to_need_it(tmp_path):
    """A list named over its data rows only (the header row left out of the range): its
    first recipient is read as the header, and the refusal said to type the header back or
    add a column; it says that the range must start with its header row (found by a
    new-user run)."""
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Nơi nhận"]
    del sheet.tables["noi_nhan"]
    book.defined_names["noi_nhan"] = openpyxl.workbook.defined_name.DefinedName(
        "noi_nhan", attr_text="'Nơi nhận'!$A$5:$A$8"
    )
    book.save(workbook)
    problem = only_problem(workbook)
    assert (problem.field, problem.sheet, problem.cell) == ("noi_nhan.noi_nhan", "Nơi nhận", "A5")
    assert problem.message.startswith(
        "vùng có tên 'noi_nhan' thiếu cột 'Nơi nhận' (các cột đang có: 'UBND tỉnh'): dòng "
        "đầu của vùng có tên là dòng tiêu đề: vùng chưa gồm dòng tiêu đề thì hãy chọn lại "
        "vùng kể cả dòng đó (Excel: Formulas → Name Manager; LibreOffice Calc: Sheet → Named "
        "Ranges and Expressions → Manage)"
    )


def test_table_renamed_by_excel_on_copy_is_explained(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Văn bản đã ban hành"]
    table = sheet.tables.pop("van_ban")
    table.displayName = table.name = "van_ban2"
    sheet.add_table(table)
    book.save(workbook)
    problem = only_problem(workbook)
    assert problem.field == "van_ban"
    assert "'van_ban2'" in problem.message and "đổi tên bảng" in problem.message


def test_blank_rows_are_ignored_and_a_blank_only_row_is_an_empty_list(tmp_path):
    workbook = edit_workbook(
        tmp_path / "w.xlsx",
        tables={"noi_nhan": [["UBND tỉnh"], [None], ["  "], ["Lưu: VT"]], "khen_thuong": []},
    )
    context = bdt_docx.read_workbook(workbook)
    assert [r["noi_nhan"] for r in context["noi_nhan"]] == ["UBND tỉnh", "Lưu: VT"]
    assert context["khen_thuong"] == []


def test_a_named_range_with_a_header_row_is_a_list(tmp_path):
    """LibreOffice Calc has no Excel tables: a named range whose first row is the header."""
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Nơi nhận"]
    del sheet.tables["noi_nhan"]
    sheet["A4"], sheet["A5"], sheet["A6"] = "Nơi nhận", "Sở Tài chính", "Lưu: VT"
    for row in range(7, 12):
        sheet.cell(row, 1).value = None
    book.defined_names["noi_nhan"] = openpyxl.workbook.defined_name.DefinedName(
        "noi_nhan", attr_text="'Nơi nhận'!$A$4:$A$8"
    )
    book.save(workbook)
    context = bdt_docx.read_workbook(workbook)
    assert [r["noi_nhan"] for r in context["noi_nhan"]] == ["Sở Tài chính", "Lưu: VT"]


def test_sheet_scoped_name_is_accepted_when_it_is_the_only_one(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Thông tin"]
    reference = book.defined_names.pop("dia_danh").attr_text
    sheet.defined_names["dia_danh"] = openpyxl.workbook.defined_name.DefinedName(
        "dia_danh", attr_text=reference
    )
    book.save(workbook)
    assert bdt_docx.read_workbook(workbook)["dia_danh"] == "Cao Bằng"


def test_name_over_several_cells_is_refused(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    book.defined_names["ky_hieu"].attr_text = "'Thông tin'!$B$11:$C$12"
    book.save(workbook)
    problem = only_problem(workbook)
    assert (problem.field, problem.cell) == ("ky_hieu", "B11:C12")
    assert "nhiều ô" in problem.message


def test_template_variable_the_workbook_lacks(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    del book.defined_names["nguoi_ky"]
    book.save(workbook)
    problem = only_problem(workbook)
    assert problem.field == "nguoi_ky"
    # (the steps in both programs: a clerk with LibreOffice has no Formulas menu)
    assert "Excel: Formulas → Define Name" in problem.message
    assert "LibreOffice Calc: Sheet → Named Ranges and Expressions → Define" in problem.message


def test_a_list_the_workbook_lacks_is_told_how_to_make_in_excel_and_in_calc(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = next(ws for ws in book.worksheets if "noi_nhan" in ws.tables)
    del sheet.tables["noi_nhan"]
    book.save(workbook)
    problem = only_problem(workbook)
    assert (problem.code, problem.field) == ("list.missing", "noi_nhan")
    assert "Insert → Table" in problem.message
    assert "LibreOffice Calc: chọn vùng đó, Sheet → Named Ranges" in problem.message


@pytest.mark.parametrize(
    ("code", "cell_shows"),
    [("mm/yyyy", "06/2021"), ('"tháng" m "năm" yyyy', "tháng 6 năm 2021"), ("h:mm", "0:00")],
)
def test_a_date_whose_cell_hides_the_day_is_refused_not_given_day_one(tmp_path, code, cell_shows):
    """Excel stores "6/2021" typed into a month-and-year cell as 1 June: the report once
    printed "ngày 01 tháng 6", a day nobody typed."""
    workbook = tmp_path / "thang.xlsx"
    book = openpyxl.load_workbook(EXAMPLE)
    sheet, ref = named_cell_ref("ngay_ban_hanh")
    book[sheet][ref].value = dt.datetime(2021, 6, 1)
    book[sheet][ref].number_format = code
    book.save(workbook)
    problem = only_problem(workbook)
    assert (problem.field, problem.sheet, problem.cell) == ("ngay_ban_hanh", sheet, ref)
    assert f"ô chỉ hiện «{cell_shows}»" in problem.message


def test_a_date_shown_with_its_day_in_any_format_is_read(tmp_path):
    workbook = tmp_path / "ngay.xlsx"
    book = openpyxl.load_workbook(EXAMPLE)
    sheet, ref = named_cell_ref("ngay_ban_hanh")
    book[sheet][ref].number_format = '"ngày" d "tháng" m "năm" yyyy'
    book.save(workbook)
    assert bdt_docx.read_workbook(workbook)["ngay_ban_hanh"] == dt.date(2021, 6, 9)


def test_spare_rows_numbered_in_advance_are_not_rows_of_data(tmp_path):
    """Found by a new-user run: a clerk numbered the STT column down the spare rows of a
    list; each such row counted as data and gave 'ô trống' errors for every column. A row
    holding something only in a column the template does not read is skipped."""
    from corpus.builders import docx_template
    from openpyxl.worksheet.table import Table
    from reading import text as report_text

    template = docx_template(
        tmp_path,
        ["{% for r in ds %}{{ r.ten }}: {{ r.so }}; {% endfor %}"],
        toml='[tables.ds]\nlabel = "Danh sách"\ncolumns = [{ name = "ten", header = "Tên" },'
        ' { name = "so", header = "Số", type = "integer" }]\n',
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Tên", "Số"])
    sheet.append([1, "Xã A", 12])
    sheet.append([2, "Xã B", 7])
    for number in range(3, 11):
        sheet.append([number, None, None])
    sheet.add_table(Table(displayName="ds", ref="A1:C11"))
    book.save(tmp_path / "so.xlsx")
    report = bdt_docx.fill_report(tmp_path / "so.xlsx", template, tmp_path / "r.docx")
    assert "Xã A: 12; Xã B: 7;" in report_text(report)
    sheet["C5"] = 3  # a figure typed in a spare row is data, and its blank name is said
    book.save(tmp_path / "so.xlsx")
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(tmp_path / "so.xlsx", template)
    assert [(p.cell, p.field) for p in caught.value.problems] == [("B5", "ds.ten")]


def test_workbooks_read_in_turn_each_find_their_names_where_they_say(tmp_path):
    # one process reads the copies of a template workbook in turn (as a batch does), the
    # cells of names kept from one to the next only while the defined names are the same
    same = [edit_workbook(tmp_path / f"same{i}.xlsx", {"nguoi_ky": f"Người {i}"}) for i in (1, 2)]
    moved = edit_workbook(tmp_path / "moved.xlsx")
    book = openpyxl.load_workbook(moved)
    book.defined_names["nguoi_ky"].attr_text = "'Thông tin'!$B$5"  # the cell of co_quan_chu_quan
    book.save(moved)
    missing = edit_workbook(tmp_path / "missing.xlsx")
    book = openpyxl.load_workbook(missing)
    del book.defined_names["nguoi_ky"]
    book.save(missing)
    for _ in range(2):
        assert bdt_docx.read_workbook(same[0])["nguoi_ky"] == "Người 1"
        context = bdt_docx.read_workbook(moved)
        assert context["nguoi_ky"] == context["co_quan_chu_quan"] != "Người 1"
        assert only_problem(missing).field == "nguoi_ky"
        assert bdt_docx.read_workbook(same[1])["nguoi_ky"] == "Người 2"
