"""Macro LibreOffice Calc: tạo Báo cáo (.docx) từ sổ đang mở, bằng lệnh ``bdt-docx``.

LibreOffice macro (Python) for Calc. Install it with ``bdt-docx install-macro`` (or copy this
file into ``<LibreOffice user profile>/user/Scripts/python/``), then run ``tao_bao_cao`` from
Tools → Macros → Run Macro… → My Macros → bdt_docx_libreoffice, or from a button.

What it does, for the current Calc document:

1. asks the clerk to save a workbook that was never saved, and offers to save changes;
2. for a workbook bdt-docx does not read (not .xlsx, .xlsm, .ods, .fods, .xls: a .csv),
   stores a temporary .xlsx copy of what is open;
3. runs ``bdt-docx fill WORKBOOK -o REPORT --result JSON`` (after asking, ``--overwrite``
   when the report exists; ``--just-saved`` unless the clerk chose not to save changes, so
   that bdt-docx does not warn that Calc has the workbook open), REPORT being
   ``<workbook stem>.docx`` beside the workbook;
4. reads the JSON result and shows the report's path with the warnings to look at (a date
   read from a month-first cell, hidden rows, TCVN3 text), or the errors (field, sheet, cell).

Where the ``bdt-docx`` command comes from — the ONE place to configure it
--------------------------------------------------------------------------
The first that gives something wins:

1. :data:`BDT_DOCX_CMD` just below (edit this file: a full path, e.g.
   ``r"C:\\Users\\ten\\AppData\\Roaming\\Python\\Python311\\Scripts\\bdt-docx.exe"``);
2. the environment variable ``BDT_DOCX_CMD`` (same meaning; it may also hold a command line
   such as ``C:\\Python311\\python.exe -m bdt_docx.cli``);
3. ``bdt-docx`` on ``PATH``;
4. the places ``pip install --user`` puts it: ``%APPDATA%\\Python\\Python3XX\\Scripts``
   and ``%LOCALAPPDATA%\\Programs\\Python\\Python3XX\\Scripts`` on Windows,
   ``~/.local/bin`` on Linux and macOS.

LibreOffice runs this file in its own Python, not the one bdt_docx is installed in: so the
macro never imports bdt_docx, it only runs the command. For automated tests, the environment
variable ``BDT_DOCX_MACRO_SILENT=1`` (set when LibreOffice starts) makes the macro write its
messages to the file ``BDT_DOCX_MACRO_LOG`` instead of showing them, and answer its questions
with ``BDT_DOCX_MACRO_ANSWER`` (``yes``, the default, or ``no``).

The pure logic (finding and building the command, turning the result into a message) is in
plain functions that take plain arguments, so that it can be tested without LibreOffice.
"""

from __future__ import annotations

import glob
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: Full path of the bdt-docx command; empty: environment variable BDT_DOCX_CMD, then PATH.
BDT_DOCX_CMD = ""
#: Seconds the command may run before it is stopped.
TIMEOUT_SECONDS = 300
#: Workbook formats bdt-docx reads (the saved file); others are first stored as a temporary
#: .xlsx of what is open.
DIRECT_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".fods", ".xls")
#: LibreOffice's filter writing .xlsx.
XLSX_FILTER = "Calc MS Excel 2007 XML"
TITLE = "Tạo báo cáo"

_PYTHON_VARIABLES = ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE")


# --- pure logic (no LibreOffice) -------------------------------------------------------------


def find_command(
    configured: str = "",
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    exists: Callable[[str], bool] = os.path.isfile,
) -> list[str] | None:
    """The bdt-docx command as an argument list, or ``None`` when it cannot be found.

    ``configured`` is :data:`BDT_DOCX_CMD`; then ``environ["BDT_DOCX_CMD"]``, ``PATH`` (via
    ``which``) and the usual ``pip install --user`` places. A configured value naming an
    existing file is one argument; otherwise it is split like a command line.
    """
    environ = os.environ if environ is None else environ
    for value in (configured, environ.get("BDT_DOCX_CMD", "")):
        value = (value or "").strip()
        if not value:
            continue
        if exists(value.strip('"')):
            return [value.strip('"')]
        parts = shlex.split(value, posix=os.name != "nt")
        parts = [p.strip('"') for p in parts]
        if parts and (exists(parts[0]) or which(parts[0])):
            return parts
        return None
    found = which("bdt-docx")
    if found:
        return [found]
    for pattern in _user_install_patterns(environ):
        matches = sorted(glob.glob(pattern), reverse=True)  # newest Python first
        if matches:
            return [matches[0]]
    return None


def _user_install_patterns(environ: Mapping[str, str]) -> list[str]:
    if os.name == "nt":
        patterns = []
        for variable, sub in (("APPDATA", "Python"), ("LOCALAPPDATA", r"Programs\Python")):
            base = environ.get(variable)
            if base:
                patterns.append(os.path.join(base, sub, "Python3*", "Scripts", "bdt-docx.exe"))
        return patterns
    home = environ.get("HOME") or os.path.expanduser("~")
    return [os.path.join(home, ".local", "bin", "bdt-docx")]


def report_path(workbook: str) -> str:
    """Where the report goes: ``<workbook stem>.docx`` beside the workbook."""
    return os.path.splitext(workbook)[0] + ".docx"


def build_command(
    command: Sequence[str],
    workbook: str,
    report: str,
    result_file: str,
    overwrite: bool = False,
    just_saved: bool = False,
) -> list[str]:
    """The full command line: ``bdt-docx fill WORKBOOK -o REPORT --result FILE``, with
    ``--just-saved`` when the saved workbook is what is open (saved just now, or unchanged):
    bdt-docx then does not warn that Calc has it open."""
    arguments = [*command, "fill", workbook, "-o", report, "--result", result_file]
    if overwrite:
        arguments.append("--overwrite")
    if just_saved:
        arguments.append("--just-saved")
    return arguments


def child_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the command: without LibreOffice's own Python settings.

    On Windows LibreOffice sets ``PYTHONHOME``/``PYTHONPATH`` for its bundled Python; passed
    on, they would break the Python bdt-docx runs in.
    """
    env = dict(os.environ if environ is None else environ)
    for name in _PYTHON_VARIABLES:
        env.pop(name, None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def read_result(path: str) -> dict[str, Any] | None:
    """The JSON object the command wrote to ``path`` (UTF-8), or ``None``."""
    try:
        with open(path, encoding="utf-8-sig") as stream:
            data = json.load(stream)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe_problem(problem: Mapping[str, Any]) -> str:
    """One error as a line: ``Trang tính 'Thông tin', ô B17 (tong_so_nguoi): …``."""
    where = []
    if problem.get("sheet"):
        where.append(f"trang tính '{problem['sheet']}'")
    if problem.get("cell"):
        where.append(f"ô {problem['cell']}")
    place = ", ".join(where)
    if problem.get("field"):
        place = f"{place} ({problem['field']})" if place else problem["field"]
    message = problem.get("message") or ""
    line = f"{place}: {message}" if place else message
    return "• " + line[:1].upper() + line[1:]


def result_message(
    data: Mapping[str, Any] | None,
    returncode: int | None = None,
    stderr: str = "",
    report: str | None = None,
) -> tuple[bool, str]:
    """Turn the command's result into ``(ok, text)`` for the clerk.

    ``data`` is the JSON result (``None`` if the command wrote none), ``returncode`` and
    ``stderr`` what the process left, ``report`` the report path asked for.
    """
    tail = (stderr or "").strip()[-800:]
    if data is None:
        text = f"Lệnh bdt-docx không chạy được (mã thoát {returncode})."
        if tail:
            text += "\n\nThông báo:\n" + tail
        return False, text
    code = data.get("code", returncode)
    problems = [p for p in data.get("errors") or [] if isinstance(p, dict)]
    lines = "\n".join(describe_problem(p) for p in problems)
    output = data.get("output") or report
    if data.get("ok"):
        text = f"Đã tạo báo cáo:\n{output}"
        if data.get("pdf"):
            text += f"\n\nvà bản PDF:\n{data['pdf']}"
        warnings = [p for p in data.get("warnings") or [] if isinstance(p, dict)]
        if warnings:
            text += "\n\nCảnh báo, hãy xem lại báo cáo trước khi gửi:\n" + "\n".join(
                describe_problem(p) for p in warnings
            )
        return True, text
    if code == 3:
        head = f"Sổ Excel có {len(problems)} lỗi cần sửa trước khi tạo báo cáo:"
        return False, head + "\n\n" + lines
    if code == 5:
        text = (
            f"Không ghi được báo cáo:\n{report}\n\nNếu báo cáo đang mở trong Word hoặc "
            "LibreOffice, hãy đóng nó rồi bấm lại nút. Cũng kiểm tra bạn có quyền ghi vào thư "
            "mục đó."
        )
        return False, text + ("\n\n" + lines if lines else "")
    if code == 4:
        return False, "Mẫu báo cáo có lỗi (hãy báo bộ phận IT):\n\n" + lines
    if code == 6:
        text = f"Đã tạo báo cáo {output} nhưng không chuyển được sang PDF:\n\n"
        return False, text + lines
    if code == 2:
        text = "Lệnh bdt-docx không nhận các tham số của macro (có thể là phiên bản cũ)."
    else:
        text = f"Lỗi không mong đợi (mã {code}). Hãy gửi thông báo này cho bộ phận IT."
    if lines:
        text += "\n\n" + lines
    if tail:
        text += "\n\n" + tail
    return False, text


def command_missing_message() -> str:
    """What to tell the clerk when the bdt-docx command cannot be found."""
    return (
        "Không tìm thấy lệnh bdt-docx.\n\n"
        "Hãy cài bdt_docx (xem hướng dẫn docs/windows-offline.md), hoặc ghi đường dẫn đầy "
        "đủ tới bdt-docx vào biến môi trường BDT_DOCX_CMD, hoặc sửa dòng BDT_DOCX_CMD ở "
        "đầu tệp macro bdt_docx_libreoffice.py."
    )


def run_command(
    arguments: Sequence[str],
    timeout: float = TIMEOUT_SECONDS,
    environ: Mapping[str, str] | None = None,
) -> tuple[int | None, str]:
    """Run ``arguments`` hidden; return ``(returncode, stderr)``; ``None`` code on timeout."""
    options: dict[str, Any] = {}
    if os.name == "nt":
        options["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)
    try:
        done = subprocess.run(
            arguments,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=child_environment(environ),
            timeout=timeout,
            check=False,
            **options,
        )
    except subprocess.TimeoutExpired:
        return None, f"Lệnh chạy quá {timeout:g} giây nên đã bị dừng."
    except OSError as exc:
        return 127, f"Không chạy được {arguments[0]}: {exc}"
    return done.returncode, done.stderr.decode("utf-8", "replace")


# --- LibreOffice side --------------------------------------------------------------------


def _silent() -> bool:
    return os.environ.get("BDT_DOCX_MACRO_SILENT", "") not in ("", "0")


def _log(kind: str, text: str) -> None:
    path = os.environ.get("BDT_DOCX_MACRO_LOG") or os.path.join(
        tempfile.gettempdir(), "bdt_docx_macro.log"
    )
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(f"[{time.strftime('%H:%M:%S')} {kind}] {text}\n")


def _message_box(document: Any, kind: str, text: str, buttons: str = "ok") -> bool:
    """Show a message box; return True for OK/Yes. ``kind``: info, error, query."""
    if _silent():
        answer = os.environ.get("BDT_DOCX_MACRO_ANSWER", "yes").lower() != "no"
        _log(kind, text if buttons == "ok" else f"{text} -> {'yes' if answer else 'no'}")
        return answer if buttons != "ok" else True
    import uno

    context = uno.getComponentContext()
    toolkit = context.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", context)
    window = _parent_window(context, document)
    box_type = uno.Enum(
        "com.sun.star.awt.MessageBoxType",
        {"info": "INFOBOX", "error": "ERRORBOX", "query": "QUERYBOX"}[kind],
    )
    if buttons == "yesno":
        button_set = uno.getConstantByName("com.sun.star.awt.MessageBoxButtons.BUTTONS_YES_NO")
    else:
        button_set = uno.getConstantByName("com.sun.star.awt.MessageBoxButtons.BUTTONS_OK")
    box = toolkit.createMessageBox(window, box_type, button_set, TITLE, text)
    result = box.execute()
    box.dispose()
    yes = uno.getConstantByName("com.sun.star.awt.MessageBoxResults.YES")
    ok = uno.getConstantByName("com.sun.star.awt.MessageBoxResults.OK")
    return result in (yes, ok)


def _parent_window(context: Any, document: Any) -> Any:
    """The window a message box belongs to: the document's, else the active one."""
    frame = None
    if document is not None:
        frame = document.getCurrentController().getFrame()
    if frame is None:
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        frame = desktop.getCurrentFrame()
    return frame.getContainerWindow() if frame is not None else None


def _property(name: str, value: Any) -> Any:
    import uno

    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name = name
    prop.Value = value
    return prop


def _store_as_xlsx(document: Any, folder: str, stem: str) -> str:
    import uno

    target = os.path.join(folder, stem + ".xlsx")
    document.storeToURL(
        uno.systemPathToFileUrl(target),
        (_property("FilterName", XLSX_FILTER), _property("Overwrite", True)),
    )
    return target


def _open_report(report: str) -> None:
    import uno

    context = uno.getComponentContext()
    manager = context.ServiceManager
    desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    desktop.loadComponentFromURL(uno.systemPathToFileUrl(report), "_blank", 0, ())


def tao_bao_cao(*_args: Any) -> None:
    """Tạo báo cáo từ sổ Calc đang mở (the macro to run or assign to a button)."""
    document = XSCRIPTCONTEXT.getDocument()  # noqa: F821 - provided by LibreOffice
    if document is None or not document.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
        _message_box(document, "error", "Hãy mở sổ Excel (bảng tính) cần tạo báo cáo rồi chạy lại.")
        return
    if not document.hasLocation():
        _message_box(
            document,
            "info",
            "Sổ chưa được lưu. Hãy lưu sổ (Tệp → Lưu thành…, chọn Excel 2007-365 .xlsx) "
            "rồi bấm lại nút Tạo báo cáo.",
        )
        return
    import uno

    workbook = uno.fileUrlToSystemPath(document.getLocation())
    direct = os.path.splitext(workbook)[1].lower() in DIRECT_SUFFIXES
    just_saved = True  # what is saved is what is open, unless the clerk says not to save
    if document.isModified():
        if _message_box(document, "query", "Sổ có thay đổi chưa lưu. Lưu lại trước khi tạo "
                        "báo cáo?", "yesno"):  # fmt: skip
            document.store()
        elif direct:
            _message_box(document, "info", "Báo cáo sẽ dùng bản đã lưu của sổ.")
            just_saved = False  # bdt-docx's warning then says when it was saved
        else:  # the copy is made of what is open
            _message_box(document, "info", "Báo cáo sẽ dùng số liệu đang mở, kể cả những "
                         "thay đổi chưa lưu.")  # fmt: skip
    command = find_command(BDT_DOCX_CMD)
    if command is None:
        _message_box(document, "error", command_missing_message())
        return
    report = report_path(workbook)
    overwrite = False
    if os.path.exists(report):
        question = f"Báo cáo đã có:\n{report}\n\nGhi đè (thay bằng báo cáo mới)?"
        if not _message_box(document, "query", question, "yesno"):
            return
        overwrite = True
    work = tempfile.mkdtemp(prefix="bdt-docx-macro-")
    try:
        source = workbook
        if not direct:
            stem = os.path.splitext(os.path.basename(workbook))[0]
            source = _store_as_xlsx(document, work, stem)
        result_file = os.path.join(work, "ket_qua.json")
        arguments = build_command(command, source, report, result_file, overwrite, just_saved)
        returncode, stderr = run_command(arguments)
        ok, text = result_message(read_result(result_file), returncode, stderr, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not ok:
        _message_box(document, "error", text)
        return
    if _silent():
        _message_box(document, "info", text)
    elif _message_box(document, "query", text + "\n\nMở báo cáo ngay?", "yesno"):
        _open_report(report)


g_exportedScripts = (tao_bao_cao,)
