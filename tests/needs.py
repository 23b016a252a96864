"""Tools some tests need: optional on a developer's machine, required in CI (``CI=true``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bdt_docx.libreoffice import find_soffice, soffice_environment

#: Said when a test not marked ``slow`` tries to start LibreOffice (see ``conftest.py``).
NOT_SLOW = (
    "kiểm thử này chạy LibreOffice mà không đánh dấu @pytest.mark.slow "
    '(pytest -m "not slow" phải chạy được không cần LibreOffice)'
)
#: The stand-in ``soffice`` that tests not marked ``slow`` see (set by ``conftest.py``).
REFUSING_SOFFICE: Path | None = None


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
    """The LibreOffice program, under the rule of :func:`require_program`; a test that is
    not marked ``slow`` fails here (it sees :data:`REFUSING_SOFFICE`)."""
    found = find_soffice()
    if found is not None and found == REFUSING_SOFFICE:
        pytest.fail(NOT_SLOW, pytrace=False)
    return require_program("LibreOffice (soffice)", found)


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


def require_uno_python(soffice: Path) -> Path:
    """A Python that can ``import uno``: LibreOffice's own, or the system's (Debian's
    ``/usr/bin/python3`` with python3-uno), under the rule of :func:`require_program`."""
    program = soffice.resolve().parent
    candidates = [program / "python.exe", program / "python", Path("/usr/bin/python3")]
    for candidate in candidates:
        if candidate.is_file():
            check = subprocess.run(
                [str(candidate), "-c", "import uno"],
                capture_output=True,
                env=soffice_environment(),
                timeout=60,
                check=False,
            )
            if check.returncode == 0:
                return candidate
    return require_program("python3 có mô-đun uno (python3-uno)", None)
