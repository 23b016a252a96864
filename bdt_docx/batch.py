"""Many workbooks, one report each: :func:`fill_reports` (``bdt-docx fill A.xlsx B.xlsx``).

The template is prepared once, in this process, and reused for every report; with
``jobs`` of 2 or more, this process fills reports too, beside ``jobs - 1`` worker processes,
started first, which prepare it once each meanwhile, on the other cores (each checks that
it has the very version this process prepared).

One bad workbook does not stop the others: each failure is recorded with its
:class:`~bdt_docx.BdtDocxError` (which names the file, field, sheet and cell), the good
reports are written, and a summary file lists every workbook, its report and its errors.

Each report is written as a single one is (a temporary file, on the disk, then renamed), but
in background threads while the next report is made (:class:`~bdt_docx.finisher.Finisher`);
each folder is checked once per batch. With ``pdf=True`` the reports are converted once all
are written, by one LibreOffice run per job (:func:`bdt_docx.pdf.convert_many`).

Reports are named ``<workbook stem>.docx``; workbooks that would give the same name (two
``so_lieu.xlsx`` from different folders into one ``output_dir``, or ``a.xlsx`` beside
``a.ods``) are told apart by their folder or kind: ``so_lieu (xa_A).docx``,
``a (ods).docx`` (:func:`report_paths`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bdt_docx.api import (
    WORKBOOK_SUFFIXES,
    local_time,
    stopped_before_pdf,
    template_argument,
    template_file,
)
from bdt_docx.arguments import (
    callback_argument,
    flag_argument,
    path_argument,
    paths_argument,
)
from bdt_docx.errors import (
    NOTES,
    BdtDocxError,
    OutputError,
    Problem,
    WorkbookError,
    os_reason,
)
from bdt_docx.output import TEMP_PREFIX, write_bytes
from bdt_docx.template import PreparedTemplate
from bdt_docx.workers import (
    Outcome,
    Progress,
    Stopped,
    Tracker,
    fill_all,
    fill_in_pool,
    start_workers,
)

__all__ = [
    "SUMMARY_NAME",
    "BatchInterrupted",
    "BatchResult",
    "Failure",
    "Progress",
    "fill_reports",
    "find_workbooks",
]

#: Name of the summary written beside the reports (CSV, UTF-8 with BOM for Excel).
SUMMARY_NAME = "tong_hop_bao_cao.csv"
#: Excel's lock file of an open workbook: ``~$so_lieu.xlsx``.
_LOCK_PREFIX = "~$"
PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Failure:
    """A workbook whose report could not be made (or whose PDF could not be made).

    ``report`` is the .docx written anyway when only the PDF conversion failed.
    """

    workbook: Path
    error: BdtDocxError
    report: Path | None = None
    #: A report an earlier run left where this one's would have gone, not replaced (with
    #: ``overwrite``: the workbook, or the writing, failed): its figures are not this
    #: workbook's of now.
    earlier: Path | None = None


def stopped_before_its_pdf(error: BdtDocxError) -> bool:
    """True when ``error`` only says that Ctrl+C came before the PDF of a written report:
    the workbook is fine, its PDF was not made yet."""
    return {p.code for p in error.problems} - NOTES == {"pdf.interrupted"}


@dataclass
class BatchResult:
    """What :func:`fill_reports` did: the reports written, the failures, the summary file."""

    reports: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    #: Reports already there, kept as they were (without ``overwrite``).
    kept: list[Path] = field(default_factory=list)
    #: Those of :attr:`kept` older than their workbook, saved since (each with a warning,
    #: ``output.kept_stale``): their figures may not be the workbook's of now.
    stale: list[Path] = field(default_factory=list)
    summary_path: Path | None = None
    #: Why the summary file could not be written, if it could not.
    summary_error: OutputError | None = None
    #: Things fixed on the way that a clerk should check (cells typed in TCVN3 or VNI…).
    warnings: list[Problem] = field(default_factory=list)
    #: Workbooks not reached when the batch was interrupted (:class:`BatchInterrupted`).
    not_done: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every workbook gave its report (and its PDF, if asked)."""
        return not self.failures


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl+C stopped :func:`fill_reports`: :attr:`result` is what was done by then (the
    reports written, those left without their PDF as failures, the workbooks not reached in
    :attr:`BatchResult.not_done`), and the summary file was written for it."""

    def __init__(self, result: BatchResult) -> None:
        super().__init__()
        self.result = result


def find_workbooks(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    """The workbooks named by ``paths`` (one path, or several): files as given, folders
    expanded to the workbooks directly inside them (.xlsx, .xlsm, .ods, sorted by name).

    Excel's lock files (``~$*``) and bdt_docx's temporary files are skipped, and a file named
    twice is kept once. Raises :class:`WorkbookError` for a path that does not exist and when
    no workbook is found at all.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    given = paths_argument(paths, "find_workbooks", "paths")
    for path in given:
        if path.is_dir():
            candidates, real_folder = _workbooks_in(path), path.resolve()
        elif path.exists():
            candidates, real_folder = [path], None
        else:
            raise WorkbookError(
                "không tìm thấy tệp hoặc thư mục này", path, code="workbook.not_found"
            )
        for candidate in candidates:
            if candidate.name.startswith((_LOCK_PREFIX, TEMP_PREFIX)):
                continue
            key = _real_path(candidate, real_folder)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    if not found:
        places = ", ".join(str(p) for p in given)
        below = _workbooks_below([p for p in given if p.is_dir()])
        raise WorkbookError(
            f"không có sổ Excel nào ({', '.join(WORKBOOK_SUFFIXES)}) trong: {places}"
            + (
                " (thư mục con không được tìm). Có sổ trong các thư mục con "
                f"{below}: hãy chỉ ra các thư mục đó"
                if below
                else ""
            ),
            code="workbook.none_found",
        )
    return found


def _real_path(path: Path, real_folder: Path | None) -> Path:
    """``path.resolve()``; ``real_folder``, given, is that of the folder ``path`` is in,
    so that a file that is no link is its name there (its folder is not resolved again,
    a look at each part of it for each workbook)."""
    if real_folder is not None and not path.is_symlink():
        return real_folder / path.name
    return path.resolve()


def _by_name(path: Path) -> tuple[str, str]:
    """Sorts files by name as a clerk reads a folder (letter case aside)."""
    return path.name.casefold(), path.name


def _workbooks_in(folder: Path) -> list[Path]:
    """The workbooks directly inside ``folder``, sorted by name, lock and temporary files
    left out."""
    return [
        p
        for p in sorted(folder.iterdir(), key=_by_name)
        if p.suffix.lower() in WORKBOOK_SUFFIXES
        and not p.name.startswith((_LOCK_PREFIX, TEMP_PREFIX))
        and p.is_file()
    ]


def _workbooks_below(folders: list[Path]) -> str:
    """The folders right inside ``folders`` that hold workbooks, with how many, as a clerk
    reads them (``"…/xa_A" (3 sổ), "…/xa_B" (1 sổ)``); empty when none does."""
    listed = []
    for folder in folders:
        for sub in sorted(folder.iterdir(), key=_by_name):
            with contextlib.suppress(OSError):  # (a folder that cannot be listed)
                if sub.is_dir() and (count := len(_workbooks_in(sub))):
                    listed.append(f'"{sub}" ({count} sổ)')
    return ", ".join(listed)


def report_paths(workbooks: Sequence[Path], output_dir: Path | None) -> list[Path]:
    """The report of each workbook: ``<stem>.docx`` in ``output_dir`` (or beside the workbook).

    Workbooks that would share a report are told apart by what differs between them: their
    kind (``a.xlsx`` and ``a.ods`` in one folder give ``a (xlsx).docx`` and ``a (ods).docx``),
    their folder (two ``so_lieu.xlsx`` into one ``output_dir`` give ``so_lieu (xa_A).docx``
    and ``so_lieu (xa_B).docx``), or both; only where even that is the same are they
    numbered, ``(2)``, ``(3)``… in the order given. So a report's name depends on its own
    workbook and those it clashes with, and a report kept from an earlier run (without
    ``overwrite``) is never taken for another workbook's. Names are compared without regard
    to case, as Windows and macOS do.
    """
    folders = [output_dir if output_dir is not None else w.parent for w in workbooks]
    paths = [folder / f"{w.stem}.docx" for w, folder in zip(workbooks, folders, strict=True)]
    keys = [str(path).casefold() for path in paths]
    clashes: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        clashes.setdefault(key, []).append(index)
    for group in (group for group in clashes.values() if len(group) > 1):
        files = list(dict.fromkeys(workbooks[i].absolute() for i in group))
        if len(files) > 1:  # one workbook given twice is numbered, not told apart
            labels = dict(zip(files, _telling_apart(files), strict=True))
            for index in group:
                label = labels[workbooks[index].absolute()]
                paths[index] = folders[index] / f"{workbooks[index].stem} ({label}).docx"
                keys[index] = str(paths[index]).casefold()
    taken: set[str] = set()
    for index, key in enumerate(keys):
        if key in taken:  # (a name given already: numbered)
            number, stem = 1, paths[index].stem
            while key in taken:
                number += 1
                paths[index] = folders[index] / f"{stem} ({number}).docx"
                key = str(paths[index]).casefold()
        taken.add(key)
    return paths


def _telling_apart(workbooks: list[Path]) -> list[str]:
    """What tells workbooks with one stem apart: their kind, their folder's name, or both."""
    kinds = [w.suffix[1:].lower() for w in workbooks]
    parents = [w.absolute().parent.name for w in workbooks]
    for labels in (kinds, parents, [f"{p}, {k}" for p, k in zip(parents, kinds, strict=True)]):
        if len({label.casefold() for label in labels}) == len(labels):
            return labels
    return labels


def fill_reports(
    workbooks: PathLike | Iterable[PathLike],
    template: PathLike | PreparedTemplate | None = None,
    output_dir: PathLike | None = None,
    *,
    overwrite: bool = False,
    jobs: int | None = 1,
    pdf: bool = False,
    progress: Callable[[Progress], object] | None = None,
) -> BatchResult:
    """Fill one report per workbook; return what was written and what failed.

    ``workbooks`` is one path (``"a.xlsx"``) or several.

    ``output_dir`` (created if missing) receives every report, named as
    :func:`report_paths` says; ``None`` puts each report beside its workbook. ``jobs``
    processes share the work: this one and ``jobs - 1`` worker processes (``0`` or
    ``None``: one per CPU core, as ``-j 0``; ``1``: this process only).
    With ``pdf=True`` each report is also converted to PDF, once all are written, by as
    many LibreOffice runs side by side as there are jobs (each converting its share of the
    reports in one start: :func:`bdt_docx.pdf.convert_many`); a failed conversion is a
    failure, but the .docx stays. ``progress`` is called with a :class:`Progress` at the
    start and after each workbook and each PDF (from other threads for the PDFs); an
    exception it raises stops the batch and comes out of this call (the reports written by
    then stay, whole, and no summary is written).

    A report already there is kept as it is unless ``overwrite`` (its workbook is not read;
    :attr:`BatchResult.kept`, and ``đã có, giữ nguyên`` in the summary), so that running the
    batch again into the same folder adds the new workbooks' reports.

    A workbook's problems never stop the batch: they are listed in
    :attr:`BatchResult.failures`. A summary (:data:`SUMMARY_NAME`) is written in
    ``output_dir``, or beside the reports when they all share one folder. Raises
    :class:`~bdt_docx.TemplateError` for a broken template (before any report is made) and
    :class:`~bdt_docx.OutputError` when ``output_dir`` cannot be created, and ``ValueError``
    for a negative ``jobs``; an argument of the wrong type is a ``TypeError`` naming it.
    """
    sources = paths_argument(workbooks, "fill_reports", "workbooks")
    overwrite = flag_argument(overwrite, "fill_reports", "overwrite")
    pdf = flag_argument(pdf, "fill_reports", "pdf")
    progress = callback_argument(progress, "fill_reports", "progress")
    workers = _worker_count(jobs, len(sources))
    # (the workers, started first, prepare the template on the other cores meanwhile)
    with start_workers(template_file(template, "fill_reports"), workers - 1) as pool:
        prepared = template_argument(template, "fill_reports")
        folder = _output_folder(output_dir)
        destinations = report_paths(sources, folder)
        tasks = list(zip(sources, destinations, strict=True))
        tracker = Tracker(progress, len(tasks), len(tasks) if pdf else 0) if progress else None
        outcomes: list[Outcome] = []
        stopped = False
        try:
            if pool is None:
                outcomes = fill_all(prepared, tasks, overwrite, tracker)
            else:
                outcomes = fill_in_pool(pool, prepared, tasks, workers, overwrite, tracker)
            if pdf:
                outcomes = _add_pdfs(outcomes, overwrite, workers, tracker)
        except Stopped as stop:
            stopped = True
            outcomes = [_after_stop(o, overwrite) if pdf else o for o in stop.outcomes]
    if not pdf:
        outcomes = _warn_stale_pdfs(outcomes)
    outcomes = [_warn_if_older(o) if o.kept and o.error is None else o for o in outcomes]
    result = _collect(outcomes)
    reached = {outcome.destination for outcome in outcomes}
    result.not_done = [workbook for workbook, report in tasks if report not in reached]
    summary_folder = folder if folder is not None else _common_folder(destinations)
    if summary_folder is not None:
        try:
            result.summary_path = write_bytes(
                _summary_csv(outcomes, result.not_done),
                summary_folder / SUMMARY_NAME,
                overwrite=True,
            )
        except OutputError as exc:
            result.summary_error = exc.about("bảng tổng hợp")
    if stopped:
        raise BatchInterrupted(result)
    return result


def _warn_stale_pdfs(outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes, each warning (in the summary too) of a previous report's PDF beside its
    report. Each folder is listed once, rather than each report's PDF looked for."""
    from bdt_docx.pdf import stale_pdf

    listed: dict[str, set[str]] = {}
    warned = []
    for outcome in outcomes:
        if outcome.report is not None:
            folder = os.path.dirname(outcome.report)
            if folder not in listed:
                listed[folder] = _pdf_names(folder)
            if listed[folder] and _name_key(f"{outcome.report.stem}.pdf") in listed[folder]:
                stale = stale_pdf(outcome.report)  # a file, by that very name?
                if stale is not None:
                    outcome = replace(outcome, warnings=(*outcome.warnings, stale))
        warned.append(outcome)
    return warned


#: The code of the warning that a kept report is older than its workbook.
_KEPT_STALE = "output.kept_stale"


def _warn_if_older(outcome: Outcome) -> Outcome:
    """A kept report's outcome, warning (in the summary too) when its workbook was saved
    after the report was made: the clerk has changed figures the report does not have."""
    try:
        made, saved = outcome.destination.stat().st_mtime, outcome.workbook.stat().st_mtime
    except OSError:
        return outcome
    if saved <= made:
        return outcome
    stale = Problem(
        f"báo cáo đã có '{outcome.destination}' (tạo lúc {local_time(made, seconds=True)}) "
        f"được giữ nguyên, nhưng sổ được lưu sau đó (lúc {local_time(saved, seconds=True)}): "
        "báo cáo có thể thiếu những số liệu sửa sau",
        code="output.kept_stale",  # (_KEPT_STALE)
    )
    return replace(outcome, warnings=(*outcome.warnings, stale))


def _pdf_names(folder: str) -> set[str]:
    """The names of the PDFs in ``folder``, as :func:`_name_key` gives them (none when it
    cannot be listed)."""
    try:
        with os.scandir(folder or ".") as entries:
            return {_name_key(e.name) for e in entries if e.name[-4:].lower() == ".pdf"}
    except OSError:
        return set()


def _name_key(name: str) -> str:
    """``name`` as a folder that ignores case and Unicode normalisation may take it."""
    return unicodedata.normalize("NFC", name).casefold()


def _after_stop(outcome: Outcome, overwrite: bool) -> Outcome:
    """The outcome of a report written before Ctrl+C stopped the batch: its PDF if
    LibreOffice made it in time (newer than the report), else a failure saying so (and,
    overwritten, the previous report's PDF removed)."""
    if outcome.report is None or outcome.error is not None or outcome.pdf is not None:
        return outcome
    pdf = outcome.report.with_suffix(".pdf")
    try:
        if pdf.stat().st_mtime_ns >= outcome.report.stat().st_mtime_ns:
            return replace(outcome, pdf=pdf)
    except OSError:
        pass
    return replace(outcome, error=stopped_before_pdf(outcome.report, overwrite))


def _add_pdfs(
    outcomes: list[Outcome], overwrite: bool, instances: int, tracker: Tracker | None
) -> list[Outcome]:
    """Convert every report written to PDF; a report whose PDF fails gets that error (and,
    when reports were overwritten, loses the previous report's PDF)."""
    from bdt_docx.pdf import convert_many, without_stale_pdf

    written = [  # and the reports kept from a previous run that have no PDF yet
        i
        for i, o in enumerate(outcomes)
        if o.error is None and not (o.kept and o.destination.with_suffix(".pdf").exists())
    ]
    if tracker is not None:
        tracker.expect_pdfs(len(written))
    try:
        made = convert_many(
            [outcomes[i].destination for i in written],
            overwrite=overwrite,
            instances=instances,
            progress=tracker.advance_pdfs if tracker is not None else None,
        )
    except KeyboardInterrupt:  # LibreOffice stopped; the reports are written
        raise Stopped(outcomes) from None
    outcomes = list(outcomes)
    for index, pdf in zip(written, made, strict=True):
        if isinstance(pdf, Path):
            outcomes[index] = replace(outcomes[index], pdf=pdf)
        else:
            report = outcomes[index].destination
            error = without_stale_pdf(report, pdf) if overwrite else pdf
            outcomes[index] = replace(outcomes[index], error=error)
    return outcomes


def _worker_count(jobs: object, tasks: int) -> int:
    """How many processes: ``jobs``, or one per CPU core for ``0`` or ``None`` (as ``-j 0``)."""
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool)):
        raise TypeError(
            "fill_reports(): 'jobs' cần một số nguyên (0 hoặc None: mọi lõi CPU), không phải "
            f"{type(jobs).__name__}"
        )
    if jobs is not None and jobs < 0:
        raise ValueError(
            "fill_reports(): 'jobs' cần số tiến trình từ 1 trở lên (0 hoặc None: mọi lõi CPU), "
            f"không phải {jobs}"
        )
    return min(jobs or os.cpu_count() or 1, tasks)


# -- results ------------------------------------------------------------------------------


def _output_folder(output_dir: PathLike | None) -> Path | None:
    if output_dir is None:
        return None
    folder = path_argument(output_dir, "fill_reports", "output_dir")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"không tạo được thư mục báo cáo ({os_reason(exc)})",
            folder,
            code="output.folder_not_created",
        ) from exc
    return folder


def _common_folder(destinations: list[Path]) -> Path | None:
    folders = {d.parent for d in destinations}
    return folders.pop() if len(folders) == 1 else None


def _collect(outcomes: list[Outcome]) -> BatchResult:
    result = BatchResult()
    for outcome in outcomes:
        if outcome.report is not None:
            result.reports.append(outcome.report)
        if outcome.pdf is not None:
            result.pdfs.append(outcome.pdf)
        if outcome.kept:
            result.kept.append(outcome.destination)
            if any(w.code == _KEPT_STALE for w in outcome.warnings):
                result.stale.append(outcome.destination)
        if outcome.error is not None:
            earlier = _earlier_report(outcome)
            result.failures.append(
                Failure(outcome.workbook, outcome.error, outcome.report, earlier)
            )
        # A warning names its workbook: which of the batch's is it about?
        result.warnings += (
            replace(w, file=w.file or str(outcome.workbook)) for w in outcome.warnings
        )
    return result


def _earlier_report(outcome: Outcome) -> Path | None:
    """The report an earlier run left at a failed ``outcome``'s destination, if any."""
    if outcome.error is None or outcome.report is not None or outcome.kept:
        return None
    return outcome.destination if outcome.destination.is_file() else None


_SUMMARY_HEADER = (
    "STT", "Sổ Excel", "Báo cáo", "PDF", "Kết quả", "Trường", "Trang tính", "Ô", "Lỗi",
)  # fmt: skip


def _summary_csv(outcomes: list[Outcome], not_done: Sequence[Path] = ()) -> bytes:
    """The summary as CSV: one row per workbook, one per problem of a failed one, then the
    workbooks an interruption left undone."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(_SUMMARY_HEADER)
    for number, outcome in enumerate(outcomes, 1):
        files = (number, outcome.workbook, outcome.report or "", outcome.pdf or "")
        if outcome.kept and outcome.error is None:
            pdf = outcome.destination.with_suffix(".pdf")
            kept = (number, outcome.workbook, outcome.destination, pdf if pdf.is_file() else "")
            older = any(w.code == _KEPT_STALE for w in outcome.warnings)
            status = "đã có, giữ nguyên (cũ hơn sổ)" if older else "đã có, giữ nguyên"
            writer.writerow((*kept, status, "", "", "", ""))
            files = kept
        elif outcome.error is None:
            writer.writerow((*files, "đã tạo", "", "", "", ""))
        else:
            status = "đã tạo .docx, lỗi PDF" if outcome.report is not None else "lỗi"
            if stopped_before_its_pdf(outcome.error):
                status = "đã tạo .docx, chưa tạo PDF (đã dừng)"
            if outcome.kept:
                files = (number, outcome.workbook, outcome.destination, "")
                status = "đã có, lỗi PDF"
            elif _earlier_report(outcome) is not None:
                status = "lỗi (báo cáo cũ của lần trước vẫn còn, chưa được thay)"
            for problem in outcome.error.problems or [Problem(str(outcome.error))]:
                writer.writerow(_problem_row(files, status, problem))
        for warning in outcome.warnings:  # after the workbook's result, in the same columns
            writer.writerow(_problem_row(files, "cảnh báo", warning))
    for number, workbook in enumerate(not_done, len(outcomes) + 1):
        writer.writerow((number, workbook, "", "", "chưa điền (đã dừng)", "", "", "", ""))
    return text.getvalue().encode("utf-8-sig")


def _problem_row(files: tuple[object, ...], status: str, problem: Problem) -> tuple[object, ...]:
    """A row of the summary for one problem (or warning) of a workbook."""
    place = (problem.field or "", problem.sheet or "", problem.cell or "")
    return (*files, status, *place, problem.message)
