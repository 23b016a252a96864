"""Byte-level damage to a zip package, as a broken disk, mailer or zip tool leaves it.

Each function takes the bytes of a whole package and returns damaged bytes; the regression
corpus calls them with fixed arguments, the fuzzer (:mod:`corpus.fuzz`) with random ones.
The zip layout is walked from the end of central directory record, as readers do.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_UTF8_FLAG = 0x800


def central_entries(data: bytes) -> list[int]:
    """Offsets of the central directory entries, in order."""
    end = data.rfind(_END)
    if end < 0:
        return []
    count, _size, start = struct.unpack("<HII", data[end + 10 : end + 20])
    offsets, at = [], start
    for _ in range(count):
        if data[at : at + 4] != _CENTRAL:
            break
        offsets.append(at)
        name, extra, comment = struct.unpack("<HHH", data[at + 28 : at + 34])
        at += 46 + name + extra + comment
    return offsets


def _entry_named(data: bytes, part: str) -> int:
    for at in central_entries(data):
        length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + length] == part.encode():
            return at
    raise KeyError(part)


def member_data(data: bytes, part: str) -> tuple[int, int]:
    """Where the stored (compressed) bytes of ``part`` are: ``(start, length)``."""
    entry = _entry_named(data, part)
    size, _ = struct.unpack("<II", data[entry + 20 : entry + 28])
    local = struct.unpack("<I", data[entry + 42 : entry + 46])[0]
    name, extra = struct.unpack("<HH", data[local + 26 : local + 30])
    return local + 30 + name + extra, size


def flip_member_bytes(data: bytes, part: str, at: int = 10, count: int = 40) -> bytes:
    """``part``'s compressed bytes ``at..at+count`` inverted (a corrupt deflate stream)."""
    start, size = member_data(data, part)
    damaged = bytearray(data)
    for i in range(start + min(at, size), start + min(at + count, size)):
        damaged[i] ^= 0xFF
    return bytes(damaged)


def set_central_field(data: bytes, offset: int, fmt: str, value: int, part: str | None) -> bytes:
    """Field at ``offset`` (``struct`` ``fmt``) of each central entry (or ``part``'s) set."""
    entries = [_entry_named(data, part)] if part else central_entries(data)
    damaged = bytearray(data)
    for at in entries:
        struct.pack_into(fmt, damaged, at + offset, value)
    return bytes(damaged)


def zip_version(data: bytes, version: int = 99, part: str | None = None) -> bytes:
    """The "version needed to extract" of every member (or ``part``) set to ``version``."""
    return set_central_field(data, 6, "<H", version, part)


def bad_utf8_name(data: bytes, part: str) -> bytes:
    """``part``'s name in the central directory made invalid UTF-8, under the UTF-8 flag."""
    entry = _entry_named(data, part)
    damaged = bytearray(data)
    flags = struct.unpack("<H", data[entry + 8 : entry + 10])[0]
    struct.pack_into("<H", damaged, entry + 8, flags | _UTF8_FLAG)
    damaged[entry + 46] = 0xFF
    return bytes(damaged)


def central_directory_offset(data: bytes, offset: int) -> bytes:
    """The end record's offset of the central directory set to ``offset``."""
    end = data.rfind(_END)
    damaged = bytearray(data)
    struct.pack_into("<I", damaged, end + 16, offset)
    return bytes(damaged)


def recompressed(data: bytes, method: int) -> bytes:
    """The same parts stored with compression ``method`` (``zipfile.ZIP_BZIP2``…)."""
    return rewritten(data, lambda _name, part: part, method=method)


def rewritten(
    data: bytes,
    change: Callable[[str, bytes], bytes | None],
    extra: Iterable[tuple[str, bytes]] = (),
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The package with each part passed through ``change`` (``None`` drops it), and
    ``extra`` parts added, stored with compression ``method``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", method) as new:
        for info in old.infolist():
            part = change(info.filename, old.read(info.filename))
            if part is not None:
                new.writestr(info.filename, part)
        for name, part in extra:
            new.writestr(name, part)
    return out.getvalue()
