"""The zip layer: a package held in memory has its entries read from its central directory
without :mod:`zipfile` where it is laid out plainly, and exactly as zipfile reads them."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from corpus.zipsurgery import flip_member_bytes, member_data
from needs import shared_real
from workbooks import EXAMPLE, TEMPLATE

from bdt_docx.package import Package, PackageError, _plain_entries


def _parts_by_zipfile(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _parts_by_package(data: bytes) -> dict[str, bytes]:
    with Package(data) as package:
        return {name: package.read(name) for name in package.names}


def _real_files() -> list[Path]:
    folder = shared_real("xlsx")
    return sorted(folder.glob("*.xls[xm]"))


def test_real_workbooks_read_without_zipfile_as_zipfile_reads_them():
    # saved by Excel for Windows and Mac, Excel Online, WPS, LibreOffice...
    plain = 0
    for path in _real_files():
        data = path.read_bytes()
        entries = _plain_entries(data)
        if entries is None:
            continue
        plain += 1
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
        assert set(entries) == set(infos), path.name
        for name, entry in entries.items():
            info = infos[name]
            assert entry == (
                info.orig_filename,
                info.flag_bits,
                info.compress_type,
                info.CRC,
                info.compress_size,
                info.file_size,
                info.header_offset,
            ), (path.name, name)
        assert _parts_by_package(data) == _parts_by_zipfile(data), path.name
    assert plain >= 50  # nearly all of them are laid out plainly


@pytest.mark.parametrize("source", [EXAMPLE, TEMPLATE], ids=["openpyxl workbook", "template"])
def test_this_projects_packages_are_read_without_zipfile(source):
    data = Path(source).read_bytes()
    assert _plain_entries(data) is not None
    assert _parts_by_package(data) == _parts_by_zipfile(data)


def _zip(comment: bytes = b"", extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/workbook.xml")
        info.extra = extra
        archive.writestr(info, b"<workbook/>")
        archive.writestr("Tài liệu/ghi chú.xml", b"<a/>")
        archive.comment = comment
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _zip(comment=b"written by hand"),
        _zip(extra=b"UT\x05\x00\x01\x00\x00\x00\x00"),
        b"x" + _zip(),
    ],
    ids=["comment", "extra field", "data before the zip"],
)
def test_a_zip_laid_out_otherwise_is_read_by_zipfile(data):
    assert _plain_entries(data) is None
    assert _parts_by_package(data) == _parts_by_zipfile(data)


def test_a_corrupt_extra_field_is_refused_as_zipfile_refuses_it():
    data = _zip(extra=b"UT\x40\x00\x01")  # says 64 bytes follow; 1 does
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(data))
    with pytest.raises(PackageError):
        Package(data)


def test_non_ascii_names_are_read_as_zipfile_reads_them():
    data = _zip()
    assert "Tài liệu/ghi chú.xml" in _plain_entries(data)
    assert _parts_by_package(data)["Tài liệu/ghi chú.xml"] == b"<a/>"


def _with_member_bytes(data: bytes, part: str, stored: bytes) -> bytes:
    """``data`` with the compressed bytes of ``part`` replaced by as many of ``stored``."""
    start, size = member_data(data, part)
    assert len(stored) == size
    return data[:start] + stored + data[start + size :]


def _two_parts(first: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/first.xml", first)
        archive.writestr("xl/second.xml", b"<a/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "stored"),
    [
        (b"", None),
        (b"", b"\xff\xff"),  # a stream no inflater reads, where nothing is to come out
        (b"<row>" * 400, None),
        (b"<row>" * 400, "flipped"),
        (b"<row>" * 400, "cut short"),  # its last bytes zeros: the end of the stream missing
    ],
    ids=["empty", "empty, damaged", "deflated", "deflated, damaged", "deflated, cut short"],
)
def test_a_deflated_part_is_read_as_bytes_or_refused_as_zipfile_does(content, stored):
    data = _two_parts(content)
    start, size = member_data(data, "xl/first.xml")
    if stored == "flipped":
        data = flip_member_bytes(data, "xl/first.xml")
    elif stored == "cut short":
        data = _with_member_bytes(data, "xl/first.xml", data[start : start + size - 2] + b"\0\0")
    elif stored is not None:
        data = _with_member_bytes(data, "xl/first.xml", stored)
    assert _plain_entries(data) is not None
    try:
        expected = _parts_by_zipfile(data)["xl/first.xml"]
    except (zipfile.BadZipFile, zlib.error, EOFError):
        with pytest.raises(PackageError), Package(data) as package:
            package.read("xl/first.xml")
        return
    with Package(data) as package:
        read = package.read("xl/first.xml")
    assert type(read) is bytes and read == expected == content
