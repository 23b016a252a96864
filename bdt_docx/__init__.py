"""bdt_docx: fill the official Báo cáo (Nghị định 30/2020/NĐ-CP) from an Excel workbook.

The flow, one module per stage::

    workbook.py   read what the workbook's defined names and tables point at
    validate.py   check it against the template's fields → the render context
    template.py   prepare the template once (docxtpl cleaning, sandboxed Jinja)
    render.py     render the context into the report's parts
    output.py     write the report atomically

:mod:`bdt_docx.api` joins them (:func:`fill_report`, :func:`read_workbook`,
:func:`render_report`), :mod:`bdt_docx.batch` runs many (:func:`fill_reports`),
:mod:`bdt_docx.checker` checks a report against ND30 (:func:`check`); the ``bdt-docx`` command
is a thin layer over them.

The public names are imported lazily, so that ``import bdt_docx`` (and ``bdt-docx --help``)
stays fast: docxtpl and lxml load only when a report is made; ``dir(bdt_docx)`` lists them
all the same.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "fill_report": "bdt_docx.api",
    "read_workbook": "bdt_docx.api",
    "render_report": "bdt_docx.api",
    "fill_reports": "bdt_docx.batch",
    "find_workbooks": "bdt_docx.batch",
    "BatchResult": "bdt_docx.batch",
    "Failure": "bdt_docx.batch",
    "check": "bdt_docx.checker",
    "prepare_template": "bdt_docx.template",
    "default_template": "bdt_docx.template",
    "embed_description": "bdt_docx.template",
    "PreparedTemplate": "bdt_docx.template",
    "BdtDocxError": "bdt_docx.errors",
    "BdtDocxWarning": "bdt_docx.errors",
    "ContextError": "bdt_docx.errors",
    "WorkbookError": "bdt_docx.errors",
    "TemplateError": "bdt_docx.errors",
    "OutputError": "bdt_docx.errors",
    "ConversionError": "bdt_docx.errors",
    "Problem": "bdt_docx.errors",
}

__all__ = [
    "BatchResult",
    "BdtDocxError",
    "BdtDocxWarning",
    "ContextError",
    "ConversionError",
    "Failure",
    "OutputError",
    "PreparedTemplate",
    "Problem",
    "TemplateError",
    "WorkbookError",
    "__version__",
    "check",
    "default_template",
    "embed_description",
    "fill_report",
    "fill_reports",
    "find_workbooks",
    "prepare_template",
    "read_workbook",
    "render_report",
]

if TYPE_CHECKING:  # pragma: no cover
    from bdt_docx.api import fill_report, read_workbook, render_report
    from bdt_docx.batch import BatchResult, Failure, fill_reports, find_workbooks
    from bdt_docx.checker import check
    from bdt_docx.errors import (
        BdtDocxError,
        BdtDocxWarning,
        ContextError,
        ConversionError,
        OutputError,
        Problem,
        TemplateError,
        WorkbookError,
    )
    from bdt_docx.template import (
        PreparedTemplate,
        default_template,
        embed_description,
        prepare_template,
    )


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bdt_docx' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API (imported lazily, so not yet in the module's namespace) and the
    module's double-underscore attributes; not the submodules or what it imports."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
