"""Workbooks written by other programs (xlsxwriter, pandas, openpyxl, LibreOffice): each gives
the values the spreadsheet shows, checked against LibreOffice's own CSV export of the sheet,
or a WorkbookError naming the sheet and the cell. Never a wrong figure.

The Strict Open XML and East Asian variants of Excel's files are in test_workbook_formats.py,
.ods files saved by LibreOffice in test_ods.py, real files from the world in test_real_xlsx.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from corpus.programs import INFO, pandas_workbook, shipped_fields, xlsxwriter_workbook
from needs import require_libreoffice
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx import WorkbookError
from bdt_docx.libreoffice import soffice_environment

#: LibreOffice's CSV filter: comma, double quotes, UTF-8, from row 1, cells as shown, every
#: sheet into its own file (``<name>-<sheet>.csv``).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def libreoffice_csv(workbook: Path, sheet: str) -> list[list[str]]:
    """The rows of ``sheet`` as LibreOffice shows them, from its own CSV export."""
    soffice = require_libreoffice()
    out = workbook.parent / f"csv_{workbook.stem}"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [str(soffice), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", CSV_FILTER, "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=180, env=soffice_environment(),
    )  # fmt: skip
    path = out / f"{workbook.stem}-{sheet}.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def shown(value: object) -> str:
    """A context value as a cell shows it (dates formatted dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


@pytest.mark.slow
def test_xlsxwriter_gives_what_libreoffice_shows(tmp_path):
    workbook = xlsxwriter_workbook(tmp_path / "xlsxwriter.xlsx")
    context = bdt_docx.read_workbook(workbook)
    assert context == bdt_docx.read_workbook(EXAMPLE)
    rows = libreoffice_csv(workbook, INFO)
    for row, spec in enumerate(shipped_fields().values.values(), 1):
        assert rows[row][1] == shown(context[spec.name]), spec.name


@pytest.mark.slow
def test_xlsxwriter_formulas_are_refused_where_libreoffice_computes_them(tmp_path):
    """xlsxwriter saves 0 as the value of =20+5 and asks Excel to recalculate on opening
    (Excel then shows 25). LibreOffice, converting without recalculating, shows the saved 0:
    exactly the wrong figure the reader refuses to print."""
    workbook = xlsxwriter_workbook(
        tmp_path / "formulas.xlsx", {"tong_so_nguoi": "=20+5", "nguoi_ky": '="Hà Văn Vui"'}
    )
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    found = {(p.field, p.sheet, p.cell) for p in caught.value.problems}
    rows = libreoffice_csv(workbook, INFO)
    names = list(shipped_fields().values)
    places = {name: f"B{names.index(name) + 2}" for name in ("tong_so_nguoi", "nguoi_ky")}
    assert found == {(name, INFO, cell) for name, cell in places.items()}
    assert rows[names.index("tong_so_nguoi") + 1][1] == "0"  # the untrusted saved value


def test_pandas_text_starting_with_equals_is_a_formula_refused_by_its_cell(tmp_path):
    workbook = pandas_workbook(tmp_path / "pandas.xlsx", ["UBND tỉnh;", "=A1", "Lưu: VT."])
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    (problem,) = caught.value.problems
    assert (problem.field, problem.sheet, problem.cell) == ("noi_nhan.noi_nhan", "Nơi nhận", "A3")


@pytest.mark.slow
def test_pandas_without_formulas_gives_what_libreoffice_shows(tmp_path):
    recipients = ["UBND tỉnh;", "Sở Nội vụ;", "Lưu: VT."]
    workbook = pandas_workbook(tmp_path / "pandas.xlsx", recipients)
    context = bdt_docx.read_workbook(workbook)
    rows = libreoffice_csv(workbook, "Nơi nhận")
    assert [r["noi_nhan"] for r in context["noi_nhan"]] == [
        row[0].rstrip(";.,").rstrip() for row in rows[1:] if row and row[0]
    ]
    info = libreoffice_csv(workbook, INFO)
    for row, spec in enumerate(shipped_fields().values.values(), 1):
        assert info[row][1] == shown(context[spec.name]), spec.name


def test_openpyxl_formulas_have_no_saved_result_and_are_refused(tmp_path):
    book = openpyxl.load_workbook(EXAMPLE)
    sheet, ref = next(iter(book.defined_names["so_nguoi_di_bau_cu"].destinations))
    book[sheet][ref.replace("$", "")] = "=B18"
    workbook = tmp_path / "openpyxl.xlsx"
    book.save(workbook)
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.cell) == (sheet, ref.replace("$", ""))


@pytest.mark.slow
def test_the_openpyxl_example_gives_what_libreoffice_shows(tmp_path):
    workbook = Path(shutil.copyfile(EXAMPLE, tmp_path / "openpyxl.xlsx"))
    context = bdt_docx.read_workbook(workbook)
    rows = {row[3]: row[1] for row in libreoffice_csv(workbook, INFO) if len(row) > 3}
    for spec in shipped_fields().values.values():  # column D names each value's cell
        assert rows[spec.name] == shown(context[spec.name]), spec.name


def test_pandas_dates_written_into_the_example_are_read_without_a_month_first_word(tmp_path):
    """A colleague's script writes the documents list with ``DataFrame.to_excel`` (openpyxl
    engine, into the example's table): pandas formats each Timestamp ``YYYY-MM-DD HH:MM:SS``,
    year first, which no US machine's short date is; the dates are read with no warning."""
    import warnings

    import pandas as pd

    workbook = Path(shutil.copyfile(EXAMPLE, tmp_path / "pandas.xlsx"))
    frame = pd.DataFrame(
        {
            "Số, ký hiệu": ["12/BDT-VP", "13/BDT-VP"],
            "Ngày": pd.to_datetime(["2021-03-05", "2021-03-25"]),
            "Trích yếu": ["về việc A", "về việc B"],
        }
    )
    book = openpyxl.load_workbook(EXAMPLE)
    sheet = next(ws.title for ws in book.worksheets if "van_ban" in ws.tables)
    first = int(book[sheet].tables["van_ban"].ref.split(":")[0][1:])  # the header's row
    with pd.ExcelWriter(workbook, engine="openpyxl", mode="a", if_sheet_exists="overlay") as w:
        frame.to_excel(w, sheet_name=sheet, startrow=first, header=False, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = bdt_docx.read_workbook(workbook)["van_ban"]
    assert [r["ngay"] for r in rows] == [dt.date(2021, 3, 5), dt.date(2021, 3, 25)]
