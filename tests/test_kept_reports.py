"""A batch run again without --overwrite keeps the reports of the run before; a kept report
whose workbook was saved after it was made (the clerk corrected a figure) is said to be
older than its workbook: in the summary, its CSV row and a warning naming the workbook.
Workbooks are written and re-saved by openpyxl, as a clerk's Excel saves them."""

from __future__ import annotations

import csv
from pathlib import Path

from test_cli import last_json, run
from workbooks import edit_workbook

from bdt_docx.batch import SUMMARY_NAME, fill_reports


def summary_rows(folder: Path) -> list[tuple[str, str, str, str]]:
    """(workbook, report, result, message) of each row of the batch's summary."""
    with open(folder / SUMMARY_NAME, encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))[1:]
    return [(Path(r[1]).name, Path(r[2]).name if r[2] else "", r[4], r[8]) for r in rows]


def test_a_kept_report_older_than_its_workbook_is_said_to_be(tmp_path):
    folder, out = tmp_path / "so", tmp_path / "bao_cao"
    folder.mkdir()
    edit_workbook(folder / "xa_a.xlsx")
    edit_workbook(folder / "xa_b.xlsx")
    assert run("fill", str(folder), "-d", str(out)).returncode == 0
    edit_workbook(folder / "xa_b.xlsx", {"tong_so_nguoi": 30})  # corrected after the run

    again = run("fill", str(folder), "-d", str(out), "--json")
    assert again.returncode == 0, again.stderr
    data = last_json(again.stdout)
    assert data["kept"] == [str(out / "xa_a.docx"), str(out / "xa_b.docx")]
    assert data["stale"] == [str(out / "xa_b.docx")]
    (warning,) = data["warnings"]
    assert (warning["code"], warning["file"]) == ("output.kept_stale", str(folder / "xa_b.xlsx"))
    assert f"báo cáo đã có '{out / 'xa_b.docx'}'" in warning["message"]
    assert "sổ được lưu sau đó" in warning["message"]
    assert warning["message"].endswith("chạy lại với --overwrite để tạo lại")

    assert summary_rows(out) == [
        ("xa_a.xlsx", "xa_a.docx", "đã có, giữ nguyên", ""),
        ("xa_b.xlsx", "xa_b.docx", "đã có, giữ nguyên (cũ hơn sổ)", ""),
        ("xa_b.xlsx", "xa_b.docx", "cảnh báo", warning["message"].split("; chạy lại")[0]),
    ]
    shown = run("fill", str(folder), "-d", str(out))
    assert shown.returncode == 0
    assert "Giữ nguyên 2 báo cáo đã có; 1 báo cáo trong số đó cũ hơn sổ của nó" in shown.stdout
    assert f"Cảnh báo ({folder / 'xa_b.xlsx'}): báo cáo đã có" in shown.stderr

    made = run("fill", str(folder), "-d", str(out), "--overwrite", "--json")
    assert last_json(made.stdout)["warnings"] == [] and last_json(made.stdout)["stale"] == []


def test_the_library_lists_them_with_two_jobs_as_with_one(tmp_path):
    folder = tmp_path / "so"
    folder.mkdir()
    books = [edit_workbook(folder / f"xa_{i}.xlsx") for i in range(3)]
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        fill_reports(books, output_dir=out, jobs=jobs)
    edit_workbook(books[1], {"tong_so_nguoi": 30})
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = fill_reports(books, output_dir=out, jobs=jobs)
        assert result.stale == [out / "xa_1.docx"]
        assert [(w.code, w.file) for w in result.warnings] == [("output.kept_stale", str(books[1]))]
        assert "overwrite=True" in str(result.warnings[0])
