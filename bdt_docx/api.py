"""The Python API: the five stages joined, one call per need.

- :func:`read_workbook`: workbook → checked context (stages 1–2);
- :func:`render_report`: context → report (stages 3–5), for scripts whose data come from
  elsewhere (checked as a workbook's are: :func:`~bdt_docx.validate.check_context`);
- :func:`fill_report`: both in one call.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bdt_docx.arguments import flag_argument, mapping_argument, path_argument
from bdt_docx.errors import (
    BdtDocxError,
    BdtDocxWarning,
    ConversionError,
    OutputError,
    Problem,
    WorkbookError,
)
from bdt_docx.ods import ODS_SUFFIXES, OdsWorkbook
from bdt_docx.output import Folders, check_destination, write_package
from bdt_docx.render import render_parts
from bdt_docx.template import PreparedTemplate, default_template, prepare_template
from bdt_docx.validate import check_context, read_context
from bdt_docx.workbook import Workbook

__all__ = ["fill_report", "read_workbook", "render_report"]

PathLike = str | os.PathLike[str]
#: Workbook formats read directly.
READ_SUFFIXES = (".xlsx", ".xlsm", *ODS_SUFFIXES)
#: Workbook formats converted to .xlsx through LibreOffice before reading.
CONVERTED_SUFFIXES = (".xls",)
#: Every workbook format accepted.
WORKBOOK_SUFFIXES = READ_SUFFIXES + CONVERTED_SUFFIXES
#: Documents of Word and Writer: given where a workbook is asked (the report, or the
#: template, instead of the workbook), they are said to be documents.
_DOCUMENT_SUFFIXES = frozenset(
    (".docx", ".docm", ".dotx", ".dotm", ".doc", ".dot", ".rtf", ".odt", ".ott", ".fodt")
)


def _not_a_document(workbook: Path) -> None:
    """Refuse a Word or Writer document given as the workbook, before anything is read or
    checked at the report's place (by default the document itself)."""
    if workbook.suffix.lower() in _DOCUMENT_SUFFIXES:
        raise WorkbookError(
            f"tệp là văn bản ({workbook.suffix}) của Word hay Writer, không phải sổ Excel: số "
            "liệu được đọc từ sổ Excel (.xlsx, .xlsm, .ods)",
            workbook,
            code="workbook.is_document",
        )


def template_argument(template: object, function: str) -> PreparedTemplate:
    """``template`` prepared: a :class:`PreparedTemplate` as it is, ``None`` the shipped one,
    a path prepared; a ``TypeError`` naming ``function`` for anything else."""
    if isinstance(template, PreparedTemplate):
        return template
    return prepare_template(template_file(template, function))


def template_file(template: object, function: str) -> Path:
    """The file of ``template`` (see :func:`template_argument`), not prepared."""
    if isinstance(template, PreparedTemplate):
        return template.path
    if template is None:
        return default_template()
    return path_argument(template, function, "template")


def read_workbook(
    xlsx: PathLike,
    template: PathLike | PreparedTemplate | None = None,
    *,
    just_saved: bool = False,
) -> dict[str, Any]:
    """Read ``xlsx`` and check it against the template's fields (the shipped template by
    default). Returns the render context; raises :class:`~bdt_docx.WorkbookError` listing
    every problem, each with its field, sheet and cell.

    What is read is the workbook as last saved: while Excel or LibreOffice has it open (its
    lock file beside it) a :class:`~bdt_docx.BdtDocxWarning` (``workbook.open_elsewhere``)
    says so, with when it was saved, unless ``just_saved`` says the caller has just saved it
    as it is open (the macros do)."""
    path = path_argument(xlsx, "read_workbook", "xlsx")
    just_saved = flag_argument(just_saved, "read_workbook", "just_saved")
    prepared = template_argument(template, "read_workbook")
    _not_a_document(path)
    if not just_saved:
        _warn_if_open(path)
    if path.suffix.lower() in CONVERTED_SUFFIXES:
        from bdt_docx.libreoffice import converted_workbook

        with converted_workbook(path) as converted:
            return _read(converted, prepared, shown_as=path)
    return _read(path, prepared, shown_as=path)


def _warn_if_open(workbook: Path) -> None:
    """Warn when Excel or LibreOffice Calc has ``workbook`` open (its lock file is beside
    it): figures typed there since the last save are not in the file read.

    Calc writes ``.~lock.<name>#``, Excel its owner file ``~$<name>`` (the whole name,
    unlike Word's for a long one). A lock file left by a program that crashed looks the same;
    the warning says to remove it then."""
    text, name = str(workbook), workbook.name
    folder = text[: len(text) - len(name)]  # (with its separator; a look costs 0.3 µs, not 1)
    for lock, program in ((f".~lock.{name}#", "LibreOffice Calc"), (f"~${name}", "Excel")):
        if os.access(folder + lock, os.F_OK) and os.path.isfile(folder + lock):
            try:
                saved = os.stat(workbook).st_mtime
            except OSError:  # (the reading says what is wrong with it)
                return
            problem = Problem(
                f"sổ đang mở trong {program} (có tệp khóa '{lock}' bên cạnh): báo cáo lấy số "
                f"liệu của bản đã lưu lúc {local_time(saved)}, "
                "không có những gì gõ sau lần lưu đó. Nếu đã gõ thêm, hãy lưu sổ (Ctrl+S, hay "
                "File → Save trong Excel và LibreOffice Calc) rồi chạy lại; nếu sổ không còn "
                "mở ở đâu, hãy xóa tệp khóa đó",
                file=str(workbook),
                code="workbook.open_elsewhere",
            )
            warnings.warn(BdtDocxWarning(problem), stacklevel=3)
            return


def local_time(when: float, seconds: bool = False) -> str:
    """A file's time (``st_mtime``) as a clerk reads it: ``09:41 ngày 07/06/2021`` (with
    ``seconds``: ``09:41:05 ngày 07/06/2021``, for two times that may share a minute)."""
    shape = "%H:%M:%S ngày %d/%m/%Y" if seconds else "%H:%M ngày %d/%m/%Y"
    return time.strftime(shape, time.localtime(when))


def _read(path: Path, prepared: PreparedTemplate, shown_as: Path) -> dict[str, Any]:
    reader = OdsWorkbook if path.suffix.lower() in ODS_SUFFIXES else Workbook
    with reader(path, shown_as=shown_as) as workbook:
        return read_context(workbook, prepared.fields)


def render_report(
    context: Mapping[str, Any],
    template: PathLike | PreparedTemplate | None = None,
    output: PathLike = "bao_cao.docx",
    *,
    overwrite: bool = False,
) -> Path:
    """Render ``context`` into ``template`` and write the report to ``output``.

    With a field description (the shipped template's, or any template's .toml), ``context``
    is checked against it exactly as :func:`read_workbook` checks a workbook (types, required
    values, bounds such as "không được lớn hơn tổng số", list lengths; ``"25"`` becomes 25
    and ``"09/06/2021"`` a date). A template without one takes the values as docxtpl does
    (but pandas' blanks, NaN, NaT and NA, where it prints them); only the variables it needs
    must be there. What does not fit raises
    :class:`~bdt_docx.ContextError`, each problem naming its field. Nothing is written when
    anything fails; an existing ``output`` is replaced only with ``overwrite=True``. Returns
    the report's path.
    """
    context = mapping_argument(context, "render_report", "context")
    overwrite = flag_argument(overwrite, "render_report", "overwrite")
    destination = path_argument(output, "render_report", "output")
    prepared = template_argument(template, "render_report")
    _report_destination(destination, overwrite, template=prepared.path)
    report = _write(prepared, check_context(context, prepared.fields), destination, overwrite)
    _warn_stale_pdf(report)
    return report


def _write(
    prepared: PreparedTemplate, context: Mapping[str, Any], destination: Path, overwrite: bool
) -> Path:
    """Render a checked context and write the report."""
    parts = render_parts(prepared, context)
    return write_package(parts, destination, overwrite=overwrite)


def fill_report(
    xlsx: PathLike,
    template: PathLike | PreparedTemplate | None = None,
    output: PathLike | None = None,
    *,
    overwrite: bool = False,
    pdf: bool = False,
    just_saved: bool = False,
) -> Path:
    """Fill the template from the workbook ``xlsx`` and write the report.

    With no ``output`` the report goes beside the workbook as ``<workbook stem>.docx``.
    With ``pdf=True`` a PDF with the same stem is also made through LibreOffice; if that
    fails the docx is kept and :class:`~bdt_docx.ConversionError` says so (its ``report``).
    ``just_saved``: as :func:`read_workbook` takes it. Returns the docx path.
    """
    workbook = path_argument(xlsx, "fill_report", "xlsx")
    overwrite = flag_argument(overwrite, "fill_report", "overwrite")
    pdf = flag_argument(pdf, "fill_report", "pdf")
    just_saved = flag_argument(just_saved, "fill_report", "just_saved")
    destination = (
        workbook.with_suffix(".docx")
        if output is None
        else path_argument(output, "fill_report", "output")
    )
    # the template first: a broken one is said before an existing report, which the clerk
    # would otherwise be told to overwrite only to learn then that the template is wrong
    prepared = template_argument(template, "fill_report")
    _not_a_document(workbook)
    report_destination(workbook, destination, overwrite, template=prepared.path)
    if pdf:
        try:
            check_destination(destination.with_suffix(".pdf"), overwrite)
        except OutputError as exc:
            raise exc.about("tệp PDF") from exc
    if not just_saved:  # (said here, so that the warning points at the caller's line)
        _warn_if_open(workbook)
    context = read_workbook(workbook, prepared, just_saved=True)
    report = _write(prepared, context, destination, overwrite)
    if not pdf:
        _warn_stale_pdf(report)
        return report
    from bdt_docx.pdf import convert_to_pdf, without_stale_pdf

    try:
        convert_to_pdf(report, overwrite=overwrite)
    except (ConversionError, OutputError) as exc:  # the PDF failed; the docx stays
        failure = ConversionError(exc.problems, exc.file)
        if overwrite:  # the PDF there, if any, is the previous report's
            failure = without_stale_pdf(report, failure)
        failure.report = report
        raise failure from exc
    except KeyboardInterrupt as stop:  # Ctrl+C: the report is written, its PDF is not
        stopped = stopped_before_pdf(report, overwrite)
        stopped.report = report  # type: ignore[attr-defined]  # a ConversionError
        stop.pdf_failure = stopped  # type: ignore[attr-defined]  # read by the command
        raise
    return report


def stopped_before_pdf(report: Path, overwrite: bool) -> BdtDocxError:
    """Ctrl+C came once ``report`` was written, before its PDF: the error saying so (and,
    with ``overwrite``, that the previous report's PDF, which no longer matches, is removed)."""
    from bdt_docx.pdf import without_stale_pdf

    error = ConversionError(
        "đã dừng theo yêu cầu (Ctrl+C) trước khi tạo PDF", report, code="pdf.interrupted"
    )
    return without_stale_pdf(report, error) if overwrite else error


def _warn_stale_pdf(report: Path) -> None:
    """Warn when the report just written has beside it a PDF of the previous one."""
    from bdt_docx.pdf import stale_pdf

    problem = stale_pdf(report)
    if problem is not None:
        warnings.warn(BdtDocxWarning(problem), stacklevel=3)


def report_destination(
    workbook: Path,
    destination: Path,
    overwrite: bool,
    folders: Folders | None = None,
    template: Path | None = None,
) -> None:
    """Refuse a ``destination`` the report of ``workbook`` may not be written at: it must be
    a ``.docx`` path the caller is allowed to (re)write that is not the workbook itself
    (nor a link to it), nor the ``template``. ``folders``: as
    :func:`~bdt_docx.output.check_destination` takes it.
    """
    found = _report_destination(destination, overwrite, folders, template)
    if found is not None and _is_file(workbook, found):
        raise OutputError(
            "báo cáo không được ghi đè lên chính sổ Excel", destination, code="output.is_workbook"
        )


def _is_file(path: Path, found: os.stat_result) -> bool:
    """True when ``path`` is the file ``found`` describes (the same file through a link)."""
    try:
        return os.path.samestat(os.stat(path), found)
    except OSError:
        return False


def _same_file(path: Path, other: Path) -> bool:
    """True when ``path`` and ``other`` are one file."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _report_destination(
    destination: Path,
    overwrite: bool,
    folders: Folders | None = None,
    template: Path | None = None,
) -> os.stat_result | None:
    """Refuse a path a report may not be written at: it must be a ``.docx`` path the caller
    is allowed to (re)write, not the ``template`` (a report written over it loses it: a
    workbook and its template of one name side by side, thi_dua.xlsx and thi_dua.docx).
    What is there (its ``os.stat``), ``None`` when nothing is."""
    if destination.suffix.lower() != ".docx" and not destination.is_dir():
        raise OutputError("tên tệp báo cáo phải có đuôi .docx", destination, code="output.suffix")
    if (
        template is not None
        and destination.name.casefold() == template.name.casefold()  # (a stat only then)
        and _same_file(destination, template)
    ):
        raise OutputError(
            "báo cáo không được ghi đè lên chính tệp mẫu (báo cáo trùng tên với mẫu); hãy "
            "chọn tên khác cho báo cáo, hoặc đổi tên tệp mẫu",
            destination,
            code="output.is_template",
        )
    try:
        found = check_destination(destination, overwrite, folders)
    except OutputError as exc:
        if exc.problems[0].code != "output.is_folder":
            raise
        raise OutputError(
            "đây là một thư mục; hãy cho tên tệp báo cáo trong thư mục đó (…/bao_cao.docx)",
            destination,
            code="output.is_folder",
        ) from None
    return found
