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
import functools
import itertools
import os
import re
import shutil
import stat
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import deflate as libdeflate

from bdt_docx.errors import OutputError, os_reason

__all__ = [
    "TEMP_FOLDER_SUFFIX",
    "TEMP_PREFIX",
    "Folders",
    "Member",
    "Rendered",
    "check_destination",
    "deflate",
    "file_system_kind",
    "move_into_place",
    "package_bytes",
    "remove_stale",
    "sync_file_system",
    "synced_as_one",
    "write_bytes",
    "write_file",
    "write_package",
    "written_temp",
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
#: A new temporary file: never an existing file or link (``O_EXCL``), binary on Windows;
#: the mode asked, ``0o666``, is narrowed by the umask as for any new file.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
#: Numbers the temporary files of this process; with the process id, a name no other
#: process writing into the same folder uses.
_serial = itertools.count()
#: Names tried for a temporary file before giving up (one left by a killed process whose
#: id this one has now).
_TEMP_TRIES = 100
#: What ``os.stat`` raises for a path where nothing is (as :meth:`Path.exists` takes it).
_NOTHING_THERE = {errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP}


#: The folders a batch writes into, each with the names it held when first looked at
#: (case-folded: a name that differs only in case may be the same file; ``None`` when it
#: could not be listed).
Folders = dict[str, frozenset[str] | None]


def check_destination(
    output: Path, overwrite: bool, folders: Folders | None = None
) -> os.stat_result | None:
    """Refuse, before any work, a destination that cannot take the file; return what is
    there (its ``os.stat``), ``None`` when nothing is.

    ``folders``, given, holds the folders a batch has found to be folders and what they
    held (a batch looks at each folder once): a destination whose name its folder did not
    hold is taken as free without looking (the write, when it moves the report into
    place, still refuses to replace a file that has come meanwhile); a folder not among
    them is looked at and added.
    """
    folder = os.path.dirname(output)
    known = folders is not None and folder in folders
    held = folders[folder] if folders is not None and known else None
    if held is not None and output.name.casefold() not in held:
        return None
    found = _stat(output)
    if found is None:
        if not known:
            missing = _missing_folder(output)
            if missing is not None:
                raise missing
            if folders is not None:
                folders[folder] = _names_in(folder)
        return None
    if stat.S_ISDIR(found.st_mode):
        raise OutputError(
            "đường dẫn là một thư mục, cần tên một tệp", output, code="output.is_folder"
        )
    if not overwrite:
        raise OutputError("tệp đã có", output, code="output.exists")
    _check_not_open(output)
    return found


def _names_in(folder: str) -> frozenset[str] | None:
    """The names in ``folder``, case-folded (``None`` when it cannot be listed)."""
    try:
        return frozenset(name.casefold() for name in os.listdir(folder or "."))
    except OSError:
        return None


def _stat(path: Path) -> os.stat_result | None:
    """``os.stat`` of ``path`` (through links), ``None`` when nothing is there."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno in _NOTHING_THERE:
            return None
        raise _failed(exc, path) from exc


def _missing_folder(output: Path) -> OutputError | None:
    """The error when the folder of ``output`` is not there (``None`` when it is)."""
    if output.parent.is_dir():
        return None
    missing = next((p for p in reversed(output.parents) if p.exists() and not p.is_dir()), None)
    reason = (
        f"'{missing}' là một tệp, không phải thư mục"
        if missing is not None
        else f"thư mục '{output.parent}' không tồn tại"
    )
    return OutputError(reason, output, code="output.no_folder")


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
    #: Its zip records, laid out once (a template's unchanging parts go into every report):
    #: the local header with the name, and the central directory record less its offset
    #: and the name; ``None`` when the member would need zip64.
    records: tuple[bytes, bytes, bytes] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", _records(self))


def deflate(info: zipfile.ZipInfo, data: bytes) -> Member:
    """Compress ``data``, the content of the zip entry ``info``, as :mod:`zipfile` would
    (deflate, zlib's default level): the same bytes."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    return Member(
        info.filename, info.date_time, info.external_attr, zlib.crc32(data), len(data), deflated
    )


@dataclass(frozen=True)
class Rendered:
    """A part made for one report, not yet compressed: it is compressed where the report is
    laid out, which in a one-job batch is the writer process (:mod:`bdt_docx.finisher`),
    beside the making of the next report. For speed, by libdeflate (the ``deflate``
    package, which inflates workbooks' parts already) at its quickest level: half the time
    of zlib's quickest level for a report's rendered parts, and a smaller report."""

    name: str
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int
    data: bytes

    @classmethod
    def of(cls, info: zipfile.ZipInfo, data: bytes) -> Rendered:
        """The part ``info`` of a report, holding ``data``."""
        return cls(info.filename, info.date_time, info.external_attr, data)

    def compressed(self) -> Member:
        """The part compressed."""
        deflated = bytes(libdeflate.deflate_compress(self.data, 1))  # (a bytearray)
        crc = libdeflate.crc32(self.data)
        return Member(self.name, self.date_time, self.external_attr, crc, len(self.data), deflated)


def write_package(
    members: Iterable[Member | Rendered], output: Path, *, overwrite: bool = False
) -> Path:
    """Write ``members`` as a zip package at ``output``; return ``output``.

    Raises :class:`OutputError` when the file exists (and ``overwrite`` is false), the folder
    is missing or read-only, another program holds the file open, or the report is too
    large for a zip without its 64-bit extension (4 GB), which no report comes near.
    """
    check_destination(output, overwrite)
    return write_file(package_bytes(members, output), output, overwrite)


def package_bytes(members: Iterable[Member | Rendered], output: Path) -> bytes:
    """The zip of ``members``, the report ``output`` (:class:`OutputError` when it would be
    too large for a zip without its 64-bit extension)."""
    data = zip_bytes(members)
    if data is None:
        raise OutputError("báo cáo quá lớn (trên 4 GB)", output, code="output.too_large")
    return data


# The zip records, laid out as zipfile writes them into a seekable file (no data descriptor,
# no zip64, no extra field): version 2.0, Unix attributes, the UTF-8 flag on non-ASCII names.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5HL")  # then the offset of the local header, and the name
_OFFSET = struct.Struct("<L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20
_UNIX = 3
_UTF8_NAME = 0x800
_ZIP32_LIMIT = 0xFFFFFFFF


def _records(member: Member) -> tuple[bytes, bytes, bytes] | None:
    """The zip records of ``member`` but its offset (see :attr:`Member.records`)."""
    if max(member.size, len(member.deflated)) > _ZIP32_LIMIT:
        return None
    try:
        name, flags = member.name.encode("ascii"), 0
    except UnicodeEncodeError:
        name, flags = member.name.encode("utf-8"), _UTF8_NAME
    year, month, day, hour, minute, second = member.date_time
    date = (year - 1980) << 9 | month << 5 | day
    clock = hour << 11 | minute << 5 | second // 2
    fields = (flags, zipfile.ZIP_DEFLATED, clock, date, member.crc, len(member.deflated))
    local = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, member.size, len(name), 0)
    # version made by and needed, Unix, then: no extra field, no comment, disk 0, no
    # internal attributes
    record = (b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *fields, member.size, len(name))
    return local + name, _CENTRAL.pack(*record, 0, 0, 0, 0, member.external_attr), name


def zip_bytes(members: Iterable[Member | Rendered]) -> bytes | None:
    """A zip archive of ``members`` (the :class:`Rendered` ones compressed now), in their
    order (``None`` when it would need zip64: over 4 GB or 65,535 members).

    :mod:`zipfile` cannot write data that is already compressed, so the three records of a
    plain zip are written here.
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = count = 0
    for part in members:
        member = part.compressed() if isinstance(part, Rendered) else part
        if member.records is None or offset > _ZIP32_LIMIT:
            return None
        local, record, name = member.records
        chunks += (local, member.deflated)
        central += (record, _OFFSET.pack(offset), name)
        offset += len(local) + len(member.deflated)
        count += 1
    directory = b"".join(central)
    if offset + len(directory) > _ZIP32_LIMIT or count > 0xFFFF:
        return None
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join((*chunks, directory, end))


def write_bytes(data: bytes, output: Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` at ``output`` atomically, like :func:`write_package`."""
    check_destination(output, overwrite)
    return write_file(data, output, overwrite)


def write_file(data: bytes, output: Path, overwrite: bool) -> Path:
    """Write ``data`` into a new temporary file beside ``output``, wait until the disk has
    it, then move it to ``output``: never over a file that appeared meanwhile (unless
    ``overwrite``) nor over one open in Word or LibreOffice. Whatever fails (Ctrl+C too),
    no temporary file is left behind. The caller has checked the destination before the
    work (:func:`check_destination`)."""
    return move_into_place(*written_temp(data, output), output, overwrite, synced=False)


def written_temp(data: bytes, output: Path) -> tuple[int, str]:
    """``data`` in a new temporary file beside ``output``, not yet known to be on the disk:
    the file's open handle and its path, for :func:`move_into_place`. Raises
    :class:`OutputError` (Ctrl+C: KeyboardInterrupt), and then leaves nothing behind."""
    try:
        remove_stale(output.parent)
        handle, temp = _new_temp(output)
    except OSError as exc:
        raise _failed(exc, output) from exc
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    except BaseException as exc:
        os.close(handle)
        _discard(temp)
        if isinstance(exc, OSError):
            raise _failed(exc, output) from exc
        raise
    return handle, temp


def move_into_place(handle: int, temp: str, output: Path, overwrite: bool, synced: bool) -> Path:
    """Close the temporary file ``temp`` (:func:`written_temp`), once on the disk, and move
    it to ``output`` (see :func:`write_file`). ``synced``: its file system has been synced
    whole since it was written (:func:`sync_file_system`), so the disk has it already;
    otherwise it is synced alone (``fsync``). Whatever fails, ``temp`` is removed."""
    try:
        try:
            if not synced:
                os.fsync(handle)
        finally:
            os.close(handle)
        if os.path.exists(output):
            if not overwrite:
                raise FileExistsError(errno.EEXIST, "exists", str(output))
            _check_not_open(output)  # it may have been opened since the work began
        os.replace(temp, output)
    except BaseException as exc:
        _discard(temp)
        if isinstance(exc, OSError):
            raise _failed(exc, output) from exc
        raise
    return output


#: File systems of a disk on this computer, for which one ``syncfs`` puts on the disk
#: every file written before it, as ``fsync`` of each would (not a network's or FUSE's:
#: there, syncing the file system may not reach the server, and each file is synced).
_SYNCED_WHOLE = frozenset({"ext4", "ext3", "xfs", "btrfs", "f2fs", "tmpfs"})
#: Each folder's file system (its device number) where it can be synced whole, else None.
_file_systems: dict[str, int | None] = {}


def synced_as_one(folder: str) -> int | None:
    """The device of ``folder``'s file system when one :func:`sync_file_system` makes all
    files written there safe on the disk (Linux 5.8 or later, which reports a failed
    write to ``syncfs``, on a file system of a disk of this computer); ``None`` where
    each file must be synced on its own (other systems, network and FUSE drives, or
    when it cannot be told)."""
    if folder not in _file_systems:
        _file_systems[folder] = _syncable_device(folder)
    return _file_systems[folder]


def _syncable_device(folder: str) -> int | None:
    if not sys.platform.startswith("linux") or _kernel() < (5, 8):
        return None
    try:
        device = os.stat(folder or ".").st_dev
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            kind = file_system_kind(device, mounts.read())
    except OSError:
        return None
    return device if kind in _SYNCED_WHOLE else None


def file_system_kind(device: int, mountinfo: str) -> str | None:
    """The kind of file system (``ext4``, ``nfs``, ``fuse.sshfs``…) mounted from
    ``device``, as Linux's ``/proc/self/mountinfo`` (``mountinfo``) says; None if not
    listed."""
    number = f"{os.major(device)}:{os.minor(device)}"
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) > 2 and fields[2] == number and " - " in line:
            return line.split(" - ", 1)[1].split(maxsplit=1)[0]
    return None


def _kernel() -> tuple[int, ...]:
    """The version of the running Linux kernel, as numbers (``(6, 1)``)."""
    found = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return (int(found[1]), int(found[2])) if found else (0,)


def sync_file_system(handle: int) -> bool:
    """Put on the disk everything written in the file system of the open file ``handle``
    (``syncfs``); False where that failed or cannot be done (then each file is synced on
    its own, which says which one could not be written)."""
    syncfs = _syncfs()
    return syncfs is not None and syncfs(handle) == 0


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """The C library's ``syncfs`` (``None`` where it has none)."""
    import ctypes  # (only a batch on Linux needs it)

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def _new_temp(output: Path) -> tuple[int, str]:
    """A new temporary file beside ``output``, open for writing, and its path.

    Named by the process and a count (cheaper than random names, and as unique among the
    processes writing into one folder); a name taken, by a file a killed process of the
    same id left, is passed over.
    """
    folder, suffix = os.path.dirname(output), output.suffix
    tries = 0
    while True:
        temp = os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{next(_serial)}{suffix}.tmp")
        try:
            return os.open(temp, _NEW_FILE, 0o666), temp
        except FileExistsError:
            tries += 1
            if tries == _TEMP_TRIES:
                raise


def _discard(temp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)


def _failed(exc: OSError, output: Path) -> OutputError:
    """The error for a write of ``output`` the system refused with ``exc``."""
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):  # the folder went away?
        missing = _missing_folder(output)
        if missing is not None:
            return missing
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
