"""Conversions through LibreOffice: the report to PDF, an .ods/.xls workbook to .xlsx.

Both run ``soffice --headless --convert-to`` the same way (:func:`run_conversion`):

- a fresh, temporary user profile per run (``-env:UserInstallation=file:///…``), so a
  LibreOffice the clerk has open, or a broken profile, does not get in the way;
- a cleaned environment (:func:`soffice_environment`): LibreOffice's embedded Python finds
  its prefix through ``python3`` on ``PATH``, and a virtualenv's or pyenv's ``python3`` first
  on ``PATH`` can crash it, so those are dropped;
- a time limit, after which the whole process group is killed (and so is it when this
  process is interrupted, Ctrl+C included, while LibreOffice runs);
- the result written into a temporary folder and moved into place with :func:`os.replace`,
  so no half-written file ever carries the final name. Such folders that a killed run left
  beside a report are removed by the next conversion there once an hour old
  (:func:`remove_stale_folders`).

LibreOffice is found by :func:`find_soffice`: the environment variable
:data:`SOFFICE_ENV` (``BDT_DOCX_SOFFICE``) if set, then ``soffice``/``libreoffice`` on
``PATH``, then the usual install places on Windows and macOS.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from bdt_docx.errors import ConversionError, OutputError, WorkbookError
from bdt_docx.output import TEMP_PREFIX, check_destination

__all__ = [
    "SOFFICE_ENV",
    "convert_to_pdf",
    "converted_workbook",
    "find_soffice",
    "install_hint",
    "remove_stale_folders",
    "run_conversion",
    "soffice_environment",
]

#: Environment variable naming the LibreOffice program (``soffice``/``soffice.exe``) to use.
SOFFICE_ENV = "BDT_DOCX_SOFFICE"
#: Seconds a conversion may take before LibreOffice is stopped.
DEFAULT_TIMEOUT = 120.0
#: LibreOffice filter writing an .xlsx workbook.
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
#: Suffix of the temporary folder LibreOffice writes a PDF into, beside the report.
PDF_WORK_SUFFIX = ".pdf.d"
#: Age after which such a folder is a leftover of a killed run (as for temporary files).
STALE_SECONDS = 3600

_ENV_DROPPED = ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE")
_STDERR_TAIL = 1500


def find_soffice() -> Path | None:
    """The LibreOffice program to run, or ``None`` when there is none.

    ``BDT_DOCX_SOFFICE`` wins when set (a path, or a command name on ``PATH``); when it
    names nothing, the answer is ``None`` rather than some other LibreOffice, so that a
    wrong setting is noticed. Otherwise ``soffice`` then ``libreoffice`` on ``PATH``, then
    ``%ProgramFiles%\\LibreOffice\\program\\soffice.exe`` (and the x86 and per-user places)
    on Windows, ``/Applications/LibreOffice.app/Contents/MacOS/soffice`` on macOS.
    """
    configured = os.environ.get(SOFFICE_ENV, "").strip().strip('"')
    if configured:
        path = Path(configured).expanduser()
        if path.is_file():
            return path
        found = shutil.which(configured)
        return Path(found) if found else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for candidate in _usual_places():
        if candidate.is_file():
            return candidate
    return None


def _usual_places() -> list[Path]:
    places: list[Path] = []
    if sys.platform == "win32":
        for var in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
            base = os.environ.get(var)
            if base:
                sub = ("Programs", "LibreOffice") if var == "LOCALAPPDATA" else ("LibreOffice",)
                places.append(Path(base, *sub, "program", "soffice.exe"))
    elif sys.platform == "darwin":
        places.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
        places.append(Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice")
    else:
        places += [Path("/usr/bin/soffice"), Path("/usr/lib/libreoffice/program/soffice")]
        places += [Path("/opt/libreoffice/program/soffice"), Path("/snap/bin/libreoffice")]
    return places


def install_hint() -> str:
    """How to get LibreOffice, in Vietnamese (shown when it cannot be found)."""
    configured = os.environ.get(SOFFICE_ENV, "").strip()
    wrong = (
        f"Biến môi trường {SOFFICE_ENV} đang là '{configured}' nhưng không có chương trình "
        "nào ở đó. "
        if configured
        else ""
    )
    return (
        f"{wrong}Không tìm thấy LibreOffice (cần để chuyển đổi tệp). Cách cài: "
        'trên Windows, tải bộ cài "LibreOffice" tại trang libreoffice.org (mục Download) '
        "rồi cài đặt; trên Debian/Ubuntu, chạy 'sudo apt install libreoffice-writer-nogui' "
        "(thêm 'libreoffice-calc-nogui' để đọc tệp .ods/.xls). Nếu LibreOffice đã cài ở chỗ "
        f"khác, đặt biến môi trường {SOFFICE_ENV} là đường dẫn tới soffice "
        "(ví dụ C:\\Program Files\\LibreOffice\\program\\soffice.exe)."
    )


def soffice_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``environ`` (default: this process's) that is safe to run LibreOffice in.

    Drops ``VIRTUAL_ENV``, ``PYTHONHOME``, ``PYTHONPATH`` (and a few other ``PYTHON*``
    settings), and removes from ``PATH`` the ``bin``/``Scripts`` folders of virtualenvs
    (folders beside a ``pyvenv.cfg``), of conda environments, of pyenv (``.pyenv``) and of
    the Python running this code when it is a virtualenv.
    """
    env = dict(os.environ if environ is None else environ)
    virtual_env = env.get("VIRTUAL_ENV")
    conda = env.get("CONDA_PREFIX")
    for name in _ENV_DROPPED:
        env.pop(name, None)
    bad_roots = {Path(p) for p in (virtual_env, conda) if p}
    if sys.prefix != sys.base_prefix:
        bad_roots.add(Path(sys.prefix))
    kept = [
        entry
        for entry in env.get("PATH", "").split(os.pathsep)
        if entry and not _is_python_env_bin(Path(entry), bad_roots)
    ]
    env["PATH"] = os.pathsep.join(kept)
    return env


def _is_python_env_bin(entry: Path, bad_roots: set[Path]) -> bool:
    if ".pyenv" in entry.parts:
        return True
    if any(entry == root or root in entry.parents for root in bad_roots):
        return True
    return (entry.parent / "pyvenv.cfg").is_file()


#: How every LibreOffice run starts: no window, no recovery, no lock, no start centre.
HEADLESS_OPTIONS = (
    "--headless",
    "--invisible",
    "--norestore",
    "--nolockcheck",
    "--nodefault",
    "--nologo",
)


def run_conversion(
    source: Path,
    convert_to: str,
    out_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    soffice: Path | None = None,
) -> Path:
    """Convert ``source`` with ``soffice --convert-to convert_to`` into ``out_dir``.

    ``convert_to`` is LibreOffice's target, e.g. ``pdf`` or :data:`XLSX_FILTER`. Returns the
    file LibreOffice wrote (``out_dir/<source stem>.<extension>``). Raises
    :class:`ConversionError` when LibreOffice is missing, takes longer than ``timeout``
    seconds (it is then killed), or writes nothing (the message ends with its stderr).
    """
    program = soffice or find_soffice()
    if program is None:
        raise ConversionError(install_hint(), source)
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    extension = convert_to.split(":", 1)[0]
    expected = out_dir / f"{source.stem}.{extension}"
    with tempfile.TemporaryDirectory(prefix="bdt-docx-lo-profile-") as profile:
        command = [
            str(program),
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            *HEADLESS_OPTIONS,
            "--convert-to",
            convert_to,
            "--outdir",
            str(out_dir),
            str(source),
        ]
        scratch = Path(profile) / "tmp"  # LibreOffice's own temporary files, removed with it
        scratch.mkdir()
        env = soffice_environment()
        env.update(TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
        returncode, stderr = _run_bounded(command, timeout, source, env)
    if not expected.is_file() or expected.stat().st_size == 0:
        tail = _meaningful(stderr)[-_STDERR_TAIL:] or "(LibreOffice không báo gì)"
        raise ConversionError(
            f"LibreOffice không tạo được tệp .{extension} (mã thoát {returncode}). "
            f"Thông báo của LibreOffice: {tail}",
            source,
        )
    return expected


def _meaningful(output: str) -> str:
    """LibreOffice's output without its harmless noise (the Java warning)."""
    lines = [line for line in output.splitlines() if "javaldx" not in line]
    return "\n".join(lines).strip()


def _run_bounded(
    command: list[str], timeout: float, source: Path, env: dict[str, str]
) -> tuple[int, str]:
    """Run ``command`` in its own process group; kill the group after ``timeout`` seconds."""
    options: dict[str, object] = {}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
    else:
        options["start_new_session"] = True
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            **options,  # type: ignore[call-overload]
        )
    except OSError as exc:
        raise ConversionError(
            f"không chạy được LibreOffice ({command[0]}): {exc.strerror or exc}", source
        ) from exc
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        raise ConversionError(
            f"LibreOffice chạy quá {timeout:g} giây nên đã bị dừng. Hãy đóng các cửa sổ "
            "LibreOffice đang mở rồi thử lại",
            source,
        ) from None
    except BaseException:
        # Ctrl+C (KeyboardInterrupt), SystemExit…: LibreOffice runs in its own session, so
        # it would not get the signal and would outlive this process.
        _kill_tree(process)
        raise
    text = (stderr or b"").decode("utf-8", "replace") + (stdout or b"").decode("utf-8", "replace")
    return process.returncode, text


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            subprocess.run(
                ["taskkill", "/T", "/F", "/PID", str(process.pid)],
                capture_output=True,
                timeout=30,
                check=False,
            )
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, OSError):
        process.communicate(timeout=10)


def convert_to_pdf(
    docx: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Make ``<stem>.pdf`` beside ``docx`` through LibreOffice; return its path.

    An existing PDF is replaced only with ``overwrite=True`` (otherwise
    :class:`~bdt_docx.OutputError`, before LibreOffice runs). LibreOffice writes into a
    temporary folder beside the report, and the PDF is moved into place once complete.
    Raises :class:`~bdt_docx.ConversionError` when LibreOffice is missing, too slow, or fails.
    """
    source = Path(docx)
    target = source.with_suffix(".pdf")
    if not source.is_file():
        raise ConversionError("không có tệp báo cáo để chuyển sang PDF", source)
    check_destination(target, overwrite)
    program = find_soffice()
    if program is None:
        raise ConversionError(install_hint(), source)
    remove_stale_folders(source.parent)
    try:
        work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, suffix=PDF_WORK_SUFFIX, dir=source.parent))
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục tạm ({exc.strerror or exc})", target) from exc
    try:
        produced = run_conversion(source, "pdf", work, timeout=timeout, soffice=program)
        check_destination(target, overwrite)  # again: a PDF may have appeared meanwhile
        try:
            os.replace(produced, target)
        except OSError as exc:
            raise OutputError(
                "không ghi được tệp PDF: không có quyền ghi, hoặc tệp đang mở trong chương "
                f"trình khác (trình đọc PDF). Hãy đóng tệp rồi thử lại ({exc.strerror or exc})",
                target,
            ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def remove_stale_folders(folder: Path, *, max_age: float = STALE_SECONDS) -> None:
    """Remove the PDF work folders (``.~bdt-docx-*.pdf.d``) in ``folder`` that a killed
    conversion left there more than ``max_age`` seconds ago.

    A younger folder may belong to a conversion running now and is kept; anything that
    cannot be looked at or removed is left alone.
    """
    limit = time.time() - max_age
    for leftover in folder.glob(f"{TEMP_PREFIX}*{PDF_WORK_SUFFIX}"):
        try:
            stale = (
                leftover.is_dir() and not leftover.is_symlink() and leftover.stat().st_mtime < limit
            )
        except OSError:
            continue
        if stale:
            shutil.rmtree(leftover, ignore_errors=True)


def _save_as_xlsx_hint() -> str:
    return (
        "Hãy lưu sổ thành tệp .xlsx rồi chạy lại: trong Excel chọn Tệp (File) → Lưu thành "
        "(Save As) → Sổ làm việc Excel (Excel Workbook, *.xlsx); trong LibreOffice chọn Tệp "
        "(File) → Lưu thành (Save As) → Excel 2007-365 (.xlsx)."
    )


@contextlib.contextmanager
def converted_workbook(
    path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[Path]:
    """Yield a temporary .xlsx converted from the .ods/.xls workbook ``path``.

    The .xlsx lives in a temporary folder removed on exit. Any failure (LibreOffice missing,
    too slow, or failing) raises :class:`~bdt_docx.WorkbookError` telling the clerk to save
    the workbook as .xlsx.
    """
    source = Path(path)
    if not source.is_file():
        raise WorkbookError("không tìm thấy tệp", source)
    program = find_soffice()
    if program is None:
        raise WorkbookError(
            f"cần LibreOffice để đọc tệp {source.suffix}, nhưng máy chưa có LibreOffice. "
            + _save_as_xlsx_hint(),
            source,
        )
    with tempfile.TemporaryDirectory(prefix="bdt-docx-xlsx-") as work:
        try:
            converted = run_conversion(
                source, XLSX_FILTER, Path(work), timeout=timeout, soffice=program
            )
        except ConversionError as exc:
            reason = exc.problems[0].message if exc.problems else str(exc)
            raise WorkbookError(
                f"không chuyển được tệp {source.suffix} sang .xlsx: {reason}. "
                + _save_as_xlsx_hint(),
                source,
            ) from exc
        yield converted
