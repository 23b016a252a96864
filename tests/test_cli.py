"""The ``bdt-docx`` command as a clerk and a VBA macro use it: exit codes, messages, JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from needs import require_libreoffice
from workbooks import EXAMPLE, TEMPLATE, edit_workbook

import bdt_docx
from bdt_docx.cli import main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed command in a fresh process, as a macro does."""
    return subprocess.run(
        [sys.executable, "-m", "bdt_docx.cli", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=120,
    )  # fmt: skip


def last_json(stdout: str) -> dict:
    line = stdout.strip().splitlines()[-1]
    assert line.isascii()
    return json.loads(line)


def test_help_lists_exit_codes_and_imports_nothing_heavy():
    result = run("--help")
    assert result.returncode == 0
    assert "mã thoát" in result.stdout and "6  không chuyển được sang PDF" in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys, contextlib, io\n"
         "from bdt_docx.cli import main\n"
         "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
         "    main(['--help'])\n"
         "print(sorted(m for m in ('docxtpl', 'docx', 'lxml', 'openpyxl', 'jinja2')"
         " if m in sys.modules))"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert probe.stdout.strip() == "[]"


def test_fill_in_a_folder_with_spaces_and_vietnamese_letters(tmp_path):
    folder = tmp_path / "Báo cáo quý 2"
    folder.mkdir()
    workbook = edit_workbook(folder / "Số liệu bầu cử.xlsx")
    result = run("fill", str(workbook), "--json")
    assert result.returncode == 0, result.stderr
    data = last_json(result.stdout)
    assert data == {
        "ok": True, "code": 0, "output": str(folder / "Số liệu bầu cử.docx"), "pdf": None,
        "errors": [],
        "warnings": [],
    }  # fmt: skip
    assert (folder / "Số liệu bầu cử.docx").exists()


def test_wrong_figure_exits_3_and_names_the_cell(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"so_nguoi_di_bau_cu": 40})
    assert main(["fill", str(workbook)]) == 3
    captured = capsys.readouterr()
    assert "trang tính 'Thông tin', ô B19 (so_nguoi_di_bau_cu)" in captured.err
    assert "40 không được lớn hơn" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "w.docx").exists()


def test_result_file_is_utf8_json_for_a_macro(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"tong_so_nguoi": "abc", "ky_hieu": None})
    result_file = tmp_path / "ket qua.json"
    assert main(["fill", str(workbook), "--result", str(result_file)]) == 3
    data = json.loads(result_file.read_text("utf-8"))
    assert data["ok"] is False and data["code"] == 3 and data["output"] is None
    places = {(e["field"], e["sheet"], e["cell"]) for e in data["errors"]}
    assert ("tong_so_nguoi", "Thông tin", "B17") in places
    assert ("ky_hieu", "Thông tin", "B11") in places
    assert all(e["file"] == str(workbook) and e["message"] for e in data["errors"])


def test_existing_report_exits_5_until_overwrite(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    report = tmp_path / "w.docx"
    report.write_bytes(b"old report")
    assert main(["fill", str(workbook)]) == 5
    err = capsys.readouterr().err
    assert "tệp đã có; dùng --overwrite để ghi đè" in err and "overwrite=True" not in err
    assert main(["fill", str(workbook), "--json"]) == 5
    (error,) = json.loads(capsys.readouterr().out)["errors"]
    assert error["code"] == "output.exists" and "dùng --overwrite" in error["message"]
    assert report.read_bytes() == b"old report"
    assert main(["fill", str(workbook), "--overwrite"]) == 0
    assert report.read_bytes().startswith(b"PK")


def test_missing_output_folder_exits_5(tmp_path, capsys):
    assert main(["fill", str(EXAMPLE), "-o", str(tmp_path / "khong_co" / "r.docx")]) == 5
    assert "không tồn tại" in capsys.readouterr().err


def test_broken_template_exits_4(tmp_path, capsys):
    template = tmp_path / "mau.docx"
    template.write_bytes(b"not a zip")
    assert main(["fill", str(EXAMPLE), "-t", str(template), "-o", str(tmp_path / "r.docx")]) == 4
    assert "mẫu" in capsys.readouterr().err


def test_a_template_that_is_a_folder_is_said_before_an_existing_report(tmp_path, capsys):
    workbook = Path(shutil.copyfile(EXAMPLE, tmp_path / "so.xlsx"))
    (tmp_path / "so.docx").write_bytes(b"an earlier report")
    assert main(["fill", str(workbook), "-t", str(tmp_path)]) == 4
    assert "thư mục" in capsys.readouterr().err
    assert (tmp_path / "so.docx").read_bytes() == b"an earlier report"


def test_not_a_workbook_exits_3(tmp_path, capsys):
    fake = tmp_path / "so_lieu.xlsx"
    fake.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    assert main(["fill", str(fake)]) == 3
    assert "không phải sổ Excel" in capsys.readouterr().err


def test_usage_error_exits_2():
    result = run("fill")
    assert result.returncode == 2
    assert "gõ lệnh sai" in result.stderr


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["fill", "{w}", "-d", "{tmp}/out", "-o", "{tmp}/x.docx"], "-o (tên một báo cáo) và -d"),
        (["fill", "{w}", "{w}", "-o", "{tmp}/x.docx"], "điền nhiều sổ hay một thư mục"),
        (["fill", "{tmp}", "-o", "{tmp}/x.docx"], "điền nhiều sổ hay một thư mục"),
        (["fields", "--embed", "{tmp}/x.toml"], "--embed cần mẫu"),
    ],
)
def test_options_that_do_not_go_together_exit_2(tmp_path, capsys, argv, says):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    argv = [a.format(w=workbook, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Gõ lệnh sai: ") and says in err
    assert main([*argv, "--json"]) == 2
    data = last_json(capsys.readouterr().out)
    assert data["code"] == 2 and data["errors"][0]["code"].startswith("usage.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.xlsx"]


def test_init_blank_then_fill_lists_everything_missing(tmp_path, capsys):
    workbook = tmp_path / "moi.xlsx"
    assert main(["init", str(workbook)]) == 0
    assert main(["fill", str(workbook), "--json"]) == 3
    data = last_json(capsys.readouterr().out)
    fields = {e["field"] for e in data["errors"]}
    required = {"co_quan_chu_quan", "tong_so_nguoi", "nguoi_ky", "ngay_huong_dan_khen_thuong"}
    assert required <= fields
    assert "so_van_ban" not in fields and "ngay_ban_hanh" not in fields  # may stay blank
    assert "noi_nhan" in fields


def test_init_with_a_template_says_to_fill_with_that_template(tmp_path, capsys):
    template = tmp_path / "mẫu của tôi.docx"
    template.write_bytes(
        (Path(__file__).parents[1] / "templates" / "bao_cao_thi_dua_bau_cu.docx").read_bytes()
    )
    workbook = tmp_path / "so moi.xlsx"
    assert main(["init", str(workbook), "-t", str(template)]) == 0
    out = capsys.readouterr().out
    assert f'rồi chạy: bdt-docx fill "{workbook}" -t "{template}"' in out
    assert main(["init", str(tmp_path / "khac.xlsx")]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f'bdt-docx fill "{tmp_path / "khac.xlsx"}"')


def test_init_example_fills_a_report(tmp_path):
    workbook = tmp_path / "mau.xlsx"
    assert main(["init", str(workbook), "--example"]) == 0
    assert main(["fill", str(workbook)]) == 0
    assert (tmp_path / "mau.docx").exists()


def test_fields_with_a_workbook_shows_what_is_wrong(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"khoa_quoc_hoi": "mười lăm"})
    assert main(["fields", "--workbook", str(workbook)]) == 3
    out = capsys.readouterr().out
    assert "khoa_quoc_hoi" in out and "[LỖI:" in out and "[có]" in out
    # how a list is made, in Calc too (found by a new-user run: Excel's Insert → Table only)
    assert "LibreOffice Calc: vùng có tên — Sheet → Named Ranges and Expressions → Define" in out
    assert (
        "một ô có đặt tên — Excel: Formulas → Define Name; LibreOffice Calc: Sheet → Named "
        "Ranges and Expressions → Define"
    ) in out


def test_unexpected_errors_have_no_traceback(tmp_path, capsys, monkeypatch):
    import bdt_docx.api

    def boom(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(bdt_docx.api, "read_workbook", boom)
    monkeypatch.delenv("BDT_DOCX_DEBUG", raising=False)
    assert main(["fill", str(EXAMPLE), "-o", str(tmp_path / "r.docx")]) == 1
    err = capsys.readouterr().err
    assert "Lỗi không mong đợi" in err and "Traceback" not in err
    assert not (tmp_path / "r.docx").exists()


def test_check_command_exit_codes(tmp_path, capsys):
    report = tmp_path / "r.docx"
    assert main(["fill", str(EXAMPLE), "-o", str(report)]) == 0
    assert main(["check", str(report)]) == 0
    assert "Kết quả: ĐẠT" in capsys.readouterr().out
    broken = tmp_path / "hong.docx"
    with zipfile.ZipFile(report) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(b'w:ascii="Times New Roman"', b'w:ascii="Arial"', 1)
            dst.writestr(item, data)
    assert main(["check", str(broken), "--json"]) == 7
    data = last_json(capsys.readouterr().out)
    assert data["code"] == 7 and data["ok"] is False
    assert "phong_chu.ten" in {e["code"] for e in data["errors"]}  # as lint's and fill's
    assert all(e["file"] == str(broken) and e["message"] for e in data["errors"])
    fails = {f["rule"] for f in data["check"]["findings"] if f["verdict"] == "fail"}
    assert fails == {e["code"] for e in data["errors"]}


def test_legacy_encoding_is_converted_with_a_warning(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"nguoi_ky": "Hµ V¨n Vui"})  # TCVN3
    assert main(["fill", str(workbook), "--json"]) == 0
    data = last_json(capsys.readouterr().out)
    (warning,) = data["warnings"]
    assert (warning["field"], warning["sheet"], warning["cell"]) == ("nguoi_ky", "Thông tin", "B27")
    assert "TCVN3" in warning["message"]


@pytest.mark.slow
def test_pdf_beside_the_report(tmp_path, capsys):
    require_libreoffice()
    workbook = edit_workbook(tmp_path / "Số liệu.xlsx")
    assert main(["fill", str(workbook), "--pdf", "--json"]) == 0
    data = last_json(capsys.readouterr().out)
    assert data["pdf"] == str(tmp_path / "Số liệu.pdf")
    assert (tmp_path / "Số liệu.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Số liệu.docx",
        "Số liệu.pdf",
        "Số liệu.xlsx",
    ]


def test_pdf_failure_exits_6_and_keeps_the_docx(tmp_path, capsys, monkeypatch):
    from bdt_docx import libreoffice

    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    workbook = edit_workbook(tmp_path / "w.xlsx")
    assert main(["fill", str(workbook), "--pdf", "--json"]) == 6
    data = last_json(capsys.readouterr().out)
    assert data["output"] == str(tmp_path / "w.docx") and data["pdf"] is None
    assert "LibreOffice" in data["errors"][0]["message"]
    assert (tmp_path / "w.docx").exists() and not (tmp_path / "w.pdf").exists()


def test_existing_pdf_is_refused_before_anything_is_written(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    (tmp_path / "w.pdf").write_bytes(b"%PDF old")
    assert main(["fill", str(workbook), "--pdf"]) == 5
    assert not (tmp_path / "w.docx").exists()
    assert (tmp_path / "w.pdf").read_bytes() == b"%PDF old"


def test_result_file_that_cannot_be_written_is_refused_before_filling(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    argv = ["fill", str(workbook), "--overwrite", "--result", str(tmp_path / "khong_co" / "r.json")]
    result = run(*argv, "--json")
    assert result.returncode == 5
    data = last_json(result.stdout)
    assert data["ok"] is False and data["code"] == 5 and data["output"] is None
    assert [(e["code"], Path(e["file"]).name) for e in data["errors"]] == [
        ("output.no_folder", "r.json")
    ]
    assert main(argv) == 5
    assert "Không ghi được tệp kết quả (" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.xlsx"]  # no report


def test_json_and_exit_code_agree_when_the_result_file_fails_late(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("bdt_docx.cli.check_result_file", lambda path: None)  # folder gone since
    workbook = edit_workbook(tmp_path / "w.xlsx")
    argv = ["fill", str(workbook), "--json", "--result", str(tmp_path / "khong_co" / "r.json")]
    assert main(argv) == 5
    data = last_json(capsys.readouterr().out)
    assert data["ok"] is False and data["code"] == 5
    assert data["errors"][0]["code"] == "output.no_folder"


def test_output_must_be_a_docx_and_not_the_workbook(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    assert main(["fill", str(workbook), "-o", str(tmp_path / "w.pdf")]) == 5
    assert "đuôi .docx" in capsys.readouterr().err
    assert main(["fill", str(workbook), "-o", str(workbook), "--overwrite"]) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.xlsx"]


def test_negative_jobs_is_a_usage_error(tmp_path):
    result = run("fill", str(EXAMPLE), "-j", "-1", "-d", str(tmp_path / "out"))
    assert result.returncode == 2 and "-j" in result.stderr
    assert not (tmp_path / "out").exists()


def test_fields_says_why_an_unreadable_workbook_was_not_checked(tmp_path, capsys):
    assert main(["fields", "--workbook", str(tmp_path / "khong_co.xlsx")]) == 3
    out = capsys.readouterr().out
    assert "không tìm thấy tệp" in out and "[có]" not in out


def test_pdf_that_cannot_be_written_keeps_the_docx_and_exits_6(tmp_path, capsys, monkeypatch):
    from bdt_docx import pdf
    from bdt_docx.errors import OutputError

    def locked(report, **options):
        raise OutputError("tệp đang mở trong chương trình khác", report.with_suffix(".pdf"))

    monkeypatch.setattr(pdf, "convert_to_pdf", locked)
    workbook = edit_workbook(tmp_path / "w.xlsx")
    assert main(["fill", str(workbook), "--pdf", "--json"]) == 6
    data = last_json(capsys.readouterr().out)
    assert data["output"] == str(tmp_path / "w.docx") and (tmp_path / "w.docx").exists()
    assert "đang mở" in data["errors"][0]["message"]


def test_check_on_a_file_that_is_not_a_docx_exits_3(tmp_path, capsys):
    notes = tmp_path / "ghi_chu.txt"
    notes.write_text("không phải tài liệu Word", encoding="utf-8")
    assert main(["check", str(notes)]) == 3
    assert main(["check", str(EXAMPLE)]) == 3
    assert "Traceback" not in capsys.readouterr().err


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    report = tmp_path / "r.docx"
    assert main(["fill", str(EXAMPLE), "-o", str(report)]) == 0
    child = subprocess.Popen(
        [sys.executable, "-m", "bdt_docx.cli", "check", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    child.stdout.close()  # nobody reads: every write of the report hits a closed pipe
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_a_batch_summary_tells_reports_not_written_from_workbooks_to_fix(tmp_path, capsys):
    """A report that could not be written (open in LibreOffice) is no workbook to fix: the
    summary lists it apart, saying the workbook was right."""
    inbox, out = tmp_path / "so", tmp_path / "bao_cao"
    inbox.mkdir()
    out.mkdir()
    edit_workbook(inbox / "dung.xlsx")
    edit_workbook(inbox / "dang_mo.xlsx")
    edit_workbook(inbox / "sai.xlsx", {"tong_so_nguoi": "abc"})
    (out / "dang_mo.docx").write_bytes(b"the report being read")
    (out / ".~lock.dang_mo.docx#").write_bytes(b"clerk,host")
    assert main(["fill", str(inbox), "-d", str(out), "--overwrite"]) == 3
    err = capsys.readouterr().err
    assert "Đã tạo 1 báo cáo; 1 sổ bị lỗi; 1 báo cáo không ghi được." in err
    to_fix, not_written = err.split("Các sổ cần sửa:")[1].split("Các báo cáo không ghi được")
    assert "sai.xlsx" in to_fix and "tong_so_nguoi" in to_fix and "dang_mo" not in to_fix
    assert "(sổ không có lỗi):" in not_written and "đang mở trong LibreOffice" in not_written
    assert "dang_mo.docx" in not_written and "sai.xlsx" not in not_written
    assert (out / "dang_mo.docx").read_bytes() == b"the report being read"


def test_a_folder_whose_workbooks_are_in_subfolders_says_where_they_are(tmp_path, capsys):
    """Subfolders are not searched; the clerk who gave the folder above them is told which
    of them hold workbooks (a lock file and a workbook deeper still do not count)."""
    top = tmp_path / "Báo cáo các xã"
    for commune, count in (("Xã A", 2), ("xã b", 1)):
        (top / commune).mkdir(parents=True)
        for i in range(count):
            shutil.copy(EXAMPLE, top / commune / f"so_{i}.xlsx")
    (top / "Xã A" / "~$so_0.xlsx").write_bytes(b"lock")
    (top / "trống" / "cũ").mkdir(parents=True)
    shutil.copy(EXAMPLE, top / "trống" / "cũ" / "so.xlsx")
    assert main(["fill", str(top), "-d", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert f") trong: {top} (thư mục con không được tìm)" in err
    assert f'"{top / "Xã A"}" (2 sổ), "{top / "xã b"}" (1 sổ): hãy chỉ ra các thư mục đó' in err
    assert "trống" not in err and "Traceback" not in err
    assert list(tmp_path.glob("*.docx")) == []


@pytest.mark.parametrize("suffix", [".docx", ".doc", ".odt"])
def test_a_word_document_given_as_the_workbook_is_said_to_be_one(tmp_path, capsys, suffix):
    """Found by a new-user run: ``fill bao_cao.docx`` (the report, or the template, given
    instead of the workbook) said the report already existed, or with ``--overwrite`` that it
    may not be written over the workbook; a .doc was called an Excel 97-2003 workbook."""
    document = tmp_path / f"bao_cao{suffix}"
    document.write_bytes(TEMPLATE.read_bytes())
    for args in ([], ["--overwrite"], ["-d", str(tmp_path / "ra")]):
        assert main(["fill", str(document), *args]) == 3
        err = capsys.readouterr().err
        assert f"tệp là văn bản ({suffix}) của Word hay Writer, không phải sổ Excel" in err
        assert "mẫu báo cáo .docx thì chỉ ra bằng -t MẪU.docx" in err
        assert "tệp đã có" not in err and "ghi đè" not in err
    assert document.read_bytes() == TEMPLATE.read_bytes()
    with pytest.raises(bdt_docx.WorkbookError) as caught:
        bdt_docx.read_workbook(document)
    assert caught.value.problems[0].code == "workbook.is_document"
    assert str(caught.value).endswith("(.xlsx, .xlsm, .ods); mẫu báo cáo .docx là đối số template")
