"""LibreOffice, run the one way this package runs it: found, started clean, bounded, stopped.

:func:`find_soffice` finds the program: the environment variable :data:`SOFFICE_ENV`
(``BDT_DOCX_SOFFICE``) if set, then ``soffice``/``libreoffice`` on ``PATH``, then the usual
install places on Windows and macOS. Every run (:func:`convert`) has

- a fresh, temporary user profile (``-env:UserInstallation=file:///…``), so a LibreOffice
  the clerk has open, or a broken profile, does not get in the way;
- a cleaned environment (:func:`soffice_environment`): LibreOffice's embedded Python finds
  its prefix through ``python3`` on ``PATH``, and a virtualenv's or pyenv's ``python3`` first
  on ``PATH`` can crash it, so those are dropped;
- a time limit for each document, after which the whole process group is killed (and so
  is it when this process is interrupted, Ctrl+C included, or :data:`stopping` is set).

:func:`run_conversion` converts one file; :func:`converted_workbook` gives an .xls workbook
as a temporary .xlsx. Reports to PDF, many in one run, are :mod:`bdt_docx.pdf`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from bdt_docx.errors import ConversionError, WorkbookError, os_reason

__all__ = [
    "DEFAULT_TIMEOUT",
    "HEADLESS_OPTIONS",
    "SOFFICE_ENV",
    "XLSX_FILTER",
    "convert",
    "converted_workbook",
    "find_soffice",
    "install_hint",
    "not_written",
    "produced",
    "run_conversion",
    "soffice_environment",
    "stopping",
    "written",
]

#: Environment variable naming the LibreOffice program (``soffice``/``soffice.exe``) to use.
SOFFICE_ENV = "BDT_DOCX_SOFFICE"
#: Seconds one document's conversion may take before LibreOffice is stopped.
DEFAULT_TIMEOUT = 120.0
#: How often a running LibreOffice is looked at (for the files it has done).
_POLL_SECONDS = 0.2
#: LibreOffice filter writing an .xlsx workbook.
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"

#: Set when this process is interrupted (Ctrl+C) while LibreOffice runs in other threads:
#: each run then stops its LibreOffice.
stopping = threading.Event()

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
        "(thêm 'libreoffice-calc-nogui' để đọc tệp .xls). Nếu LibreOffice đã cài ở chỗ "
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
        raise ConversionError(install_hint(), source, code="conversion.no_libreoffice")
    source = Path(source).resolve()
    returncode, output = convert(program, [source], convert_to, Path(out_dir).resolve(), timeout)
    expected = produced(source, convert_to, Path(out_dir).resolve())
    if not written(expected):
        raise ConversionError(
            not_written(convert_to, returncode, output), source, code="conversion.failed"
        )
    return expected


def produced(source: Path, convert_to: str, out_dir: Path) -> Path:
    """Where LibreOffice writes the conversion of ``source``: ``out_dir/<stem>.<ext>``."""
    return out_dir / f"{source.stem}.{convert_to.split(':', 1)[0]}"


def written(path: Path) -> bool:
    """Whether LibreOffice wrote something at ``path`` (a file, not empty)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def not_written(convert_to: str, returncode: int, output: str) -> str:
    """Why LibreOffice wrote nothing, with the end of what it said."""
    tail = _meaningful(output)[-_STDERR_TAIL:] or "(LibreOffice không báo gì)"
    return (
        f"LibreOffice không tạo được tệp .{convert_to.split(':', 1)[0]} (mã thoát {returncode}). "
        f"Thông báo của LibreOffice: {tail}"
    )


def convert(
    program: Path,
    sources: Sequence[Path],
    convert_to: str,
    out_dir: Path,
    timeout: float,
    watch: Callable[[], int] | None = None,
) -> tuple[int, str]:
    """One ``soffice --convert-to`` run over ``sources`` (in that order), in a fresh profile
    and a clean environment; returns its exit code and output.

    LibreOffice is stopped when it runs ``timeout`` seconds without ``watch()`` (a count of
    the files done so far) growing: a long batch may take as long as it needs, one document
    may not take longer than ``timeout``.
    """
    with tempfile.TemporaryDirectory(prefix="bdt-docx-lo-profile-") as profile:
        command = [
            str(program),
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            *HEADLESS_OPTIONS,
            "--convert-to",
            convert_to,
            "--outdir",
            str(out_dir),
            *(str(source) for source in sources),
        ]
        scratch = Path(profile) / "tmp"  # LibreOffice's own temporary files, removed with it
        scratch.mkdir()
        env = soffice_environment()
        env.update(TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
        return _run_bounded(command, timeout, sources[0], env, watch)


def _meaningful(output: str) -> str:
    """LibreOffice's output without its harmless noise (the Java warning, and the line it
    prints for every file it starts converting)."""
    lines = [
        line
        for line in output.splitlines()
        if "javaldx" not in line and not line.startswith("convert ")
    ]
    return "\n".join(lines).strip()


def _run_bounded(
    command: list[str],
    timeout: float,
    source: Path,
    env: dict[str, str],
    watch: Callable[[], int] | None = None,
) -> tuple[int, str]:
    """Run ``command`` in its own process group; kill the group once it has run
    ``timeout`` seconds since it started or since ``watch()`` last grew."""
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
            f"không chạy được LibreOffice ({command[0]}): {os_reason(exc)}",
            source,
            code="conversion.not_started",
        ) from exc
    deadline, done = time.monotonic() + timeout, 0
    try:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=min(_POLL_SECONDS, timeout))
                break
            except subprocess.TimeoutExpired:
                if stopping.is_set():
                    raise KeyboardInterrupt from None
                now = watch() if watch is not None else done
                if now > done:
                    deadline, done = time.monotonic() + timeout, now
                elif time.monotonic() >= deadline:
                    raise
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        raise ConversionError(
            f"LibreOffice chạy quá {timeout:g} giây nên đã bị dừng. Hãy đóng các cửa sổ "
            "LibreOffice đang mở rồi thử lại",
            source,
            code="conversion.timeout",
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
    """Yield a temporary .xlsx converted from the .xls workbook ``path``.

    The .xlsx lives in a temporary folder removed on exit. Any failure (LibreOffice missing,
    too slow, or failing) raises :class:`~bdt_docx.WorkbookError` telling the clerk to save
    the workbook as .xlsx.
    """
    source = Path(path)
    if not source.is_file():
        raise WorkbookError("không tìm thấy tệp", source, code="workbook.not_found")
    program = find_soffice()
    if program is None:
        raise WorkbookError(
            f"cần LibreOffice để đọc tệp {source.suffix}, nhưng máy chưa có LibreOffice. "
            + _save_as_xlsx_hint(),
            source,
            code="workbook.needs_libreoffice",
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
                code="workbook.not_converted",
            ) from exc
        yield converted
