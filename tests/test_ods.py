"""OpenDocument spreadsheets read directly: what Calc shows, without LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from needs import require_libreoffice
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx import WorkbookError, numfmt
from bdt_docx.ods import OdsWorkbook, format_shown
from bdt_docx.workbook import MAX_COL, MAX_ROW, Area

OFFICE = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"'
)


def fods(path, rows: str, extra: str = "", null_date: str = "1899-12-30"):
    """A flat OpenDocument spreadsheet with one sheet 'S' holding ``rows``."""
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {OFFICE}><office:body>'
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
