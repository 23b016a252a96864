"""Test settings shared by every module: LibreOffice only in tests marked ``slow``; no
thread started by numpy.

Tests that start LibreOffice (a PDF, an .xls, Calc typing through UNO, the macros) take a
large part of the suite's time, so they carry ``@pytest.mark.slow`` and
``pytest -m "not slow"`` runs the others alone. So that no test starts LibreOffice without
the marker, every other test (its fixtures and the commands it runs included) sees
``BDT_DOCX_SOFFICE`` set to a stand-in that refuses to run (:data:`needs.REFUSING_SOFFICE`),
and :func:`needs.require_libreoffice` fails it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# openpyxl, which the tests use to build workbooks, imports numpy where it is installed, and
# numpy's OpenBLAS starts a thread: a batch then writes through threads, never through the
# writer process that ``bdt-docx fill`` (which imports neither) forks from a process with no
# other thread (bdt_docx/finisher.py). Without that thread, the tests take the command's path.
for _blas in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_blas, "1")

import needs  # noqa: E402
import pytest  # noqa: E402

from bdt_docx.libreoffice import SOFFICE_ENV  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    if sys.platform == "win32":
        return
    folder = Path(tempfile.mkdtemp(prefix="bdt-docx-not-slow-"))
    script = folder / "soffice"
    script.write_text(f"#!/bin/sh\necho '{needs.NOT_SLOW}' >&2\nexit 70\n", encoding="utf-8")
    script.chmod(0o755)
    needs.REFUSING_SOFFICE = script


def pytest_unconfigure(config: pytest.Config) -> None:
    if needs.REFUSING_SOFFICE is not None:
        shutil.rmtree(needs.REFUSING_SOFFICE.parent, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Around a test not marked ``slow`` (setup, call and teardown), LibreOffice refuses."""
    if needs.REFUSING_SOFFICE is None or item.get_closest_marker("slow") is not None:
        yield
        return
    saved = os.environ.get(SOFFICE_ENV)
    os.environ[SOFFICE_ENV] = str(needs.REFUSING_SOFFICE)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(SOFFICE_ENV, None)
        else:
            os.environ[SOFFICE_ENV] = saved
