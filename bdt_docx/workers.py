"""The work of a batch (:func:`bdt_docx.batch.fill_reports`): fill workbooks one after
another in this process (:func:`fill_all`), or in this process and worker processes, a
chunk at a time (:func:`fill_in_pool`), and count the steps for a ``progress`` callback
(:class:`Tracker`).

One workbook's problems never stop the others: each gives an :class:`Outcome`, small and
picklable, since it comes back from a worker process.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import multiprocessing.util
import signal
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing.synchronize import Barrier
from pathlib import Path

from lxml import etree

from bdt_docx.api import read_workbook, report_destination
from bdt_docx.errors import (
    BdtDocxError,
    OutputError,
    Problem,
    TemplateError,
    WorkbookError,
    collect_warnings,
)
from bdt_docx.finisher import Finisher
from bdt_docx.render import render_parts
from bdt_docx.template import PreparedTemplate, prepare_template

__all__ = ["Outcome", "Progress", "Stopped", "Tracker", "fill_all", "fill_in_pool"]

#: A workbook and where its report goes.
_Task = tuple[Path, Path]
#: Most workbooks sent to a worker at once (smaller chunks: smoother progress).
_MAX_CHUNK = 16
#: Input/output failures that can still strike while a workbook is read (a file removed or
#: a network drive gone mid-batch): that workbook fails, the others go on. Anything else is
#: a bug, and stops the batch as one.
_UNFORESEEN = (OSError, zipfile.BadZipFile, etree.Error)


class Stopped(KeyboardInterrupt):
    """Ctrl+C, carrying the outcomes of the workbooks done by then."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__()
        self.outcomes = outcomes


@dataclass(frozen=True)
class Outcome:
    """What became of one workbook (small and picklable: it crosses process boundaries)."""

    workbook: Path
    destination: Path
    report: Path | None = None
    pdf: Path | None = None
    error: BdtDocxError | None = None
    warnings: tuple[Problem, ...] = ()
    #: The report was already there and, without ``overwrite``, is kept as it is.
    kept: bool = False


#: A workbook filled: its outcome, and its report's write still finishing (or None).
_Started = tuple[Outcome, Future[Path] | None]


def fill_all(
    prepared: PreparedTemplate,
    tasks: list[tuple[Path, Path]],
    overwrite: bool,
    tracker: Tracker | None = None,
    finisher: Finisher | None = None,
) -> list[Outcome]:
    """Fill the workbooks of ``tasks``; each report is finished (on disk, in place) in the
    background while the next ones are made (by ``finisher``, which a worker process keeps
    for all its chunks, or else by one made for these tasks: :class:`Finisher`); returns
    once every report is finished."""
    started: list[_Started] = []
    try:  # leaving a Finisher made here waits until the reports begun are finished
        with Finisher() if finisher is None else contextlib.nullcontext(finisher) as writer:
            _start(prepared, tasks, overwrite, tracker, writer, started)
        # (waiting for the reports of a finisher that goes on: Ctrl+C there stops the batch
        # with every report of these tasks)
        return _settled(started)
    except KeyboardInterrupt:
        raise Stopped(_settled(started)) from None


def _start(
    prepared: PreparedTemplate,
    tasks: list[tuple[Path, Path]],
    overwrite: bool,
    tracker: Tracker | None,
    finisher: Finisher,
    started: list[_Started],
) -> None:
    """Fill the workbooks of ``tasks`` one after another, each added to ``started`` as its
    report is handed to ``finisher``; a stop comes between two workbooks."""
    with _stops_between_workbooks() as stop_if_asked:
        for task in tasks:
            stop_if_asked()
            started.append(_fill_one(prepared, *task, overwrite, finisher))
            if tracker is not None:
                tracker.advance([started[-1][0]])


def _settled(started: list[_Started]) -> list[Outcome]:
    """The outcomes of ``started``, once their reports are written (or could not be)."""
    return [_settle(outcome, pending) for outcome, pending in started]


#: What :func:`_stops_between_workbooks` gives while it is in force in the main thread (one
#: within it, a chunk's inside the pool's loop, gives the same).
_stopping: Callable[[], None] | None = None


@contextlib.contextmanager
def _stops_between_workbooks() -> Iterator[Callable[[], None]]:
    """Ctrl+C, and SIGTERM where a handler makes it stop as Ctrl+C does (the command's),
    stop a batch between two workbooks, not in the middle of one: there, a report already
    handed to be written could be left out of the outcomes, written but said not filled
    (so could a chunk given to a worker, its future lost inside ``submit``).
    Gives what, called between two workbooks, runs the handler of each signal that came
    meanwhile (Ctrl+C's and the command's raise KeyboardInterrupt; another handler goes on
    as it would have); only in the main thread (where signals are handled), and only for
    the signals handled as Ctrl+C or by a handler of the program's. A signal during the
    last workbook gets its handler on leaving, once the handlers are back: it stops what
    comes after these workbooks (the next chunk, the PDFs). Within another, it gives the
    other's, which runs the handlers when it is left."""
    global _stopping
    asked: list[int] = []
    kept: dict[int, Callable[[int, object], object]] = {}

    def note(signum: int, frame: object) -> None:
        asked.append(signum)

    def stop_if_asked() -> None:
        while asked:
            signum = asked.pop(0)
            kept[signum](signum, None)

    if threading.current_thread() is not threading.main_thread():
        yield stop_if_asked  # (nothing is noted in another thread)
        return
    if _stopping is not None:
        yield _stopping
        return

    for number in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(number)
        if handler is signal.default_int_handler or (
            number == signal.SIGTERM and callable(handler)
        ):
            kept[number] = signal.signal(number, note)
    _stopping = stop_if_asked
    try:
        yield stop_if_asked
    finally:
        _stopping = None
        for number, handler in kept.items():
            signal.signal(number, handler)
        stop_if_asked()


def _fill_one(
    prepared: PreparedTemplate,
    workbook: Path,
    destination: Path,
    overwrite: bool,
    finisher: Finisher,
) -> tuple[Outcome, Future[Path] | None]:
    """Fill one workbook, keeping the warnings it raised (they cannot cross a process);
    the report's write is still finishing (the future) unless it failed."""
    with collect_warnings() as found:
        outcome, pending = _fill_one_quietly(prepared, workbook, destination, overwrite, finisher)
    return (replace(outcome, warnings=tuple(found)) if found else outcome), pending


def _fill_one_quietly(
    prepared: PreparedTemplate,
    workbook: Path,
    destination: Path,
    overwrite: bool,
    finisher: Finisher,
) -> tuple[Outcome, Future[Path] | None]:
    try:
        report_destination(workbook, destination, overwrite, finisher.folders, prepared.path)
    except OutputError as exc:
        if exc.problems[0].code == "output.exists" and destination.is_file():
            return Outcome(workbook, destination, kept=True), None  # a previous run's report
        return Outcome(workbook, destination, error=exc), None
    try:
        parts = render_parts(prepared, read_workbook(workbook, prepared))
        pending = finisher.write_package(parts, destination, overwrite=overwrite)
    except BdtDocxError as exc:
        return Outcome(workbook, destination, error=exc), None
    except _UNFORESEEN as exc:
        error = WorkbookError(
            f"không xử lý được sổ này ({type(exc).__name__}: {exc}). Hãy mở sổ trong Excel, "
            "lưu lại rồi thử lại; nếu vẫn lỗi, gửi tệp cho bộ phận IT",
            workbook,
            code="workbook.unreadable",
        )
        return Outcome(workbook, destination, error=error), None
    return Outcome(workbook, destination), pending


def _settle(outcome: Outcome, pending: Future[Path] | None) -> Outcome:
    """The outcome once its report is written (or could not be moved into place)."""
    if pending is None:
        return outcome
    try:
        return replace(outcome, report=pending.result())
    except OutputError as exc:
        return replace(outcome, error=exc)


#: A template file and the version of it prepared (:attr:`PreparedTemplate.version`).
_Version = tuple[Path, tuple[object, ...]]
#: The template a worker process renders with, what writes its reports in the background
#: for all its chunks, and what the workers meet at the end of a batch (set once by
#: :func:`_start_worker`).
_worker_template: PreparedTemplate | None = None
_worker_finisher: Finisher | None = None
_worker_meeting: Barrier | None = None
#: The workbooks a worker process has filled whose outcome it has not sent yet (their
#: reports were still being written when it sent the others): each with its number.
_worker_unsent: list[tuple[int, _Started]] = []


def _start_worker(template: Path, meeting: Barrier | None) -> None:
    """Prepare the template once per worker (free when forked: the cache is inherited).

    Ctrl+C reaches every process of the terminal, SIGTERM every process of the group when
    ``timeout`` sends it: a worker ignores both and finishes its chunk, and the main
    process, which handles them, waits for that.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    global _worker_template, _worker_finisher, _worker_meeting
    with contextlib.suppress(BdtDocxError):  # (the batch's process says what is wrong)
        _worker_template = prepare_template(template)
    _worker_finisher = Finisher(process=False)  # (the workers keep every core busy)
    _worker_meeting = meeting
    # A batch stopped by an error (its progress callback's) ends the workers without
    # asking for their last outcomes: the reports they were writing are finished as the
    # worker exits, never left as temporary files.
    multiprocessing.util.Finalize(None, _finish_writes, exitpriority=10)


def _finish_writes() -> None:
    """Wait, as a worker exits, until the reports it was writing are written."""
    if _worker_finisher is not None:
        _worker_finisher.__exit__(None, None, None)


#: What a worker sends back of a task's :class:`Outcome`: the task's number, whether its
#: report was written (at its destination), its error, its warnings and whether it was
#: kept, without the task's paths, which the batch's process holds already (a path is
#: rebuilt part by part when unpickled: 10 µs of the batch's own process for a report's
#: three).
_Sent = tuple[int, bool, BdtDocxError | None, tuple[Problem, ...], bool]


def _fill_chunk(
    first: int, tasks: list[tuple[Path, Path]], overwrite: bool, template: _Version
) -> list[_Sent]:
    """Fill a chunk of workbooks (numbered from ``first`` in the batch) with the template
    the batch's process prepared (its file and version: :func:`_as_prepared`); the outcomes
    of those whose reports are finished, this chunk's and those not sent before. The others
    are sent next time, or at the end (:func:`_last_outcomes`): a chunk does not wait for
    its last reports to reach the disk."""
    assert _worker_finisher is not None, "worker not started"
    prepared = _as_prepared(template)
    if prepared is None:
        changed = TemplateError(
            "tệp mẫu đã được sửa (lưu lại) trong lúc lô báo cáo bắt đầu, nên sổ này chưa được "
            "điền; hãy chạy lại lệnh",
            template[0],
            code="template.changed",
        )
        return [_sent(n, Outcome(*task, error=changed)) for n, task in enumerate(tasks, first)]
    started: list[_Started] = []
    _start(prepared, tasks, overwrite, None, _worker_finisher, started)
    _worker_finisher.flush()  # (its last reports: on the disk by the next chunk)
    _worker_unsent.extend(enumerate(started, first))
    return _take_unsent(wait=False)


def _as_prepared(template: _Version) -> PreparedTemplate | None:
    """This worker's preparation of the batch's template: the same version of the same
    file; None when the file has changed since the batch's process prepared it."""
    global _worker_template
    path, version = template
    if _worker_template is None or (_worker_template.path, _worker_template.version) != template:
        with contextlib.suppress(BdtDocxError):
            _worker_template = prepare_template(path)
    if _worker_template is None or _worker_template.version != version:
        return None
    return _worker_template


def _last_outcomes() -> list[_Sent]:
    """The outcomes a worker has not sent yet, once their reports are finished; at the end
    of a batch, one call in each worker (they wait for each other, so that none takes two)."""
    if _worker_meeting is not None:  # (None: the only worker)
        _worker_meeting.wait()
    return _take_unsent(wait=True)


def _take_unsent(wait: bool) -> list[_Sent]:
    """The outcomes of :data:`_worker_unsent` (those finished, unless ``wait``), taken off."""
    ready, waiting = [], []
    for number, started in _worker_unsent:
        pending = started[1]
        (ready if wait or pending is None or pending.done() else waiting).append((number, started))
    _worker_unsent[:] = waiting
    return [_sent(number, _settle(*started)) for number, started in ready]


def _sent(number: int, outcome: Outcome) -> _Sent:
    assert outcome.report in (None, outcome.destination) and outcome.pdf is None
    return number, outcome.report is not None, outcome.error, outcome.warnings, outcome.kept


def _received(tasks: list[_Task], sent: _Sent) -> tuple[int, Outcome]:
    """The outcome a worker sent (:func:`_sent`) of one of ``tasks``, and its number."""
    number, written, error, warnings, kept = sent
    workbook, destination = tasks[number]
    report = destination if written else None
    return number, Outcome(workbook, destination, report, error=error, warnings=warnings, kept=kept)


def _chunks(tasks: list[_Task], workers: int) -> list[list[_Task]]:
    """``tasks`` in chunks for ``workers`` processes: a chunk is half of each worker's share
    of what is left, at most :data:`_MAX_CHUNK`, so that the first chunks are large (fewer
    round trips) and the last ones small (the workers end together, none waiting for
    another's last large chunk)."""
    chunks, start = [], 0
    while start < len(tasks):
        size = max(1, min(_MAX_CHUNK, (len(tasks) - start) // (workers * 2)))
        chunks.append(tasks[start : start + size])
        start += size
    return chunks


def start_workers(
    template: Path, count: int
) -> contextlib.AbstractContextManager[ProcessPoolExecutor | None]:
    """``count`` worker processes for :func:`fill_in_pool`, started now (``None`` for
    none), each preparing ``template``: started before this process prepares it, they do
    so on the other cores meanwhile, and work from when this process does."""
    if count < 1:
        return contextlib.nullcontext()
    meeting = multiprocessing.get_context().Barrier(count) if count > 1 else None
    pool = ProcessPoolExecutor(count, initializer=_start_worker, initargs=(template, meeting))
    pool.submit(int)  # (the processes start with the first call)
    return pool


def fill_in_pool(
    pool: ProcessPoolExecutor,
    prepared: PreparedTemplate,
    tasks: list[tuple[Path, Path]],
    workers: int,
    overwrite: bool,
    tracker: Tracker | None,
) -> list[Outcome]:
    """Fill the workbooks of ``tasks`` in ``workers`` processes, this one and the
    ``workers - 1`` worker processes of ``pool`` (:func:`start_workers`), chunk after
    chunk; the outcomes in the order of ``tasks``. This process keeps each worker two
    chunks ahead between its own chunks. Ctrl+C lets the chunks begun finish (in this
    process, up to the workbook being filled), then raises :class:`Stopped` with their
    outcomes. The workers end with it."""
    chunks = _chunks(tasks, workers)
    firsts = list(itertools.accumulate((len(chunk) for chunk in chunks), initial=0))
    order = iter(range(len(chunks)))
    done: dict[int, Outcome] = {}  # (by the tasks' numbers)
    given: set[Future[list[_Sent]]] = set()
    mine: dict[int, list[_Started]] = {}  # (settled at the end: no wait after each chunk)
    version = (prepared.path, prepared.version)  # (a worker checks it has prepared the same)

    def collect(futures: Iterable[Future[list[_Sent]]]) -> None:
        for future in futures:
            arrived = dict(_received(tasks, sent) for sent in future.result())
            done.update(arrived)
            given.discard(future)  # (only now: Ctrl+C before, and it is collected again)
            if tracker is not None:
                tracker.advance(arrived.values())

    def settle_mine() -> None:
        for index, started in mine.items():
            done.update(enumerate(_settled(started), firsts[index]))

    def last_outcomes() -> None:
        last = {pool.submit(_last_outcomes) for _ in range(workers - 1)}
        given.update(last)
        collect(as_completed(last))

    with pool, Finisher(process=False) as finisher:  # (the workers keep the other cores busy)
        try:
            with _stops_between_workbooks() as stop_if_asked:  # (a future is never lost)
                for index in order:
                    stop_if_asked()
                    while (
                        len(given) < 2 * (workers - 1) and (ahead := next(order, None)) is not None
                    ):
                        chunk = chunks[ahead]
                        given.add(
                            pool.submit(_fill_chunk, firsts[ahead], chunk, overwrite, version)
                        )
                    mine[index] = []
                    _start(prepared, chunks[index], overwrite, tracker, finisher, mine[index])
                    collect([future for future in list(given) if future.done()])
                collect(as_completed(list(given)))
                last_outcomes()
                settle_mine()
        except KeyboardInterrupt:
            for future in given:
                future.cancel()  # (the chunks not begun)
            wait(given)
            collect([f for f in list(given) if not f.cancelled() and f.exception() is None])
            with contextlib.suppress(BrokenProcessPool):  # (a worker gone: its are lost)
                last_outcomes()
            settle_mine()
            raise Stopped([done[number] for number in sorted(done)]) from None
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [done[number] for number in range(len(tasks))]


@dataclass(frozen=True)
class Progress:
    """How far :func:`fill_reports` has got, given to its ``progress`` callback after each
    step: workbooks ``done`` of ``total`` (``failed`` of them), PDFs ``pdfs_done`` of
    ``pdfs`` (the reports to convert, once known)."""

    total: int
    done: int = 0
    failed: int = 0
    pdfs: int = 0
    pdfs_done: int = 0


class Tracker:
    """Counts the steps of a batch and tells ``progress`` after each one.

    The PDFs are counted from threads (one per LibreOffice run), hence the lock.
    """

    def __init__(self, progress: Callable[[Progress], object], total: int, pdfs: int) -> None:
        self._progress = progress
        self._state = Progress(total, pdfs=pdfs)
        self._lock = threading.Lock()
        progress(self._state)

    def _update(self, change: Callable[[Progress], Progress]) -> None:
        with self._lock:
            self._state = change(self._state)
            self._progress(self._state)

    def advance(self, outcomes: Iterable[Outcome]) -> None:
        """Count finished workbooks."""
        outcomes = list(outcomes)
        if not outcomes:  # (a worker's chunk whose reports are still being written)
            return
        failed = sum(outcome.error is not None for outcome in outcomes)
        self._update(lambda s: replace(s, done=s.done + len(outcomes), failed=s.failed + failed))

    def expect_pdfs(self, count: int) -> None:
        """Set how many PDFs will be made (the reports written)."""
        self._update(lambda s: replace(s, pdfs=count))

    def advance_pdfs(self, count: int) -> None:
        """Count ``count`` more PDFs done."""
        self._update(lambda s: replace(s, pdfs_done=s.pdfs_done + count))
