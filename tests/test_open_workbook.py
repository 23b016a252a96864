"""A workbook still open in Excel or LibreOffice Calc: what is read is its last saved copy,
and the clerk is told so (when it was saved, to save with Ctrl+S and run again), unless the
caller has just saved it (the macros: ``--just-saved``)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import time
import uuid
import warnings
import zipfile
from pathlib import Path

import pytest
from needs import require_libreoffice, require_uno_python
from test_cli import last_json, run
from test_macro_libreoffice import _libreoffice
from workbooks import EXAMPLE, edit_workbook

import bdt_docx
from bdt_docx.errors import BdtDocxWarning
from bdt_docx.libreoffice import soffice_environment

HOLDER = Path(__file__).resolve().parent / "corpus" / "calc_holder.py"
#: When the workbook was last saved, in the tests that set it: 09:41 on 7 June 2021.
SAVED = dt.datetime(2021, 6, 7, 9, 41)


def report_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        return re.sub(r"<[^>]+>", "", package.read("word/document.xml").decode("utf-8"))


def excel_owner_file(workbook: Path, user: str = "Nguyen Van A") -> Path:
    """The owner file Excel writes beside a workbook it opens: ``~$`` and the whole name,
    165 bytes holding the user's name (a byte count and the name, then UTF-16)."""
    owner = workbook.with_name("~$" + workbook.name)
    name = user.encode("latin-1")
    data = bytes([len(name)]) + name.ljust(53, b" ")
    data += len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    owner.write_bytes(data.ljust(165, b" "))
    return owner


def saved_at(workbook: Path, when: dt.datetime = SAVED) -> Path:
    stamp = time.mktime(when.timetuple())
    os.utime(workbook, (stamp, stamp))
    return workbook


def test_a_workbook_open_in_excel_is_filled_from_its_saved_copy_with_a_warning(tmp_path):
    workbook = saved_at(edit_workbook(tmp_path / "so_lieu.xlsx"))
    excel_owner_file(workbook)
    result = run("fill", str(workbook))
    assert result.returncode == 0, result.stderr
    warning = result.stderr.strip()
    assert warning.startswith("Cảnh báo: sổ đang mở trong Excel (có tệp khóa '~$so_lieu.xlsx'")
    assert "bản đã lưu lúc 09:41 ngày 07/06/2021" in warning
    assert "Ctrl+S" in warning and "LibreOffice Calc" in warning and "chạy lại" in warning
    assert (tmp_path / "so_lieu.docx").is_file()

    here = run("fill", "so_lieu.xlsx", "--overwrite", cwd=tmp_path)  # (a name, no folder)
    assert "sổ đang mở trong Excel" in here.stderr

    data = last_json(run("fill", str(workbook), "--overwrite", "--json").stdout)
    assert data["ok"] and [w["code"] for w in data["warnings"]] == ["workbook.open_elsewhere"]
    assert data["warnings"][0]["file"] == str(workbook)


def test_just_saved_tells_that_the_saved_copy_is_what_is_open(tmp_path):
    workbook = edit_workbook(tmp_path / "so_lieu.xlsx")
    excel_owner_file(workbook)
    result = run("fill", str(workbook), "--just-saved", "--json")
    assert result.returncode == 0, result.stderr
    assert last_json(result.stdout)["warnings"] == []
    assert result.stderr == ""


def test_no_lock_file_no_warning_and_a_lock_of_another_workbook_is_not_this_ones(tmp_path):
    workbook = edit_workbook(tmp_path / "ao_cao.xlsx")
    excel_owner_file(edit_workbook(tmp_path / "bao_cao.xlsx"))  # Excel has bao_cao.xlsx open
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bdt_docx.read_workbook(workbook)


def test_the_library_warns_and_prints_nothing(tmp_path, capsys):
    workbook = saved_at(edit_workbook(tmp_path / "so_lieu.xlsx"))
    (tmp_path / ".~lock.so_lieu.xlsx#").write_text(",clerk,pc,07.06.2021 09:00,file:///;")
    with pytest.warns(BdtDocxWarning) as caught:
        bdt_docx.read_workbook(workbook)
    (problem,) = [w.message.problem for w in caught]
    assert problem.code == "workbook.open_elsewhere" and problem.file == str(workbook)
    assert "LibreOffice Calc" in problem.message and "09:41 ngày 07/06/2021" in problem.message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bdt_docx.fill_report(workbook, just_saved=True)
    assert capsys.readouterr() == ("", "")
    with pytest.raises(TypeError, match="just_saved"):
        bdt_docx.read_workbook(workbook, just_saved="no")


def test_the_warning_points_at_the_line_of_the_script(tmp_path):
    """Found by an API run: fill_report's warning was said at a line of bdt_docx/api.py,
    not at the script's call, as read_workbook's is (and as warnings' filters by module
    and the line shown with it need)."""
    workbook = edit_workbook(tmp_path / "so_lieu.xlsx")
    (tmp_path / ".~lock.so_lieu.xlsx#").write_text(",clerk,pc,07.06.2021 09:00,file:///;")
    with pytest.warns(BdtDocxWarning) as caught:
        bdt_docx.fill_report(workbook)
        bdt_docx.read_workbook(workbook)
    assert [(w.filename, w.message.problem.code) for w in caught] == [
        (__file__, "workbook.open_elsewhere")
    ] * 2


def test_a_batch_names_the_open_workbook_in_its_summary(tmp_path):
    folder = tmp_path / "so"
    folder.mkdir()
    edit_workbook(folder / "xa_a.xlsx")
    excel_owner_file(edit_workbook(folder / "xa_b.xlsx"))
    result = run("fill", str(folder), "-d", str(tmp_path / "bao_cao"))
    assert result.returncode == 0, result.stderr
    assert f"Cảnh báo ({folder / 'xa_b.xlsx'}): sổ đang mở trong Excel" in result.stderr
    assert "xa_a.xlsx" not in result.stderr
    with open(tmp_path / "bao_cao" / "tong_hop_bao_cao.csv", encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    results = [(Path(r[1]).name, r[4]) for r in rows[1:]]
    assert results == [("xa_a.xlsx", "đã tạo"), ("xa_b.xlsx", "đã tạo"), ("xa_b.xlsx", "cảnh báo")]
    assert "đang mở trong Excel" in rows[-1][8]

    refused = run("fill", str(folder), "-d", str(tmp_path / "bao_cao"), "--just-saved", "--json")
    assert refused.returncode == 2
    assert [e["code"] for e in last_json(refused.stdout)["errors"]] == ["usage.just_saved"]


@pytest.mark.slow
def test_figures_typed_in_calc_and_not_saved(tmp_path):
    """Calc has the workbook open with the voters typed as 20, not saved (25 on disk): the
    report has 25, with a warning; once saved, the report has 20."""
    workbook = tmp_path / "so_lieu.xlsx"
    workbook.write_bytes(EXAMPLE.read_bytes())
    soffice = require_libreoffice()
    python = require_uno_python(soffice)
    env = soffice_environment()
    pipe = f"bdt_docx_open_{uuid.uuid4().hex}"
    with _libreoffice(soffice, tmp_path / "profile", env, pipe):
        holder = subprocess.Popen(
            [str(python), str(HOLDER), pipe, str(workbook), "Thông tin", "B19", "20"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
            cwd=HOLDER.parent,
        )  # fmt: skip
        try:
            assert holder.stdout.readline().strip() == "typed"
            assert (tmp_path / ".~lock.so_lieu.xlsx#").is_file()
            unsaved = run("fill", str(workbook), "-o", str(tmp_path / "truoc.docx"), "--json")
            holder.stdin.write("save\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "saved"
            saved = run("fill", str(workbook), "-o", str(tmp_path / "sau.docx"), "--just-saved",
                        "--json")  # fmt: skip
        finally:
            holder.communicate("quit\n", timeout=60)
    assert unsaved.returncode == 0, unsaved.stderr
    (warning,) = last_json(unsaved.stdout)["warnings"]
    assert warning["code"] == "workbook.open_elsewhere"
    assert (
        "đang mở trong LibreOffice Calc (có tệp khóa '.~lock.so_lieu.xlsx#'" in warning["message"]
    )
    assert saved.returncode == 0, saved.stderr
    assert last_json(saved.stdout)["warnings"] == []
    assert "(25/25 người)" in report_text(tmp_path / "truoc.docx")
    assert "(20/25 người)" in report_text(tmp_path / "sau.docx")
