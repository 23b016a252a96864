"""Errors as data: one base class, a subclass per stage, and the problems they carry.

Every error a user can cause is a :class:`BdtDocxError`. It carries :class:`Problem`
records, each with a stable :attr:`Problem.code` (``output.exists``, ``value.blank``…,
listed in ``docs/errors.md``) a program can branch on, a Vietnamese message and its place
(file, field, sheet, cell); the error class gives the command's exit code. A workbook with
several faults raises one :class:`WorkbookError` that lists them all.

The text is built when it is shown: ``str(error)`` is the message for a Python caller, with
the hints of :data:`HINTS` (how to fix it in the API's words); the command shows the same
problems with its own hints (``dùng --overwrite``), so the library never speaks of
command-line options.
"""

from __future__ import annotations

import errno
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

__all__ = [
    "HINTS",
    "NOTES",
    "BdtDocxError",
    "BdtDocxWarning",
    "ContextError",
    "ConversionError",
    "DocumentError",
    "MacroError",
    "OutputError",
    "Problem",
    "TemplateError",
    "UsageError",
    "WorkbookError",
    "collect_warnings",
    "os_reason",
]

#: How to fix a problem of these codes, in the words of the Python API; appended to the
#: message by ``str()``. The command has its own (``bdt_docx.cli``).
HINTS: dict[str, str] = {
    "output.exists": "cho overwrite=True để ghi đè, hoặc chọn tên khác",
    "output.kept_stale": "cho overwrite=True để tạo lại",
    "pdf.stale": "hãy tạo lại bằng pdf=True hoặc xóa nó",
    "template.unknown_column": "tên cột trong thẻ phải đúng như trong mô tả trường của mẫu",
    "unknown-variable": "embed_description(mẫu, tệp .toml) lưu mô tả trường vào mẫu",
    "workbook.is_document": "mẫu báo cáo .docx là đối số template",
    "workbook.is_folder": "các sổ trong một thư mục: find_workbooks(thư mục), rồi fill_reports",
}


@dataclass(frozen=True)
class Problem:
    """One thing to fix, and where it is.

    ``message`` says what is wrong, in Vietnamese; ``field`` is the name in the template's
    contract (a defined name, a table, or ``table.column``); ``sheet`` and ``cell`` the place
    in the workbook (``B7``); ``file`` the workbook, template or output concerned; ``code``
    what kind of problem it is, stable across versions (``docs/errors.md``).
    """

    message: str
    field: str | None = None
    sheet: str | None = None
    cell: str | None = None
    file: str | None = None
    code: str | None = None

    def where(self) -> str:
        """The place as a clerk reads it: ``trang tính 'Số liệu', ô B7 (tong_so_nguoi)``."""
        parts = []
        if self.sheet:
            parts.append(f"trang tính '{self.sheet}'")
        if self.cell:
            parts.append(f"ô {self.cell}")
        place = ", ".join(parts)
        if self.field:
            place = f"{place} ({self.field})" if place else self.field
        return place

    def says(self, hints: Mapping[str, str] | None = None) -> str:
        """The message, followed by the hint ``hints`` (:data:`HINTS` by default) has for
        the problem's code."""
        hint = (HINTS if hints is None else hints).get(self.code or "")
        return f"{self.message}; {hint}" if hint else self.message

    def shown(self, hints: Mapping[str, str] | None = None) -> str:
        """The problem as a line: the place, then what it :meth:`says` with ``hints``."""
        place = self.where()
        return f"{place}: {self.says(hints)}" if place else self.says(hints)

    def __str__(self) -> str:
        return self.shown()

    def to_dict(self, hints: Mapping[str, str] | None = None) -> dict[str, str | None]:
        """The problem as a plain dict (``message``, ``field``, ``sheet``, ``cell``,
        ``file``, ``code``; the message is what it :meth:`says` with ``hints``)."""
        return {**asdict(self), "message": self.says(hints)}


#: Codes of what an error tells beside the problems, done on the way (not a fault to fix).
NOTES = frozenset({"pdf.stale_removed", "tracked-changes"})


class BdtDocxError(Exception):
    """Base of every error bdt_docx raises for a problem a user can fix.

    :attr:`problems` holds each problem as a :class:`Problem` record and :attr:`file` the
    file it is about; ``str(error)`` is the whole Vietnamese message, built from them
    (:meth:`shown`). A problem given without a code gets ``code``, or else the class's
    :attr:`default_code`.
    """

    #: What the message opens with, before the file name.
    summary = "Lỗi"
    #: The exit code of ``bdt-docx`` for this error (1: unexpected, tell the IT staff).
    exit_code = 1
    #: The code of a problem raised without one.
    default_code = "error"

    def __init__(
        self,
        problems: str | Problem | list[Problem],
        file: str | Path | None = None,
        *,
        code: str | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.file = str(file) if file is not None else None
        fallback = code or self.default_code
        self.problems: list[Problem] = [
            replace(p, file=p.file or self.file, code=p.code or fallback) for p in problems
        ]
        super().__init__()

    def shown(self, hints: Mapping[str, str] | None = None) -> str:
        """The whole message: the summary and file, then each problem (with ``hints``), then
        what was done on the way (:data:`NOTES`), which is not a problem to fix."""
        head = f"{self.summary} ({self.file})" if self.file else self.summary
        faults = [p for p in self.problems if p.code not in NOTES] or self.problems
        if len(faults) == 1:
            lines = [f"{head}: {faults[0].shown(hints)}"]
        else:
            lines = [f"{head}: {len(faults)} lỗi cần sửa:"]
            lines += [f"  {i}. {p.shown(hints)}" for i, p in enumerate(faults, 1)]
        lines += [f"Lưu ý: {p.shown(hints)}" for p in self.problems if p not in faults]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.shown()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.problems!r}, {self.file!r})"

    def __reduce__(self) -> tuple[type[BdtDocxError], tuple[list[Problem], str | None]]:
        """Pickle as ``(problems, file)``, so that an error raised in a worker process
        comes back as the same class, problems and message."""
        return (type(self), (self.problems, self.file))


class WorkbookError(BdtDocxError):
    """The workbook cannot be read, or its data do not fit the template's fields."""

    summary = "Lỗi trong sổ Excel"
    exit_code = 3
    default_code = "workbook"


class ContextError(BdtDocxError):
    """The data given to :func:`~bdt_docx.render_report` do not fit the template's fields.

    The same checks as a workbook's (types, required values, bounds, list lengths), on a
    context a program built: each problem names its field, and in a list the row (from 1).
    """

    summary = "Lỗi trong dữ liệu điền báo cáo"
    default_code = "context"


class TemplateError(BdtDocxError):
    """The template cannot be read, is broken, or asks for something no workbook provides."""

    summary = "Lỗi trong mẫu báo cáo"
    exit_code = 4
    default_code = "template"


class DocumentError(BdtDocxError):
    """The file to check is not a readable .docx.

    Not a zip (a .txt, an old .doc), a package without a Word body (an .xlsx), a broken,
    encrypted or oversized part, or XML that is malformed or declares a ``<!DOCTYPE``.
    Also available as :class:`bdt_docx.checker.DocumentError`.
    """

    summary = "Không đọc được tệp .docx"
    exit_code = 3
    default_code = "document"


class OutputError(BdtDocxError):
    """A file cannot be written where it was asked (exists, locked, no folder, no right).

    ``what`` names the file for the clerk: the report unless told otherwise (``"sổ Excel"``
    for ``bdt-docx init``, ``"tệp kết quả"`` for ``--result``…).
    """

    exit_code = 5
    default_code = "output"

    def __init__(
        self,
        problems: str | Problem | list[Problem],
        file: str | Path | None = None,
        what: str = "báo cáo",
        *,
        code: str | None = None,
    ) -> None:
        self.what = what
        super().__init__(problems, file, code=code)

    @property
    def summary(self) -> str:  # type: ignore[override]
        """``Không ghi được`` and what: ``Không ghi được sổ Excel``."""
        return f"Không ghi được {self.what}"

    def __reduce__(self) -> tuple[type[OutputError], tuple[list[Problem], str | None, str]]:
        return (type(self), (self.problems, self.file, self.what))

    def about(self, what: str) -> OutputError:
        """The same error, told about ``what`` (``"sổ Excel"``) rather than a report."""
        return OutputError(self.problems, self.file, what)


class ConversionError(BdtDocxError):
    """LibreOffice is missing or failed to convert a file (to PDF, or a workbook to .xlsx)."""

    summary = "Không chuyển đổi được tệp"
    exit_code = 6
    default_code = "conversion"
    #: The report (.docx) that was written and kept when only its PDF failed.
    report: Path | None = None


class MacroError(BdtDocxError):
    """A macro file cannot be found (a broken installation)."""

    summary = "Không tìm thấy macro"
    default_code = "macro"


class UsageError(BdtDocxError):
    """``bdt-docx`` was given options that do not go together (``-o`` with ``-d``…): exit 2,
    like argparse's own usage errors, but with the JSON of ``--json`` and ``--result``."""

    summary = "Gõ lệnh sai"
    exit_code = 2
    default_code = "usage"


class BdtDocxWarning(UserWarning):
    """Something was fixed on the way that a clerk should check (not an error).

    Emitted with :func:`warnings.warn`; :attr:`problem` says what and where (field, sheet,
    cell), e.g. a cell typed in the legacy TCVN3 encoding that was converted to Unicode.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem if problem.code else replace(problem, code="warning")
        super().__init__(str(self.problem))


#: What the operating system said, in Vietnamese, for the errors a clerk meets.
_OS_REASONS = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không có quyền",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EISDIR: "đây là một thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EBUSY: "tệp đang được chương trình khác dùng",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
    errno.EEXIST: "đã có một tệp hay thư mục cùng tên",
}
#: Windows' own error numbers: a file open in another program, a network drive gone.
_WINDOWS_REASONS = {32: "tệp đang mở trong chương trình khác", 53: "không thấy ổ mạng"}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Vietnamese where the error is a common one
    (the system's own words otherwise: they are in the system's language)."""
    reason = _WINDOWS_REASONS.get(getattr(exc, "winerror", None) or 0) or _OS_REASONS.get(
        exc.errno or 0
    )
    return reason or exc.strerror or str(exc)


@contextmanager
def collect_warnings() -> Iterator[list[Problem]]:
    """Collect the :class:`BdtDocxWarning` problems raised inside the ``with`` block.

    The list it yields is filled when the block ends (even when it raises).
    """
    found: list[Problem] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BdtDocxWarning)
        try:
            yield found
        finally:
            found.extend(w.message.problem for w in caught if isinstance(w.message, BdtDocxWarning))
