"""Stage 5, for a batch: write reports in the background while the next ones are made.

:class:`Finisher` gives every report the guarantees of
:func:`bdt_docx.output.write_package`: a temporary file beside it, on the disk (synced)
before it is moved into place, never over a file that appeared meanwhile nor over one open
in Word or LibreOffice; it waits for them all on leaving its ``with`` block.

The writing is done by threads of this process, or, where a core is free for it, by a
writer process (:class:`_WriterProcess`). Python runs one thread at a time: a writing
thread takes its turn each time it comes back from the system, in the middle of the
reading and rendering of the next report (measured: about 0.4 ms of CPU per report of
2.5). A process of its own writes beside the batch without taking turns: a one-job batch
on two cores is 5-6 % quicker. It compresses the rendered parts and lays out the zip too,
which takes another 10 % off the batch's own process.

Either way, reports going to a folder on a disk of this computer reach the disk in groups,
one sync of the file system for each (:class:`_Grouped`); the others each with its own
``fsync`` (:class:`_Writing`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import queue
import signal
import struct
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from bdt_docx.errors import OutputError
from bdt_docx.output import (
    Folders,
    Member,
    Rendered,
    move_into_place,
    package_bytes,
    sync_file_system,
    synced_as_one,
    write_file,
    written_temp,
)

__all__ = ["Finisher"]

#: A request to the writer process: its number, the lengths of the destination's path and of
#: the report's parts, overwrite; then the path (:func:`os.fsencode`) and the parts (pickled,
#: see :meth:`_WriterProcess.submit`).
_REQUEST = struct.Struct("<QIQ?")
#: What the pipe to the writer process holds (Linux's default most, 1 MB: some forty reports).
_PIPE_BYTES = 1024 * 1024
#: How many parts (a template's parts that never change) the writer process keeps, to be
#: sent once and named by their number afterwards.
_KEPT_PARTS = 256
#: An answer: the request's number and the length of what follows (a pickled
#: ``(destination, None)`` or ``(None, error)``).
_ANSWER = struct.Struct("<QI")
#: Reports made safe on the disk together (:class:`_Grouped`): at most this many, and none
#: waiting longer than this many seconds for the others.
_GROUP = 8
_GROUP_SECONDS = 0.02


class Finisher:
    """Writes packages as :func:`~bdt_docx.output.write_package` does, in the background.

    At most ``backlog`` reports wait to be written: past that, the next waits for a place,
    so that a slow disk does not fill the memory. ``threads`` write side by side (waiting
    for the disk takes longer than making a report). ``process``: whether a writer process
    may do the writing, where one can (on Linux with a core to spare, from a process running
    no other thread, not even one of a C library, as :func:`os.fork` needs); not in a
    batch's worker processes, which keep every core busy already.
    """

    def __init__(self, threads: int = 4, backlog: int = 32, process: bool = True) -> None:
        #: The folders it writes into, each with what it held when first looked at (for
        #: :func:`~bdt_docx.output.check_destination`).
        self.folders: Folders = {}
        self._room = threading.BoundedSemaphore(backlog)
        self._process = _WriterProcess.start(threads, backlog) if process else None
        self._writing = _Writing(threads) if self._process is None else None

    def __enter__(self) -> Finisher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.close()
        if self._writing is not None:
            self._writing.close()

    def write_package(
        self, members: Iterable[Member | Rendered], output: Path, *, overwrite: bool = False
    ) -> Future[Path]:
        """Write the package in the background: the future gives ``output``, or raises
        :class:`~bdt_docx.OutputError` as ``write_package`` does. The writer process
        compresses the rendered parts and lays out the zip too; threads get it laid out.

        The caller has checked the destination (:func:`~bdt_docx.output.check_destination`);
        it is looked at again, for a file or a lock file that appeared meanwhile, just
        before the move.
        """
        if self._process is not None:
            return self._process.submit(list(members), output, overwrite)
        data = package_bytes(members, output)
        assert self._writing is not None
        self._room.acquire()
        try:
            pending = self._writing.submit(data, output, overwrite)
        except BaseException:
            self._room.release()
            raise
        pending.add_done_callback(lambda _: self._room.release())
        return pending

    def flush(self) -> None:
        """Have the reports handed so far reach the disk now, not once their group is full
        (:class:`_Grouped`), without waiting for them."""
        if self._writing is not None:
            self._writing.flush()


class _Writing:
    """Writes reports as :func:`~bdt_docx.output.write_file` does, in the background: those
    going to a folder whose file system can be synced whole, in groups (:class:`_Grouped`);
    the others (a network drive, Windows…) each by a thread of a pool, ``threads`` side by
    side, each synced on its own."""

    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="bdt-docx-write")
        self._grouped: _Grouped | None = None

    def submit(self, data: bytes, output: Path, overwrite: bool) -> Future[Path]:
        """Write ``data`` at ``output``; the future gives ``output`` or the error."""
        if synced_as_one(os.path.dirname(output)) is None:
            return self._pool.submit(write_file, data, output, overwrite)
        if self._grouped is None:
            self._grouped = _Grouped()
        return self._grouped.submit(data, output, overwrite)

    def flush(self) -> None:
        """Have the reports sent so far reach the disk now (see :meth:`Finisher.flush`)."""
        if self._grouped is not None:
            self._grouped.flush()

    def close(self) -> None:
        """Wait until every report sent is written (or has failed)."""
        if self._grouped is not None:
            self._grouped.close()
        self._pool.shutdown(wait=True)


#: What :class:`_Grouped`'s thread is told besides reports: make the group safe now (someone
#: waits for one of its reports), and: make it safe, then end.
_NOW, _END = object(), object()


class _Grouped:
    """Writes reports with one thread: each into its temporary file as it comes, then, once
    :data:`_GROUP` reports wait, or the first has waited :data:`_GROUP_SECONDS`, or someone
    waits for one of them, all of them onto the disk by one sync of their file system
    (instead of one ``fsync`` each: a fifth of the time, and no thread of the batch woken
    for each report), and each moved into place. A file system that cannot be synced (the
    sync failed) gets each of its files synced on its own, which tells which one failed."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="bdt-docx-write", daemon=True)
        self._thread.start()

    def submit(self, data: bytes, output: Path, overwrite: bool) -> Future[Path]:
        pending = _Waited(self._queue)
        self._queue.put((data, output, overwrite, pending))
        return pending

    def flush(self) -> None:
        self._queue.put(_NOW)

    def close(self) -> None:
        self._queue.put(_END)
        self._thread.join()

    def _run(self) -> None:
        group: list[tuple[int, str, Path, bool, Future[Path]]] = []
        deadline = 0.0
        while True:
            try:
                wait = max(0.0, deadline - time.monotonic()) if group else None
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = _NOW
            if item is _NOW or item is _END:
                _settle(group)
                group = []
                if item is _END:
                    return
                continue
            data, output, overwrite, pending = item  # type: ignore[misc]
            try:
                handle, temp = written_temp(data, output)
            except Exception as exc:  # noqa: BLE001 (an OutputError; a bug: the batch says it)
                pending.set_exception(exc)
                continue
            if not group:
                deadline = time.monotonic() + _GROUP_SECONDS
            group.append((handle, temp, output, overwrite, pending))
            if len(group) >= _GROUP:
                _settle(group)
                group = []


def _settle(group: list[tuple[int, str, Path, bool, Future[Path]]]) -> None:
    """Put the reports of ``group`` onto the disk, one sync for each file system, and move
    each into place."""
    synced: dict[int, bool] = {}
    for handle, temp, output, overwrite, pending in group:
        device = synced_as_one(os.path.dirname(output))  # (known since it was sent)
        if device is not None and device not in synced:
            synced[device] = sync_file_system(handle)
        try:
            done = move_into_place(handle, temp, output, overwrite, synced.get(device, False))
        except Exception as exc:  # noqa: BLE001 (see _Grouped._run)
            pending.set_exception(exc)
        else:
            pending.set_result(done)


class _Waited(Future[Path]):
    """A report of a group: waiting for it makes its group safe now, not once full."""

    def __init__(self, requests: queue.SimpleQueue[object]) -> None:
        super().__init__()
        self._requests = requests

    def result(self, timeout: float | None = None) -> Path:
        if not self.done():
            self._requests.put(_NOW)
        return super().result(timeout)


class _Pending(Future[Path]):
    """A report sent to the writer process: asking for its result reads the answers."""

    def __init__(self, writer: _WriterProcess) -> None:
        super().__init__()
        self._writer = writer

    def result(self, timeout: float | None = None) -> Path:
        self._writer.wait_for(self)
        return super().result(timeout)


class _WriterProcess:
    """A child process that writes the reports it is sent through a pipe (each with
    :func:`~bdt_docx.output.write_file`, ``threads`` side by side) and answers through another.

    It ignores Ctrl+C and SIGTERM, so that the reports already sent are still written; it ends once
    this process closes the pipe (or ends). A report sent only in part is not written.
    """

    @classmethod
    def start(cls, threads: int, backlog: int) -> _WriterProcess | None:
        """A new writer process, or ``None`` where there can be none."""
        if (
            not sys.platform.startswith("linux")
            or len(os.sched_getaffinity(0)) < 2  # (no core to spare for it)
            or _threads() > 1
        ):
            return None
        ask_out, ask_in = os.pipe()
        answer_out, answer_in = os.pipe()
        import fcntl  # (Unix only)

        with contextlib.suppress(OSError):  # room for many reports: the batch never waits
            fcntl.fcntl(ask_in, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        try:
            pid = os.fork()
        except OSError:
            for end in (ask_out, ask_in, answer_out, answer_in):
                os.close(end)
            return None
        if pid == 0:  # the child: it never comes back from here
            _serve(ask_out, answer_in, threads)
        os.close(ask_out)
        os.close(answer_in)
        return cls(pid, ask_in, answer_out, backlog)

    def __init__(self, pid: int, requests: int, answers: int, backlog: int) -> None:
        self._pid, self._requests, self._answers = pid, requests, answers
        self._backlog = backlog
        self._sent = 0
        self._waiting: dict[int, _Pending] = {}
        self._received = bytearray()
        #: The parts the writer keeps, by their ``id`` here (held in ``_kept``, so that the
        #: ids stay theirs): their number there.
        self._numbers: dict[int, int] = {}
        self._kept: list[Member] = []
        #: A request was sent in part (Ctrl+C): the pipe can take no other.
        self._broken = False

    def submit(
        self, members: list[Member | Rendered], output: Path, overwrite: bool
    ) -> Future[Path]:
        """Send the report's parts: a part the writer keeps by its number, a compressed part
        seen for the first time whole (kept there too, while there is room: a template's
        parts come again in every report; past that, in a tuple of one), a rendered part as
        it is."""
        while len(self._waiting) >= self._backlog and self._read_answers():
            pass
        if self._broken:
            raise _gone(output)
        parts: list[int | Member | tuple[Member] | Rendered] = []
        for member in members:
            if isinstance(member, Rendered):
                parts.append(member)
            elif (known := self._numbers.get(id(member))) is not None:
                parts.append(known)
            elif len(self._kept) < _KEPT_PARTS:
                self._numbers[id(member)] = len(self._kept)
                self._kept.append(member)
                parts.append(member)
            else:
                parts.append((member,))
        data = pickle.dumps(parts, pickle.HIGHEST_PROTOCOL)
        path = os.fsencode(output)
        number, pending = self._sent, _Pending(self)
        self._sent += 1
        self._waiting[number] = pending
        try:
            _send(self._requests, _REQUEST.pack(number, len(path), len(data), overwrite) + path)
            _send(self._requests, data)
        except BaseException as exc:  # (what was sent in part is not written)
            self._broken = True
            if isinstance(exc, OSError):  # the writer process is gone
                raise _gone(output) from exc
            raise
        return pending

    def wait_for(self, pending: _Pending) -> None:
        """Read the answers until ``pending`` has its own (or the writer is gone)."""
        while not pending.done():
            if not self._read_answers() and not pending.done():
                pending.set_exception(_gone(None))

    def close(self) -> None:
        """Let the writer finish what it was sent, then end it."""
        os.close(self._requests)
        while self._waiting and self._read_answers():
            pass
        os.close(self._answers)
        os.waitpid(self._pid, 0)

    def _read_answers(self) -> bool:
        """Read what the writer has answered (waiting for at least a part of an answer);
        False once it has ended, every report still waiting then failed."""
        chunk = os.read(self._answers, 65536)
        if not chunk:  # the writer process is gone: what it had is lost
            for pending in self._waiting.values():
                if not pending.done():
                    pending.set_exception(_gone(None))
            self._waiting.clear()
            return False
        self._received += chunk
        # (each step can be interrupted by Ctrl+C and taken again: an answer is taken off
        # only once its report's future has it)
        while len(self._received) >= _ANSWER.size:
            number, size = _ANSWER.unpack_from(self._received)
            end = _ANSWER.size + size
            if len(self._received) < end:
                break
            pending = self._waiting.get(number)
            if pending is not None and not pending.done():
                written, error = pickle.loads(self._received[_ANSWER.size : end])
                if error is None:
                    pending.set_result(written)
                else:
                    pending.set_exception(error)
            self._waiting.pop(number, None)
            del self._received[:end]
        return True


def _threads() -> int:
    """How many threads this process runs, its C libraries' own too (a program embedding
    Python may run threads that :mod:`threading` does not know of); 2 when unknown."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 2


def _gone(output: Path | None) -> OutputError:
    return OutputError(
        "tiến trình ghi báo cáo đã dừng bất ngờ (máy hết bộ nhớ, hoặc tiến trình bị tắt); "
        "báo cáo chưa được ghi. Hãy chạy lại",
        output,
        code="output.system",
    )


def _serve(requests: int, answers: int, threads: int) -> None:
    """The writer process's whole life (after :func:`os.fork`): never returns."""
    code = 1
    try:
        # the batch stopped (Ctrl+C, SIGTERM): what it sent is written, then the pipe ends
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # nothing else of the batch's process is kept open here (a pipe to another program
        # would not see its end while this process lives)
        low, high = sorted((requests, answers))
        os.closerange(3, low)
        os.closerange(low + 1, high)
        os.closerange(high + 1, os.sysconf("SC_OPEN_MAX"))
        lock = threading.Lock()
        kept: list[Member] = []  # (see _WriterProcess.submit)

        def answer(number: int, output: Path, written: Future[Path]) -> None:
            error = written.exception()
            reply: tuple[object, object] = (None, error) if error else (written.result(), None)
            try:
                body = pickle.dumps(reply)
            except Exception:  # noqa: BLE001 (an error that cannot be pickled)
                body = pickle.dumps((None, OutputError(str(error), output)))
            with lock:
                _send(answers, _ANSWER.pack(number, len(body)) + body)

        writing = _Writing(threads)
        try:
            while head := _receive(requests, _REQUEST.size):
                number, path_size, size, overwrite = _REQUEST.unpack(head)
                path = _receive(requests, path_size)
                data = _receive(requests, size)
                if len(path) != path_size or len(data) != size:
                    break  # sent in part (the batch was stopped): not written
                members = []
                for part in pickle.loads(data):
                    if isinstance(part, int):
                        members.append(kept[part])
                    elif isinstance(part, tuple):
                        members.append(part[0])
                    else:
                        if isinstance(part, Member):
                            kept.append(part)
                        members.append(part)
                output = Path(os.fsdecode(path))
                try:
                    written = writing.submit(package_bytes(members, output), output, overwrite)
                except Exception as exc:  # noqa: BLE001 (an OutputError; a bug: the batch says it)
                    written = Future()
                    written.set_exception(exc)
                written.add_done_callback(functools.partial(answer, number, output))
        finally:
            writing.close()
        code = 0
    finally:
        os._exit(code)


def _send(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _receive(handle: int, size: int) -> bytes:
    """``size`` bytes from the pipe ``handle``, or fewer where it ends."""
    chunks, left = [], size
    while left:
        chunk = os.read(handle, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
