"""What a sub-command of ``bdt-docx`` did (:class:`Outcome`), the exit codes, and the
command's hints (its words for how to fix a problem, by the problem's code)."""

from __future__ import annotations

from typing import Any

from bdt_docx.errors import (
    BdtDocxError,
    ConversionError,
    OutputError,
    Problem,
    TemplateError,
    UsageError,
    WorkbookError,
)

__all__ = ["EXIT_CODES", "HINTS", "Outcome"]


#: Exit codes, as documented in the README and ``--help`` (an error's is its class's).
EXIT_CODES = {
    "done": 0,
    "unexpected": BdtDocxError.exit_code,
    "usage": UsageError.exit_code,
    "workbook": WorkbookError.exit_code,
    "template": TemplateError.exit_code,
    "output": OutputError.exit_code,
    "pdf": ConversionError.exit_code,
    "violation": 7,
    "interrupted": 130,
}

#: How to fix a problem of these codes, in the command's words (shown in place of the
#: Python API's, :data:`bdt_docx.errors.HINTS`, on stderr and in the JSON).
HINTS = {
    "output.exists": "dùng --overwrite để ghi đè, hoặc chọn tên khác",
    "output.kept_stale": "chạy lại với --overwrite để tạo lại",
    "pdf.stale": "hãy tạo lại bằng --pdf hoặc xóa nó",
    "template.unknown_column": (
        "tên cột trong thẻ phải đúng như trong mô tả trường (bdt-docx fields liệt kê các cột)"
    ),
    "unknown-variable": "bdt-docx fields -t MẪU.docx --embed MẪU.toml lưu mô tả trường vào mẫu",
    "workbook.is_document": "mẫu báo cáo .docx thì chỉ ra bằng -t MẪU.docx",
    "workbook.is_folder": "các sổ trong một thư mục: bdt-docx fill THƯ_MỤC",
}


class Outcome:
    """What a sub-command did: the exit code, files made, problems and a human message."""

    def __init__(self) -> None:
        self.code = 0
        self.output: str | None = None
        self.pdf: str | None = None
        self.errors: list[Problem] = []
        self.lines: list[str] = []
        self.extra: dict[str, Any] = {}
        #: True when the lines are the command's answer (a listing), printed on stdout
        #: whatever the exit code; otherwise they go to stderr on failure.
        self.listing = False
        #: Things fixed on the way that the clerk should check (legacy encodings…).
        self.warnings: list[Problem] = []
        #: Each warning is shown with its file (a batch's: which workbook it is about).
        self.warnings_name_file = False
        #: What stopped the command, when something did: Ctrl+C, or a request to end
        #: (SIGTERM: ``timeout``, the system shutting down), which stops it the same way.
        self.stopped_by = "Ctrl+C"

    def fail(self, error: BdtDocxError, code: int | None = None) -> None:
        """Record an error (its class's exit code unless one is given) and its problems."""
        self.code = code if code is not None else error.exit_code
        self.errors.extend(error.problems)
        self.lines.append(error.shown(HINTS))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``--json`` and ``--result``."""
        return {
            "ok": self.code == 0,
            "code": self.code,
            "output": self.output,
            "pdf": self.pdf,
            "errors": [p.to_dict(HINTS) for p in self.errors],
            "warnings": [p.to_dict(HINTS) for p in self.warnings],
            **self.extra,
        }
