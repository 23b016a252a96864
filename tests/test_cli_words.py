"""The command's words and spellings: one voice in Vietnamese (argparse's own words
included), the same options in every sub-command, ``python -m bdt_docx``, and files named
for what they are."""

from __future__ import annotations

import errno
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from workbooks import TEMPLATE, edit_workbook

import bdt_docx
from bdt_docx.cli import main
from bdt_docx.errors import OutputError, os_reason

#: argparse's English, any of which would mean a message escaped translation.
ENGLISH = re.compile(
    r"usage:|error:|the following|required|invalid|choose from|unrecognized|expected|"
    r"ambiguous|could match|ignored|explicit|argument|not allowed|options|positional|"
    r"show this help|exit codes|\b(?:WORKBOOK|TEMPLATE|OUTPUT|FILE|JOBS|PROFILE|NEW)\b"
)
SUBCOMMANDS = ("fill", "init", "fields", "check", "lint", "install-macro")


def usage_error(capsys, *args: str) -> str:
    """Run a mistyped command; it exits 2 and its stderr is returned."""
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_python_dash_m_runs_the_command(tmp_path):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    result = subprocess.run(
        [sys.executable, "-m", "bdt_docx", "fill", str(workbook), "--json"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"ok": true' in result.stdout and (tmp_path / "w.docx").exists()
    version = subprocess.run(
        [sys.executable, "-m", "bdt_docx", "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and version.stdout.strip() == f"bdt-docx {bdt_docx.__version__}"


@pytest.mark.parametrize("command", [(), *((c,) for c in SUBCOMMANDS)])
def test_help_is_all_vietnamese(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"cách dùng: bdt-docx {' '.join(command)}".rstrip())
    assert ENGLISH.search(out) is None, ENGLISH.search(out)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("fil",), "đối số LỆNH: không có lựa chọn 'fil' (chọn một trong: 'fill', 'init'"),
        (("fill",), "bdt-docx fill: gõ lệnh sai: thiếu đối số: SỔ_EXCEL"),
        (("fill", "a.xlsx", "--bogus"), "gõ lệnh sai: không hiểu đối số: --bogus"),
        (("fill", "a.xlsx", "-t"), "đối số -t/--template: cần một giá trị theo sau"),
        (
            ("fill", "a.xlsx", "--out", "x"),
            "tùy chọn --out chưa rõ: có thể là --output, --output-dir",
        ),
        (
            ("fill", "a.xlsx", "--overwrite=yes"),
            "đối số --overwrite: tùy chọn này không nhận giá trị 'yes'",
        ),
        (
            ("fill", "a.xlsx", "-j", "hai"),
            "đối số -j/--jobs: cần một số nguyên từ 0 trở lên, không phải 'hai'",
        ),
        (
            ("fields", "-t", "a.docx", "b.docx"),
            "đối số MẪU.docx: không dùng cùng lúc với -t/--template",
        ),
        (("init",), "thiếu đối số: SỔ_MỚI.xlsx"),
    ],
)
def test_usage_errors_are_vietnamese(args, words, capsys):
    err = usage_error(capsys, *args)
    assert err.startswith("cách dùng: bdt-docx")
    assert words in err
    assert ENGLISH.search(err) is None, ENGLISH.search(err)


def test_fields_takes_the_template_as_fill_does_and_the_old_spelling_still_works(capsys):
    assert main(["fields", "--template", str(TEMPLATE)]) == 0
    with_option = capsys.readouterr().out
    assert main(["fields", "-t", str(TEMPLATE)]) == 0
    assert capsys.readouterr().out == with_option
    assert main(["fields", str(TEMPLATE)]) == 0
    assert capsys.readouterr().out == with_option
    assert "ngay_ban_hanh" in with_option


def test_no_doubled_parentheses_in_type_names(tmp_path, capsys):
    assert main(["fields"]) == 0
    out = capsys.readouterr().out
    assert "ngày dạng dd/mm/yyyy" in out and "((" not in out and "))" not in out
    workbook = edit_workbook(tmp_path / "w.xlsx", {"ngay_huong_dan_khen_thuong": None})
    assert main(["fill", str(workbook)]) == 3
    err = capsys.readouterr().err
    assert "ô trống, cần nhập Ngày Hướng dẫn khen thưởng (ngày dạng dd/mm/yyyy)" in err


def test_init_refuses_a_workbook_named_like_a_report(tmp_path, capsys):
    assert main(["init", str(tmp_path / "so_lieu.docx")]) == 5
    err = capsys.readouterr().err
    assert err.startswith(f"Không ghi được sổ Excel ({tmp_path / 'so_lieu.docx'}): ")
    assert "tên sổ Excel mới phải có đuôi .xlsx (ví dụ: so_lieu.xlsx)" in err
    assert list(tmp_path.iterdir()) == []


def test_init_over_an_existing_workbook_speaks_of_a_workbook(tmp_path, capsys):
    workbook = tmp_path / "so_lieu.xlsx"
    workbook.write_bytes(b"old workbook")
    assert main(["init", str(workbook)]) == 5
    err = capsys.readouterr().err
    assert err.startswith(f"Không ghi được sổ Excel ({workbook}): tệp đã có")
    assert "báo cáo" not in err
    assert workbook.read_bytes() == b"old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["so_lieu.xlsx"]


def test_lint_on_a_missing_file_says_it_is_missing(tmp_path, capsys):
    assert main(["lint", str(tmp_path / "khong_co.docx")]) == 4
    err = capsys.readouterr().err
    assert "không tìm thấy tệp mẫu" in err and "không phải tệp Word" not in err


def test_a_result_file_that_cannot_be_written_is_not_called_a_report(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    target = tmp_path / "khong_co" / "r.json"
    assert main(["fill", str(workbook), "--result", str(target)]) == 5
    err = capsys.readouterr().err
    assert f"Không ghi được tệp kết quả ({target}): thư mục" in err
    assert "Không ghi được báo cáo" not in err


def test_output_errors_keep_what_they_are_about_across_processes(tmp_path):
    error = OutputError("tệp đã có", tmp_path / "a.xlsx").about("sổ Excel")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) == f"Không ghi được sổ Excel ({tmp_path / 'a.xlsx'}): tệp đã có"
    assert str(OutputError("x", Path("r.docx"))) == "Không ghi được báo cáo (r.docx): x"


def test_a_pdf_in_the_way_is_called_a_pdf(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    (tmp_path / "w.pdf").write_bytes(b"%PDF old")
    assert main(["fill", str(workbook), "--pdf"]) == 5
    assert capsys.readouterr().err.startswith(f"Không ghi được tệp PDF ({tmp_path / 'w.pdf'}): ")


def test_a_missing_document_is_told_in_vietnamese(tmp_path, capsys):
    assert main(["check", str(tmp_path / "khong_co.docx")]) == 3
    err = capsys.readouterr().err
    assert "không có tệp hoặc thư mục này" in err and "No such file" not in err


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), "không có tệp"),
        (PermissionError(errno.EACCES, "Permission denied"), "không có quyền"),
        (OSError(errno.ENOSPC, "No space left on device"), "ổ đĩa đã đầy"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
def test_system_errors_are_told_in_vietnamese_where_they_are_common(error, words):
    assert words in os_reason(error)


def test_no_command_prints_the_vietnamese_help_and_exits_2(capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("cách dùng: bdt-docx")
    assert ENGLISH.search(captured.err) is None


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_missing_workbook_is_said_missing_whatever_its_kind(tmp_path, capsys, suffix):
    assert main(["fill", str(tmp_path / f"khong_co{suffix}")]) == 3
    err = capsys.readouterr().err
    assert "không tìm thấy tệp" in err and "bị hỏng" not in err


def test_a_folder_given_as_the_report_is_said_to_be_a_folder(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx")
    folder = tmp_path / "bao_cao"
    folder.mkdir()
    assert main(["fill", str(workbook), "-o", str(folder)]) == 5
    assert "đây là một thư mục" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_what_the_system_and_the_toml_parser_say_is_told_in_vietnamese(tmp_path, capsys):
    """Found by a regression run: a file where a folder was asked ended in the system's
    English "(File exists)", a missing description in "[Errno 2] …", a broken one in the
    TOML parser's words alone, and a NaN was called a number too large."""
    (tmp_path / "AFILE").write_text("")
    book = edit_workbook(tmp_path / "so.xlsx")
    template = tmp_path / "mau.docx"
    template.write_bytes(TEMPLATE.read_bytes())
    (tmp_path / "bad.toml").write_text("[fields.a]\nlabel = \n", encoding="utf-8")
    cases = [
        (["fill", str(book), "-d", str(tmp_path / "AFILE")], 5, "đã có một tệp hay thư mục"),
        (["fill", str(book), "-o", str(tmp_path / "AFILE" / "x.docx")], 5, "là một tệp, không"),
        (
            ["fields", "-t", str(template), "--embed", str(tmp_path / "none.toml")],
            4,
            "không có tệp",
        ),
        (
            ["fields", "-t", str(template), "--embed", str(tmp_path / "bad.toml")],
            4,
            "ở dòng 2, cột 9",
        ),
    ]
    for args, code, words in cases:
        assert main(args) == code
        err = capsys.readouterr().err
        assert words in err
        assert "Errno" not in err and "File exists" not in err
    with pytest.raises(bdt_docx.ContextError, match=r"không là số \(NaN\)"):
        bdt_docx.render_report({"tong_so_nguoi": float("nan")}, None, tmp_path / "r.docx")
