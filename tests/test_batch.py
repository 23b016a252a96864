"""Many workbooks at once: ``fill_reports``, ``find_workbooks`` and ``bdt-docx fill A B -d``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import pickle
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx_factory import document_xml, make_docx
from docxtpl import DocxTemplate
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from markupsafe import Markup
from reading import document_lines
from reading import text as report_text
from workbooks import EXAMPLE, TEMPLATE, edit_workbook, named_cell_ref

from bdt_docx import cli, finisher
from bdt_docx.api import read_workbook, render_report
from bdt_docx.batch import SUMMARY_NAME, fill_reports, find_workbooks, report_paths
from bdt_docx.cli.show import ProgressBar, batch_summary
from bdt_docx.errors import ConversionError, OutputError, Problem, WorkbookError
from bdt_docx.render import resolve_listing
from bdt_docx.template import make_environment, prepare_template

#: Other figures and lists than the example's, each exercising another path of the template.
VARIANTS = {
    "nhieu_dong": (
        {"tong_so_nguoi": 40, "so_nguoi_du_hoi_nghi": 38, "so_nguoi_ung_cu": 3,
         "so_van_ban": 12, "ngay_ban_hanh": dt.datetime(2021, 1, 5)},
        {"van_ban": [[f"{i}/BDT-VP", dt.datetime(2021, 3, i), f"về việc số {i}"]
                     for i in range(1, 6)],
         "khen_thuong": [["Phòng Tổng hợp", "Giấy khen"], ["Ông A", "Bằng khen"]],
         "noi_nhan": [["UBND tỉnh;"], ["Lưu: VT."]]},
    ),
    "xuong_dong": (
        {"han_che": "Thứ nhất, tuyên truyền chưa đều;\nthứ hai,\tthời gian ngắn.",
         "nguoi_ky": "Lò Thị Mai & <Cộng sự>"},
        {"van_ban": [], "noi_nhan": [["Sở Nội vụ"]]},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Path]:
    """The example and its variants, made once (openpyxl is slow to save)."""
    folder = tmp_path_factory.mktemp("variants")
    made = {"vi_du": shutil.copy(EXAMPLE, folder / "vi_du.xlsx")}
    for name, (values, tables) in VARIANTS.items():
        made[name] = edit_workbook(folder / f"{name}.xlsx", values, tables)
    made["so_chu"] = edit_workbook(folder / "so_chu.xlsx", {"tong_so_nguoi": "hai mươi"})
    return {name: Path(path) for name, path in made.items()}


@pytest.fixture
def inbox(tmp_path, variants) -> Path:
    """A folder as a clerk's office sends it: good workbooks, broken ones, a lock file."""
    folder = tmp_path / "nhan"
    folder.mkdir()
    for name in ("vi_du", "nhieu_dong", "xuong_dong", "so_chu"):
        shutil.copy(variants[name], folder / f"{name}.xlsx")
    (folder / "ban_csv.xlsx").write_text("STT;Tên\n1;A\n", encoding="utf-8")
    shutil.copy(variants["vi_du"], folder / "~$vi_du.xlsx")  # Excel's lock file
    (folder / ".~bdt-docx-abc.xlsx").write_bytes(b"")  # an interrupted write
    (folder / "ghi_chu.txt").write_text("không phải sổ", encoding="utf-8")
    return folder


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


# -- finding workbooks and naming reports -------------------------------------------------


def test_find_workbooks_expands_folders_and_skips_lock_files(inbox):
    found = find_workbooks([inbox])
    assert [p.name for p in found] == [
        "ban_csv.xlsx", "nhieu_dong.xlsx", "so_chu.xlsx", "vi_du.xlsx", "xuong_dong.xlsx",
    ]  # fmt: skip
    # Named explicitly (a shell glob), a lock file is still skipped; a repeat is kept once.
    again = find_workbooks([inbox / "vi_du.xlsx", inbox / "~$vi_du.xlsx", inbox])
    assert again[0].name == "vi_du.xlsx"
    assert len(again) == len(found)


def test_find_workbooks_keeps_a_workbook_named_through_links_once(tmp_path, variants):
    real = tmp_path / "so"
    real.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(variants["vi_du"], real / name)
    (real / "c.xlsx").symlink_to(real / "a.xlsx")  # a link beside the workbook
    (tmp_path / "lien_ket").symlink_to(real)  # the folder through a link
    (tmp_path / "khac").mkdir()
    (tmp_path / "khac" / "d.xlsx").symlink_to("../so/b.xlsx")  # a link from elsewhere
    named = [tmp_path / "lien_ket", real, tmp_path / "khac", real / ".." / "so" / "b.xlsx"]
    assert find_workbooks(named) == [
        tmp_path / "lien_ket" / "a.xlsx",
        tmp_path / "lien_ket" / "b.xlsx",
    ]
    (real / "c.xlsx").unlink()
    shutil.copy(variants["vi_du"], real / "c.xlsx")  # a copy is another workbook
    assert [p.name for p in find_workbooks([real, tmp_path / "lien_ket"])] == [
        "a.xlsx",
        "b.xlsx",
        "c.xlsx",
    ]


def test_find_workbooks_refuses_a_missing_path_and_an_empty_folder(tmp_path):
    with pytest.raises(WorkbookError, match="không tìm thấy"):
        find_workbooks([tmp_path / "khong_co.xlsx"])
    with pytest.raises(WorkbookError, match="không có sổ Excel nào"):
        find_workbooks([tmp_path])


def test_same_names_get_distinct_reports(tmp_path):
    books = [tmp_path / "a" / "so_lieu.xlsx", tmp_path / "b" / "so_lieu.xlsx",
             tmp_path / "b" / "SO_LIEU.xlsm", tmp_path / "a" / "khac.xlsx"]  # fmt: skip
    out = tmp_path / "out"
    assert [p.name for p in report_paths(books, out)] == [
        "so_lieu (a, xlsx).docx", "so_lieu (b, xlsx).docx", "SO_LIEU (b, xlsm).docx",
        "khac.docx",
    ]  # fmt: skip
    beside = report_paths(books, None)
    assert beside[0] == tmp_path / "a" / "so_lieu.docx"
    assert beside[1] == tmp_path / "b" / "so_lieu (xlsx).docx"
    assert beside[2] == tmp_path / "b" / "SO_LIEU (xlsm).docx"
    twice = [tmp_path / "a" / "so.xlsx", tmp_path / "a" / "so.xlsx"]
    assert [p.name for p in report_paths(twice, out)] == ["so.docx", "so (2).docx"]
    same_folder_name = [tmp_path / "x" / "in" / "a.xlsx", tmp_path / "y" / "in" / "a.xlsx"]
    assert [p.name for p in report_paths(same_folder_name, out)] == [
        "a (in, xlsx).docx", "a (in, xlsx) (2).docx",
    ]  # fmt: skip


def test_two_folders_with_the_same_workbook_name(tmp_path, variants):
    for folder in ("quy_1", "quy_2"):
        (tmp_path / folder).mkdir()
        shutil.copy(variants["vi_du"], tmp_path / folder / "so_lieu.xlsx")
    books = find_workbooks([tmp_path / "quy_1", tmp_path / "quy_2"])
    result = fill_reports(books, TEMPLATE, tmp_path / "out")
    assert result.ok
    assert [p.name for p in result.reports] == ["so_lieu (quy_1).docx", "so_lieu (quy_2).docx"]
    assert all(p.exists() for p in result.reports)


def test_a_kept_report_is_never_credited_to_another_workbook(tmp_path, variants):
    """Found by a new-user run: a.xlsx was filled, a.ods was saved beside it and the batch
    run again; the summary said a.ods's report was a.docx, kept, which held a.xlsx's
    figures, and a.ods's figures were in no report."""
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(variants["vi_du"], inbox / "a.xlsx")
    assert fill_reports(find_workbooks([inbox]), TEMPLATE, out).ok
    first = (out / "a.docx").read_bytes()
    other = edit_workbook(tmp_path / "b.xlsx", {"so_van_ban": 77})
    shutil.copy(other, inbox / "a.xlsm")
    result = fill_reports(find_workbooks([inbox]), TEMPLATE, out)
    assert result.ok
    by_workbook = {
        w.name: r.name for w, r in zip(find_workbooks([inbox]), result.reports, strict=True)
    }
    assert by_workbook == {"a.xlsm": "a (xlsm).docx", "a.xlsx": "a (xlsx).docx"}
    assert (out / "a (xlsx).docx").read_bytes() == first
    assert "77" in report_text(out / "a (xlsm).docx")
    assert "77" not in report_text(out / "a (xlsx).docx")


# -- a batch with broken workbooks --------------------------------------------------------


def test_broken_workbooks_do_not_stop_the_others(inbox, tmp_path):
    out = tmp_path / "bao_cao"
    result = fill_reports(find_workbooks([inbox]), TEMPLATE, out)

    assert sorted(p.name for p in result.reports) == [
        "nhieu_dong.docx", "vi_du.docx", "xuong_dong.docx",
    ]  # fmt: skip
    assert all(zipfile.is_zipfile(p) for p in result.reports)
    failed = {f.workbook.name: f.error for f in result.failures}
    assert set(failed) == {"ban_csv.xlsx", "so_chu.xlsx"}
    assert all(isinstance(e, WorkbookError) for e in failed.values())
    sheet, cell = named_cell_ref("tong_so_nguoi")
    problem = failed["so_chu.xlsx"].problems[0]
    assert (problem.field, problem.sheet, problem.cell) == ("tong_so_nguoi", sheet, cell)

    text = batch_summary(result)
    assert text.startswith("Đã tạo 3 báo cáo; 2 sổ bị lỗi.")
    assert f"ô {cell} (tong_so_nguoi)" in text and "so_chu.xlsx" in text
    assert "ban_csv.xlsx" in text

    assert result.summary_path == out / SUMMARY_NAME
    raw = result.summary_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Vietnamese text right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_book = {Path(r["Sổ Excel"]).name: r for r in rows if r["Kết quả"] != "cảnh báo"}
    assert set(by_book) == {p.name for p in find_workbooks([inbox])}
    assert by_book["vi_du.xlsx"]["Kết quả"] == "đã tạo"
    (open_in_excel,) = [r for r in rows if r["Kết quả"] == "cảnh báo"]  # its ~$ lock file
    assert Path(open_in_excel["Sổ Excel"]).name == "vi_du.xlsx"
    assert "sổ đang mở trong Excel" in open_in_excel["Lỗi"]
    assert Path(by_book["vi_du.xlsx"]["Báo cáo"]) == out / "vi_du.docx"
    broken = by_book["so_chu.xlsx"]
    assert (broken["Kết quả"], broken["Trường"], broken["Trang tính"], broken["Ô"]) == (
        "lỗi", "tong_so_nguoi", sheet, cell,
    )  # fmt: skip
    assert "hai mươi" in broken["Lỗi"]


def test_an_existing_report_is_kept_not_overwritten(tmp_path, variants):
    out = tmp_path / "out"
    out.mkdir()
    (out / "vi_du.docx").write_bytes(b"do not touch")
    books = [variants["vi_du"], variants["nhieu_dong"]]
    result = fill_reports(books, TEMPLATE, out)
    assert [p.name for p in result.reports] == ["nhieu_dong.docx"]
    assert result.ok and result.kept == [out / "vi_du.docx"]
    assert (out / "vi_du.docx").read_bytes() == b"do not touch"
    assert fill_reports(books, TEMPLATE, out, overwrite=True).ok


def test_a_report_that_cannot_be_moved_into_place_fails_alone(tmp_path, variants, monkeypatch):
    """The last step of a write (after the disk has the file) runs in the background: a
    report Word holds open fails there, and only that one."""
    import bdt_docx.output

    replace_file = bdt_docx.output.os.replace

    def word_holds(source, target):
        if Path(target).name == "vi_du.docx":
            raise PermissionError(13, "The process cannot access the file")
        return replace_file(source, target)

    monkeypatch.setattr(bdt_docx.output.os, "replace", word_holds)
    out = tmp_path / "out"
    result = fill_reports([variants["vi_du"], variants["nhieu_dong"]], TEMPLATE, out)
    assert [p.name for p in result.reports] == ["nhieu_dong.docx"]
    (failure,) = result.failures
    assert isinstance(failure.error, OutputError) and "đang mở" in str(failure.error)
    assert failure.report is None
    assert sorted(p.name for p in out.iterdir()) == ["nhieu_dong.docx", SUMMARY_NAME]


def test_a_failed_pdf_is_a_failure_but_the_docx_stays(tmp_path, variants, monkeypatch):
    import bdt_docx.libreoffice

    monkeypatch.setattr(bdt_docx.libreoffice, "find_soffice", lambda: None)
    result = fill_reports([variants["vi_du"]], TEMPLATE, tmp_path, pdf=True)
    assert result.reports == [tmp_path / "vi_du.docx"] and result.reports[0].exists()
    (failure,) = result.failures
    assert isinstance(failure.error, ConversionError)
    assert failure.report == tmp_path / "vi_du.docx"
    assert "tệp .docx vẫn được giữ" in batch_summary(result)
    rows = list(csv.DictReader(io.StringIO(result.summary_path.read_text("utf-8-sig"))))
    assert rows[0]["Kết quả"] == "đã tạo .docx, lỗi PDF"
    assert "Không tìm thấy LibreOffice" in rows[0]["Lỗi"]


def test_two_jobs_give_the_same_result_and_errors(inbox, tmp_path):
    books = find_workbooks([inbox])
    one = fill_reports(books, TEMPLATE, tmp_path / "one", jobs=1)
    two = fill_reports(books, TEMPLATE, tmp_path / "two", jobs=2)
    assert [p.name for p in two.reports] == [p.name for p in one.reports]
    assert [(f.workbook, type(f.error), f.error.problems, str(f.error)) for f in two.failures] == [
        (f.workbook, type(f.error), f.error.problems, str(f.error)) for f in one.failures
    ]
    for mine, theirs in zip(one.reports, two.reports, strict=True):
        with zipfile.ZipFile(mine) as a, zipfile.ZipFile(theirs) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml")


def test_two_jobs_refuse_a_broken_template_as_one_job_does(tmp_path, variants):
    """The workers start before the template is prepared (they prepare it on the other
    cores meanwhile): a broken template is the batch's error, said once, with no trace of
    the workers' own failure to prepare it."""
    broken = tmp_path / "mau.docx"
    broken.write_bytes(b"not a template")
    out = tmp_path / "out"
    books = [str(variants["vi_du"]), str(variants["nhieu_dong"])]
    command = ["fill", *books, "-t", str(broken), "-d", str(out), "-j", "2"]
    done = subprocess.run(
        [sys.executable, "-m", "bdt_docx.cli", *command],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert done.returncode == 4 and "tệp mẫu không phải tệp Word .docx hợp lệ" in done.stderr
    assert "Traceback" not in done.stderr and "initializer" not in done.stderr
    assert not list(out.glob("*.docx"))


def test_a_worker_with_another_version_of_the_template_fills_nothing(
    tmp_path, variants, monkeypatch
):
    """A worker checks that it prepared the very version of the template the batch's
    process did (the file may be saved again between the two): with another, its
    workbooks fail, saying so, rather than give reports of another template."""
    import dataclasses

    from bdt_docx import workers

    prepare = workers.prepare_template
    monkeypatch.setattr(  # (in the workers, forked after: as if the file had changed)
        workers,
        "prepare_template",
        lambda path: dataclasses.replace(prepare(path), version=("another",)),
    )
    books = [
        edit_workbook(tmp_path / f"{name}.xlsx", {"nguoi_ky": f"Người ký {name}"})
        for name in "abcdef"
    ]
    result = fill_reports(books, TEMPLATE, tmp_path / "out", jobs=2)
    assert result.failures and result.reports  # (this process's workbooks are filled)
    for failure in result.failures:
        assert failure.error.problems[0].code == "template.changed"
        assert "tệp mẫu đã được sửa" in str(failure.error)
    made = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert made == sorted(p.name for p in result.reports)
    assert len(made) + len(result.failures) == 6


def test_two_jobs_give_one_jobs_summary_run_after_run(inbox, tmp_path):
    """What comes back from the workers is what one job gives: the reports written, the
    failures, the warnings, and on a second run the reports kept."""
    legacy = edit_workbook(inbox / "tcvn3.xlsx", {"nguoi_ky": "Hµ V¨n Vui"})
    books = find_workbooks([inbox])

    def rows(out: Path) -> list[list[str]]:
        text = (out / SUMMARY_NAME).read_text("utf-8-sig")
        return [[c.replace(str(out), "OUT") for c in row] for row in csv.reader(io.StringIO(text))]

    for run in range(2):
        one = fill_reports(books, TEMPLATE, tmp_path / "one", jobs=1)
        two = fill_reports(books, TEMPLATE, tmp_path / "two", jobs=2)
        assert rows(tmp_path / "two") == rows(tmp_path / "one")
        for result, out in ((one, tmp_path / "one"), (two, tmp_path / "two")):
            failed = [f.workbook for f in result.failures]
            assert "ban_csv.xlsx" in [w.name for w in failed] and len(failed) < len(books)
            done = result.kept if run else result.reports
            assert done == [out / f"{b.stem}.docx" for b in books if b not in failed]
            assert (result.reports if run else result.kept) == []
            assert [(w.file, w.cell) for w in result.warnings] == (
                [] if run else [(str(legacy), "B27"), (str(inbox / "vi_du.xlsx"), None)]
            )  # (Excel has vi_du.xlsx open: its lock file is there)
        assert [(f.workbook, str(f.error)) for f in two.failures] == [
            (f.workbook, str(f.error)) for f in one.failures
        ]


def test_errors_survive_the_trip_from_a_worker():
    error = WorkbookError(
        [Problem("ô trống", field="nguoi_ky", sheet="Thông tin", cell="B27"), Problem("x")],
        "so.xlsx",
    )
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is WorkbookError
    assert back.problems == error.problems and back.file == error.file
    assert str(back) == str(error)


def test_progress_bar_goes_to_stderr(tmp_path, variants, capsys):
    bar = ProgressBar()
    fill_reports([variants["vi_du"], variants["so_chu"]], TEMPLATE, tmp_path, progress=bar)
    bar.close()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("\r[..............................] 0/2")
    assert captured.err.endswith("] 2/2, 1 lỗi\n")


def test_progress_is_told_to_a_function_not_drawn_by_the_library(tmp_path, variants, capsys):
    seen = []
    fill_reports([variants["vi_du"], variants["so_chu"]], TEMPLATE, tmp_path, progress=seen.append)
    assert [(p.done, p.failed, p.total) for p in seen] == [(0, 0, 2), (1, 0, 2), (2, 1, 2)]
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match=r"fill_reports\(\): 'progress' cần một hàm"):
        fill_reports([variants["vi_du"]], TEMPLATE, tmp_path, progress=True)


def test_a_progress_function_that_fails_leaves_no_temporary_file(tmp_path, variants, monkeypatch):
    """Found by an API run: a script's progress function that raised stopped a batch of two
    processes with its error, as it should, but left the report a worker was writing as a
    temporary file ``.~bdt-docx-*.tmp`` in the reports' folder. The reports there now are
    whole."""
    books = [shutil.copy(variants["vi_du"], tmp_path / f"so_{i}.xlsx") for i in range(8)]
    sync = finisher.sync_file_system  # (slowed: the workers, forked, still write as they end)
    monkeypatch.setattr(finisher, "sync_file_system", lambda h: time.sleep(0.3) or sync(h))

    def fails(progress) -> None:
        if progress.done == 2:
            raise RuntimeError("lỗi của kịch bản")

    with pytest.raises(RuntimeError, match="lỗi của kịch bản"):
        fill_reports(books, TEMPLATE, tmp_path / "out", jobs=2, progress=fails)
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert not [name for name in left if not name.endswith(".docx")]
    for name in left:
        assert (
            "<w:body>"
            in zipfile.ZipFile(tmp_path / "out" / name).read("word/document.xml").decode()
        )


def test_progress_is_told_only_when_it_moves(tmp_path, variants, monkeypatch):
    """Found by an API run: with two processes, the progress function was also called with
    nothing new (a worker's chunk sent back before its reports were written), so a script
    counting its calls counted more workbooks than there were."""
    books = [shutil.copy(variants["vi_du"], tmp_path / f"so_{i}.xlsx") for i in range(8)]
    sync = finisher.sync_file_system  # (slowed: a worker's chunk ends before its writes)
    monkeypatch.setattr(finisher, "sync_file_system", lambda h: time.sleep(0.2) or sync(h))
    seen = []
    fill_reports(books, TEMPLATE, tmp_path / "out", jobs=2, progress=seen.append)
    done = [p.done for p in seen]
    assert done[0] == 0 and done[-1] == 8
    assert all(a < b for a, b in itertools.pairwise(done)), done


def test_a_folder_given_to_fill_reports_says_how_to_fill_its_workbooks(tmp_path, variants, capsys):
    """Found by an API run: ``fill_reports("thu_muc")`` (as ``bdt-docx fill thu_muc/``) gave
    one failure, "đây là một thư mục, không phải sổ Excel", without the way to do it. The
    command says it in its own words (``fields`` said the library's hints)."""
    folder = tmp_path / "so"
    folder.mkdir()
    shutil.copy(variants["vi_du"], folder / "a.xlsx")
    (failure,) = fill_reports(str(folder), TEMPLATE, tmp_path / "out").failures
    assert str(failure.error) == (
        f"Lỗi trong sổ Excel ({folder}): đây là một thư mục, không phải sổ Excel; các sổ "
        "trong một thư mục: find_workbooks(thư mục), rồi fill_reports"
    )
    assert fill_reports(find_workbooks(folder), TEMPLATE, tmp_path / "out").reports == [
        tmp_path / "out" / "a.docx"
    ]
    assert cli.main(["fields", "--workbook", str(folder)]) == 3
    said = capsys.readouterr()
    assert "; các sổ trong một thư mục: bdt-docx fill THƯ_MỤC" in said.out + said.err
    assert "find_workbooks" not in said.out + said.err


# -- the fast path writes what docxtpl writes ---------------------------------------------


@pytest.mark.parametrize("name", ["vi_du", *VARIANTS])
def test_document_xml_is_what_docxtpl_renders(name, variants, tmp_path):
    """The batch's report against plain ``DocxTemplate.render`` with the same context and
    environment (not against this library's own single-report path)."""
    context = read_workbook(variants[name], prepare_template(TEMPLATE))
    document = DocxTemplate(str(TEMPLATE))
    document.render(context, make_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        expected = package.read("word/document.xml")

    result = fill_reports([variants[name]], TEMPLATE, tmp_path)
    with zipfile.ZipFile(result.reports[0]) as package:
        got = package.read("word/document.xml")
    if name == "xuong_dong":
        # The one difference on purpose: a value of several lines filling a paragraph of
        # its own (han_che) gives paragraphs where docxtpl gives line breaks.
        assert document_lines(got) == document_lines(expected) and canonical(got) != canonical(
            expected
        )
    else:
        assert canonical(got) == canonical(expected)


def _docxtpl_document(template: Path, context: dict) -> bytes:
    document = DocxTemplate(str(template))
    document.render(context, make_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return package.read("word/document.xml")


@pytest.mark.parametrize(
    "value",
    [
        "chữ",
        "chữ\n",  # a line feed right before the next paragraph, kept by docxtpl
        Markup("<w:p/>\n<w:p><w:r><w:t>C</w:t></w:r></w:p>"),  # one it removes
    ],
)
def test_values_next_to_paragraphs_give_what_docxtpl_renders(tmp_path, value):
    """A value printed between paragraphs, ending in a line feed or holding paragraphs of
    its own: docxtpl removes the line feed before each paragraph start but a value's own
    last one; the report's document is docxtpl's, line feeds included."""
    body = _PARAGRAPH.format("A") + "{{ x }}" + _PARAGRAPH.format("B")
    template = tmp_path / "mau.docx"
    template.write_bytes(make_docx({"word/document.xml": document_xml(body)}))
    report = render_report({"x": value}, template, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as package:
        got = package.read("word/document.xml")
    assert canonical(got) == canonical(_docxtpl_document(template, {"x": value}))


_PARAGRAPH = '<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>'


def test_line_feeds_between_a_templates_paragraphs_are_kept_as_docxtpl_renders_them(tmp_path):
    """XML written with a line feed before each paragraph (as some programs indent it):
    docxtpl's rendering puts a second one there and removes one after, so one stays."""
    body = "\n".join(_PARAGRAPH.format(text) for text in ("A", "{{ x }}", "B"))
    template = tmp_path / "mau.docx"
    template.write_bytes(make_docx({"word/document.xml": document_xml(body)}))
    report = render_report({"x": "chữ"}, template, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as package:
        got = package.read("word/document.xml").decode()
    assert "\n".join(_PARAGRAPH.format(text) for text in ("A", "chữ", "B")) in got


_TEXTS = st.text(alphabet="ab \t\a\n\f<>", max_size=6).map(
    lambda t: t.replace("<", "&lt;").replace(">", "&gt;")
)
_RUNS = st.lists(
    st.tuples(st.sampled_from(["", "<w:rPr><w:b/></w:rPr>"]), st.lists(_TEXTS, max_size=3)),
    max_size=3,
).map(
    lambda runs: "".join(
        f"<w:r>{props}" + "".join(f'<w:t xml:space="preserve">{t}</w:t>' for t in texts) + "</w:r>"
        for props, texts in runs
    )
)
_PARAGRAPHS = st.lists(
    st.tuples(
        st.sampled_from(["<w:p>", '<w:p w:rsidR="1">']), st.sampled_from(["", "<w:pPr/>"]), _RUNS
    ),
    max_size=4,
).map(lambda ps: "\n".join(f"{start}{props}{runs}</w:p>" for start, props, runs in ps))


@settings(max_examples=300, deadline=None)
@given(body=_PARAGRAPHS, before=st.sampled_from(["", "\t", "<w:tbl>\n"]))
def test_line_breaks_tabs_and_page_breaks_in_values_are_what_docxtpl_writes(body, before):
    """The rendered part's tabs, line feeds, bells and form feeds become what docxtpl's
    ``resolve_listing`` makes of them, byte for byte (bdt_docx runs it on fewer paragraphs)."""
    xml = f'<w:body xmlns:w="w">{before}{body}</w:body>'
    assert resolve_listing(xml) == DocxTemplate.resolve_listing(None, xml)


_SOUP = st.lists(
    st.sampled_from(
        ["<w:p>", '<w:p w:rsidR="1">', "<w:p ", "</w:p>", "<w:pPr><w:jc/></w:pPr>", "<w:r>",
         "</w:r>", "<w:rPr><w:b/></w:rPr>", "<w:t>", "</w:t>", "<", ">", "a", "\t", "\a", "\n",
         "\f", "<w:r><w:t>a\tb</w:t></w:r>", "<w:r><w:rPr><w:i/></w:rPr><w:t>\n\a</w:t></w:r>",
         '<w:r><w:t xml:space="preserve">\f</w:t></w:r>']
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(xml=_SOUP)
@example(xml="<w:p a</w:p><w:r><w:t>\t</w:t></w:r></w:p>")  # a start tag swallowing </w:p>
@example(xml="<w:p></w:p><w:p ></w:p><w:r><w:t>\t</w:t></w:r></w:p>")
def test_listing_resolution_is_docxtpls_on_any_text(xml):
    """Even on text that is not XML (start tags never closed, paragraphs inside paragraphs,
    characters between paragraphs), the paragraphs changed are those docxtpl changes."""
    assert resolve_listing(xml) == DocxTemplate.resolve_listing(None, xml)


# -- the command --------------------------------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, dict]:
    code = cli.main(["fill", *args, "-t", str(TEMPLATE), "--json"])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_cli_exit_code_3_when_some_workbooks_fail(tmp_path, variants, capsys):
    out = tmp_path / "out"
    code, data = run_cli(capsys, str(variants["vi_du"]), str(variants["so_chu"]), "-d", str(out))
    assert code == 3
    assert data["reports"] == [str(out / "vi_du.docx")]
    assert [Path(f["workbook"]).name for f in data["failures"]] == ["so_chu.xlsx"]
    assert data["failures"][0]["code"] == 3
    assert data["errors"][0]["field"] == "tong_so_nguoi"
    assert data["summary"] == str(out / SUMMARY_NAME)


def test_cli_exit_code_5_when_the_summary_cannot_be_written(tmp_path, variants, capsys):
    """A summary left from an earlier batch that this batch could not replace (open in
    LibreOffice) is not taken for this batch's: exit 5, the error in the JSON, the reports
    written all the same."""
    out = tmp_path / "out"
    out.mkdir()
    earlier = b"STT,S\xe1\xbb\x95 Excel\r\n1,cu.xlsx\r\n"
    (out / SUMMARY_NAME).write_bytes(earlier)
    (out / f".~lock.{SUMMARY_NAME}#").write_text(",clerk,may-1,30.11.2026 08:00,file:///;")
    code, data = run_cli(capsys, str(variants["vi_du"]), "-d", str(out))
    assert code == 5 and data["ok"] is False
    assert data["reports"] == [str(out / "vi_du.docx")] and data["summary"] is None
    (error,) = data["errors"]
    assert error["file"] == str(out / SUMMARY_NAME) and error["code"] == "output.open_elsewhere"
    assert (out / SUMMARY_NAME).read_bytes() == earlier


def test_cli_exit_code_0_when_all_are_good(tmp_path, variants, capsys):
    out = tmp_path / "out"
    books = [str(variants["vi_du"]), str(variants["nhieu_dong"])]
    code, data = run_cli(capsys, *books, "-d", str(out), "-j", "2")
    assert code == 0
    assert data["ok"] and data["failures"] == []
    assert sorted(Path(p).name for p in data["reports"]) == ["nhieu_dong.docx", "vi_du.docx"]


def test_legacy_encoding_warnings_come_back_from_workers(tmp_path):
    books = [edit_workbook(tmp_path / f"s{i}.xlsx", {"nguoi_ky": "Hµ V¨n Vui"}) for i in range(2)]
    result = fill_reports(books, output_dir=tmp_path / "out", jobs=2)
    assert result.ok
    assert sorted(w.cell for w in result.warnings) == ["B27", "B27"]
    assert all("TCVN3" in w.message and w.field == "nguoi_ky" for w in result.warnings)
