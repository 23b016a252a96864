"""The background writing of a batch (bdt_docx/finisher.py): a writer process where one can
be used, threads elsewhere, with the guarantees of a single report's write."""

from __future__ import annotations

import os
import select
import sys
import zipfile
from pathlib import Path

import pytest
from workbooks import EXAMPLE, TEMPLATE, edit_workbook

from bdt_docx import finisher, workers
from bdt_docx.batch import fill_reports
from bdt_docx.errors import OutputError
from bdt_docx.finisher import Finisher
from bdt_docx.output import TEMP_PREFIX, Member, Rendered, deflate

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the writer process: Linux")


def _member(text: str) -> list[Member]:
    return [deflate(zipfile.ZipInfo("a.txt", (2021, 6, 9, 0, 0, 0)), text.encode())]


def _books(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    return [
        edit_workbook(folder / f"don_vi_{i}.xlsx", {"nguoi_ky": f"Người ký {i}"})
        for i in range(count)
    ]


@linux_only
@pytest.mark.parametrize("process", [True, False], ids=["writer process", "threads"])
def test_each_report_reaches_its_place_whole(tmp_path, monkeypatch, process):
    writers = tmp_path / "writers"
    write = finisher.write_file

    def noting_who(*args):  # the process that moves each report into place
        with open(writers, "a") as note:
            note.write(f"{os.getpid()}\n")
        return write(*args)

    monkeypatch.setattr(finisher, "write_file", noting_who)
    assert finisher._threads() == 1  # (conftest.py: no numpy thread)
    with Finisher(process=process) as writer:
        pending = [
            writer.write_package(_member(f"số {i}"), tmp_path / f"{i}.zip") for i in range(40)
        ]
    assert [p.result() for p in pending] == [tmp_path / f"{i}.zip" for i in range(40)]
    assert [zipfile.ZipFile(tmp_path / f"{i}.zip").read("a.txt").decode() for i in range(40)] == [
        f"số {i}" for i in range(40)
    ]
    pids = set(writers.read_text().split())
    assert (pids != {str(os.getpid())}) is process
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


@linux_only
def test_the_writer_process_gets_each_part_right_kept_or_not(tmp_path, monkeypatch):
    """The parts met again (a template's) are sent once and then by number, as long as the
    writer process has room for them; rendered parts are compressed there."""
    monkeypatch.setattr(finisher, "_KEPT_PARTS", 3)
    fixed = [
        deflate(zipfile.ZipInfo(f"fixed{i}.xml"), f"<cố định {i}/>".encode()) for i in range(5)
    ]
    with Finisher() as writer:
        assert writer._process is not None
        pending = []
        for i in range(6):
            own = deflate(zipfile.ZipInfo("own.xml"), f"<riêng {i}/>".encode())
            rendered = Rendered.of(zipfile.ZipInfo("rendered.xml"), f"<báo cáo {i}/>".encode())
            parts = [fixed[i % 5], own, rendered, fixed[(i + 2) % 5], fixed[0]]
            pending.append(writer.write_package(parts, tmp_path / f"{i}.zip"))
    for i, report in enumerate(p.result() for p in pending):
        with zipfile.ZipFile(report) as package:
            assert package.namelist() == [
                f"fixed{i % 5}.xml", "own.xml", "rendered.xml", f"fixed{(i + 2) % 5}.xml",
                "fixed0.xml",
            ]  # fmt: skip
            assert [package.read(n).decode() for n in package.namelist()] == [
                f"<cố định {i % 5}/>", f"<riêng {i}/>", f"<báo cáo {i}/>",
                f"<cố định {(i + 2) % 5}/>", "<cố định 0/>",
            ]  # fmt: skip


@linux_only
def test_a_file_that_appears_meanwhile_is_kept_by_the_writer_process(tmp_path):
    target = tmp_path / "bc.zip"
    with Finisher() as writer:
        target.write_bytes(b"typed meanwhile")  # after the batch looked at the folder
        pending = writer.write_package(_member("report"), target)
        with pytest.raises(OutputError, match="tệp đã có"):
            pending.result()
    assert target.read_bytes() == b"typed meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bc.zip"]


@linux_only
def test_a_writer_process_that_dies_fails_its_reports_not_the_batch(tmp_path, monkeypatch):
    def killed(*args):
        os._exit(9)

    monkeypatch.setattr(finisher, "write_file", killed)
    result = fill_reports(_books(tmp_path / "so", 3), TEMPLATE, tmp_path / "out")
    assert not result.reports and len(result.failures) == 3
    for failure in result.failures:
        assert "tiến trình ghi báo cáo đã dừng bất ngờ" in str(failure.error)
        assert failure.error.exit_code == 5


@linux_only
def test_the_writer_process_keeps_no_other_file_of_the_batch_open(tmp_path):
    read_end, write_end = os.pipe()  # e.g. a pipe to a program the caller started
    with Finisher() as writer:
        os.close(write_end)  # the caller is done with it: its reader must see the end
        ready, _, _ = select.select([read_end], [], [], 5)
        assert ready and os.read(read_end, 1) == b""
        writer.write_package(_member("x"), tmp_path / "x.zip").result()
    os.close(read_end)


@linux_only
def test_a_process_running_other_threads_writes_with_threads(tmp_path):
    import threading

    started, stop = threading.Event(), threading.Event()
    other = threading.Thread(target=lambda: (started.set(), stop.wait()))
    other.start()
    started.wait()
    try:
        with Finisher() as writer:  # no fork while another thread may hold a lock
            assert writer._process is None
            assert writer.write_package(_member("x"), tmp_path / "x.zip").result().exists()
    finally:
        stop.set()
        other.join()


def test_worker_processes_write_with_threads(monkeypatch):
    made = []
    monkeypatch.setattr(workers, "Finisher", lambda **kwargs: made.append(kwargs))
    monkeypatch.setattr(workers, "prepare_template", lambda template: None)
    monkeypatch.setattr(workers.signal, "signal", lambda *args: None)  # (Ctrl+C stays ours)
    monkeypatch.setattr(workers, "_worker_template", None)
    monkeypatch.setattr(workers, "_worker_finisher", None)
    workers._start_worker(EXAMPLE)
    assert made == [{"process": False}]


@linux_only
def test_a_full_disk_under_the_writer_process_fails_each_report_and_leaves_nothing(
    tmp_path, monkeypatch
):
    from bdt_docx import output

    def full(handle: int) -> None:  # the disk fills up before the data reach it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)  # (the writer process is forked after)
    out = tmp_path / "out"
    result = fill_reports(_books(tmp_path / "so", 2), TEMPLATE, out)
    assert not result.reports and len(result.failures) == 2
    assert all("ổ đĩa đã đầy" in str(f.error) for f in result.failures)
    assert not [p for p in out.iterdir() if p.suffix == ".docx" or p.name.startswith(TEMP_PREFIX)]
