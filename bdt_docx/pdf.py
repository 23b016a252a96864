"""Reports to PDF through LibreOffice (:mod:`bdt_docx.libreoffice` runs it).

:func:`convert_many` gives one LibreOffice run many reports, so that a batch pays
LibreOffice's start once per job rather than once per report; :func:`convert_to_pdf` is one
report. LibreOffice writes into a temporary folder beside the reports and each PDF is moved
into place with :func:`os.replace` once complete, so no half-written file ever carries the
final name. Such folders that a killed run left beside a report are removed by the next
conversion or report written there once an hour old (:func:`bdt_docx.output.remove_stale`).

A PDF beside a report written over the previous one is that report's no longer:
:func:`stale_pdf` warns of it, :func:`without_stale_pdf` removes it when the new PDF fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bdt_docx.libreoffice as libreoffice
from bdt_docx.errors import BdtDocxError, ConversionError, OutputError, Problem, os_reason
from bdt_docx.output import TEMP_FOLDER_SUFFIX, TEMP_PREFIX, check_destination, remove_stale

__all__ = [
    "convert_many",
    "convert_to_pdf",
    "stale_pdf",
    "without_stale_pdf",
]

#: Suffix of the temporary folder LibreOffice writes a PDF into, beside the report.
PDF_WORK_SUFFIX = ".pdf" + TEMP_FOLDER_SUFFIX


def convert_to_pdf(
    docx: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    timeout: float = libreoffice.DEFAULT_TIMEOUT,
) -> Path:
    """Make ``<stem>.pdf`` beside ``docx`` through LibreOffice; return its path.

    An existing PDF is replaced only with ``overwrite=True`` (otherwise
    :class:`~bdt_docx.OutputError`, before LibreOffice runs). LibreOffice writes into a
    temporary folder beside the report, and the PDF is moved into place once complete.
    Raises :class:`~bdt_docx.ConversionError` when LibreOffice is missing, too slow, or fails.
    """
    (made,) = convert_many([docx], overwrite=overwrite, timeout=timeout)
    if isinstance(made, BdtDocxError):
        raise made
    return made


def convert_many(
    reports: Sequence[str | os.PathLike[str]],
    *,
    overwrite: bool = False,
    timeout: float | None = None,
    instances: int = 1,
    progress: Callable[[int], object] | None = None,
) -> list[Path | BdtDocxError]:
    """Make ``<stem>.pdf`` beside each report with as few LibreOffice starts as can be;
    return, for each report in order, its PDF or the error that kept it from having one.

    The reports of a folder are shared between at most ``instances`` LibreOffice runs
    working side by side, each converting its share in one ``soffice --convert-to pdf``
    call (fresh profile, clean environment, a temporary folder beside the reports). A run
    is stopped when one document takes longer than ``timeout`` seconds (``None``:
    :data:`~bdt_docx.libreoffice.DEFAULT_TIMEOUT`). A report that
    LibreOffice cannot convert, or that stops it, fails with that reason, and the reports
    after it are converted by a new run. ``progress(n)`` is called, from the runs'
    threads, each time ``n`` more PDFs are done.
    """
    sources = [Path(report) for report in reports]
    limit = libreoffice.DEFAULT_TIMEOUT if timeout is None else timeout
    results: dict[int, Path | BdtDocxError] = {}
    groups: dict[tuple[Path, int], list[int]] = {}
    stems: Counter[tuple[Path, str]] = Counter()
    for index, source in enumerate(sources):
        try:
            if not source.is_file():
                raise ConversionError(
                    "không có tệp báo cáo để chuyển sang PDF", source, code="pdf.no_report"
                )
            check_destination(source.with_suffix(".pdf"), overwrite)
        except BdtDocxError as exc:
            results[index] = exc
            continue
        # LibreOffice names each PDF after its report: within one run, stems must differ.
        stem = (source.parent, source.stem.casefold())
        groups.setdefault((source.parent, stems[stem]), []).append(index)
        stems[stem] += 1
    program = libreoffice.find_soffice() if groups else None
    shares: list[list[int]] = []
    for indices in groups.values():
        pieces = max(1, min(len(indices), instances // len(groups)))
        shares += (indices[i::pieces] for i in range(pieces))

    def convert(share: list[int]) -> None:
        share_sources = [sources[i] for i in share]
        if program is None:
            made: list[Path | BdtDocxError] = [
                ConversionError(
                    libreoffice.install_hint(), source, code="conversion.no_libreoffice"
                )
                for source in share_sources
            ]
        else:
            made = _convert_share(program, share_sources, overwrite, limit, progress)
        results.update(zip(share, made, strict=True))

    if len(shares) > 1 and instances > 1:
        try:
            with ThreadPoolExecutor(min(instances, len(shares))) as pool:
                try:
                    list(pool.map(convert, shares))
                except BaseException:  # Ctrl+C: the other runs stop their LibreOffice too
                    libreoffice.stopping.set()
                    raise
        finally:
            libreoffice.stopping.clear()
    else:
        for share in shares:
            convert(share)
    return [results[index] for index in range(len(sources))]


def _convert_share(
    program: Path,
    sources: list[Path],
    overwrite: bool,
    timeout: float,
    progress: Callable[[int], object] | None,
) -> list[Path | BdtDocxError]:
    """Convert ``sources`` (reports of one folder, distinct stems) in as few runs as their
    failures allow; each report's PDF, or its error, in order."""
    folder = sources[0].parent
    remove_stale(folder)
    try:
        work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, suffix=PDF_WORK_SUFFIX, dir=folder))
    except OSError as exc:
        reason = f"không tạo được thư mục tạm ({os_reason(exc)})"
        return [
            OutputError(reason, source.with_suffix(".pdf"), code="output.temp_folder")
            for source in sources
        ]
    made: dict[Path, Path | BdtDocxError] = {}
    try:
        remaining, stalled = sources, False
        while remaining:
            remaining, stopped, completed = _run_share(
                program, remaining, work, overwrite, timeout, made, progress
            )
            if stopped is not None and not completed and stalled:
                # Twice running, LibreOffice stopped before finishing any PDF: it is
                # LibreOffice itself that fails, for every report.
                made.update(
                    (source, ConversionError(stopped, source, code="conversion.stopped"))
                    for source in remaining
                )
                remaining = []
            stalled = stopped is not None and not completed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [made[source] for source in sources]


def _run_share(
    program: Path,
    sources: list[Path],
    work: Path,
    overwrite: bool,
    timeout: float,
    made: dict[Path, Path | BdtDocxError],
    progress: Callable[[int], object] | None,
) -> tuple[list[Path], str | None, bool]:
    """One LibreOffice run over ``sources``: record in ``made`` the reports it settled;
    return those still to convert, why the run stopped early (``None`` if it did not) and
    whether it completed any PDF.

    LibreOffice converts in order and skips a file it cannot read. After a normal end,
    every PDF written is complete and a report without one could not be read. After an
    early end (time limit, crash), a PDF counts only when complete (its ``%%EOF`` written);
    the report after the last complete one is the one LibreOffice was on: it fails with
    the reason, and the reports it had not reached, or skipped, go to the next run. While
    LibreOffice runs, ``progress`` is told of each PDF once the next one has begun.
    """
    told = 0

    def tell(done: int) -> None:
        nonlocal told
        if progress is not None and done > told:
            progress(done - told)
            told = done

    def watch() -> int:
        begun = len(os.listdir(work))
        tell(begun - 1)
        return begun

    stopped: str | None = None
    try:
        returncode, output = libreoffice.convert(
            program, [source.resolve() for source in sources], "pdf", work.resolve(), timeout, watch
        )
    except ConversionError as exc:
        stopped = exc.problems[0].message if exc.problems else str(exc)
    produced = [libreoffice.produced(source, "pdf", work) for source in sources]
    written = [libreoffice.written(pdf) for pdf in produced]
    if stopped is None and returncode != 0 and not all(written):
        stopped = libreoffice.not_written("pdf", returncode, output)
    remaining: list[Path] = []
    if stopped is None:
        for source, pdf, was_written in zip(sources, produced, written, strict=True):
            made[source] = (
                _move_into_place(pdf, source.with_suffix(".pdf"), overwrite)
                if was_written
                else ConversionError(
                    libreoffice.not_written("pdf", returncode, output),
                    source,
                    code="conversion.failed",
                )
            )
        completed = any(written)
    else:
        complete = [w and _complete_pdf(pdf) for pdf, w in zip(produced, written, strict=True)]
        current = max((i for i, c in enumerate(complete) if c), default=-1) + 1
        for source, pdf, is_complete in zip(sources[:current], produced, complete, strict=False):
            if is_complete:
                made[source] = _move_into_place(pdf, source.with_suffix(".pdf"), overwrite)
            else:
                remaining.append(source)
        made[sources[current]] = ConversionError(
            stopped, sources[current], code="conversion.stopped"
        )
        remaining += sources[current + 1 :]
        completed = current > 0
    tell(sum(isinstance(made.get(source), Path) for source in sources))
    for leftover in work.iterdir():  # a PDF cut short
        leftover.unlink()
    return remaining, stopped, completed


def _complete_pdf(path: Path) -> bool:
    """Whether the PDF at ``path`` was written to its end (``%%EOF`` in its last kilobyte)."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - 1024))
        return b"%%EOF" in stream.read()


def _move_into_place(produced: Path, target: Path, overwrite: bool) -> Path | OutputError:
    try:
        check_destination(target, overwrite)  # again: a PDF may have appeared meanwhile
        os.replace(produced, target)
    except OutputError as exc:
        return exc
    except OSError as exc:
        return OutputError(
            "không ghi được tệp PDF: không có quyền ghi, hoặc tệp đang mở trong chương "
            f"trình khác (trình đọc PDF). Hãy đóng tệp rồi thử lại ({os_reason(exc)})",
            target,
            code="output.denied",
        )
    return target


def stale_pdf(report: Path) -> Problem | None:
    """A warning when a PDF of the same name lies beside ``report``, just written without
    one: that PDF is the previous report's (``None`` when there is none)."""
    pdf = report.with_suffix(".pdf")
    if not pdf.is_file():
        return None
    return Problem(
        f"tệp PDF '{pdf.name}' bên cạnh là của báo cáo cũ, không khớp với báo cáo mới: đừng gửi nó",
        file=str(pdf),
        code="pdf.stale",
    )


def without_stale_pdf(report: Path, error: BdtDocxError) -> BdtDocxError:
    """``error``, why the PDF of ``report`` (just written over the previous report) failed,
    once the PDF of that name, the previous report's, is removed: it no longer matches, and
    a clerk could send it. The error says so (or that it could not be removed)."""
    pdf = report.with_suffix(".pdf")
    try:
        pdf.unlink()
    except FileNotFoundError:
        return error
    except OSError as exc:
        note = Problem(
            f"tệp PDF cũ '{pdf.name}' là của báo cáo trước, không khớp với báo cáo mới, nhưng "
            f"không xóa được ({os_reason(exc)}): đừng gửi nó, hãy xóa nó",
            file=str(pdf),
            code="pdf.stale_not_removed",
        )
    else:
        note = Problem(
            f"đã xóa tệp PDF cũ '{pdf.name}': nó là của báo cáo trước, không khớp với báo cáo mới",
            file=str(pdf),
            code="pdf.stale_removed",
        )
    problems = [*error.problems, note]
    if isinstance(error, OutputError):
        return OutputError(problems, error.file, error.what)
    return type(error)(problems, error.file)
