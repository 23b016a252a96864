"""Errors: one base class, a subclass per stage, and the problems they carry.

Every error a user can cause is a :class:`BdtDocxError`. Its message is Vietnamese and names
the file and, where there is one, the field, its sheet and its cell. A workbook with several
faults raises one :class:`WorkbookError` that lists them all in :attr:`BdtDocxError.problems`,
so a program can show them as a list and a person reads them in one go.
"""

from __future__ import annotations

import errno
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

__all__ = [
    "BdtDocxError",
    "BdtDocxWarning",
    "ContextError",
    "ConversionError",
    "DocumentError",
    "OutputError",
    "Problem",
    "TemplateError",
    "WorkbookError",
    "collect_warnings",
    "os_reason",
]


@dataclass(frozen=True)
class Problem:
    """One thing to fix, and where it is.

    ``message`` says what is wrong, in Vietnamese; ``field`` is the name in the template's
    contract (a defined name, a table, or ``table.column``); ``sheet`` and ``cell`` the place
    in the workbook (``B7``); ``file`` the workbook, template or output concerned.
    """

    message: str
    field: str | None = None
    sheet: str | None = None
    cell: str | None = None
    file: str | None = None

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

    def __str__(self) -> str:
        place = self.where()
        return f"{place}: {self.message}" if place else self.message

    def to_dict(self) -> dict[str, str | None]:
        """The problem as a plain dict (``file``, ``field``, ``sheet``, ``cell``, ``message``)."""
        return asdict(self)


class BdtDocxError(Exception):
    """Base of every error bdt_docx raises for a problem a user can fix.

    ``str(error)`` is the whole Vietnamese message; :attr:`problems` holds each problem as a
    :class:`Problem` record and :attr:`file` the file it is about.
    """

    #: What the message opens with, before the file name.
    summary = "Lỗi"

    def __init__(
        self,
        problems: str | Problem | list[Problem],
        file: str | Path | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.file = str(file) if file is not None else None
        self.problems: list[Problem] = [
            p if p.file or self.file is None else replace(p, file=self.file) for p in problems
        ]
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.summary} ({self.file})" if self.file else self.summary
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        lines = [f"{head}: {len(self.problems)} lỗi cần sửa:"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[BdtDocxError], tuple[list[Problem], str | None]]:
        """Pickle as ``(problems, file)``, so that an error raised in a worker process
        comes back as the same class, problems and message."""
        return (type(self), (self.problems, self.file))


class WorkbookError(BdtDocxError):
    """The workbook cannot be read, or its data do not fit the template's fields."""

    summary = "Lỗi trong sổ Excel"


class ContextError(BdtDocxError):
    """The data given to :func:`~bdt_docx.render_report` do not fit the template's fields.

    The same checks as a workbook's (types, required values, bounds, list lengths), on a
    context a program built: each problem names its field, and in a list the row (from 1).
    """

    summary = "Lỗi trong dữ liệu điền báo cáo"


class TemplateError(BdtDocxError):
    """The template cannot be read, is broken, or asks for something no workbook provides."""

    summary = "Lỗi trong mẫu báo cáo"


class DocumentError(BdtDocxError):
    """The file to check is not a readable .docx.

    Not a zip (a .txt, an old .doc), a package without a Word body (an .xlsx), a broken,
    encrypted or oversized part, or XML that is malformed or declares a ``<!DOCTYPE``.
    Also available as :class:`bdt_docx.checker.DocumentError`.
    """

    summary = "Không đọc được tệp .docx"


class OutputError(BdtDocxError):
    """A file cannot be written where it was asked (exists, locked, no folder, no right).

    ``what`` names the file for the clerk: the report unless told otherwise (``"sổ Excel"``
    for ``bdt-docx init``, ``"tệp kết quả"`` for ``--result``…).
    """

    def __init__(
        self,
        problems: str | Problem | list[Problem],
        file: str | Path | None = None,
        what: str = "báo cáo",
    ) -> None:
        self.what = what
        super().__init__(problems, file)

    @property
    def summary(self) -> str:  # type: ignore[override]
        return f"Không ghi được {self.what}"

    def __reduce__(self) -> tuple[type[OutputError], tuple[list[Problem], str | None, str]]:
        return (type(self), (self.problems, self.file, self.what))

    def about(self, what: str) -> OutputError:
        """The same error, told about ``what`` (``"sổ Excel"``) rather than a report."""
        return OutputError(self.problems, self.file, what)


class ConversionError(BdtDocxError):
    """LibreOffice is missing or failed to convert a file (to PDF, or a workbook to .xlsx)."""

    summary = "Không chuyển đổi được tệp"
    #: The report (.docx) that was written and kept when only its PDF failed.
    report: Path | None = None


class BdtDocxWarning(UserWarning):
    """Something was fixed on the way that a clerk should check (not an error).

    Emitted with :func:`warnings.warn`; :attr:`problem` says what and where (field, sheet,
    cell), e.g. a cell typed in the legacy TCVN3 encoding that was converted to Unicode.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


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
