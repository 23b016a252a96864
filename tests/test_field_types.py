"""A field type is one object in :mod:`bdt_docx.fieldtypes`: registering a new one is all it
takes for a description to name it, ``bdt-docx init`` to make its input cells, a workbook and
a program's context to be checked against it, and ``bdt-docx fields`` to list it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx.checks import check_context
from bdt_docx.cli import main
from bdt_docx.cli.fields import describe_fields
from bdt_docx.errors import ContextError, TemplateError, WorkbookError
from bdt_docx.fields import Fields
from bdt_docx.fieldtypes import TYPES, FieldType, ValueProblem
from bdt_docx.scaffold import VALUES_SHEET
from bdt_docx.validate import read_context
from bdt_docx.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"

#: A value and a list's column of the toy type, added to the shipped template's description.
EXTRA = """
[fields.dong_y]
label = "Đồng ý"
type = "co_khong"
example = "có"

[tables.phieu]
label = "Phiếu"
columns = [
  { name = "ten", header = "Tên" },
  { name = "dong_y", header = "Đồng ý", type = "co_khong" },
]
example = [["An", "không"]]
"""


class YesNo(FieldType):
    """A toy type: «có» or «không», as a boolean."""

    name = "co_khong"
    label = "có hoặc không"
    column_width = 9

    def convert(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("có", "không"):
            return text == "có"
        raise ValueProblem(f"cần «có» hoặc «không», không phải '{value}'")

    def validation(self, low: int | None, high: int | None, label: str) -> dict[str, str]:
        return {"type": "list", "formula1": '"có,không"', "error": f"{label}: có hoặc không"}


@pytest.fixture
def yes_no(monkeypatch):
    monkeypatch.setitem(TYPES, YesNo.name, YesNo())


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """The shipped template, with a description that also has the toy type's fields."""
    copy = tmp_path / "mau.docx"
    shutil.copyfile(TEMPLATE, copy)
    description = TEMPLATE.with_suffix(".toml").read_text(encoding="utf-8") + EXTRA
    copy.with_suffix(".toml").write_text(description, encoding="utf-8")
    return copy


def test_a_description_names_only_registered_types(template):
    with pytest.raises(TemplateError) as caught:
        Fields.load(template.with_suffix(".toml"))
    assert "kiểu 'co_khong' không có (dùng: text, integer, date)" in str(caught.value)


def test_a_registered_type_goes_through_init_reading_checking_and_listing(
    yes_no, template, tmp_path
):
    fields = Fields.load(template.with_suffix(".toml"))
    assert fields.values["dong_y"].field_type.label == "có hoặc không"
    workbook = tmp_path / "so_lieu.xlsx"
    assert main(["init", str(workbook), "-t", str(template), "--example"]) == 0

    # bdt-docx init: the example typed by the type, its label as the hint, its validation
    book = openpyxl.load_workbook(workbook)
    sheet_name, ref = next(iter(book.defined_names["dong_y"].destinations))
    cell = book[sheet_name][ref.replace("$", "")]
    assert (sheet_name, cell.value) == (VALUES_SHEET, True)
    assert book[sheet_name].cell(cell.row, cell.column + 1).value == "có hoặc không"
    lists = [v for s in book for v in s.data_validations.dataValidation if v.type == "list"]
    assert {v.formula1 for v in lists} == {'"có,không"'}
    assert any(cell.coordinate in v.sqref for v in lists)
    phieu = next(s for s in book if "phieu" in s.tables)
    assert phieu.column_dimensions["B"].width == 9
    assert [c.value for c in phieu["B"][3:5]] == ["Đồng ý", False]

    # the workbook read back, each value converted by the type
    with Workbook(workbook) as opened:
        context = read_context(opened, fields)
    assert context["dong_y"] is True
    assert context["phieu"] == [{"ten": "An", "dong_y": False}]

    # bdt-docx fields lists the type by its label
    lines, _, problems = describe_fields(template, workbook)
    assert problems == []
    assert any(line.split()[:2] == ["dong_y", "có"] and "[có]" in line for line in lines)
    assert any("'Đồng ý' (có hoặc không)" in line for line in lines)

    # a value the type refuses, in the workbook and in a program's context
    book[sheet_name][cell.coordinate] = "có lẽ"
    book.save(workbook)
    with Workbook(workbook) as opened, pytest.raises(WorkbookError) as caught:
        read_context(opened, fields)
    [problem] = caught.value.problems
    assert (problem.field, problem.sheet, problem.cell) == ("dong_y", VALUES_SHEET, cell.coordinate)
    assert problem.message == "cần «có» hoặc «không», không phải 'có lẽ'"
    given = {**context, "dong_y": "không", "phieu": [{"ten": "Bình", "dong_y": "có"}]}
    checked = check_context(given, fields)
    assert (checked["dong_y"], checked["phieu"]) == (False, [{"ten": "Bình", "dong_y": True}])
    with pytest.raises(ContextError) as caught:
        check_context({**given, "dong_y": None}, fields)
    assert [p.message for p in caught.value.problems] == [
        "chưa có giá trị, cần nhập Đồng ý (có hoặc không)"
    ]


def test_a_date_printed_without_a_filter_reads_as_the_cell_shows_it(tmp_path):
    """Found by a new-user run: ``{{ ngay }}`` of a date field printed 2026-02-01 where the
    cell showed 01/02/2026. A date value prints dd/mm/yyyy, from a workbook and from a
    program's context alike, and is still a date for the filters."""
    import datetime as dt

    from corpus.builders import docx_template
    from reading import text as report_text

    import bdt_docx

    template = docx_template(tmp_path, ["Ngày {{ ngay }}; {{ ngay | ngay_day_du }}."])
    template.with_suffix(".toml").write_text(
        '[fields.ngay]\nlabel = "Ngày"\ntype = "date"\n', encoding="utf-8"
    )
    book = openpyxl.Workbook()
    book.active["B2"] = dt.datetime(2026, 2, 1)
    book.active["B2"].number_format = "dd/mm/yyyy"
    book.defined_names["ngay"] = openpyxl.workbook.defined_name.DefinedName(
        "ngay", attr_text="Sheet!$B$2"
    )
    book.save(tmp_path / "so.xlsx")
    expected = "Ngày 01/02/2026; ngày 01 tháng 02 năm 2026."
    report = bdt_docx.fill_report(tmp_path / "so.xlsx", template, tmp_path / "a.docx")
    assert expected in report_text(report)
    for given in (dt.date(2026, 2, 1), "01/02/2026"):
        report = bdt_docx.render_report(
            {"ngay": given}, template, tmp_path / "b.docx", overwrite=True
        )
        assert expected in report_text(report)


def _refusals(tmp_path, **typed: tuple[object, str | None]) -> dict[str | None, str]:
    """The example with a value (and a number format, if given) typed into the cell of each
    name of ``typed``: what the refusal says, by field."""
    book = openpyxl.load_workbook(EXAMPLE)
    sheet = book["Thông tin"]
    for name, (value, code) in typed.items():
        _, ref = next(iter(book.defined_names[name].destinations))
        sheet[ref.replace("$", "")].value = value
        if code is not None:
            sheet[ref.replace("$", "")].number_format = code
    book.save(tmp_path / "so.xlsx")
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(tmp_path / "so.xlsx")
    return {p.field: p.message for p in caught.value.problems}


def test_a_count_in_a_date_or_time_cell_is_refused_saying_what_the_cell_shows(tmp_path):
    """25 typed into a cell formatted as a date shows 25/01/1900 in Excel; TRUE is a
    boolean. Each is refused saying what the cell holds and, for a date or a time, how to
    format the cell (the message said only that a whole number was needed)."""
    said = _refusals(
        tmp_path,
        tong_so_nguoi=(25, "dd/mm/yyyy"),
        so_nguoi_du_hoi_nghi=(dt.time(0, 25), "h:mm"),
        so_nguoi_ung_cu=(True, None),
    )
    assert said["tong_so_nguoi"].startswith(
        "cần một số nguyên, nhưng ô định dạng ngày giờ nên hiện «25/01/1900»; hãy đổi định dạng"
    )
    assert "nên hiện «0:25»" in said["so_nguoi_du_hoi_nghi"]
    assert said["so_nguoi_ung_cu"] == "cần một số nguyên, không phải giá trị TRUE"


def test_a_whole_number_the_cell_shows_as_a_percentage_is_refused(tmp_path):
    """Found by a new-user run: 100% typed into a count (Excel stores 1, formatted ``0%``)
    printed "4% (1/25 người)", the clerk's 100% read as one person."""
    said = _refusals(tmp_path, so_nguoi_di_bau_cu=(1, "0%"), so_nguoi_du_hoi_nghi=(1, "0.00%"))
    assert said["so_nguoi_di_bau_cu"] == (
        "cần một số nguyên, không phải tỷ lệ phần trăm 100% (ô định dạng phần trăm); hãy đổi "
        "định dạng ô thành số (Excel: Format Cells → Number → General; LibreOffice Calc: "
        "Format → Cells → Numbers → Number, General) rồi gõ lại số"
    )
    assert "không phải tỷ lệ phần trăm 100,00%" in said["so_nguoi_du_hoi_nghi"]


def test_a_fraction_the_cell_shows_otherwise_is_refused_saying_what_it_shows(tmp_path):
    """25,4 formatted ``0`` shows 25 and 0,96 formatted ``0%`` shows 96%: the clerk sees
    those, so the message names them beside the number the cell holds."""
    said = _refusals(tmp_path, tong_so_nguoi=(25.4, "0"), so_nguoi_di_bau_cu=(0.96, "0%"))
    assert said["tong_so_nguoi"] == (
        "cần một số nguyên, không phải số lẻ 25,4 (ô hiện «25» do định dạng số của ô); hãy gõ "
        "lại số nguyên"
    )
    assert (
        "không phải số lẻ 0,96 (ô hiện «96%» do định dạng số của ô)" in said["so_nguoi_di_bau_cu"]
    )
