"""Writing reports (:mod:`bdt_docx.output`): the zip package a report is, written by hand
because the parts that never change are copied already compressed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from workbooks import EXAMPLE, TEMPLATE

import bdt_docx
from bdt_docx.errors import OutputError
from bdt_docx.output import Member, deflate, write_package, zip_bytes


def test_the_zip_is_laid_out_as_zipfile_writes_it():
    """Given the same parts, the writer gives the very bytes :mod:`zipfile` gives."""
    parts = [
        (zipfile.ZipInfo("[Content_Types].xml", (2021, 6, 9, 10, 30, 58)), b"<Types/>" * 50),
        (zipfile.ZipInfo("word/tài liệu.xml", (1980, 1, 1, 0, 0, 0)), "Báo cáo".encode() * 99),
        (zipfile.ZipInfo("docProps/empty.xml", (2026, 12, 31, 23, 59, 59)), b""),
    ]
    parts[0][0].external_attr = 0o644 << 16
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts:
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    assert zip_bytes(deflate(info, data) for info, data in parts) == expected.getvalue()


def test_report_keeps_the_template_parts_and_every_check_sum(tmp_path):
    report = bdt_docx.fill_report(EXAMPLE, TEMPLATE, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as written, zipfile.ZipFile(TEMPLATE) as template:
        assert written.testzip() is None  # every member inflates to its CRC
        got, original = written.infolist(), template.infolist()
        assert [(i.filename, i.date_time, i.external_attr) for i in got] == [
            (i.filename, i.date_time, i.external_attr) for i in original
        ]
        for name in ("word/styles.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"):
            assert written.read(name) == template.read(name)
        assert b"UBND T\xe1\xbb\x88NH CAO B\xe1\xba\xb0NG" in written.read("word/document.xml")


def test_a_package_too_large_for_a_plain_zip_is_refused(tmp_path):
    huge = Member("word/document.xml", (2021, 1, 1, 0, 0, 0), 0, 0, 2**32, b"\x03\x00")
    assert zip_bytes([huge]) is None
    with pytest.raises(OutputError, match="quá lớn"):
        write_package([huge], tmp_path / "bao_cao.docx")
    assert list(Path(tmp_path).iterdir()) == []
