"""Replacing what a previous run made: a report open in LibreOffice or Word, the PDF of the
previous report, the summary of a previous batch. What the clerk sees: exit codes, messages,
the files left behind."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from workbooks import EXAMPLE

from bdt_docx.cli import main


def fill(capsys, *args: str) -> tuple[int, dict, str]:
    """Run ``bdt-docx fill … --json``: the exit code, the JSON object and stderr."""
    code = main(["fill", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out.strip().splitlines()[-1]), captured.err


@pytest.fixture
def workbook(tmp_path) -> Path:
    return Path(shutil.copyfile(EXAMPLE, tmp_path / "so.xlsx"))


# --- a report open in LibreOffice or Word -------------------------------------------------


@pytest.mark.parametrize(
    ("report", "lock", "program"),
    [
        ("bc.docx", ".~lock.bc.docx#", "LibreOffice"),
        ("bao_cao.docx", "~$ao_cao.docx", "Word"),  # Word drops the first characters
        ("bc.docx", "~$bc.docx", "Word"),  # a short name whole
    ],
)
def test_a_report_open_elsewhere_is_not_replaced(tmp_path, workbook, capsys, report, lock, program):
    target = tmp_path / report
    target.write_bytes(b"the report being edited")
    (tmp_path / lock).write_bytes(b"user,host")
    code, data, _ = fill(capsys, str(workbook), "-o", str(target), "--overwrite")
    assert code == 5 and not data["ok"]
    message = data["errors"][0]["message"]
    assert f"đang mở trong {program}" in message and lock in message
    assert target.read_bytes() == b"the report being edited"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([report, lock, "so.xlsx"])


def test_a_pdf_open_in_libreoffice_is_not_replaced(tmp_path, workbook, capsys):
    old = tmp_path / "so.pdf"
    old.write_bytes(b"old pdf")
    (tmp_path / ".~lock.so.pdf#").write_bytes(b"user,host")
    code, data, _ = fill(capsys, str(workbook), "--pdf", "--overwrite")
    assert code == 5
    assert data["errors"][0]["file"] == str(old)
    assert "đang mở trong LibreOffice" in data["errors"][0]["message"]
    assert old.read_bytes() == b"old pdf"
    assert not (tmp_path / "so.docx").exists()


def test_a_batch_leaves_the_open_report_and_writes_the_others(tmp_path, capsys):
    books = tmp_path / "so"
    books.mkdir()
    for name in ("a", "b"):
        shutil.copyfile(EXAMPLE, books / f"{name}.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.docx").write_bytes(b"open in Word")
    (out / "~$a.docx").write_bytes(b"owner")
    code, data, _ = fill(capsys, str(books), "-d", str(out), "--overwrite")
    assert code == 5
    assert [Path(p).name for p in data["reports"]] == ["b.docx"]
    assert "đang mở trong Word" in data["failures"][0]["message"]
    assert (out / "a.docx").read_bytes() == b"open in Word"


def test_a_lock_that_appears_while_the_report_is_made_is_honoured(tmp_path, monkeypatch):
    from bdt_docx import output

    target = tmp_path / "bc.docx"
    target.write_bytes(b"old")
    fsync = os.fsync

    def open_meanwhile(handle):  # LibreOffice opens the report while the new one is written
        fsync(handle)
        (tmp_path / ".~lock.bc.docx#").write_bytes(b"user")

    monkeypatch.setattr(output.os, "fsync", open_meanwhile)
    with pytest.raises(output.OutputError, match="đang mở trong LibreOffice"):
        output.write_bytes(b"new", target, overwrite=True)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".~lock.bc.docx#", "bc.docx"]


# --- the PDF of the previous report -------------------------------------------------------


def test_a_failed_pdf_removes_the_previous_reports_pdf(tmp_path, workbook, capsys, monkeypatch):
    report, old = tmp_path / "bc.docx", tmp_path / "bc.pdf"
    report.write_bytes(b"previous report")
    old.write_bytes(b"%PDF of the previous report")
    monkeypatch.setenv("BDT_DOCX_SOFFICE", "/bin/false")
    code, data, _ = fill(capsys, str(workbook), "-o", str(report), "--pdf", "--overwrite")
    assert code == 6 and data["output"] == str(report) and data["pdf"] is None
    assert report.read_bytes() != b"previous report"
    assert not old.exists()
    notes = [e for e in data["errors"] if e["file"] == str(old)]
    assert notes and "đã xóa tệp PDF cũ 'bc.pdf'" in notes[0]["message"]
    old.write_bytes(b"%PDF of the previous report")
    assert main(["fill", str(workbook), "-o", str(report), "--pdf", "--overwrite"]) == 6
    err = capsys.readouterr().err
    assert "Tệp .docx vẫn được giữ" in err
    # The removal is told after the error, not numbered as a second fault to fix.
    assert "lỗi cần sửa" not in err and " 2. " not in err
    lines = err.splitlines()
    (note,) = [line for line in lines if "đã xóa tệp PDF cũ 'bc.pdf'" in line]
    assert lines[0].startswith(f"Không chuyển đổi được tệp ({report}): ")
    assert note.startswith("Lưu ý: ") and lines.index(note) > 0


def test_overwriting_a_report_without_pdf_warns_of_its_old_pdf(tmp_path, workbook, capsys):
    report, old = tmp_path / "bc.docx", tmp_path / "bc.pdf"
    report.write_bytes(b"previous report")
    old.write_bytes(b"%PDF of the previous report")
    code, data, _ = fill(capsys, str(workbook), "-o", str(report), "--overwrite")
    assert code == 0 and data["ok"]
    (warning,) = data["warnings"]
    assert warning["file"] == str(old) and "của báo cáo cũ" in warning["message"]
    assert old.read_bytes() == b"%PDF of the previous report"  # not asked: kept
    assert main(["fill", str(workbook), "-o", str(report), "--overwrite"]) == 0
    assert "Cảnh báo: tệp PDF 'bc.pdf' bên cạnh là của báo cáo cũ" in capsys.readouterr().err


def _batch_folders(tmp_path: Path, names: tuple[str, ...]) -> tuple[Path, Path]:
    books, out = tmp_path / "so", tmp_path / "out"
    books.mkdir()
    out.mkdir()
    for name in names:
        shutil.copyfile(EXAMPLE, books / f"{name}.xlsx")
    return books, out


def test_a_batch_whose_pdfs_fail_removes_the_previous_pdfs(tmp_path, capsys, monkeypatch):
    books, out = _batch_folders(tmp_path, ("a", "b"))
    (out / "a.pdf").write_bytes(b"%PDF old a")
    monkeypatch.setenv("BDT_DOCX_SOFFICE", "/bin/false")
    code, data, _ = fill(capsys, str(books), "-d", str(out), "--pdf", "--overwrite")
    assert code == 6 and len(data["reports"]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "b.docx", "tong_hop_bao_cao.csv"]
    assert "đã xóa tệp PDF cũ 'a.pdf'" in data["failures"][0]["message"]
    summary = (out / "tong_hop_bao_cao.csv").read_text("utf-8-sig")
    assert "đã xóa tệp PDF cũ 'a.pdf'" in summary


def test_a_batch_without_pdf_warns_of_the_old_pdfs(tmp_path, capsys):
    books, out = _batch_folders(tmp_path, ("a", "b"))
    (out / "b.pdf").write_bytes(b"%PDF old b")
    code, data, _ = fill(capsys, str(books), "-d", str(out))
    assert code == 0
    assert [w["file"] for w in data["warnings"]] == [str(out / "b.pdf")]
    assert (out / "b.pdf").read_bytes() == b"%PDF old b"


def test_a_batch_warns_only_of_a_pdf_file_of_the_reports_own_name(tmp_path, capsys):
    books, out = _batch_folders(tmp_path, ("a", "b", "c"))
    (out / "a.pdf").mkdir()  # a folder, not a PDF
    (out / "B.PDF").write_bytes(b"%PDF of another")  # another name, where case counts
    (out / "c.pdf").write_bytes(b"%PDF old c")
    code, data, _ = fill(capsys, str(books), "-d", str(out))
    assert code == 0
    assert [w["file"] for w in data["warnings"]] == [str(out / "c.pdf")]


# --- a batch run again into the same folder -----------------------------------------------


def _summary_rows(folder: Path) -> list[list[str]]:
    text = (folder / "tong_hop_bao_cao.csv").read_text("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))][1:]


def test_a_batch_says_which_failed_workbooks_left_an_earlier_report_in_place(tmp_path):
    """With --overwrite, a workbook that fails, or whose report cannot be written, leaves
    last run's report where it was: the summary and the CSV say that it is still there and
    was not replaced (it was only "lỗi", beside a report with last month's figures)."""
    from bdt_docx.batch import fill_reports
    from bdt_docx.cli.show import batch_summary

    books, out = _batch_folders(tmp_path, ("a", "b", "c", "d"))
    (out / "a.docx").write_bytes(b"open in Word")
    (out / "~$a.docx").write_bytes(b"owner")  # (its writing fails)
    (out / "b.docx").write_bytes(b"last month's report")
    (books / "b.xlsx").write_bytes(b"not a workbook")  # (the workbook fails)
    (books / "d.xlsx").write_bytes(b"not a workbook")  # (no earlier report)
    result = fill_reports(sorted(books.glob("*.xlsx")), output_dir=out, overwrite=True)
    assert [(f.workbook.name, f.earlier) for f in result.failures] == [
        ("a.xlsx", out / "a.docx"),
        ("b.xlsx", out / "b.docx"),
        ("d.xlsx", None),
    ]
    text = batch_summary(result)
    for name in ("a", "b"):
        assert (
            "(báo cáo cũ của lần chạy trước vẫn còn, chưa được thay, số liệu không phải của sổ "
            f"này bây giờ: {out / f'{name}.docx'})"
        ) in text
    assert text.count("báo cáo cũ") == 2
    earlier = "lỗi (báo cáo cũ của lần trước vẫn còn, chưa được thay)"
    assert {Path(r[1]).stem: r[4] for r in _summary_rows(out)} == {
        "a": earlier, "b": earlier, "c": "đã tạo", "d": "lỗi",
    }  # fmt: skip


def test_a_batch_run_again_keeps_the_reports_and_lists_them(tmp_path, capsys):
    books, out = _batch_folders(tmp_path, ("a", "b"))
    assert fill(capsys, str(books), "-d", str(out))[0] == 0
    (out / "a.docx").write_bytes(b"checked and signed")
    (out / "a.pdf").write_bytes(b"%PDF a")
    shutil.copyfile(EXAMPLE, books / "c.xlsx")  # a new workbook since
    code, data, _ = fill(capsys, str(books), "-d", str(out))
    assert code == 0 and data["ok"]
    assert [Path(p).name for p in data["reports"]] == ["c.docx"]
    assert [Path(p).name for p in data["kept"]] == ["a.docx", "b.docx"]
    assert [
        (Path(r[1]).name, Path(r[2]).name, Path(r[3]).name, r[4]) for r in _summary_rows(out)
    ] == [
        ("a.xlsx", "a.docx", "a.pdf", "đã có, giữ nguyên"),
        ("b.xlsx", "b.docx", "", "đã có, giữ nguyên"),
        ("c.xlsx", "c.docx", "", "đã tạo"),
    ]
    assert (out / "a.docx").read_bytes() == b"checked and signed"
    assert main(["fill", str(books), "-d", str(out)]) == 0
    assert "Giữ nguyên 3 báo cáo đã có (dùng --overwrite để ghi lại)." in capsys.readouterr().out


# --- Ctrl+C in the middle of a batch ------------------------------------------------------


def test_ctrl_c_while_filling_keeps_what_was_done(tmp_path, capsys, monkeypatch):
    from bdt_docx import workers

    books, out = _batch_folders(tmp_path, ("a", "b", "c"))
    read = workers.read_workbook

    def pressed_on_b(workbook, prepared):
        if workbook.stem == "b":
            raise KeyboardInterrupt
        return read(workbook, prepared)

    monkeypatch.setattr(workers, "read_workbook", pressed_on_b)
    code, data, _ = fill(capsys, str(books), "-d", str(out))
    assert code == 130 and data["interrupted"] is True
    assert [Path(p).name for p in data["reports"]] == ["a.docx"]
    assert [Path(p).name for p in data["not_done"]] == ["b.xlsx", "c.xlsx"]
    assert [(Path(r[1]).name, r[4]) for r in _summary_rows(out)] == [
        ("a.xlsx", "đã tạo"),
        ("b.xlsx", "chưa điền (đã dừng)"),
        ("c.xlsx", "chưa điền (đã dừng)"),
    ]
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "tong_hop_bao_cao.csv"]
    assert main(["fill", str(books), "-d", str(out), "--overwrite"]) == 130
    err = capsys.readouterr().err
    assert "Đã dừng theo yêu cầu (Ctrl+C)" in err and "2 sổ chưa được điền" in err


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a killed process not yet reaped, a zombie, does not)."""
    for _ in range(50):
        stat = Path(f"/proc/{pid}/stat")
        if not stat.is_file() or stat.read_text().rsplit(")", 1)[1].split()[0] in "ZX":
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl+C", "SIGTERM"])
def test_a_stop_coming_once_a_report_is_sent_to_be_written_lists_it(tmp_path, capsys, stop):
    """Ctrl+C (or SIGTERM) right after b's report was handed to be written, before its
    outcome was noted: the batch stops after b, which is listed as made (it was listed as
    not filled while its report was there)."""
    from bdt_docx import workers

    books, out = _batch_folders(tmp_path, ("a", "b", "c"))
    finisher = workers.Finisher

    class PressedAfterB(finisher):
        def write_package(self, members, output, *, overwrite=False):
            pending = super().write_package(members, output, overwrite=overwrite)
            if output.stem == "b":
                os.kill(os.getpid(), stop)
                time.sleep(0.1)  # (the signal is handled here, in the middle of b)
            return pending

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "Finisher", PressedAfterB)
        code, data, _ = fill(capsys, str(books), "-d", str(out))
    assert code == 130 and data["interrupted"] is True
    assert [Path(p).name for p in data["reports"]] == ["a.docx", "b.docx"]
    assert [Path(p).name for p in data["not_done"]] == ["c.xlsx"]
    assert [r[4] for r in _summary_rows(out)] == ["đã tạo", "đã tạo", "chưa điền (đã dừng)"]
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "b.docx", "tong_hop_bao_cao.csv"]


def _stopped_batch_agrees_with_its_disk(out: Path, data: dict) -> list[str]:
    """The reports a stopped batch lists are those on the disk, its summary says so, and
    nothing else is left; returns their workbooks' names."""
    made = sorted(Path(p).name for p in data["reports"])
    assert sorted(p.name for p in out.glob("*.docx")) == made
    rows = _summary_rows(out)
    assert sorted(Path(r[2]).name for r in rows if r[4] == "đã tạo") == made
    assert sorted(p.name for p in out.iterdir()) == [*made, "tong_hop_bao_cao.csv"]
    return [name.removesuffix(".docx") for name in made]


def test_with_two_jobs_ctrl_c_during_this_process_s_last_workbook_of_a_chunk_stops(
    tmp_path, capsys
):
    """With two jobs, the batch's own process fills chunks too (here the first, "a"): Ctrl+C
    in the middle of its chunk's last workbook stops the batch after the chunks begun (it
    was noted, then lost when the chunk ended, and the batch filled every workbook)."""
    from bdt_docx import workers

    books, out = _batch_folders(tmp_path, tuple("abcdef"))
    finisher, batch = workers.Finisher, os.getpid()

    class PressedInA(finisher):
        def write_package(self, members, output, *, overwrite=False):
            pending = super().write_package(members, output, overwrite=overwrite)
            if output.stem == "a" and os.getpid() == batch:
                os.kill(batch, signal.SIGINT)
                time.sleep(0.1)  # (noted here, in the middle of a)
            return pending

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "Finisher", PressedInA)
        code, data, _ = fill(capsys, str(books), "-d", str(out), "-j", "2")
    assert code == 130 and data["interrupted"] is True
    made = _stopped_batch_agrees_with_its_disk(out, data)
    assert "a" in made and not {"d", "e", "f"} & set(made)  # (b, c: the worker's, begun)
    assert sorted(Path(p).stem for p in data["not_done"]) == sorted(set("abcdef") - set(made))


def test_with_two_jobs_ctrl_c_while_the_reports_are_awaited_lists_them(tmp_path, capsys):
    """Ctrl+C while the batch's own process waits, at the end, for its reports to be
    written: the batch says it was stopped, and lists them as made (they were left out,
    "chưa điền", while on disk)."""
    from bdt_docx import workers

    books, out = _batch_folders(tmp_path, tuple("abcdef"))
    settle, batch, pressed = workers._settle, os.getpid(), []

    def pressed_while_waiting(outcome, pending):
        if os.getpid() == batch and not pressed:
            pressed.append(outcome.workbook.stem)
            os.kill(batch, signal.SIGINT)
            time.sleep(0.1)
        return settle(outcome, pending)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "_settle", pressed_while_waiting)
        code, data, _ = fill(capsys, str(books), "-d", str(out), "-j", "2")
    assert pressed == ["a"]
    assert code == 130 and data["interrupted"] is True
    assert "a" in _stopped_batch_agrees_with_its_disk(out, data)


def test_with_two_jobs_ctrl_c_while_a_chunk_is_given_to_a_worker_lists_its_reports(
    tmp_path, capsys
):
    """Ctrl+C inside ``submit``, once a chunk is queued for the worker but before its
    future is returned: the batch stops and lists that chunk's reports, which the worker
    writes all the same (the future was lost, and its reports were on the disk but said
    not filled: found by SIGTERM to a whole batch under load)."""
    from bdt_docx import workers

    books, out = _batch_folders(tmp_path, tuple("abcdef"))
    take, pool, pressed = workers._take_unsent, workers.ProcessPoolExecutor, []

    class PressedInSubmit(pool):
        def submit(self, fn, /, *args, **kwargs):
            future = super().submit(fn, *args, **kwargs)
            if fn is workers._fill_chunk and not pressed:
                pressed.append(args[1][0][0].stem)
                future.result()  # (the chunk filled, its outcomes in the future)
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.1)  # (handled here, before the future is returned)
            return future

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "ProcessPoolExecutor", PressedInSubmit)
        patch.setattr(workers, "_take_unsent", lambda wait: take(True))  # (all sent at once)
        code, data, _ = fill(capsys, str(books), "-d", str(out), "-j", "2")
    assert pressed == ["b"]
    assert code == 130 and data["interrupted"] is True
    assert "b" in _stopped_batch_agrees_with_its_disk(out, data)


def test_a_batch_in_another_thread_does_not_take_the_main_thread_s_stops() -> None:
    """A batch run from another thread while one runs in the main thread: its check
    between workbooks is its own (nothing noted there), never the main thread's, whose
    Ctrl+C would then be raised in the wrong thread."""
    import threading

    from bdt_docx import workers

    given = []
    with workers._stops_between_workbooks() as main_stops:
        thread = threading.Thread(target=lambda: given.append(_stops_in_a_thread()))
        thread.start()
        thread.join()
        with workers._stops_between_workbooks() as inner:  # (a chunk's, in the main thread)
            assert inner is main_stops
    assert given and given[0] is not main_stops


def _stops_in_a_thread():
    from bdt_docx import workers

    with workers._stops_between_workbooks() as stops:
        return stops


def test_a_program_s_own_sigterm_handler_runs_between_workbooks_and_the_batch_goes_on(tmp_path):
    """A program using the library with its own SIGTERM handler, one that does not stop:
    the handler runs once, between two workbooks, and the batch fills every workbook."""
    from bdt_docx import workers
    from bdt_docx.batch import fill_reports

    books, out = _batch_folders(tmp_path, ("a", "b", "c"))
    finisher, noted = workers.Finisher, []

    class TermAfterB(finisher):
        def write_package(self, members, output, *, overwrite=False):
            pending = super().write_package(members, output, overwrite=overwrite)
            if output.stem == "b":
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.1)
            return pending

    before = signal.signal(signal.SIGTERM, lambda signum, frame: noted.append(signum))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(workers, "Finisher", TermAfterB)
            result = fill_reports(sorted(books.iterdir()), output_dir=out)
    finally:
        signal.signal(signal.SIGTERM, before)
    assert noted == [signal.SIGTERM]
    assert [p.name for p in result.reports] == ["a.docx", "b.docx", "c.docx"]
    assert not result.failures and not result.not_done


@pytest.mark.skipif(sys.platform != "linux", reason="fake soffice is a sh script; /proc")
def test_ctrl_c_while_libreoffice_runs_stops_it_and_says_what_was_done(tmp_path):
    books, out = _batch_folders(tmp_path, ("a", "b", "c", "d"))
    pids = tmp_path / "pids"
    soffice = tmp_path / "fake-soffice"
    soffice.write_text(f"#!/bin/sh\nsleep 60 &\necho $! >> '{pids}'\nwait\n")
    soffice.chmod(0o755)
    command = [sys.executable, "-m", "bdt_docx.cli", "fill", str(books), "-d", str(out)]
    process = subprocess.Popen(
        [*command, "--pdf", "-j", "2"],
        env={**os.environ, "BDT_DOCX_SOFFICE": str(soffice)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    for _ in range(600):  # both LibreOffice runs started
        if pids.is_file() and len(pids.read_text().split()) == 2:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Đã dừng theo yêu cầu (Ctrl+C)" in err and "Đã tạo 4 báo cáo; 0 sổ bị lỗi." in err
    assert "4 báo cáo chưa tạo PDF (đã dừng)" in err  # the workbooks are fine: not to fix
    assert "Các sổ cần sửa" not in err and "lỗi cần sửa" not in err
    assert "không mong đợi" not in err and "Traceback" not in err
    assert not any(_running(int(pid)) for pid in pids.read_text().split())
    assert sorted(p.name for p in out.iterdir()) == [
        "a.docx", "b.docx", "c.docx", "d.docx", "tong_hop_bao_cao.csv",
    ]  # fmt: skip
    assert {r[4] for r in _summary_rows(out)} == {"đã tạo .docx, chưa tạo PDF (đã dừng)"}


@pytest.mark.skipif(sys.platform != "linux", reason="process groups as timeout makes them")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_to_the_whole_batch_stops_it_as_ctrl_c_does(tmp_path, jobs):
    """``timeout`` sends SIGTERM to every process of the command's group: the batch stops
    as on Ctrl+C (whole reports, the summary written, nothing half-written left, no process
    left running), where Python's default was to end every process at once."""
    books, out = _batch_folders(tmp_path, tuple(f"xa_{i:03d}" for i in range(300)))
    command = [sys.executable, "-m", "bdt_docx.cli", "fill", str(books), "-d", str(out)]
    process = subprocess.Popen(
        [*command, "-j", jobs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # (its own group, as under timeout)
    )
    for _ in range(600):  # some reports written, not all
        if any(out.glob("*.docx")):
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Đã dừng theo yêu cầu (lệnh dừng SIGTERM)" in err and "Traceback" not in err
    with pytest.raises(ProcessLookupError):  # no worker nor writer left in the group
        for _ in range(50):
            os.killpg(process.pid, 0)
            time.sleep(0.1)
    reports = sorted(out.glob("*.docx"))
    assert 0 < len(reports) < 300
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [p.name for p in reports] + ["tong_hop_bao_cao.csv"]
    )  # no temporary file
    for report in reports:
        with zipfile.ZipFile(report) as package:
            assert package.testzip() is None
    rows = _summary_rows(out)
    assert len(rows) == 300
    assert sorted(Path(r[2]).name for r in rows if r[4] == "đã tạo") == [p.name for p in reports]


def test_ctrl_c_while_the_pdf_of_one_report_is_made(tmp_path, workbook, capsys, monkeypatch):
    from bdt_docx import pdf

    def pressed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pdf, "convert_to_pdf", pressed)
    report, old = tmp_path / "bc.docx", tmp_path / "bc.pdf"
    report.write_bytes(b"previous report")
    old.write_bytes(b"%PDF of the previous report")
    code, data, _ = fill(capsys, str(workbook), "-o", str(report), "--pdf", "--overwrite")
    assert code == 130 and data["output"] == str(report) and data["pdf"] is None
    assert report.read_bytes() != b"previous report" and not old.exists()
    messages = [e["message"] for e in data["errors"]]
    assert "đã dừng theo yêu cầu (Ctrl+C) trước khi tạo PDF" in messages
    assert "đã xóa tệp PDF cũ 'bc.pdf'" in messages[1]


#: A fake soffice that writes a small complete PDF for each report into its --outdir.
_MAKES_PDFS = """#!/bin/sh
out=; next=; files=
for a; do
  case "$next" in out) out="$a"; next=; continue;; skip) next=; continue;; esac
  case "$a" in --outdir) next=out;; --convert-to) next=skip;; -*) ;; *) files="$files $a";; esac
done
for f in $files; do
  b=$(basename "$f" .docx); printf '%%PDF-1.4 %s\\n%%%%EOF\\n' "$b" > "$out/$b.pdf"
done
"""


@pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a sh script")
def test_run_again_with_pdf_makes_the_missing_pdfs_of_kept_reports(tmp_path, capsys, monkeypatch):
    books, out = _batch_folders(tmp_path, ("a", "b"))
    monkeypatch.setenv("BDT_DOCX_SOFFICE", "/bin/false")
    assert fill(capsys, str(books), "-d", str(out), "--pdf")[0] == 6  # no PDF at all
    soffice = tmp_path / "fake-soffice"
    soffice.write_text(_MAKES_PDFS)
    soffice.chmod(0o755)
    monkeypatch.setenv("BDT_DOCX_SOFFICE", str(soffice))
    code, data, _ = fill(capsys, str(books), "-d", str(out), "--pdf")
    assert code == 0 and [Path(p).name for p in data["kept"]] == ["a.docx", "b.docx"]
    assert (out / "a.pdf").read_bytes().startswith(b"%PDF-1.4 a")
    rows = [(Path(r[3]).name, r[4]) for r in _summary_rows(out)]
    assert rows == [("a.pdf", "đã có, giữ nguyên"), ("b.pdf", "đã có, giữ nguyên")]
