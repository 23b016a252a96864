"""``bdt-docx init`` (:mod:`bdt_docx.scaffold`) and the field description it is built from
(:meth:`bdt_docx.fields.Fields.load`): a malformed or unusual description is a template
error naming the .toml and the entry, never a Python exception."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

import bdt_docx
from bdt_docx.cli import EXIT_CODES, main
from bdt_docx.errors import TemplateError
from bdt_docx.fields import Column, Fields, FieldSpec, TableSpec
from bdt_docx.scaffold import SPARE_ROWS, VALUES_SHEET, _sheet_title, new_workbook
from bdt_docx.validate import read_context
from bdt_docx.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
DESCRIPTION = TEMPLATE.with_suffix(".toml")


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mau.toml"
    path.write_text(text, encoding="utf-8")
    return path


def custom_template(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """The shipped template beside its description with ``(old, new)`` replacements."""
    template = tmp_path / "mau.docx"
    shutil.copyfile(TEMPLATE, template)
    text = DESCRIPTION.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    template.with_suffix(".toml").write_text(text, encoding="utf-8")
    return template


def run_init(tmp_path: Path, template: Path, *options: str) -> tuple[int, dict]:
    result = tmp_path / "ketqua.json"
    workbook = tmp_path / "so_lieu.xlsx"
    code = main(["init", str(workbook), "-t", str(template), *options, "--result", str(result)])
    return code, json.loads(result.read_text(encoding="utf-8"))


# --- C. the description is checked entry by entry -------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ('[fields]\nx = "text"\n', "x", "mục [fields.x] phải là một bảng"),
        ("[fields]\nx = 3\n", "x", "mục [fields.x] phải là một bảng"),
        ('[tables.ds]\ncolumns = "Tên"\n', "ds", "'columns' phải là danh sách"),
        ("[tables.ds]\ncolumns = {name = 'a'}\n", "ds", "'columns' phải là danh sách"),
        ('[tables.ds]\ncolumns = ["Tên"]\n', "ds", "mục [tables.ds], cột 1 phải là một bảng"),
        ("[tables.ds]\ncolumns = [{name = 'a'}]\n", "ds", "cột 1 thiếu khóa 'header'"),
        ("[tables.ds]\ncolumns = []\n", "ds", "ít nhất một cột"),
        ("[tables.ds]\nlabel = 'Danh sách'\n", "ds", "cần 'columns'"),
        ('[tables]\nds = "x"\n', "ds", "mục [tables.ds] phải là một bảng"),
        ("[fields.a]\ntype = 'bool'\n", "a", "kiểu 'bool' không có"),
        ("[fields.a]\nmin = true\n", "a", "'min' phải là số nguyên"),
        ("[fields.a]\nrequired = 'no'\n", "a", "'required' phải là true hoặc false"),
        ("[fields.a]\nlabel = 3\n", "a", "'label' phải là chữ"),
        ("[fields.a]\nlable = 'x'\n", "a", "khóa lạ 'lable'"),
        ("[fields.a]\nexample = [1, 2]\n", "a", "'example' phải là một giá trị"),
        (
            "[tables.ds]\ncolumns = [{name = 'a', header = 'A', kind = 'text'}]\n",
            "ds",
            "khóa lạ 'kind'",
        ),
        (
            "[tables.ds]\ncolumns = [{name = 'a', header = 'A'}]\nexample = [['x', 'y']]\n",
            "ds",
            "dòng mẫu 1 có 2 giá trị nhưng bảng có 1 cột",
        ),
        (
            "[tables.ds]\ncolumns = [{name = 'a', header = 'A'}]\nexample = ['x']\n",
            "ds",
            "dòng mẫu 1 phải là danh sách",
        ),
        ('fields = "x"\n', None, "mục [fields] phải là một bảng"),
        ("[template]\ntitle = 3\n", None, "'title' phải là chữ"),
    ],
)
def test_malformed_description_is_a_template_error(tmp_path, text, field, expected) -> None:
    path = write_toml(tmp_path, text)
    with pytest.raises(TemplateError) as caught:
        Fields.load(path)
    error = caught.value
    assert error.file == str(path) and str(path) in str(error)
    assert [p.field for p in error.problems] == [field]
    assert expected in error.problems[0].message


def test_every_malformed_entry_is_listed_at_once(tmp_path) -> None:
    path = write_toml(tmp_path, '[fields]\nx = "a"\ny = 2\n[tables.ds]\ncolumns = "c"\n')
    with pytest.raises(TemplateError) as caught:
        Fields.load(path)
    assert [p.field for p in caught.value.problems] == ["x", "y", "ds"]
    assert "3 lỗi cần sửa" in str(caught.value)


def test_shipped_description_loads_and_remembers_its_file() -> None:
    fields = Fields.load(DESCRIPTION)
    assert fields.source == DESCRIPTION
    assert fields.tables["noi_nhan"].columns[0].strip_end == ";.,"
    assert fields.values["khoa_quoc_hoi"].example == 15


def test_cli_reports_a_malformed_description_as_a_template_error(tmp_path) -> None:
    template = custom_template(
        tmp_path, ('[fields.dia_danh]\nlabel = "Địa danh"', '[fields]\ndia_danh = "Địa danh"\n[x]')
    )
    code, result = run_init(tmp_path, template)
    assert code == EXIT_CODES["template"]
    assert result["errors"][0]["field"] == "dia_danh"
    assert result["errors"][0]["file"] == str(template.with_suffix(".toml"))


# --- D. sheet titles and example values ---------------------------------------------------


@pytest.mark.parametrize(
    ("label", "taken", "expected"),
    [
        ("Nơi nhận", [VALUES_SHEET], "Nơi nhận"),
        ("Văn bản / Quyết định: [số]*?\\", [], "Văn bản - Quyết định- -số----"),
        ("'Trích'", [], "Trích"),
        ("a" * 40, [], "a" * 31),
        ("a" * 40, ["A" * 31], "a" * 27 + " (2)"),
        ("thông tin", [VALUES_SHEET], "thông tin (2)"),
        ("History", [], "History (2)"),
        ("[]:", [], "---"),
        ("  ", [], "Danh sách"),
        ("dòng\nhai\tba", [], "dòng hai ba"),
    ],
)
def test_sheet_titles_are_safe_and_unique(label, taken, expected) -> None:
    title = _sheet_title(label, taken)
    assert title == expected
    assert len(title) <= 31


def _list_fields(*labels: str) -> Fields:
    column = Column("ten", "Tên")
    tables = {
        f"ds_{i}": TableSpec(f"ds_{i}", label, (column,), example=(("x",),))
        for i, label in enumerate(labels)
    }
    return Fields({}, tables)


def test_init_with_awkward_list_labels_makes_a_valid_workbook(tmp_path) -> None:
    long = "Danh sách các văn bản đã ban hành trong năm"
    fields = _list_fields("Văn bản / Quyết định [2021]?", long, long + " (bản sao)", "Thông tin")
    path = new_workbook(tmp_path / "so_lieu.xlsx", fields, example=True)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        VALUES_SHEET,
        "Văn bản - Quyết định -2021--",
        long[:31],
        long[:27] + " (2)",
        "Thông tin (2)",
    ]
    tables = {name: sheet.title for sheet in book.worksheets for name in sheet.tables}
    assert tables == {
        "ds_0": "Văn bản - Quyết định -2021--",
        "ds_1": long[:31],
        "ds_2": long[:27] + " (2)",
        "ds_3": "Thông tin (2)",
    }


def test_init_through_the_cli_with_a_label_excel_forbids(tmp_path) -> None:
    template = custom_template(
        tmp_path, ('label = "Văn bản đã ban hành"', 'label = "Văn bản: đã ban hành [2021]"')
    )
    code, result = run_init(tmp_path, template, "--example")
    assert code == 0, result
    book = openpyxl.load_workbook(tmp_path / "so_lieu.xlsx")
    assert "Văn bản- đã ban hành -2021-" in book.sheetnames
    context = bdt_docx.read_workbook(tmp_path / "so_lieu.xlsx", template)
    assert len(context["van_ban"]) == 2


def test_bad_example_date_is_a_template_error_naming_the_field(tmp_path) -> None:
    template = custom_template(tmp_path, ('example = "09/06/2021"', 'example = "31/02/2021"'))
    code, result = run_init(tmp_path, template, "--example")
    assert code == EXIT_CODES["template"]
    [error] = result["errors"]
    assert error["field"] == "ngay_ban_hanh"
    assert error["file"] == str(template.with_suffix(".toml"))
    assert "31/02/2021" in error["message"] and "example" in error["message"]
    assert not (tmp_path / "so_lieu.xlsx").exists()


def test_bad_examples_are_listed_together_and_only_when_used(tmp_path) -> None:
    template = custom_template(
        tmp_path,
        ('example = "09/06/2021"', 'example = "31/02/2021"'),
        ('"09/04/2021"', '"ngày 9"'),
        ("example = 15", 'example = "mười lăm"'),
    )
    with pytest.raises(TemplateError) as caught:
        new_workbook(tmp_path / "a.xlsx", Fields.load(template.with_suffix(".toml")), example=True)
    problems = caught.value.problems
    assert [p.field for p in problems] == ["ngay_ban_hanh", "khoa_quoc_hoi", "van_ban"]
    assert "dòng 1, cột 'Ngày'" in problems[2].message
    assert caught.value.file == str(template.with_suffix(".toml"))
    code, _ = run_init(tmp_path, template)  # without --example the examples are not used
    assert code == 0


def test_example_row_of_the_wrong_length_is_a_template_error(tmp_path) -> None:
    """Fields built in code (not from a .toml) are checked as well."""
    fields = Fields(
        {"a": FieldSpec("a", "A", type="integer", example="x")},
        {"ds": TableSpec("ds", "DS", (Column("ten", "Tên"),), example=(("x", "y"),))},
    )
    with pytest.raises(TemplateError) as caught:
        new_workbook(tmp_path / "a.xlsx", fields, example=True)
    assert [p.field for p in caught.value.problems] == ["a", "ds"]
    assert "2 giá trị nhưng danh sách có 1 cột" in caught.value.problems[1].message
    assert caught.value.file is None


def test_init_lists_have_bordered_spare_rows_a_clerk_types_into(tmp_path) -> None:
    fields = _list_fields("Nơi nhận")
    path = new_workbook(tmp_path / "so_lieu.xlsx", fields, example=True)
    book = openpyxl.load_workbook(path)
    sheet = book["Nơi nhận"]
    assert sheet.tables["ds_0"].ref == f"A4:A{5 + SPARE_ROWS}"  # the example row + spares
    assert all(sheet.cell(r, 1).border.bottom.style == "thin" for r in range(4, 6 + SPARE_ROWS))
    for row in range(6, 6 + SPARE_ROWS):  # typed in the next rows, as in Calc: no resizing
        sheet.cell(row, 1, f"nơi {row}")
    book.save(path)
    with Workbook(path) as workbook:
        context = read_context(workbook, fields)
    typed = [f"nơi {r}" for r in range(6, 6 + SPARE_ROWS)]
    assert [r["ten"] for r in context["ds_0"]] == ["x", *typed]


def test_a_template_without_description_gets_its_loops_as_lists(tmp_path, capsys) -> None:
    """Found by a new-user run: ``{%tr for r in ds %}`` in a template without a description
    was listed by ``fields`` as a text value and ``init`` made one cell for it, so the new
    workbook could never fill that template. The loop's variable is a list whose columns are
    what the rows are read by, in the template's order; ``init`` makes its table."""
    import docx
    from reading import text as report_text

    document = docx.Document()
    document.add_paragraph("Kính gửi: {{ noi_gui }}")
    table = document.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Tên", "Số"
    table.cell(1, 0).text = "{%tr for r in ds %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ r.ten }}", "{{ r['so'] }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    template = tmp_path / "mau.docx"
    document.save(template)

    assert main(["fields", "-t", str(template)]) == 0
    listing = capsys.readouterr().out
    assert "ds                           cột: 'ten' (chữ), 'so' (chữ)" in listing
    assert "Danh sách" in listing.split("ds ")[0]  # under the lists, not the values

    workbook = tmp_path / "so.xlsx"
    assert main(["init", str(workbook), "-t", str(template)]) == 0
    book = openpyxl.load_workbook(workbook)
    assert "ds" not in book.defined_names
    sheet = next(ws for ws in book.worksheets if "ds" in ws.tables)
    top = openpyxl.utils.cell.range_boundaries(sheet.tables["ds"].ref)[1]
    assert [sheet.cell(top, c).value for c in (1, 2)] == ["ten", "so"]
    for offset, row in enumerate([("Xã A", 12), ("Xã B", 7)], 1):
        for column, value in enumerate(row, 1):
            sheet.cell(top + offset, column, value)
    name_sheet, ref = next(iter(book.defined_names["noi_gui"].destinations))
    book[name_sheet][ref.replace("$", "")] = "UBND tỉnh"
    book.save(workbook)
    report = bdt_docx.fill_report(workbook, template, tmp_path / "r.docx")
    text = report_text(report)
    assert "Kính gửi: UBND tỉnh" in text
    assert "Xã A" in text and "12" in text and "Xã B" in text


def test_a_column_the_template_reads_that_the_workbook_lacks_is_said_of_the_workbook(
    tmp_path, capsys
) -> None:
    """Found by a new-user run: a row added in Writer to the loop of a template without a
    description (``{{ r.ghi_chu }}``), filled from a workbook whose table has no such column:
    ``fields -w`` said the workbook was complete and correct, then ``fill`` failed with exit 4,
    a template error pointing at a field description the template does not have."""
    from corpus.builders import docx_template

    template = docx_template(
        tmp_path,
        table=[
            ["{%tr for r in ds %}", ""],
            ["{{ r.ten }}", "{{ r.ghi_chu }}"],
            ["{%tr endfor %}", ""],
        ],
    )
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Tên", "Số"], ["Xã A", 12]):
        sheet.append(row)
    sheet.add_table(openpyxl.worksheet.table.Table(displayName="ds", ref="A1:B2"))
    workbook = tmp_path / "so.xlsx"
    book.save(workbook)

    words = "bảng 'ds' thiếu cột 'ghi_chu' (các cột đang có: 'Tên', 'Số')"
    assert main(["fields", "-t", str(template), "-w", str(workbook)]) == 3
    out = capsys.readouterr().out
    assert words in out and "đủ và đúng" not in out
    assert main(["fill", str(workbook), "-t", str(template)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Lỗi trong sổ Excel (") and words in err
    assert not (tmp_path / "so.docx").exists()


def test_a_list_whose_rows_the_template_prints_whole_is_a_list_of_values(tmp_path, capsys) -> None:
    """Found by a new-user run: ``{% for x in ds %}{{ x }}`` in a template without a
    description made ``ds`` one text cell, and the report printed its letters ("Kính gửi: U,
    B, N, D,  , t, ỉ, n, h."); a table named ``ds`` printed each row as a dict ("{'noi_nhan':
    'UBND tỉnh'}"), both with exit 0. Such a list is a table of one column, its values."""
    import openpyxl.utils
    from corpus.builders import docx_template
    from reading import text as report_text

    template = docx_template(
        tmp_path,
        ["Kính gửi: {% for x in ds %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}."],
    )
    assert main(["fields", "-t", str(template)]) == 0
    listing = capsys.readouterr().out
    assert "ds                           cột: 'ds' (chữ)" in listing.split("Danh sách")[1]

    made = tmp_path / "moi.xlsx"
    assert main(["init", str(made), "-t", str(template)]) == 0
    book = openpyxl.load_workbook(made)
    sheet = next(ws for ws in book.worksheets if "ds" in ws.tables)
    col, top, _, _ = openpyxl.utils.range_boundaries(sheet.tables["ds"].ref)
    sheet.cell(top + 1, col, "UBND tỉnh")
    sheet.cell(top + 2, col, "Sở Nội vụ")
    book.save(made)

    def table(path: Path, rows: list[list[str]]) -> Path:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        ref = f"A1:{openpyxl.utils.get_column_letter(len(rows[0]))}{len(rows)}"
        book.active.add_table(openpyxl.worksheet.table.Table(displayName="ds", ref=ref))
        book.save(path)
        return path

    one = table(tmp_path / "mot.xlsx", [["Nơi nhận"], ["UBND tỉnh"], ["Sở Nội vụ"]])
    for workbook in (made, one):
        report = bdt_docx.fill_report(workbook, template, tmp_path / f"{workbook.stem}.docx")
        assert "Kính gửi: UBND tỉnh, Sở Nội vụ." in report_text(report)

    two = table(tmp_path / "hai.xlsx", [["Nơi nhận", "Ghi chú"], ["UBND tỉnh", "x"]])
    book = openpyxl.Workbook()
    book.active["A1"] = "UBND tỉnh"
    book.defined_names["ds"] = openpyxl.workbook.defined_name.DefinedName(
        "ds", attr_text="Sheet!$A$1"
    )
    cell = tmp_path / "o.xlsx"
    book.save(cell)
    for workbook, code, words in (
        (two, "list.not_one_column", "nên bảng 'ds' cần đúng một cột (đang có: 'Nơi nhận', "),
        (cell, "list.missing", "'ds' là một ô, mà mẫu lặp qua nó ({% for … in ds %})"),
    ):
        with pytest.raises(bdt_docx.WorkbookError) as caught:
            bdt_docx.fill_report(workbook, template, tmp_path / "r.docx")
        (problem,) = caught.value.problems
        assert problem.code == code and words in problem.message
        assert not (tmp_path / "r.docx").exists()
