"""The macros that run ``bdt-docx`` from a spreadsheet program, and their installation.

Two macros are kept, one copy each, in ``examples/macros/`` of the source tree:

- ``bdt_docx_libreoffice.py``: a LibreOffice Calc macro (Python), installed into the user's
  LibreOffice profile by :func:`install_libreoffice_macro` (``bdt-docx install-macro``);
- ``bdt_docx_excel.bas``: an Excel VBA module the clerk imports (File → Import File…).

:func:`macro_file` finds them in an installed package (as the package data
``bdt_docx.macro_files``, when ``pyproject.toml`` maps that package to ``examples/macros``)
or, from a source checkout, in ``examples/macros/``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from importlib import resources
from pathlib import Path

from bdt_docx.errors import MacroError, OutputError, os_reason
from bdt_docx.output import write_bytes

__all__ = [
    "EXCEL_MACRO",
    "LIBREOFFICE_MACRO",
    "install_libreoffice_macro",
    "libreoffice_profile_dir",
    "macro_file",
]

#: File name of the LibreOffice Calc macro (also its module name in LibreOffice).
LIBREOFFICE_MACRO = "bdt_docx_libreoffice.py"
#: File name of the Excel VBA module.
EXCEL_MACRO = "bdt_docx_excel.bas"
#: Package the macros are shipped in, when installed (see the module docstring).
MACRO_PACKAGE = "bdt_docx.macro_files"

_CHECKOUT_FOLDER = Path(__file__).resolve().parent.parent / "examples" / "macros"


def macro_file(name: str = LIBREOFFICE_MACRO) -> Path:
    """The path of the macro file ``name`` (:data:`LIBREOFFICE_MACRO` or :data:`EXCEL_MACRO`).

    Looks in the installed package data first, then in ``examples/macros/`` of a checkout.
    Raises :class:`~bdt_docx.errors.MacroError` when neither has it.
    """
    try:
        shipped = importlib.util.find_spec(MACRO_PACKAGE) is not None
    except ModuleNotFoundError:
        shipped = False
    if shipped:
        candidate = Path(str(resources.files(MACRO_PACKAGE).joinpath(name)))
        if candidate.is_file():
            return candidate
    candidate = _CHECKOUT_FOLDER / name
    if candidate.is_file():
        return candidate
    raise MacroError(
        f"tệp macro {name} không có trong bản cài bdt_docx này; hãy cài lại bdt_docx, hoặc "
        "lấy tệp trong thư mục examples/macros của mã nguồn",
        name,
        code="macro.missing",
    )


def libreoffice_profile_dir() -> Path:
    """The current user's LibreOffice profile folder (the one holding ``user/``).

    Windows ``%APPDATA%\\LibreOffice\\4``, macOS
    ``~/Library/Application Support/LibreOffice/4``, otherwise
    ``$XDG_CONFIG_HOME/libreoffice/4`` (``~/.config/libreoffice/4``).
    """
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        base = Path(appdata) if appdata else Path.home() / "AppData" / "Roaming"
        return base / "LibreOffice" / "4"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "LibreOffice" / "4"
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "libreoffice" / "4"


def install_libreoffice_macro(profile_dir: Path | None = None) -> Path:
    """Copy the LibreOffice macro into ``<profile>/user/Scripts/python/``; return its path.

    ``profile_dir`` is the profile folder (the one holding ``user/``, as given to
    ``-env:UserInstallation``), or its ``user`` folder itself; by default the current user's
    (:func:`libreoffice_profile_dir`). An older copy of the macro is replaced. Raises
    :class:`~bdt_docx.OutputError` when the folder cannot be written.
    """
    profile = Path(profile_dir) if profile_dir is not None else libreoffice_profile_dir()
    user = profile if profile.name == "user" else profile / "user"
    folder = user / "Scripts" / "python"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"không tạo được thư mục macro ({os_reason(exc)}). Hãy đóng LibreOffice, "
            "kiểm tra quyền ghi vào hồ sơ LibreOffice rồi thử lại",
            folder,
            "macro",
            code="output.folder_not_created",
        ) from exc
    source = macro_file(LIBREOFFICE_MACRO)
    try:
        return write_bytes(source.read_bytes(), folder / LIBREOFFICE_MACRO, overwrite=True)
    except OutputError as exc:
        raise exc.about("macro") from exc
