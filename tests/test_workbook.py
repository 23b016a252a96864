"""The workbook reader facing what faulty programs and hurried clerks write.

Whatever a cell or part holds, the answer is a :class:`WorkbookError` that names the place,
never another exception.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from corpus.builders import rewrite_parts
from reading import text as report_text
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
    assert "cần một ngày, không phải số 20.210.609" in problem.message


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("tong_so_nguoi", '<c r="{ref}" s="7"><v>abc</v></c>'),
        ("tong_so_nguoi", '<c r="{ref}" s="x5"><v>25</v></c>'),
        ("tong_so_nguoi", '<c r="{ref}" s="x5"/>'),  # no value: damaged all the same
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


@pytest.mark.parametrize("stored", ["NaN", "inf", "1_000", "1" * 5000, " 25"])
def test_a_stored_number_no_spreadsheet_writes_is_a_damaged_cell(tmp_path, stored):
    change = lambda c: re.sub(r"<v>[^<]*</v>", f"<v>{stored}</v>", c)  # noqa: E731
    (problem,) = problems(edit_cell_xml(tmp_path, "tong_so_nguoi", change))
    assert (problem.field, problem.cell) == ("tong_so_nguoi", named_cell_ref("tong_so_nguoi")[1])
    assert "ô bị hỏng" in problem.message


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


def test_a_named_cell_hidden_by_a_merge_says_which_cell_holds_the_value(tmp_path):
    import openpyxl

    workbook = edit_workbook(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(workbook)
    book["Thông tin"].merge_cells("A27:B27")  # the label's cell and nguoi_ky's, B27
    book.save(workbook)
    (problem,) = problems(workbook)
    assert (problem.field, problem.sheet, problem.cell, problem.code) == (
        "nguoi_ky",
        "Thông tin",
        "B27",
        "value.blank",
    )
    assert "vùng ô gộp A27:B27, nơi chỉ ô A27 giữ giá trị" in problem.message
    assert "Merge & Center" in problem.message and "ô trống" in problem.message


def test_a_list_s_cell_a_merge_shows_a_value_in_is_never_left_blank_silently(tmp_path):
    """Found by a new-user run: one amount for two people, merged down over their rows
    (B3:B4), in the list of a template without a description (its columns may be blank):
    the report printed the second person with no amount, exit 0. In the shipped template's
    list (required columns) the refusal said only "ô trống" of a cell the clerk sees filled.
    A merged block that shows nothing leaves its rows' cells blank, as they look."""
    import openpyxl
    from corpus.builders import docx_template

    template = docx_template(
        tmp_path,
        table=[
            ["{%tr for r in ds %}", ""],
            ["{{ r.ten }}", "{{ r.so_tien }}"],
            ["{%tr endfor %}", ""],
        ],
    )
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Tên", "Số tiền"], ["A", "1.000"], ["B", "2.000"], ["C", None], ["D", None]):
        sheet.append(row)
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("B5:B6")  # blank: C and D have no amount, as the clerk sees
    sheet.add_table(openpyxl.worksheet.table.Table(displayName="ds", ref="A1:B6"))
    workbook = tmp_path / "so.xlsx"
    book.save(workbook)
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.fill_report(workbook, template, tmp_path / "r.docx")
    (problem,) = caught.value.problems
    assert (problem.field, problem.cell, problem.code) == ("ds.so_tien", "B4", "value.blank")
    assert problem.message.startswith("ô nằm trong vùng ô gộp B3:B4, nơi chỉ ô B3 giữ giá trị")
    assert not (tmp_path / "r.docx").exists()

    workbook = edit_workbook(tmp_path / "vb.xlsx", tables={"van_ban": [
        ["12/BDT-VP", dt.datetime(2021, 1, 5), "về việc A"], ["13/BDT-VP", None, "về việc B"],
    ]})  # fmt: skip
    book = openpyxl.load_workbook(workbook)
    book["Văn bản đã ban hành"].merge_cells("B5:B6")
    book.save(workbook)
    (problem,) = problems(workbook)
    assert (problem.field, problem.cell) == ("van_ban.ngay", "B6")
    assert "vùng ô gộp B5:B6, nơi chỉ ô B5 giữ giá trị" in problem.message


# -- broken files found by fuzzing (issue 13): a located WorkbookError, or read right ------

TABLE = "xl/tables/table1.xml"


def _in(part: str, old: bytes, new: bytes):
    """A ``rewrite_parts`` change replacing ``old`` by ``new`` once in ``part``."""

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        assert old in data, (part, old)
        return data.replace(old, new, 1)

    return change


@pytest.mark.parametrize(
    "change",
    [
        _in(SHEET, b'<row r="5"', '<row r="²"'.encode()),
        _in(SHEET, b'<row r="5"', b'<row r="' + b"9" * 5000 + b'"'),
        _in(SHEET, b'<row r="5"', b'<row r="2000000"'),
        _in(TABLE, b'headerRowCount="1"', 'headerRowCount="²"'.encode()),
        _in(TABLE, b'headerRowCount="1"', b'headerRowCount="' + b"1" * 5000 + b'"'),
        _in(TABLE, b'ref="A4:C6"', b'ref="A4:B6"'),
    ],
    ids=["superscript row", "huge row", "row past the grid", "superscript count", "huge count",
         "table narrower than its columns"],
)  # fmt: skip
def test_a_broken_number_in_a_part_is_a_workbook_error(tmp_path, change):
    workbook = rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", change)
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    assert "sổ Excel bị hỏng" in str(caught.value)


def test_a_comment_in_a_relationships_part_is_ignored(tmp_path):
    comment = b"<!-- written by hand --><Relationship "
    rels = "xl/worksheets/_rels/sheet2.xml.rels"
    workbook = rewrite_parts(
        EXAMPLE,
        tmp_path / "w.xlsx",
        lambda part, data: (
            data.replace(b"<Relationship ", comment, 1)
            if part in (rels, "_rels/.rels", "xl/_rels/workbook.xml.rels")
            else data
        ),
    )
    context = bdt_docx.read_workbook(workbook)
    assert context["van_ban"][0]["so_ky_hieu"] == "201/BDT-TTrTT"


def test_a_whole_number_of_5000_digits_typed_as_text_is_refused(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"tong_so_nguoi": "1" * 5000})
    (problem,) = problems(workbook)
    assert problem.cell == named_cell_ref("tong_so_nguoi")[1]
    assert "số quá lớn" in problem.message


def test_an_escaped_lone_surrogate_is_shown_as_a_replacement_character(tmp_path):
    ref = named_cell_ref("ky_hieu")[1]
    workbook = edit_cell_xml(
        tmp_path,
        "ky_hieu",
        lambda _: f'<c r="{ref}" t="inlineStr"><is><t>BC_xD800_-_xD83D__xDE00_</t></is></c>',
    )
    assert bdt_docx.read_workbook(workbook)["ky_hieu"] == "BC\ufffd-\U0001f600"
    report = bdt_docx.fill_report(workbook, output=tmp_path / "r.docx")
    assert "BC\ufffd-\U0001f600" in report_text(report)


def test_a_table_over_the_whole_grid_is_read_in_time(tmp_path):
    columns = "".join(f'<tableColumn id="{i}" name="c{i}"/>' for i in range(4, 16385))
    workbook = rewrite_parts(
        EXAMPLE,
        tmp_path / "w.xlsx",
        lambda part, data: (
            data.replace(b'ref="A4:C6"', b'ref="A4:XFD1048576"')
            .replace(b'count="3">', b'count="16384">')
            .replace(b"</tableColumns>", columns.encode() + b"</tableColumns>")
            if part == TABLE
            else data
        ),
    )
    rows = bdt_docx.read_workbook(workbook)["van_ban"]
    assert [row["so_ky_hieu"] for row in rows] == ["201/BDT-TTrTT", "91/PĐTĐ-BDT"]


# -- never a silently wrong or missing figure (issue 8) ------------------------------------


def test_rows_typed_right_below_a_table_are_refused_with_the_fix(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    sheet = book["Văn bản đã ban hành"]  # the table van_ban covers A4:C6
    sheet["A7"], sheet["C7"] = "15/BDT", "Kế hoạch tuyên truyền"
    sheet["A8"] = "16/BDT"
    sheet["A10"] = "Ghi chú: một dòng trống phía trên, không thuộc danh sách"
    book.save(workbook)
    (problem,) = problems(workbook)
    assert (problem.field, problem.sheet, problem.cell) == (
        "van_ban",
        "Văn bản đã ban hành",
        "A7:C8",
    )
    assert "các dòng 7–8 ngay dưới danh sách" in problem.message
    assert "Resize Table" in problem.message and "Data → Define Range" in problem.message


def test_a_note_after_a_blank_row_below_a_list_is_not_part_of_it(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    book["Văn bản đã ban hành"]["A8"] = "Ghi chú"
    book.save(workbook)
    assert len(bdt_docx.read_workbook(workbook)["van_ban"]) == 2


# -- a sheet is parsed only as far as the rows wanted (issue 11) ---------------------------

LIST_SHEET = "xl/worksheets/sheet2.xml"  # van_ban, A4:C6, then two hundred spare rows


def _moved_to_the_end(row: int, written: bytes):
    """A ``rewrite_parts`` change moving row ``row`` of the list's sheet after its last row,
    its start tag written ``written`` (rows out of order: Excel calls the file damaged and
    repairs it)."""

    def change(part: str, data: bytes) -> bytes:
        if part != LIST_SHEET:
            return data
        moved = re.search(rb'<row r="%d"(.*?</row>)' % row, data, re.DOTALL)
        assert moved is not None
        data = data.replace(moved[0], b"", 1)
        return data.replace(b"</sheetData>", written + moved[1] + b"</sheetData>", 1)

    return change


@pytest.mark.parametrize(
    "written",
    [b'<row r="6"', b'<row spans="1:3" r="6"'],
    ids=["as programs write it", "its number after another attribute"],
)
def test_list_rows_out_of_order_after_the_spare_rows_are_all_read(tmp_path, written):
    workbook = rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", _moved_to_the_end(6, written))
    expected = bdt_docx.read_workbook(EXAMPLE)["van_ban"]
    assert len(expected) == 2
    assert bdt_docx.read_workbook(workbook)["van_ban"] == expected


@pytest.mark.parametrize("last", [1, 7, 9, 10, 27, 99, 100, 305, 1000, 1_048_575])
def test_the_rows_that_must_not_follow_the_cut_are_told_by_number(last):
    from bdt_docx.workbook import _at_most

    numbers = re.compile(f"(?:{_at_most(last)})")
    for n in {*range(1, 1200), last - 1, last, last + 1, 1_000_000, 1_048_576}:
        assert bool(numbers.fullmatch(str(n))) == (1 <= n <= last), n
    assert not numbers.fullmatch("0") and not numbers.fullmatch(f"0{last}")


@pytest.mark.parametrize("last", [1, 7, 27, 99, 1000, 999_999, 1_048_575])
def test_the_row_start_tags_that_stop_the_cut_are_found_in_one_pass(last):
    from bdt_docx.workbook import _rows_not_past

    stops = _rows_not_past(last)
    for n in {*range(1, 1200), last - 1, last, last + 1, 999_999, 1_000_000, 1_048_576}:
        written = b'<row r="%d" spans="1:3">' % n
        assert bool(stops.search(written)) == (not last < n <= 999_999), n
    for odd in (b"<row>", b'<row r="08">', b'<row spans="1:3" r="1200">', b'<row r="">'):
        assert stops.search(odd), odd
    assert not stops.search(b'<rowBreaks count="1"/>')


def test_a_list_row_written_with_a_leading_zero_after_the_spare_rows_is_read(tmp_path):
    # '<row r="06"': not as programs write a row's number, so the sheet is parsed whole,
    # and the cell written last is the one read, as before the cut existed
    again = b'<row r="06"><c r="A6" t="inlineStr"><is><t>99/BDT-VP</t></is></c></row>'
    workbook = rewrite_parts(
        EXAMPLE, tmp_path / "w.xlsx", _in(LIST_SHEET, b"</sheetData>", again + b"</sheetData>")
    )
    before, after = (bdt_docx.read_workbook(w)["van_ban"] for w in (EXAMPLE, workbook))
    assert "99/BDT-VP" in after[1].values() and "99/BDT-VP" not in before[1].values()
    assert after[0] == before[0]


def test_a_row_past_the_grid_after_the_spare_rows_is_still_found(tmp_path):
    workbook = rewrite_parts(
        EXAMPLE,
        tmp_path / "w.xlsx",
        _in(
            LIST_SHEET,
            b"</sheetData>",
            b'<row r="2000000"><c r="A2000000"><v>1</v></c></row></sheetData>',
        ),
    )
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    assert "sổ Excel bị hỏng" in str(caught.value)


def test_a_sheet_whose_root_has_a_prefix_is_read_whole(tmp_path):
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def prefixed(part: str, data: bytes) -> bytes:
        if part != LIST_SHEET:
            return data
        data = data.replace(
            b'<worksheet xmlns="%s"' % main,
            b'<x:worksheet xmlns:x="%s" xmlns="%s"' % (main, main),
            1,
        )
        return data.replace(b"</worksheet>", b"</x:worksheet>", 1)

    workbook = rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", prefixed)
    assert bdt_docx.read_workbook(workbook)["van_ban"] == bdt_docx.read_workbook(EXAMPLE)["van_ban"]


@pytest.mark.parametrize(
    "hiding",
    [
        b'<!-- </row><row r="8"> -->',
        b'<![CDATA[</row><row r="8">]]>',
        b'<?note </row><row r="8"> ?>',
    ],
    ids=["comment", "cdata", "processing instruction"],
)
def test_a_row_tag_in_a_comment_does_not_end_the_list_early(tmp_path, hiding):
    # the list's rows are 5-6 and the row under it 7: '<row r="8"' between rows 5 and 6
    # must not be taken for the rows past them
    workbook = rewrite_parts(
        EXAMPLE, tmp_path / "w.xlsx", _in(LIST_SHEET, b'<row r="6"', hiding + b'<row r="6"')
    )
    assert bdt_docx.read_workbook(workbook)["van_ban"] == bdt_docx.read_workbook(EXAMPLE)["van_ban"]


NAMED = b'<c r="B17" s="5" t="n"><v>25</v></c>'  # tong_so_nguoi


@pytest.mark.parametrize(
    ("part", "after", "twice", "read"),
    [
        # a named cell: right after itself, and after the row's last cell
        (SHEET, NAMED, b'<c r="B17"><v>99</v></c>', lambda c: c["tong_so_nguoi"]),
        (SHEET, b"tong_so_nguoi</t></is></c>", b'<c r="B17"><v>99</v></c>',
         lambda c: c["tong_so_nguoi"]),
        # the first row of a one-column list
        ("xl/worksheets/sheet4.xml", b"UBND t&#7881;nh</t></is></c>",
         b'<c r="A5" t="inlineStr"><is><t>99</t></is></c>', lambda c: c["noi_nhan"][0]["noi_nhan"]),
    ],
    ids=["named cell", "named cell at the row's end", "one-column list"],
)  # fmt: skip
def test_a_cell_written_twice_reads_as_the_last_one_as_libreoffice_shows_it(
    tmp_path, part, after, twice, read
):
    # a faulty program wrote the cell twice in its row: LibreOffice and openpyxl show the
    # value written last, and so did the reader before a cell was found by its place
    workbook = rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", _in(part, after, after + twice))
    assert str(read(bdt_docx.read_workbook(workbook))) == "99"


def _as_named_range(workbook: Path, headers: tuple[str, str]) -> Path:
    """Replace the table noi_nhan by a named range over it with two columns ``headers``."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.load_workbook(workbook)
    sheet = book["Nơi nhận"]
    ref = sheet.tables["noi_nhan"].ref
    del sheet.tables["noi_nhan"]
    first, last = ref.split(":")
    sheet["A4"], sheet["B4"] = headers
    last = "B" + last[1:]
    book.defined_names["noi_nhan"] = DefinedName(
        "noi_nhan", attr_text=f"'Nơi nhận'!${first[0]}${first[1:]}:${last[0]}${last[1:]}"
    )
    book.save(workbook)
    return workbook


def test_two_list_columns_with_the_same_header_name_both_cells(tmp_path):
    workbook = _as_named_range(edit_workbook(tmp_path / "w.xlsx"), ("Nơi nhận", "NƠI NHẬN"))
    (problem,) = problems(workbook)
    assert (problem.field, problem.sheet) == ("noi_nhan", "Nơi nhận")
    assert "ô A4 và B4" in problem.message


def test_rows_below_a_named_range_say_how_to_extend_it(tmp_path):
    workbook = _as_named_range(edit_workbook(tmp_path / "w.xlsx"), ("Nơi nhận", "Ghi chú"))
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    last_row = max(r for r in range(1, 50) if book["Nơi nhận"].cell(r, 1).value)
    book["Nơi nhận"].cell(last_row + 1, 1, "Sở Tài chính;")
    book.save(workbook)
    (problem,) = problems(workbook)
    assert problem.cell == f"A{last_row + 1}:B{last_row + 1}"
    assert "Name Manager" in problem.message and "Named Ranges" in problem.message


def _without_recalculation(change):
    """A ``rewrite_parts`` change that also clears the example's fullCalcOnLoad (which
    openpyxl sets) so that saved formula results are Excel's."""

    def both(part: str, data: bytes) -> bytes:
        if part == "xl/workbook.xml":
            return data.replace(b' fullCalcOnLoad="1"', b"")
        return change(part, data)

    return both


def _cell_in_sheet1(name: str, xml: str):
    ref = named_cell_ref(name)[1]
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), re.DOTALL)

    def change(part: str, data: bytes) -> bytes:
        if part != SHEET:
            return data
        return pattern.sub(xml.format(ref=ref).encode(), data, count=1)

    return change


@pytest.mark.parametrize(
    ("name", "xml", "expected"),
    [
        ("so_van_ban", '<c r="{ref}" t="str"><f>IF(1=0,1,"")</f><v></v></c>', None),
        ("tong_so_nguoi", '<c r="{ref}"><f>A1</f><v>24.999999999999996</v></c>', 25),
        ("tong_so_nguoi", '<c r="{ref}"><v>25.000000000000004</v></c>', 25),
        ("nguoi_ky", '<c r="{ref}" t="str"><f>"Hà Văn Vui"</f><v>Hà Văn Vui</v></c>',
         "Hà Văn Vui"),
    ],
)  # fmt: skip
def test_saved_formula_results_are_what_excel_shows(tmp_path, name, xml, expected):
    workbook = rewrite_parts(
        EXAMPLE, tmp_path / "w.xlsx", _without_recalculation(_cell_in_sheet1(name, xml))
    )
    assert bdt_docx.read_workbook(workbook)[name] == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (24.5, "số lẻ 24,5"),
        ("2 5", "không phải chữ '2 5'"),
        ("25,5", "số lẻ 25,5"),
        # no thousands group starts with 0: '0.025' was read as 25 (found by a new-user run)
        ("0.025", "không phải chữ '0.025'"),
        ("01.234", "không phải chữ '01.234'"),
        # the document's whole number typed for its number (found by a new-user run)
        ("125/BC-BDT", "không phải chữ '125/BC-BDT': chỉ gõ số (125), phần sau dấu / là ký"),
    ],
)
def test_a_value_that_is_not_clearly_a_whole_number_is_refused(tmp_path, typed, reason):
    (problem,) = problems(edit_workbook(tmp_path / "w.xlsx", {"tong_so_nguoi": typed}))
    assert reason in problem.message


def test_space_grouped_thousands_are_a_whole_number(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"nhiem_ky_tu": "2 021"})
    assert bdt_docx.read_workbook(workbook)["nhiem_ky_tu"] == 2021


def test_saved_values_of_a_workbook_marked_for_recalculation_are_not_trusted(tmp_path):
    """openpyxl and xlsxwriter set fullCalcOnLoad: the value saved with a formula is a
    placeholder (xlsxwriter writes 0), never a result."""
    xml = '<c r="{ref}"><f>SUM(B18:B19)</f><v>0</v></c>'
    workbook = rewrite_parts(EXAMPLE, tmp_path / "w.xlsx", _cell_in_sheet1("tong_so_nguoi", xml))
    (problem,) = problems(workbook)
    assert problem.cell == named_cell_ref("tong_so_nguoi")[1]
    assert "không lưu kết quả đã tính" in problem.message


def test_a_list_row_of_formulas_without_results_is_refused_not_dropped(tmp_path):
    workbook = edit_workbook(
        tmp_path / "w.xlsx",
        tables={"noi_nhan": [["UBND tỉnh;"], ['="Sở Nội vụ;"'], ["Lưu: VT."]]},
    )
    (problem,) = problems(workbook)
    assert (problem.field, problem.sheet) == ("noi_nhan.noi_nhan", "Nơi nhận")
    assert "không lưu kết quả đã tính" in problem.message


def _saved_formula(formula: str, saved: str):
    """A change for :func:`edit_cell_xml`: the cell holds ``formula`` and the value a
    spreadsheet saved for it on some earlier day (``saved``)."""

    def change(cell_xml: str) -> str:
        head = re.match(r"<c [^>]*?(?=/?>)", cell_xml)[0].replace(' t="s"', "")
        return f"{head}><f>{formula}</f><v>{saved}</v></c>"

    return change


def test_today_gives_today_not_the_day_the_workbook_was_saved(tmp_path):
    """A workbook saved on 9 June 2021 with =TODAY(): Excel shows today's date on opening."""
    workbook = edit_cell_xml(tmp_path, "ngay_ban_hanh", _saved_formula("TODAY()", "44356"))
    assert bdt_docx.read_workbook(workbook)["ngay_ban_hanh"] == dt.date.today()


def test_another_formula_changing_with_time_is_refused_with_its_cell(tmp_path):
    change = _saved_formula("TODAY()-7", "44349")
    (problem,) = problems(edit_cell_xml(tmp_path, "ngay_ban_hanh", change))
    assert (problem.field, problem.cell) == ("ngay_ban_hanh", named_cell_ref("ngay_ban_hanh")[1])
    assert "=TODAY()-7" in problem.message and "lần tính cuối" in problem.message


@pytest.mark.slow
def test_today_in_a_workbook_saved_by_calc_as_ods(tmp_path):
    from test_ods import _to_ods

    workbook = edit_cell_xml(tmp_path, "ngay_ban_hanh", _saved_formula("TODAY()", "44356"))
    ods = _to_ods(workbook, tmp_path)
    assert bdt_docx.read_workbook(ods)["ngay_ban_hanh"] == dt.date.today()


def test_a_name_finds_its_sheet_whatever_the_letter_case(tmp_path):
    """Excel finds ``'thông tin'!$B$2`` on the sheet ``Thông tin``; so does the reader
    (found by a new-user run: such a name was refused as pointing at no sheet)."""
    import openpyxl
    from corpus.builders import docx_template

    book = openpyxl.Workbook()
    book.active.title = "Thông tin"
    book.active["B2"] = "Ban Dân tộc"
    book.defined_names["co_quan"] = openpyxl.workbook.defined_name.DefinedName(
        "co_quan", attr_text="'thông tin'!$B$2"
    )
    book.save(tmp_path / "so.xlsx")
    template = docx_template(tmp_path, ["Cơ quan: {{ co_quan }}."])
    report = bdt_docx.fill_report(tmp_path / "so.xlsx", template, tmp_path / "r.docx")
    assert "Cơ quan: Ban Dân tộc." in report_text(report)
    assert Workbook(tmp_path / "so.xlsx").find_name("co_quan").sheet == "Thông tin"


def test_workbooks_read_in_turn_each_give_their_own_names_and_lists(tmp_path):
    """A batch's workbooks store mostly the same parts, and what is read from one part is
    kept for the next workbook storing it alike: it must never be another workbook's."""
    longer = edit_workbook(
        tmp_path / "dai.xlsx", tables={"noi_nhan": [[f"Nơi {i}"] for i in range(1, 9)]}
    )
    renamed = rewrite_parts(
        EXAMPLE,
        tmp_path / "doi_ten.xlsx",
        lambda part, data: (
            data.replace(b'name="nguoi_ky"', b'name="nguoi_ky_cu"')
            if part == "xl/workbook.xml"
            else data
        ),
    )
    example = bdt_docx.read_workbook(EXAMPLE)
    assert [row["noi_nhan"] for row in bdt_docx.read_workbook(longer)["noi_nhan"]] == [
        f"Nơi {i}" for i in range(1, 9)
    ]
    assert any("nguoi_ky" in str(problem) for problem in problems(renamed))
    assert bdt_docx.read_workbook(EXAMPLE) == example
    assert len(example["noi_nhan"]) < 8
