"""Writing reports (:mod:`bdt_docx.output`): the zip package a report is, written by hand
because the parts that never change are copied already compressed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from workbooks import EXAMPLE, ROOT, TEMPLATE, edit_workbook

import bdt_docx
from bdt_docx.batch import SUMMARY_NAME, fill_reports
from bdt_docx.errors import OutputError
from bdt_docx.output import (
    TEMP_PREFIX,
    Member,
    Rendered,
    deflate,
    write_bytes,
    write_package,
    zip_bytes,
)


def test_the_zip_is_laid_out_as_zipfile_writes_it():
    """Given the same parts, the writer gives the very bytes :mod:`zipfile` gives."""
    parts = [
        (zipfile.ZipInfo("[Content_Types].xml", (2021, 6, 9, 10, 30, 58)), b"<Types/>" * 50),
        (zipfile.ZipInfo("word/tài liệu.xml", (1980, 1, 1, 0, 0, 0)), "Báo cáo".encode() * 99),
        (zipfile.ZipInfo("docProps/empty.xml", (2026, 12, 31, 23, 59, 59)), b""),
    ]
    parts[0][0].external_attr = 0o644 << 16
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts:
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    assert zip_bytes(deflate(info, data) for info, data in parts) == expected.getvalue()


def test_rendered_parts_are_compressed_as_the_zip_is_laid_out():
    info = zipfile.ZipInfo("word/tài liệu.xml", (2021, 6, 9, 10, 30, 58))
    info.external_attr = 0o644 << 16
    data = "<w:t>Báo cáo số 12</w:t>".encode() * 300
    fixed = deflate(zipfile.ZipInfo("[Content_Types].xml", (1980, 1, 1, 0, 0, 0)), b"<Types/>")
    laid_out = zip_bytes([fixed, Rendered.of(info, data)])
    assert laid_out is not None
    with zipfile.ZipFile(io.BytesIO(laid_out)) as package:
        assert package.testzip() is None
        entry = package.getinfo("word/tài liệu.xml")
        assert (entry.date_time, entry.external_attr) == (info.date_time, info.external_attr)
        assert entry.compress_type == zipfile.ZIP_DEFLATED and entry.compress_size < len(data)
        assert package.read(entry) == data
        assert package.read("[Content_Types].xml") == b"<Types/>"


def test_report_keeps_the_template_parts_and_every_check_sum(tmp_path):
    report = bdt_docx.fill_report(EXAMPLE, TEMPLATE, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as written, zipfile.ZipFile(TEMPLATE) as template:
        assert written.testzip() is None  # every member inflates to its CRC
        got, original = written.infolist(), template.infolist()
        assert [(i.filename, i.date_time, i.external_attr) for i in got] == [
            (i.filename, i.date_time, i.external_attr) for i in original
        ]
        for name in ("word/styles.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"):
            assert written.read(name) == template.read(name)
        assert b"UBND T\xe1\xbb\x88NH CAO B\xe1\xba\xb0NG" in written.read("word/document.xml")


def test_a_package_too_large_for_a_plain_zip_is_refused(tmp_path):
    huge = Member("word/document.xml", (2021, 1, 1, 0, 0, 0), 0, 0, 2**32, b"\x03\x00")
    assert zip_bytes([huge]) is None
    with pytest.raises(OutputError, match="quá lớn"):
        write_package([huge], tmp_path / "bao_cao.docx")
    assert list(Path(tmp_path).iterdir()) == []


# -- where a report may go ----------------------------------------------------------------


def _link(kind: str, target: Path, link: Path) -> None:
    (os.symlink if kind == "symlink" else os.link)(target, link)


@pytest.mark.parametrize("kind", ["symlink", "hard link"])
def test_a_report_path_that_is_the_workbook_through_a_link_is_refused(tmp_path, kind):
    workbook = Path(shutil.copyfile(EXAMPLE, tmp_path / "so.xlsx"))
    report = tmp_path / "bc.docx"
    _link(kind, workbook, report)
    with pytest.raises(OutputError, match="không được ghi đè lên chính sổ Excel"):
        bdt_docx.fill_report(workbook, TEMPLATE, report, overwrite=True)
    assert workbook.read_bytes() == EXAMPLE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bc.docx", "so.xlsx"]


def test_a_report_is_never_written_over_its_template(tmp_path, capsys):
    """thi_dua.xlsx and its template thi_dua.docx side by side: the report's own name is the
    template's, and with --overwrite the report replaced the template, the clerk's wording
    and tags lost (found by a new-user run). Refused, in a batch and for a program too."""
    from bdt_docx.cli import main

    workbook = Path(shutil.copyfile(EXAMPLE, tmp_path / "thi_dua.xlsx"))
    template = Path(shutil.copyfile(TEMPLATE, tmp_path / "thi_dua.docx"))
    for overwrite in ([], ["--overwrite"]):  # (not told to overwrite it first)
        assert main(["fill", str(workbook), "-t", str(template), *overwrite]) == 5
        assert "báo cáo không được ghi đè lên chính tệp mẫu" in capsys.readouterr().err
    assert template.read_bytes() == TEMPLATE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thi_dua.docx", "thi_dua.xlsx"]
    other = Path(shutil.copyfile(EXAMPLE, tmp_path / "khac.xlsx"))
    for overwrite in (False, True):  # (never counted as a report kept from a run before)
        result = fill_reports([workbook, other], template, tmp_path, overwrite=overwrite)
        assert [p.name for p in result.reports] == ["khac.docx"] and not result.kept
        (failure,) = result.failures
        assert failure.workbook == workbook
        assert failure.error.problems[0].code == "output.is_template"
    context = bdt_docx.read_workbook(EXAMPLE)
    with pytest.raises(OutputError, match="chính tệp mẫu"):
        bdt_docx.render_report(context, template, template, overwrite=True)
    assert template.read_bytes() == TEMPLATE.read_bytes()


@pytest.mark.parametrize("kind", ["symlink", "hard link"])
def test_a_batch_does_not_write_a_report_over_its_workbook_through_a_link(tmp_path, kind):
    books, out = tmp_path / "so", tmp_path / "out"
    books.mkdir()
    out.mkdir()
    workbooks = [Path(shutil.copyfile(EXAMPLE, books / f"{name}.xlsx")) for name in "ab"]
    _link(kind, workbooks[0], out / "a.docx")
    result = fill_reports(workbooks, TEMPLATE, out, overwrite=True)
    assert [p.name for p in result.reports] == ["b.docx"]
    (failure,) = result.failures
    assert failure.workbook == workbooks[0]
    assert failure.error.problems[0].code == "output.is_workbook"
    assert workbooks[0].read_bytes() == EXAMPLE.read_bytes()


def test_the_folder_removed_in_the_middle_of_a_batch_fails_the_reports_after(tmp_path):
    """The batch checks a folder once; a report whose folder went away since fails alone,
    saying so, and the batch ends as usual."""
    books, out = tmp_path / "so", tmp_path / "out"
    books.mkdir()
    out.mkdir()
    workbooks = [Path(shutil.copyfile(EXAMPLE, books / f"{name}.xlsx")) for name in "ab"]
    (out / "a.docx").write_bytes(b"kept from an earlier run")

    def remove_the_folder(progress: bdt_docx.Progress) -> None:
        if progress.done == 1:  # a.docx is kept; b.xlsx comes next
            shutil.rmtree(out)

    result = fill_reports(workbooks, TEMPLATE, out, progress=remove_the_folder)
    assert result.kept == [out / "a.docx"] and result.reports == []
    (failure,) = result.failures
    assert failure.workbook == workbooks[1] and isinstance(failure.error, OutputError)
    assert failure.error.problems[0].code == "output.no_folder"
    assert f"thư mục '{out}' không tồn tại" in str(failure.error)
    assert result.summary_error is not None and not out.exists()


def test_a_report_made_meanwhile_in_the_folder_is_not_replaced(tmp_path):
    """The batch lists a folder once: a file another program puts there afterwards, under
    a report's name, is still not replaced (the move into place refuses it)."""
    books, out = tmp_path / "so", tmp_path / "out"
    books.mkdir()
    out.mkdir()
    workbooks = [Path(shutil.copyfile(EXAMPLE, books / f"{name}.xlsx")) for name in "ab"]

    def another_program_writes_b(progress: bdt_docx.Progress) -> None:
        if progress.done == 1:  # a.docx is written; b.xlsx comes next
            (out / "b.docx").write_bytes(b"written by someone else")

    result = fill_reports(workbooks, TEMPLATE, out, progress=another_program_writes_b)
    assert result.reports == [out / "a.docx"]
    (failure,) = result.failures
    assert failure.workbook == workbooks[1]
    assert failure.error.problems[0].code == "output.exists"
    assert (out / "b.docx").read_bytes() == b"written by someone else"
    assert sorted(p.name for p in out.iterdir() if p.suffix != ".csv") == ["a.docx", "b.docx"]


# -- the temporary file -------------------------------------------------------------------


def test_a_report_gets_the_mode_of_any_new_file(tmp_path):
    umask = os.umask(0o027)
    try:
        report = write_bytes(b"PK", tmp_path / "bc.docx")
    finally:
        os.umask(umask)
    assert report.stat().st_mode & 0o777 == 0o640


def test_ctrl_c_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    def pressed(handle: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bdt_docx.output.os, "fsync", pressed)
    with pytest.raises(KeyboardInterrupt):
        write_bytes(b"PK", tmp_path / "bc.docx")
    assert list(tmp_path.iterdir()) == []


def test_two_worker_processes_writing_into_one_folder_write_each_its_own_report(tmp_path):
    """With two jobs, two processes write reports into one folder side by side, each
    through its own temporary files: every report is its own workbook's."""
    books, out = tmp_path / "so", tmp_path / "out"
    books.mkdir()
    signers = [f"Người ký số {i:02d}" for i in range(24)]
    workbooks = [
        edit_workbook(books / f"don_vi_{i:02d}.xlsx", {"nguoi_ky": signer})
        for i, signer in enumerate(signers)
    ]
    result = fill_reports(workbooks, TEMPLATE, out, jobs=2)
    assert result.ok and len(result.reports) == len(signers)
    for report, signer in zip(result.reports, signers, strict=True):
        with zipfile.ZipFile(report) as package:
            document = package.read("word/document.xml").decode()
        assert signer in document and all(s not in document for s in signers if s != signer)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(p.name for p in result.reports), SUMMARY_NAME]
    )


_SAME_ID = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from bdt_docx.output import TEMP_PREFIX, write_bytes

    folder = Path(sys.argv[1])
    for serial in range(10):  # what a killed process of the same id left, minutes ago
        (folder / f"{TEMP_PREFIX}{os.getpid()}-{serial}.docx.tmp").write_bytes(b"left")
    write_bytes(b"PK new", folder / "bc.docx")
    """
)


def test_temporary_files_left_by_a_process_of_the_same_id_are_passed_over(tmp_path):
    subprocess.run(
        [sys.executable, "-c", _SAME_ID, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert (tmp_path / "bc.docx").read_bytes() == b"PK new"
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert len(leftovers) == 10 and all(p.read_bytes() == b"left" for p in leftovers)
