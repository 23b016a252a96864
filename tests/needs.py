"""Tools some tests need: optional on a developer's machine, required in CI (``CI=true``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bdt_docx import pdf


def require_program(name: str, found: str | os.PathLike[str] | None) -> Path:
    """Return ``found``; without it skip the test, or fail it when ``CI=true``.

    On a developer's machine LibreOffice is optional; on CI it must be installed, so a test
    that would silently skip there fails instead.
    """
    if found:
        return Path(found)
    message = f"{name} không có trên máy này"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{message}, mà CI=true đòi hỏi phải có", pytrace=False)
    pytest.skip(message)


def require_libreoffice() -> Path:
    """The LibreOffice program, under the rule of :func:`require_program`."""
    return require_program("LibreOffice (soffice)", pdf.find_soffice())


def shared_real(name: str) -> Path:
    """The folder ``shared/real/<name>`` of public real files, read in place, never copied.

    It is looked for in ``$BDT_DOCX_SHARED`` (the ``shared`` folder), beside the checkout
    (``../shared``), and at ``/work/shared``. The files are not part of the repository, so a
    machine without them skips the test, even in CI, saying where it looked.
    """
    root = Path(__file__).resolve().parents[1]
    candidates = [Path(p) for p in [os.environ.get("BDT_DOCX_SHARED", "")] if p]
    candidates += [root.parent / "shared", Path("/work/shared")]
    for base in candidates:
        folder = base / "real" / name
        if folder.is_dir():
            return folder
    pytest.skip(f"không có thư mục real/{name} ở: " + ", ".join(map(str, candidates)))
