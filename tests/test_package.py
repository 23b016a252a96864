"""The zip layer: a package held in memory has its entries read from its central directory
without :mod:`zipfile` where it is laid out plainly, and exactly as zipfile reads them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
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
