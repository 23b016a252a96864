"""Stage 5: write the report, atomically.

The report is written to a temporary file in the destination folder, whose name starts
with :data:`TEMP_PREFIX`, then moved into place with :func:`os.replace`: a reader never sees
a half-written report under the final name, and a process killed midway leaves only a
recognisable temporary file, which the next write into that folder removes once stale
(:func:`remove_stale`, which removes the PDF work folders of :mod:`bdt_docx.pdf` too).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from bdt_docx.errors import OutputError, os_reason

__all__ = [
    "TEMP_FOLDER_SUFFIX",
    "TEMP_PREFIX",
    "Finisher",
    "Member",
    "check_destination",
    "deflate",
    "remove_stale",
    "write_bytes",
    "write_package",
]

#: Start of the name of every temporary file bdt_docx writes beside a report.
TEMP_PREFIX = ".~bdt-docx-"
#: End of the name of every temporary folder bdt_docx makes beside a report (a temporary
#: file's ends with ``.tmp``).
TEMP_FOLDER_SUFFIX = ".d"
_STALE_SECONDS = 3600
_RECHECK_SECONDS = 600.0
#: When this process last looked for stale temporary files in each folder.
_checked: dict[Path, float] = {}


@lru_cache(maxsize=1)
def _file_mode() -> int:
    """The mode an ordinary new file gets here (``mkstemp`` would leave it private).

    Read once, at the first write: reading the umask means setting it for a moment.
    """
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_destination(output: Path, overwrite: bool) -> None:
    """Refuse, before any work, a destination that cannot take the report."""
    if output.is_dir():
        raise OutputError(
            "đường dẫn là một thư mục, cần tên một tệp", output, code="output.is_folder"
        )
    if not output.parent.is_dir():
        missing = next((p for p in reversed(output.parents) if p.exists() and not p.is_dir()), None)
        reason = (
            f"'{missing}' là một tệp, không phải thư mục"
            if missing is not None
            else f"thư mục '{output.parent}' không tồn tại"
        )
        raise OutputError(reason, output, code="output.no_folder")
    if output.exists():
        if not overwrite:
            raise OutputError("tệp đã có", output, code="output.exists")
        _check_not_open(output)


def _lock_files(path: Path) -> Iterator[tuple[Path, str]]:
    """The files by which another program says it has ``path`` open, and the program.

    LibreOffice writes ``.~lock.<name>#`` beside the file; Word writes its owner file
    ``~$`` + the name, less its first one or two characters for longer names
    (``~$ao_cao.docx`` for ``bao_cao.docx``).
    """
    yield path.with_name(f".~lock.{path.name}#"), "LibreOffice"
    for cut in range(min(3, len(path.stem))):
        yield path.with_name("~$" + path.name[cut:]), "Word"


def _check_not_open(path: Path) -> None:
    """Refuse to replace ``path`` while LibreOffice or Word has it open.

    On Windows the program's lock refuses the replacement; elsewhere only the lock file
    beside it says so, and the clerk would go on editing, then save over, the old file.
    """
    for lock, program in _lock_files(path):
        if lock.is_file():
            raise OutputError(
                f"tệp đang mở trong {program} (có tệp khóa '{lock.name}' bên cạnh). Hãy đóng "
                f"tệp trong {program} rồi thử lại; nếu tệp không còn mở, xóa tệp khóa đó",
                path,
                code="output.open_elsewhere",
            )


@dataclass(frozen=True)
class Member:
    """A part of a package, compressed and ready to be written (see :func:`deflate`)."""

    name: str
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int
    crc: int
    size: int
    deflated: bytes


def deflate(info: zipfile.ZipInfo, data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> Member:
    """Compress ``data``, the content of the zip entry ``info``, as :mod:`zipfile` would
    (deflate, zlib's default level unless ``level`` says otherwise)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    return Member(
        info.filename, info.date_time, info.external_attr, zlib.crc32(data), len(data), deflated
    )


def write_package(members: Iterable[Member], output: Path, *, overwrite: bool = False) -> Path:
    """Write ``members`` as a zip package at ``output``; return ``output``.

    Raises :class:`OutputError` when the file exists (and ``overwrite`` is false), the folder
    is missing or read-only, another program holds the file open, or the report is too
    large for a zip without its 64-bit extension (4 GB), which no report comes near.
    """
    return _finish(_stage(output, _package_writer(members, output), overwrite), output, overwrite)


class Finisher:
    """Writes packages as :func:`write_package` does, with the same guarantees, but leaves
    the last two steps (waiting until the disk has the file, then moving it into place) to
    background threads, so that a batch makes its next report meanwhile; waits for them
    all on leaving its ``with`` block.

    Waiting for the disk (``fsync``) takes milliseconds, more than a report takes to make
    on a busy disk, and several waits run side by side cost little more than one.
    """

    def __init__(self, threads: int = 4) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="bdt-docx-write")

    def __enter__(self) -> Finisher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True)

    def write_package(
        self, members: Iterable[Member], output: Path, *, overwrite: bool = False
    ) -> Future[Path]:
        """Write the package into its temporary file now (raising :class:`OutputError` as
        :func:`write_package` does), and finish it in the background: the future gives
        ``output``, or raises :class:`OutputError`."""
        temp = _stage(output, _package_writer(members, output), overwrite)
        return self._pool.submit(_finish, temp, output, overwrite)


def _package_writer(members: Iterable[Member], output: Path) -> Callable[[BinaryIO], object]:
    data = zip_bytes(members)
    if data is None:
        raise OutputError("báo cáo quá lớn (trên 4 GB)", output, code="output.too_large")
    return lambda stream: stream.write(data)


# The zip records, laid out as zipfile writes them into a seekable file (no data descriptor,
# no zip64, no extra field): version 2.0, Unix attributes, the UTF-8 flag on non-ASCII names.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20
_UNIX = 3
_UTF8_NAME = 0x800
_ZIP32_LIMIT = 0xFFFFFFFF


def zip_bytes(members: Iterable[Member]) -> bytes | None:
    """A zip archive of the already deflated ``members``, in their order (``None`` when it
    would need zip64: over 4 GB or 65,535 members).

    :mod:`zipfile` cannot write data that is already compressed, so the three records of a
    plain zip are written here.
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        if max(offset, member.size, len(member.deflated)) > _ZIP32_LIMIT:
            return None
        try:
            name, flags = member.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = member.name.encode("utf-8"), _UTF8_NAME
        year, month, day, hour, minute, second = member.date_time
        date = (year - 1980) << 9 | month << 5 | day
        clock = hour << 11 | minute << 5 | second // 2
        packed = len(member.deflated)
        fields = (flags, zipfile.ZIP_DEFLATED, clock, date, member.crc, packed, member.size)
        header = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, len(name), 0)
        chunks += (header, name, member.deflated)
        # version made by and needed, Unix, then: no extra field, no comment, disk 0, no
        # internal attributes
        record = (b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *fields, len(name), 0, 0, 0, 0)
        central.append(_CENTRAL.pack(*record, member.external_attr, offset) + name)
        offset += len(header) + len(name) + packed
    directory = b"".join(central)
    if offset + len(directory) > _ZIP32_LIMIT or len(central) > 0xFFFF:
        return None
    end = _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join((*chunks, directory, end))


def write_bytes(data: bytes, output: Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` at ``output`` atomically, like :func:`write_package`."""
    return _write_atomically(output, lambda stream: stream.write(data), overwrite)


def _write_atomically(output: Path, write: Callable[[BinaryIO], object], overwrite: bool) -> Path:
    return _finish(_stage(output, write, overwrite), output, overwrite)


def _stage(output: Path, write: Callable[[BinaryIO], object], overwrite: bool) -> Path:
    """Write a new temporary file beside ``output`` with ``write``; return its path."""
    check_destination(output, overwrite)
    remove_stale(output.parent)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=TEMP_PREFIX, suffix=output.suffix + ".tmp", dir=output.parent
        )
    except OSError as exc:
        raise _failed(exc, output) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temp, _file_mode())
    except BaseException as exc:  # Ctrl+C too: never a temporary file left behind
        _discard(temp)
        if isinstance(exc, OSError):
            raise _failed(exc, output) from exc
        raise
    return temp


def _finish(temp: Path, output: Path, overwrite: bool) -> Path:
    """Wait until the disk has ``temp``, then move it to ``output`` (or remove it)."""
    try:
        handle = os.open(temp, os.O_RDWR)  # Windows flushes only a file open for writing
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
        if output.exists():
            if not overwrite:
                raise FileExistsError(errno.EEXIST, "exists", str(output))
            _check_not_open(output)  # it may have been opened since the work began
        os.replace(temp, output)
    except OSError as exc:
        raise _failed(exc, output) from exc
    finally:
        _discard(temp)
    return output


def _discard(temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()


def _failed(exc: OSError, output: Path) -> OutputError:
    """The error for a write of ``output`` the system refused with ``exc``."""
    if isinstance(exc, FileExistsError):
        return OutputError("tệp đã có", output, code="output.exists")
    if isinstance(exc, PermissionError):
        message = (
            "không có quyền ghi, hoặc tệp đang mở trong chương trình khác (Word, "
            "LibreOffice). Hãy đóng tệp rồi thử lại"
        )
        return OutputError(message, output, code="output.denied")
    if exc.errno == errno.ENOSPC:
        return OutputError("ổ đĩa đã đầy", output, code="output.disk_full")
    return OutputError(f"lỗi hệ thống khi ghi tệp ({os_reason(exc)})", output, code="output.system")


def remove_stale(folder: Path) -> None:
    """Remove the temporary files (``.~bdt-docx-*.tmp``) and folders (``.~bdt-docx-*.d``) an
    interrupted run left in ``folder`` more than an hour ago.

    A younger one may belong to a run going on now and is kept; a link, or anything that
    cannot be looked at or removed, is left alone. A folder is looked at most once every
    :data:`_RECHECK_SECONDS` per process: listing a folder that holds a batch's thousand
    reports before each report would cost more than the report.
    """
    now = time.monotonic()
    if now - _checked.get(folder, float("-inf")) < _RECHECK_SECONDS:
        return
    _checked[folder] = now
    limit = time.time() - _STALE_SECONDS
    for leftover in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if leftover.is_symlink() or leftover.lstat().st_mtime >= limit:
                continue
            if leftover.name.endswith(".tmp") and leftover.is_file():
                leftover.unlink()
            elif leftover.name.endswith(TEMP_FOLDER_SUFFIX) and leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
