"""Stage 5: write the report, atomically.

The report is written to a temporary file in the destination folder, whose name starts
with :data:`TEMP_PREFIX`, then moved into place with :func:`os.replace`: a reader never sees
a half-written report under the final name, and a process killed midway leaves only a
recognisable temporary file, which the next write into that folder removes once stale.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from bdt_docx.errors import OutputError

__all__ = ["TEMP_PREFIX", "check_destination", "write_bytes", "write_package"]

#: Start of the name of every temporary file bdt_docx writes beside a report.
TEMP_PREFIX = ".~bdt-docx-"
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
        raise OutputError("đường dẫn là một thư mục, cần tên một tệp", output)
    if not output.parent.is_dir():
        raise OutputError(f"thư mục '{output.parent}' không tồn tại", output)
    if output.exists() and not overwrite:
        raise OutputError(
            "tệp đã có; dùng --overwrite (overwrite=True) để ghi đè, hoặc chọn tên khác", output
        )


def write_package(
    parts: Iterable[tuple[zipfile.ZipInfo, bytes]], output: Path, *, overwrite: bool = False
) -> Path:
    """Write ``parts`` as a zip package at ``output``; return ``output``.

    Raises :class:`OutputError` when the file exists (and ``overwrite`` is false), the folder
    is missing or read-only, or another program holds the file open.
    """

    def write(stream: BinaryIO) -> None:
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as package:
            for info, data in parts:
                package.writestr(_entry(info), data)

    return _write_atomically(output, write, overwrite)


def write_bytes(data: bytes, output: Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` at ``output`` atomically, like :func:`write_package`."""
    return _write_atomically(output, lambda stream: stream.write(data), overwrite)


def _write_atomically(output: Path, write: Callable[[BinaryIO], object], overwrite: bool) -> Path:
    check_destination(output, overwrite)
    _remove_stale(output.parent)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=TEMP_PREFIX, suffix=output.suffix + ".tmp", dir=output.parent
        )
    except OSError as exc:
        raise OutputError(_reason(exc), output) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, _file_mode())
        if not overwrite and output.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(output))
        os.replace(temp, output)
    except OSError as exc:
        raise OutputError(_reason(exc), output) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return output


def _entry(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = info.external_attr
    return entry


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileExistsError):
        return "tệp đã có; dùng --overwrite (overwrite=True) để ghi đè"
    if isinstance(exc, PermissionError):
        return (
            "không có quyền ghi, hoặc tệp đang mở trong chương trình khác (Word, "
            "LibreOffice). Hãy đóng tệp rồi thử lại"
        )
    if exc.errno == errno.ENOSPC:
        return "ổ đĩa đã đầy"
    return f"lỗi hệ thống khi ghi tệp ({exc.strerror or exc})"


def _remove_stale(folder: Path) -> None:
    """Remove temporary files an interrupted run left here more than an hour ago.

    A folder is looked at most once every :data:`_RECHECK_SECONDS` per process: listing a
    folder that holds a batch's thousand reports before each report would cost more than
    the report.
    """
    now = time.monotonic()
    if now - _checked.get(folder, float("-inf")) < _RECHECK_SECONDS:
        return
    _checked[folder] = now
    limit = time.time() - _STALE_SECONDS
    for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
