"""OpenDocument spreadsheets read directly: what Calc shows, without LibreOffice."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from corpus.builders import docx_template
from needs import require_libreoffice
from reading import text as report_text
from test_calc_typing import SAVES, type_in_calc
from workbooks import EXAMPLE, named_cell_ref

import bdt_docx
from bdt_docx import WorkbookError, numfmt
from bdt_docx.cli import main
from bdt_docx.errors import BdtDocxWarning
from bdt_docx.ods import OdsWorkbook, format_shown
from bdt_docx.workbook import MAX_COL, MAX_ROW, Area

OFFICE = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"'
)


def fods(path, rows: str, extra: str = "", null_date: str = "1899-12-30", styles: str = ""):
    """A flat OpenDocument spreadsheet with one sheet 'S' holding ``rows`` (``styles``:
    its ``office:styles`` and ``office:automatic-styles``)."""
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {OFFICE}>{styles}<office:body>'
        "<office:spreadsheet><table:calculation-settings>"
        f'<table:null-date table:date-value="{null_date}"/></table:calculation-settings>'
        f'<table:table table:name="S">{rows}</table:table>{extra}'
        "</office:spreadsheet></office:body></office:document>",
        encoding="utf-8",
    )
    return path


def cell(value_type: str, shown: str, **attributes: str) -> str:
    extra = " ".join(f'{k.replace("_", ":", 1)}="{v}"' for k, v in attributes.items())
    return (
        f'<table:table-cell office:value-type="{value_type}" {extra}>'
        f"<text:p>{shown}</text:p></table:table-cell>"
    )


def read(path, ref_rows: int = 5, ref_cols: int = 5) -> dict[str, object]:
    with OdsWorkbook(path) as book:
        cells = book.fetch([Area("S", 1, 1, ref_rows, ref_cols)])
    return {c.ref: c.value for c in cells.values()}


def test_dates_are_what_calc_shows_whatever_the_null_date(tmp_path):
    row = (
        (
            "<table:table-row>"
            + cell("date", "09/06/2021", office_date__value="2021-06-09")
            + cell("time", "12:30", office_time__value="PT12H30M00S")
            + cell("percentage", "96,67%", office_value="0.9667")
            + "</table:table-row>"
        )
        .replace("date__value", "date-value")
        .replace("time__value", "time-value")
    )
    path = fods(tmp_path / "d.fods", row, null_date="1900-01-01")
    assert read(path) == {
        "A1": dt.datetime(2021, 6, 9),
        "B1": dt.time(12, 30),
        "C1": 0.9667,
    }


def test_repeated_covered_and_spanned_cells(tmp_path):
    rows = (
        '<table:table-row><table:table-cell table:number-columns-spanned="2" '
        'office:value-type="string"><text:p>Phòng A</text:p></table:table-cell>'
        "<table:covered-table-cell/></table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'table:number-columns-repeated="2" office:value-type="float" office:value="7">'
        "<text:p>7</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = fods(tmp_path / "r.fods", rows)
    assert read(path) == {"A1": "Phòng A", "A2": 7.0, "B2": 7.0, "A3": 7.0, "B3": 7.0}
    whole = rows.replace(
        'table:number-columns-repeated="2"', 'table:number-columns-repeated="16384"'
    )
    whole = whole.replace('number-rows-repeated="2"', 'number-rows-repeated="1048575"')
    with OdsWorkbook(fods(tmp_path / "w.fods", whole)) as book, pytest.raises(WorkbookError):
        book.fetch([Area("S", 1, 1, MAX_ROW, MAX_COL)])  # refused in time, not expanded
    with OdsWorkbook(path) as book:
        assert book.merged("S") == [Area("S", 1, 1, 1, 2)]


@pytest.mark.parametrize("count", ["0", "²", "9" * 50])
def test_a_broken_repeat_count_is_a_workbook_error(tmp_path, count):
    rows = (
        f'<table:table-row table:number-rows-repeated="{count}">'
        "<table:table-cell/></table:table-row>"
    )
    with pytest.raises(WorkbookError) as caught:
        OdsWorkbook(fods(tmp_path / "b.fods", rows))
    assert "bị hỏng" in str(caught.value)


#: A common cell style (styles.xml) and automatic ones (content.xml) with date styles.
COMMON = (
    '<number:date-style style:name="N9"><number:month number:textual="true" '
    'number:style="long"/><number:text> năm </number:text><number:year number:style="long"/>'
    '</number:date-style><style:style style:name="Ngay" style:family="table-cell" '
    'style:data-style-name="N9"/>'
)
AUTOMATIC = (
    '<number:date-style style:name="N1"><number:day number:style="long"/><number:text>/'
    '</number:text><number:month number:style="long"/><number:text>/</number:text>'
    '<number:year/></number:date-style><number:date-style style:name="N2"><number:hours/>'
    '<number:text>:</number:text><number:minutes number:style="long"/><number:text>:'
    '</number:text><number:seconds number:style="long" number:decimal-places="2"/>'
    "<number:text> </number:text><number:am-pm/></number:date-style>"
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    '<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Ngay"/>'
    '<style:style style:name="ce3" style:family="table-cell" style:data-style-name="N2"/>'
    '<style:style style:name="ce4" style:family="table-cell" style:parent-style-name="Default"/>'
    '<number:time-style style:name="N5" number:truncate-on-overflow="false"><number:hours/>'
    '<number:text>:</number:text><number:minutes number:style="long"/></number:time-style>'
    '<style:style style:name="ce5" style:family="table-cell" style:data-style-name="N5"/>'
)
#: A1 and B1 in their own styles, C1 in its column's, D1 in one without a date style, C2 in
#: its row's; D2 a time in elapsed hours.
STYLED_ROWS = (
    '<table:table-column table:number-columns-repeated="2"/>'
    '<table:table-column table:default-cell-style-name="ce3"/><table:table-row>'
    + "".join(
        f'<table:table-cell {style} office:value-type="date" '
        'office:date-value="2021-06-09T14:05:30"><text:p>…</text:p></table:table-cell>'
        for style in (
            'table:style-name="ce1"',
            'table:style-name="ce2"',
            "",
            'table:style-name="ce4"',
        )
    )
    + '</table:table-row><table:table-row table:default-cell-style-name="ce2">'
    "<table:table-cell/><table:table-cell/><table:table-cell "
    'office:value-type="date" office:date-value="2021-06-09"><text:p>…</text:p>'
    '</table:table-cell><table:table-cell table:style-name="ce5" office:value-type="time" '
    'office:time-value="PT30H15M00S"><text:p>…</text:p></table:table-cell></table:table-row>'
)


def _styled_ods(path: Path, styles: str = f"<office:styles>{COMMON}</office:styles>") -> Path:
    """An .ods whose cell styles are in content.xml and in styles.xml, as Calc keeps them."""
    body = f'<table:table table:name="S">{STYLED_ROWS}</table:table>'
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(
            "content.xml",
            f"<office:document-content {OFFICE}><office:automatic-styles>{AUTOMATIC}"
            "</office:automatic-styles><office:body><office:spreadsheet>"
            f"{body}</office:spreadsheet></office:body></office:document-content>",
        )
        package.writestr(
            "styles.xml",
            f"<office:document-styles {OFFICE}>{styles}</office:document-styles>",
        )
    return path


@pytest.mark.parametrize("suffix", [".fods", ".ods"])
def test_a_date_shows_as_its_date_style_shows_it(tmp_path, suffix):
    if suffix == ".ods":
        path = _styled_ods(tmp_path / "d.ods")
    else:
        styles = (
            f"<office:styles>{COMMON}</office:styles>"
            f"<office:automatic-styles>{AUTOMATIC}</office:automatic-styles>"
        )
        path = fods(tmp_path / "d.fods", STYLED_ROWS, styles=styles)
    with OdsWorkbook(path) as book:
        cells = book.fetch([Area("S", 1, 1, 2, 4)]).values()
    assert {c.ref: numfmt.shown(c.value, c.number_format) for c in cells} == {
        "A1": "09/06/21",
        "B1": "Tháng Sáu năm 2021",
        "C1": "2:05:30,00 CH",
        "D1": "09/06/2021 14:05",  # no date style: as before
        "C2": "Tháng Sáu năm 2021",
        "D2": "30:15",
    }


def test_a_damaged_styles_part_is_a_damaged_workbook(tmp_path):
    path = _styled_ods(tmp_path / "d.ods", styles="<office:styles>")
    with OdsWorkbook(path) as book:
        book.fetch([Area("S", 1, 1, 1, 1)])  # its style is in content.xml
        with pytest.raises(WorkbookError) as caught:
            book.fetch([Area("S", 1, 2, 1, 2)])
    assert caught.value.problems[0].code == "workbook.damaged"


def _to_ods(source, folder):
    soffice = require_libreoffice()
    profile = folder / "profile"
    subprocess.run(
        [str(soffice), f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "ods", "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return folder / (source.stem + ".ods")


@pytest.mark.slow
def test_the_example_saved_by_calc_reads_as_the_xlsx(tmp_path):
    source = tmp_path / "so_lieu.xlsx"
    shutil.copy(EXAMPLE, source)
    ods = _to_ods(source, tmp_path)
    assert bdt_docx.read_workbook(ods) == bdt_docx.read_workbook(EXAMPLE)


@pytest.mark.slow
def test_an_excel_totals_row_saved_by_calc_is_not_a_recipient(tmp_path):
    source = tmp_path / "so_lieu.xlsx"
    shutil.copy(EXAMPLE, source)
    book = openpyxl.load_workbook(source)
    sheet = book["Nơi nhận"]
    table = sheet.tables["noi_nhan"]
    first, last = table.ref.split(":")
    end = int(last[1:])
    sheet.cell(end + 1, 1, f'="Tổng: "&SUBTOTAL(103,A{int(first[1:]) + 1}:A{end})&" nơi"')
    table.ref = table.autoFilter.ref = f"{first}:A{end + 1}"
    table.totalsRowCount = 1
    book.save(source)
    ods = _to_ods(source, tmp_path)
    recipients = [r["noi_nhan"] for r in bdt_docx.read_workbook(ods)["noi_nhan"]]
    assert recipients == [r["noi_nhan"] for r in bdt_docx.read_workbook(EXAMPLE)["noi_nhan"]]


#: Numbers in text fields with the formats offices use, and what the cell shows.
FORMATTED = {
    "ky_hieu": (0.9667, "0.00%", "96,67%"),
    "dia_danh": (1500000, '#,##0" đ"', "1.500.000 đ"),
    "huong_dan_khen_thuong": (5, "00", "05"),
    "nguoi_ky": (1500.5, "#,##0.00", "1.500,50"),
    "chuc_vu_ky": (-1200, "#,##0", "-1.200"),
}


@pytest.mark.slow
def test_numbers_in_text_fields_show_as_in_the_xlsx_when_calc_saves_them(tmp_path):
    source = tmp_path / "dinh_dang.xlsx"
    book = openpyxl.load_workbook(EXAMPLE)
    for name, (value, code, _) in FORMATTED.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        cell = book[sheet][ref.replace("$", "")]
        cell.value, cell.number_format = value, code
    book.save(source)
    expected = {name: text for name, (_, _, text) in FORMATTED.items()}
    for workbook in (source, _to_ods(source, tmp_path)):
        context = bdt_docx.read_workbook(workbook)
        assert {name: context[name] for name in FORMATTED} == expected, workbook.suffix


@pytest.mark.parametrize(
    ("value", "text", "shown"),
    [
        (1500000, "1,500,000 đ", "1.500.000 đ"),  # a document saved in en-US
        (1500.5, "1.500,50", "1.500,50"),  # in de-DE or vi-VN
        (1.5, "1,500", "1,500"),  # three decimals, told by the value
        (1500, "1,500", "1.500"),  # grouped thousands
        (1.2e17, "1.2E+17", "1,2E+17"),  # scientific: as General
        (-3, "(3)", "-3"),  # brackets: as General
    ],
)
def test_a_calc_number_is_printed_as_its_text_with_vietnamese_separators(value, text, shown):
    assert numfmt.shown(value, format_shown(value, text)) == shown


#: The example's date cells formatted in Calc (Format Cells → Numbers) and typed there, by
#: workbook. Calc reads an ISO date alike in every language; 09/06/2021 typed in an en-US
#: Calc is 6 September, as on a machine set to US format.
DATED = {
    "thang": {"ngay_huong_dan_khen_thuong": ("MM/YYYY", "2021-04-14")},
    "my": {"ngay_ban_hanh": ("MM/DD/YYYY", "09/06/2021")},
    "ngan": {
        "ngay_ban_hanh": ("DD/MM/YY", "2021-06-09"),
        "ngay_huong_dan_khen_thuong": ("DD/MM/YYYY HH:MM", "2021-04-14 08:30"),
    },
    "du": {"ngay_ban_hanh": ("DD/MM/YYYY", "2021-06-09")},
    "quy": {  # Calc's quarters (a quarterly report's period)
        "ngay_ban_hanh": ("Q YYYY", "2021-06-09"),
        "ngay_huong_dan_khen_thuong": ("QQ YYYY", "2021-11-20"),
    },
    "gio": {
        "ngay_ban_hanh": ("HH:MM", "2021-06-09 14:05"),
        "ngay_huong_dan_khen_thuong": ("[HH]:MM", "30:15"),
    },
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> dict[str, Path]:
    """The workbooks of :data:`DATED`, saved by Calc as .xlsx and .ods."""
    base = tmp_path_factory.mktemp("dated")
    example = shutil.copyfile(EXAMPLE, base / "vi_du.xlsx")
    jobs, made = [], {}
    for label, cells in DATED.items():
        places = {name: list(named_cell_ref(name)) for name in cells}
        saves = []
        for suffix, filter_name in SAVES.items():
            made[f"{label}.{suffix}"] = base / f"{label}.{suffix}"
            saves.append([str(made[f"{label}.{suffix}"]), filter_name])
        jobs.append({
            "path": str(example),
            "formats": [[*places[name], code] for name, (code, _) in cells.items()],
            "typing": [[*places[name], typed] for name, (_, typed) in cells.items()],
            "save": saves,
        })  # fmt: skip
    type_in_calc(base, jobs)
    return made


@pytest.mark.slow
def test_a_date_cell_showing_only_month_and_year_is_refused_as_in_the_xlsx(dated, tmp_path, capsys):
    errors = {}
    for suffix in SAVES:
        out = tmp_path / suffix
        out.mkdir()
        assert (
            main(["fill", str(dated[f"thang.{suffix}"]), "-o", str(out / "r.docx"), "--json"]) == 3
        )
        (errors[suffix],) = json.loads(capsys.readouterr().out.splitlines()[-1])["errors"]
        assert list(out.iterdir()) == []  # nothing written
    ods, xlsx = errors["ods"], errors["xlsx"]
    assert (ods["field"], ods["sheet"], ods["cell"]) == (
        "ngay_huong_dan_khen_thuong",
        *named_cell_ref("ngay_huong_dan_khen_thuong"),
    )
    assert "ô chỉ hiện «04/2021», không có ngày trong tháng" in ods["message"]
    assert {**ods, "file": ""} == {**xlsx, "file": ""}


@pytest.mark.slow
def test_a_month_first_date_cell_says_the_date_read_as_in_the_xlsx(dated, tmp_path):
    texts = {}
    for suffix in SAVES:
        with pytest.warns(BdtDocxWarning) as caught:
            report = bdt_docx.fill_report(dated[f"my.{suffix}"], None, tmp_path / f"{suffix}.docx")
        (problem,) = [w.message.problem for w in caught if isinstance(w.message, BdtDocxWarning)]
        assert problem.code == "value.month_first", suffix
        assert (problem.sheet, problem.cell) == named_cell_ref("ngay_ban_hanh")
        assert "đã đọc ngày 06/09/2021 (ngày 6 tháng 9 năm 2021)" in problem.message
        texts[suffix] = report_text(report)
    assert "ngày 06 tháng 9 năm 2021" in texts["ods"]
    assert texts["ods"] == texts["xlsx"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ngan", "Ban hành 09/06/21, hướng dẫn 14/04/2021 08:30."),
        ("gio", "Ban hành 14:05, hướng dẫn 30:15."),  # a date shown as its time; a duration
        ("quy", "Ban hành Q2 2021, hướng dẫn quý 4 2021."),  # not the letters Q, QQ
    ],
)
def test_a_template_without_description_prints_dates_as_their_cells_show_them(
    dated, tmp_path, label, expected
):
    template = docx_template(
        tmp_path, ["Ban hành {{ ngay_ban_hanh }}, hướng dẫn {{ ngay_huong_dan_khen_thuong }}."]
    )
    for suffix in SAVES:
        report = bdt_docx.fill_report(
            dated[f"{label}.{suffix}"], template, tmp_path / f"{suffix}.docx"
        )
        assert expected in report_text(report), suffix


@pytest.mark.slow
@pytest.mark.parametrize("label", ["du", "ngan"])
def test_the_shipped_template_prints_calc_dates_as_from_the_example(dated, tmp_path, label):
    expected = report_text(bdt_docx.fill_report(EXAMPLE, None, tmp_path / "vi_du.docx"))
    assert "ngày 09 tháng 6 năm 2021" in expected and "ngày 14/4/2021" in expected
    for suffix in SAVES:
        report = bdt_docx.fill_report(dated[f"{label}.{suffix}"], None, tmp_path / f"{suffix}.docx")
        assert report_text(report) == expected, suffix
