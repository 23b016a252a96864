"""Conversions through LibreOffice: the report to PDF, an .xls workbook to .xlsx.

Both run ``soffice --headless --convert-to`` the same way (:func:`run_conversion` for one
file; :func:`convert_many` gives one run many reports, so that a batch pays LibreOffice's
start once per job rather than once per report):

- a fresh, temporary user profile per run (``-env:UserInstallation=file:///…``), so a
  LibreOffice the clerk has open, or a broken profile, does not get in the way;
- a cleaned environment (:func:`soffice_environment`): LibreOffice's embedded Python finds
  its prefix through ``python3`` on ``PATH``, and a virtualenv's or pyenv's ``python3`` first
  on ``PATH`` can crash it, so those are dropped;
- a time limit for each document, after which the whole process group is killed (and so
  is it when this process is interrupted, Ctrl+C included, while LibreOffice runs);
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
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bdt_docx.errors import (
    BdtDocxError,
    ConversionError,
    OutputError,
    Problem,
    WorkbookError,
    os_reason,
)
from bdt_docx.output import TEMP_PREFIX, check_destination

__all__ = [
    "SOFFICE_ENV",
    "convert_many",
    "convert_to_pdf",
    "converted_workbook",
    "find_soffice",
    "install_hint",
    "remove_stale_folders",
    "run_conversion",
    "soffice_environment",
    "stale_pdf",
    "without_stale_pdf",
]

#: Environment variable naming the LibreOffice program (``soffice``/``soffice.exe``) to use.
SOFFICE_ENV = "BDT_DOCX_SOFFICE"
#: Seconds one document's conversion may take before LibreOffice is stopped.
DEFAULT_TIMEOUT = 120.0
#: How often a running LibreOffice is looked at (for the files it has done).
_POLL_SECONDS = 0.2
#: LibreOffice filter writing an .xlsx workbook.
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
#: Suffix of the temporary folder LibreOffice writes a PDF into, beside the report.
PDF_WORK_SUFFIX = ".pdf.d"
#: Age after which such a folder is a leftover of a killed run (as for temporary files).
STALE_SECONDS = 3600

#: Set when this process is interrupted (Ctrl+C) while LibreOffice runs in other threads:
#: each run then stops its LibreOffice.
_stopping = threading.Event()

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
        raise ConversionError(install_hint(), source)
    source = Path(source).resolve()
    returncode, output = _convert(program, [source], convert_to, Path(out_dir).resolve(), timeout)
    expected = _produced(source, convert_to, Path(out_dir).resolve())
    if not _written(expected):
        raise ConversionError(_not_written(convert_to, returncode, output), source)
    return expected


def _produced(source: Path, convert_to: str, out_dir: Path) -> Path:
    """Where LibreOffice writes the conversion of ``source``: ``out_dir/<stem>.<ext>``."""
    return out_dir / f"{source.stem}.{convert_to.split(':', 1)[0]}"


def _written(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _not_written(convert_to: str, returncode: int, output: str) -> str:
    """Why LibreOffice wrote nothing, with the end of what it said."""
    tail = _meaningful(output)[-_STDERR_TAIL:] or "(LibreOffice không báo gì)"
    return (
        f"LibreOffice không tạo được tệp .{convert_to.split(':', 1)[0]} (mã thoát {returncode}). "
        f"Thông báo của LibreOffice: {tail}"
    )


def _convert(
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
            f"không chạy được LibreOffice ({command[0]}): {os_reason(exc)}", source
        ) from exc
    deadline, done = time.monotonic() + timeout, 0
    try:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=min(_POLL_SECONDS, timeout))
                break
            except subprocess.TimeoutExpired:
                if _stopping.is_set():
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
    (made,) = convert_many([docx], overwrite=overwrite, timeout=timeout)
    if isinstance(made, BdtDocxError):
        raise made
    return made


def convert_many(
    reports: Sequence[str | os.PathLike[str]],
    *,
    overwrite: bool = False,
    timeout: float | None = None,
    instances: int = 1,
    progress: Callable[[int], object] | None = None,
) -> list[Path | BdtDocxError]:
    """Make ``<stem>.pdf`` beside each report with as few LibreOffice starts as can be;
    return, for each report in order, its PDF or the error that kept it from having one.

    The reports of a folder are shared between at most ``instances`` LibreOffice runs
    working side by side, each converting its share in one ``soffice --convert-to pdf``
    call (fresh profile, clean environment, a temporary folder beside the reports). A run
    is stopped when one document takes longer than ``timeout`` seconds (``None``:
    :data:`DEFAULT_TIMEOUT`). A report that
    LibreOffice cannot convert, or that stops it, fails with that reason, and the reports
    after it are converted by a new run. ``progress(n)`` is called, from the runs'
    threads, each time ``n`` more PDFs are done.
    """
    sources = [Path(report) for report in reports]
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    results: dict[int, Path | BdtDocxError] = {}
    groups: dict[tuple[Path, int], list[int]] = {}
    stems: Counter[tuple[Path, str]] = Counter()
    for index, source in enumerate(sources):
        try:
            if not source.is_file():
                raise ConversionError("không có tệp báo cáo để chuyển sang PDF", source)
            check_destination(source.with_suffix(".pdf"), overwrite)
        except BdtDocxError as exc:
            results[index] = exc
            continue
        # LibreOffice names each PDF after its report: within one run, stems must differ.
        stem = (source.parent, source.stem.casefold())
        groups.setdefault((source.parent, stems[stem]), []).append(index)
        stems[stem] += 1
    program = find_soffice() if groups else None
    shares: list[list[int]] = []
    for indices in groups.values():
        pieces = max(1, min(len(indices), instances // len(groups)))
        shares += (indices[i::pieces] for i in range(pieces))

    def convert(share: list[int]) -> None:
        share_sources = [sources[i] for i in share]
        if program is None:
            made: list[Path | BdtDocxError] = [
                ConversionError(install_hint(), source) for source in share_sources
            ]
        else:
            made = _convert_share(program, share_sources, overwrite, limit, progress)
        results.update(zip(share, made, strict=True))

    if len(shares) > 1 and instances > 1:
        try:
            with ThreadPoolExecutor(min(instances, len(shares))) as pool:
                try:
                    list(pool.map(convert, shares))
                except BaseException:  # Ctrl+C: the other runs stop their LibreOffice too
                    _stopping.set()
                    raise
        finally:
            _stopping.clear()
    else:
        for share in shares:
            convert(share)
    return [results[index] for index in range(len(sources))]


def _convert_share(
    program: Path,
    sources: list[Path],
    overwrite: bool,
    timeout: float,
    progress: Callable[[int], object] | None,
) -> list[Path | BdtDocxError]:
    """Convert ``sources`` (reports of one folder, distinct stems) in as few runs as their
    failures allow; each report's PDF, or its error, in order."""
    folder = sources[0].parent
    remove_stale_folders(folder)
    try:
        work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, suffix=PDF_WORK_SUFFIX, dir=folder))
    except OSError as exc:
        reason = f"không tạo được thư mục tạm ({os_reason(exc)})"
        return [OutputError(reason, source.with_suffix(".pdf")) for source in sources]
    made: dict[Path, Path | BdtDocxError] = {}
    try:
        remaining, stalled = sources, False
        while remaining:
            remaining, stopped, completed = _run_share(
                program, remaining, work, overwrite, timeout, made, progress
            )
            if stopped is not None and not completed and stalled:
                # Twice running, LibreOffice stopped before finishing any PDF: it is
                # LibreOffice itself that fails, for every report.
                made.update((source, ConversionError(stopped, source)) for source in remaining)
                remaining = []
            stalled = stopped is not None and not completed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [made[source] for source in sources]


def _run_share(
    program: Path,
    sources: list[Path],
    work: Path,
    overwrite: bool,
    timeout: float,
    made: dict[Path, Path | BdtDocxError],
    progress: Callable[[int], object] | None,
) -> tuple[list[Path], str | None, bool]:
    """One LibreOffice run over ``sources``: record in ``made`` the reports it settled;
    return those still to convert, why the run stopped early (``None`` if it did not) and
    whether it completed any PDF.

    LibreOffice converts in order and skips a file it cannot read. After a normal end,
    every PDF written is complete and a report without one could not be read. After an
    early end (time limit, crash), a PDF counts only when complete (its ``%%EOF`` written);
    the report after the last complete one is the one LibreOffice was on: it fails with
    the reason, and the reports it had not reached, or skipped, go to the next run. While
    LibreOffice runs, ``progress`` is told of each PDF once the next one has begun.
    """
    told = 0

    def tell(done: int) -> None:
        nonlocal told
        if progress is not None and done > told:
            progress(done - told)
            told = done

    def watch() -> int:
        begun = len(os.listdir(work))
        tell(begun - 1)
        return begun

    stopped: str | None = None
    try:
        returncode, output = _convert(
            program, [source.resolve() for source in sources], "pdf", work.resolve(), timeout, watch
        )
    except ConversionError as exc:
        stopped = exc.problems[0].message if exc.problems else str(exc)
    produced = [_produced(source, "pdf", work) for source in sources]
    written = [_written(pdf) for pdf in produced]
    if stopped is None and returncode != 0 and not all(written):
        stopped = _not_written("pdf", returncode, output)
    remaining: list[Path] = []
    if stopped is None:
        for source, pdf, was_written in zip(sources, produced, written, strict=True):
            made[source] = (
                _move_into_place(pdf, source.with_suffix(".pdf"), overwrite)
                if was_written
                else ConversionError(_not_written("pdf", returncode, output), source)
            )
        completed = any(written)
    else:
        complete = [w and _complete_pdf(pdf) for pdf, w in zip(produced, written, strict=True)]
        current = max((i for i, c in enumerate(complete) if c), default=-1) + 1
        for source, pdf, is_complete in zip(sources[:current], produced, complete, strict=False):
            if is_complete:
                made[source] = _move_into_place(pdf, source.with_suffix(".pdf"), overwrite)
            else:
                remaining.append(source)
        made[sources[current]] = ConversionError(stopped, sources[current])
        remaining += sources[current + 1 :]
        completed = current > 0
    tell(sum(isinstance(made.get(source), Path) for source in sources))
    for leftover in work.iterdir():  # a PDF cut short
        leftover.unlink()
    return remaining, stopped, completed


def _complete_pdf(path: Path) -> bool:
    """Whether the PDF at ``path`` was written to its end (``%%EOF`` in its last kilobyte)."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - 1024))
        return b"%%EOF" in stream.read()


def _move_into_place(produced: Path, target: Path, overwrite: bool) -> Path | OutputError:
    try:
        check_destination(target, overwrite)  # again: a PDF may have appeared meanwhile
        os.replace(produced, target)
    except OutputError as exc:
        return exc
    except OSError as exc:
        return OutputError(
            "không ghi được tệp PDF: không có quyền ghi, hoặc tệp đang mở trong chương "
            f"trình khác (trình đọc PDF). Hãy đóng tệp rồi thử lại ({os_reason(exc)})",
            target,
        )
    return target


def stale_pdf(report: Path) -> Problem | None:
    """A warning when a PDF of the same name lies beside ``report``, just written without
    one: that PDF is the previous report's (``None`` when there is none)."""
    pdf = report.with_suffix(".pdf")
    if not pdf.is_file():
        return None
    return Problem(
        f"tệp PDF '{pdf.name}' bên cạnh là của báo cáo cũ, không khớp với báo cáo mới: đừng gửi nó",
        file=str(pdf),
        code="pdf.stale",
    )


def without_stale_pdf(report: Path, error: BdtDocxError) -> BdtDocxError:
    """``error``, why the PDF of ``report`` (just written over the previous report) failed,
    once the PDF of that name, the previous report's, is removed: it no longer matches, and
    a clerk could send it. The error says so (or that it could not be removed)."""
    pdf = report.with_suffix(".pdf")
    try:
        pdf.unlink()
    except FileNotFoundError:
        return error
    except OSError as exc:
        note = (
            f"tệp PDF cũ '{pdf.name}' là của báo cáo trước, không khớp với báo cáo mới, nhưng "
            f"không xóa được ({os_reason(exc)}): đừng gửi nó, hãy xóa nó"
        )
    else:
        note = (
            f"đã xóa tệp PDF cũ '{pdf.name}': nó là của báo cáo trước, không khớp với báo cáo mới"
        )
    problems = [*error.problems, Problem(note, file=str(pdf))]
    if isinstance(error, OutputError):
        return OutputError(problems, error.file, error.what)
    return type(error)(problems, error.file)


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
    """Yield a temporary .xlsx converted from the .xls workbook ``path``.

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
