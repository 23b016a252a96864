"""The background writing of a batch (bdt_docx/finisher.py): a writer process where one can
be used, threads elsewhere, with the guarantees of a single report's write."""

from __future__ import annotations

import os
import select
import sys
import time
import zipfile
from pathlib import Path

import pytest
from workbooks import EXAMPLE, TEMPLATE, edit_workbook

from bdt_docx import finisher, output, workers
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


@pytest.fixture(params=["grouped", "each synced"])
def syncing(request, monkeypatch):
    """Both ways reports reach the disk: in groups, one sync of their file system each
    (a disk of this computer), or each synced on its own (a network drive, Windows…)."""
    if request.param == "each synced":
        monkeypatch.setattr(finisher, "synced_as_one", lambda folder: None)
    else:
        monkeypatch.setattr(finisher, "synced_as_one", lambda folder: 1)
    return request.param


@linux_only
@pytest.mark.parametrize("process", [True, False], ids=["writer process", "threads"])
def test_each_report_reaches_its_place_whole(tmp_path, monkeypatch, process, syncing):
    writers = tmp_path / "writers"

    def noting_who(write):  # the process that moves each report into place
        def noted(*args):
            with open(writers, "a") as note:
                note.write(f"{os.getpid()}\n")
            return write(*args)

        return noted

    monkeypatch.setattr(finisher, "write_file", noting_who(finisher.write_file))
    monkeypatch.setattr(finisher, "move_into_place", noting_who(finisher.move_into_place))
    assert finisher._threads() == 1  # (conftest.py: no numpy thread)
    with Finisher(process=process) as writer:
        pending = [
            writer.write_package(_member(f"số {i}"), tmp_path / f"{i}.zip") for i in range(40)
        ]
    assert [p.result() for p in pending] == [tmp_path / f"{i}.zip" for i in range(40)]
    assert [zipfile.ZipFile(tmp_path / f"{i}.zip").read("a.txt").decode() for i in range(40)] == [
        f"số {i}" for i in range(40)
    ]
    pids = writers.read_text().split()
    assert len(pids) == 40 and (set(pids) != {str(os.getpid())}) is process
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def _counting_syncs(monkeypatch, whole: bool = True) -> dict[str, int]:
    """Count the syncs of a file system and of a file (the former succeeding if ``whole``)."""
    from bdt_docx import output

    counts = {"file system": 0, "file": 0}
    fsync = os.fsync

    def sync_file_system(handle):
        counts["file system"] += 1
        return whole

    def sync_file(handle):
        counts["file"] += 1
        fsync(handle)

    monkeypatch.setattr(finisher, "sync_file_system", sync_file_system)
    monkeypatch.setattr(output.os, "fsync", sync_file)
    return counts


@linux_only
def test_reports_reach_the_disk_in_groups_one_sync_each(tmp_path, monkeypatch):
    """Where the folder's file system can be synced whole, 40 reports cost at most one
    sync per group of them, and no sync of each file."""
    monkeypatch.setattr(finisher, "synced_as_one", lambda folder: 1)
    counts = _counting_syncs(monkeypatch)
    with Finisher(process=False) as writer:
        for i in range(40):
            writer.write_package(_member(f"số {i}"), tmp_path / f"{i}.zip")
    assert counts["file"] == 0
    assert 40 // finisher._GROUP <= counts["file system"] <= 40 // 2
    assert len(list(tmp_path.glob("*.zip"))) == 40


@linux_only
def test_a_file_system_that_cannot_be_synced_whole_gets_each_file_synced(tmp_path, monkeypatch):
    monkeypatch.setattr(finisher, "synced_as_one", lambda folder: 1)
    counts = _counting_syncs(monkeypatch, whole=False)
    with Finisher(process=False) as writer:
        for i in range(12):
            writer.write_package(_member(f"số {i}"), tmp_path / f"{i}.zip")
    assert counts["file"] == 12
    assert len(list(tmp_path.glob("*.zip"))) == 12


@linux_only
def test_a_folder_on_another_kind_of_drive_gets_each_file_synced(tmp_path, monkeypatch):
    monkeypatch.setattr(finisher, "synced_as_one", lambda folder: None)
    counts = _counting_syncs(monkeypatch)
    with Finisher(process=False) as writer:
        for i in range(12):
            writer.write_package(_member(f"số {i}"), tmp_path / f"{i}.zip")
    assert counts == {"file system": 0, "file": 12}


@linux_only
def test_waiting_for_a_report_does_not_wait_for_its_group(tmp_path, monkeypatch):
    """A report whose group is not full is on the disk as soon as someone waits for it,
    not once the group fills or its time is up (an hour here)."""
    monkeypatch.setattr(finisher, "synced_as_one", lambda folder: 1)
    monkeypatch.setattr(finisher, "_GROUP_SECONDS", 3600.0)
    with Finisher(process=False) as writer:
        pending = writer.write_package(_member("một"), tmp_path / "1.zip")
        assert pending.result(timeout=10) == tmp_path / "1.zip"
        assert zipfile.ZipFile(tmp_path / "1.zip").read("a.txt").decode() == "một"


@linux_only
@pytest.mark.parametrize("process", [True, False], ids=["writer process", "threads"])
def test_leaving_the_finisher_puts_a_group_not_full_on_the_disk(tmp_path, monkeypatch, process):
    import threading

    monkeypatch.setattr(finisher, "synced_as_one", lambda folder: 1)
    monkeypatch.setattr(finisher, "_GROUP_SECONDS", 3600.0)
    writer = Finisher(process=process)
    pending = [writer.write_package(_member(str(i)), tmp_path / f"{i}.zip") for i in range(3)]
    leaving = threading.Thread(target=writer.__exit__, args=(None, None, None))
    leaving.start()
    leaving.join(timeout=30)
    assert not leaving.is_alive(), "leaving waits for the group's time to run out"
    assert all(p.done() for p in pending)
    assert [p.result().name for p in pending] == ["0.zip", "1.zip", "2.zip"]


def test_file_system_kinds_are_read_from_the_mount_table():
    mounts = (
        "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
        "27 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
        "31 27 0:44 / /mnt/so\\040lieu rw,relatime shared:9 - fuse.sshfs may@so:/ rw\n"
        "32 27 0:45 / /mnt/chung rw - nfs4 server:/chung rw,vers=4.2\n"
    )
    assert output.file_system_kind(os.makedev(253, 1), mounts) == "ext4"
    assert output.file_system_kind(os.makedev(0, 44), mounts) == "fuse.sshfs"
    assert output.file_system_kind(os.makedev(0, 45), mounts) == "nfs4"
    assert output.file_system_kind(os.makedev(8, 1), mounts) is None


@linux_only
def test_only_a_disk_of_this_computer_is_synced_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_file_systems", {})
    monkeypatch.setattr(output, "file_system_kind", lambda device, table: "fuse.sshfs")
    assert output.synced_as_one(str(tmp_path)) is None
    monkeypatch.setattr(output, "_file_systems", {})
    monkeypatch.setattr(output, "file_system_kind", lambda device, table: "ext4")
    assert output.synced_as_one(str(tmp_path)) == os.stat(tmp_path).st_dev
    monkeypatch.setattr(output, "_file_systems", {})
    monkeypatch.setattr(output, "_kernel", lambda: (5, 4))  # syncfs told no failed write
    assert output.synced_as_one(str(tmp_path)) is None


@linux_only
def test_a_file_system_is_synced_whole(tmp_path):
    handle = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT)
    try:
        os.write(handle, b"x")
        assert output.sync_file_system(handle)
    finally:
        os.close(handle)


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
    monkeypatch.setattr(finisher, "move_into_place", killed)
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


@linux_only
@pytest.mark.parametrize("jobs", [2, 3])  # (one worker; two, which meet at the end)
def test_a_worker_s_report_that_fails_after_its_chunk_came_back_is_a_failure(
    tmp_path, monkeypatch, syncing, jobs
):
    """A worker sends its chunk back without waiting for its last reports to reach the disk
    (they are told of with a later chunk, or at the end): one whose writing fails then is
    still listed as failed, with its reason, and the others as made."""
    batch, move, write = os.getpid(), finisher.move_into_place, finisher.write_file

    def slow_and_full(function):
        def written(*args):
            if os.getpid() != batch and "c.docx" in str(args):
                time.sleep(0.3)  # (long after its chunk came back)
                raise OutputError("ổ đĩa đã đầy", args[2 if function is move else 1])
            return function(*args)

        return written

    monkeypatch.setattr(finisher, "move_into_place", slow_and_full(move))
    monkeypatch.setattr(finisher, "write_file", slow_and_full(write))
    books, out = tmp_path / "so", tmp_path / "out"
    books.mkdir()
    for name in "abcdef":
        edit_workbook(books / f"{name}.xlsx", {"nguoi_ky": f"Người ký {name}"})
    result = fill_reports(sorted(books.iterdir()), TEMPLATE, out, jobs=jobs)
    assert [(f.workbook.name, str(f.error)) for f in result.failures] == [
        ("c.xlsx", f"Không ghi được báo cáo ({out / 'c.docx'}): ổ đĩa đã đầy")
    ]
    assert [p.name for p in result.reports] == ["a.docx", "b.docx", "d.docx", "e.docx", "f.docx"]


def test_worker_processes_write_with_threads(monkeypatch):
    made = []
    monkeypatch.setattr(workers, "Finisher", lambda **kwargs: made.append(kwargs))
    monkeypatch.setattr(workers, "prepare_template", lambda template: None)
    monkeypatch.setattr(workers.signal, "signal", lambda *args: None)  # (Ctrl+C stays ours)
    monkeypatch.setattr(workers, "_worker_template", None)
    monkeypatch.setattr(workers, "_worker_finisher", None)
    monkeypatch.setattr(workers, "_worker_meeting", None)
    workers._start_worker(EXAMPLE, None)
    assert made == [{"process": False}]


@linux_only
def test_a_full_disk_under_the_writer_process_fails_each_report_and_leaves_nothing(
    tmp_path, monkeypatch, syncing
):
    def full(handle: int) -> None:  # the disk fills up before the data reach it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)  # (the writer process is forked after)
    monkeypatch.setattr(finisher, "sync_file_system", lambda handle: False)  # (it failed)
    out = tmp_path / "out"
    result = fill_reports(_books(tmp_path / "so", 2), TEMPLATE, out)
    assert not result.reports and len(result.failures) == 2
    assert all("ổ đĩa đã đầy" in str(f.error) for f in result.failures)
    assert not [p for p in out.iterdir() if p.suffix == ".docx" or p.name.startswith(TEMP_PREFIX)]
