"""Rows of a list hidden by hand or by a filter still go into the report, and the clerk is
told which: a clerk who filters a list in Excel or Calc may think the hidden rows left out."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pytest
from test_ods import _to_ods
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx.errors import BdtDocxWarning


def hide_second_document(target):
    book = openpyxl.load_workbook(EXAMPLE)
    for sheet in book:
        if "van_ban" in sheet.tables:
            first = openpyxl.utils.range_boundaries(sheet.tables["van_ban"].ref)[1]
            sheet.row_dimensions[first + 2].hidden = True
            book.save(target)
            return target, sheet.title, first + 2
    raise AssertionError("no van_ban table")


def read_with_warnings(workbook):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        context = bdt_docx.read_workbook(workbook)
    return context, [w.message.problem for w in caught if isinstance(w.message, BdtDocxWarning)]


@pytest.mark.parametrize(
    "saved_by", ["openpyxl", pytest.param("LibreOffice (.ods)", marks=pytest.mark.slow)]
)
def test_a_hidden_row_of_a_list_is_reported_and_said(tmp_path, saved_by):
    workbook, sheet, row = hide_second_document(tmp_path / "an_dong.xlsx")
    if saved_by != "openpyxl":
        workbook = _to_ods(workbook, tmp_path)
    context, said = read_with_warnings(workbook)
    assert context["van_ban"] == bdt_docx.read_workbook(EXAMPLE)["van_ban"]
    (problem,) = said
    assert (problem.field, problem.sheet) == ("van_ban", sheet)
    assert problem.cell.startswith(f"A{row}")
    assert f"dòng {row}" in problem.message and "vẫn được đưa vào báo cáo" in problem.message


def test_the_command_shows_the_warning_and_writes_the_report(tmp_path):
    workbook, _, row = hide_second_document(tmp_path / "an_dong.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "bdt_docx", "fill", str(workbook)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"dòng {row}" in done.stderr
    assert workbook.with_suffix(".docx").is_file()


def test_no_warning_when_nothing_is_hidden():
    assert read_with_warnings(EXAMPLE)[1] == []


def test_in_a_batch_the_warning_names_its_workbook_and_is_in_the_summary(tmp_path):
    inbox = tmp_path / "so"
    inbox.mkdir()
    workbook, sheet, row = hide_second_document(inbox / "an_dong.xlsx")
    (inbox / "day_du.xlsx").write_bytes(EXAMPLE.read_bytes())
    out = tmp_path / "bao_cao"
    done = subprocess.run(
        [sys.executable, "-m", "bdt_docx", "fill", str(inbox), "-d", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (said,) = [line for line in done.stderr.splitlines() if line.startswith("Cảnh báo")]
    assert said.startswith(f"Cảnh báo ({workbook}): ") and f"dòng {row}" in said
    raw = (out / "tong_hop_bao_cao.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Vietnamese letters
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    results = [(Path(r["Sổ Excel"]).name, r["Kết quả"]) for r in rows]
    assert results == [
        ("an_dong.xlsx", "đã tạo"),
        ("an_dong.xlsx", "cảnh báo"),
        ("day_du.xlsx", "đã tạo"),
    ]
    warned = rows[1]
    assert (warned["Trường"], warned["Trang tính"]) == ("van_ban", sheet)
    assert warned["STT"] == rows[0]["STT"] and f"dòng {row}" in warned["Lỗi"]


@pytest.mark.parametrize(
    "saved_by", ["openpyxl", pytest.param("LibreOffice (.ods)", marks=pytest.mark.slow)]
)
def test_figures_from_a_hidden_sheet_are_reported_and_said(tmp_path, saved_by):
    """A clerk who hides last period's sheet of documents (Hide) may think its rows left out
    of the report; they are reported, and the warning names the sheet and what is read from
    it (found by a new-user run: nothing was said)."""
    book = openpyxl.load_workbook(EXAMPLE)
    sheet = next(s for s in book if "van_ban" in s.tables)
    sheet.sheet_state = "hidden"
    workbook = tmp_path / "an_trang.xlsx"
    book.save(workbook)
    if saved_by != "openpyxl":
        workbook = _to_ods(workbook, tmp_path)
    context, said = read_with_warnings(workbook)
    assert context["van_ban"] == bdt_docx.read_workbook(EXAMPLE)["van_ban"]
    (problem,) = said
    assert (problem.sheet, problem.code) == (sheet.title, "sheet.hidden")
    assert "số liệu của van_ban lấy từ đó vẫn được đưa vào báo cáo" in problem.message
    assert "Unhide" in problem.message and "Sheet → Show Sheet" in problem.message
