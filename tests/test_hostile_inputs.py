"""Broken and hostile inputs: each works, or gets a clerk's message and leaves nothing written.

The corpus is generated into ``tmp_path`` by :mod:`corpus.builders` (see tests/corpus/).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from corpus.builders import (
    EXAMPLE,
    INFO,
    ROOT,
    TEMPLATE,
    cfb,
    docx_template,
    edited_workbook,
    example_copy,
    rewrite_parts,
    with_values,
)
from needs import require_libreoffice
from openpyxl.workbook.defined_name import DefinedName
from reading import text as report_text

import bdt_docx.output
import bdt_docx.package
from bdt_docx.api import fill_report
from bdt_docx.errors import (
    BdtDocxError,
    BdtDocxWarning,
    OutputError,
    TemplateError,
    WorkbookError,
)
from bdt_docx.legacy import detect, repair
from bdt_docx.output import TEMP_PREFIX


def fill(workbook: Path, out: Path, template: Path = TEMPLATE) -> Path:
    return fill_report(workbook, template, out)


def refused(
    workbook: Path, out: Path, kind: type[BdtDocxError] = WorkbookError, template: Path = TEMPLATE
) -> BdtDocxError:
    """Fill, expect ``kind``, and check that nothing was written beside ``out``."""
    before = set(out.parent.iterdir())
    with pytest.raises(kind) as caught:
        fill(workbook, out, template)
    assert set(out.parent.iterdir()) == before
    message = str(caught.value)
    assert "Traceback" not in message and message.strip()
    return caught.value


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder / "bao_cao.docx"


# -- files that are not workbooks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (os.urandom(4096), "không phải sổ Excel"),
        (b"", "tệp rỗng"),
        ("Nội dung;Giá trị\nCơ quan;Ban\n".encode(), "CSV"),
        (TEMPLATE.read_bytes(), "tài liệu Word"),
        (cfb({"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"x" * 100}), "mật khẩu"),
        (cfb({"Workbook": b"\x09\x08"}), "soffice --headless --convert-to xlsx"),
        (b"PK\x03\x04" + os.urandom(200), "sổ Excel bị hỏng hoặc chưa chép hết"),
    ],
    ids=["random", "empty", "csv", "docx", "encrypted", "old-xls", "broken-zip"],
)
def test_not_a_workbook(tmp_path: Path, out: Path, content: bytes, expected: str) -> None:
    workbook = tmp_path / "so_lieu.xlsx"
    workbook.write_bytes(content)
    error = refused(workbook, out)
    assert expected in str(error)
    assert str(workbook) in str(error)


@pytest.mark.parametrize(
    "content",
    [
        "Nội dung,Giá trị\nCơ quan,Ban\n".encode("utf-8-sig"),  # pandas' to_csv, named .xlsx
        cfb({"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"x" * 100}),
        cfb({"Workbook": b"\x09\x08"}),
    ],
    ids=["csv", "encrypted", "old-xls"],
)
def test_a_workbook_to_save_again_says_how_in_excel_and_in_calc(
    tmp_path: Path, out: Path, content: bytes
) -> None:
    """A clerk with LibreOffice Calc is told its menu too (found by a new-user run: the
    messages named Excel's only)."""
    workbook = tmp_path / "so_lieu.xlsx"
    workbook.write_bytes(content)
    message = str(refused(workbook, out))
    assert "Excel" in message and "LibreOffice Calc: File → Save As" in message


def test_a_binary_workbook_is_said_to_be_one(tmp_path: Path, out: Path) -> None:
    """A workbook saved as Excel Binary Workbook (.xlsb: a zip whose workbook part is
    xl/workbook.bin) is named as such with how to save it as .xlsx; it was said damaged,
    and the clerk went looking for a good copy (found by a new-user run)."""
    workbook = tmp_path / "so_lieu.xlsb"
    with zipfile.ZipFile(workbook, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="bin" '
            'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.bin" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        package.writestr("xl/workbook.bin", b"\x83\x01\x00")
    error = refused(workbook, out)
    (problem,) = error.problems
    assert problem.code == "workbook.not_xlsx" and "bị hỏng" not in problem.message
    assert "Excel Binary Workbook (.xlsb)" in problem.message
    assert "LibreOffice Calc: File → Save As" in problem.message


def test_workbook_cut_short_is_said_damaged(tmp_path: Path, out: Path) -> None:
    # A copy from a USB stick or an e-mail attachment that stopped half-way: the clerk is
    # told the file is damaged and to copy it again, not that it may be a renamed CSV.
    whole = tmp_path / "whole.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Cơ quan"
    book.save(whole)
    workbook = tmp_path / "so_lieu.xlsx"
    workbook.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    error = refused(workbook, out)
    assert "bị hỏng hoặc chưa chép hết" in str(error) and "CSV" not in str(error)
    assert error.problems[0].code == "workbook.damaged"


def test_missing_workbook_and_folder(tmp_path: Path, out: Path) -> None:
    assert "không tìm thấy" in str(refused(tmp_path / "khong_co.xlsx", out))
    assert "thư mục" in str(refused(tmp_path, out))


@pytest.mark.slow
def test_real_xls_is_converted(tmp_path: Path, out: Path) -> None:
    soffice = require_libreoffice()
    source = example_copy(tmp_path)
    subprocess.run(
        [
            str(soffice),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # The values are read; the lists were Excel tables, which .xls cannot keep: the clerk
    # is told so, and how to fix it.
    error = refused(tmp_path / "so_lieu.xls", out)
    assert {p.field for p in error.problems} == {"van_ban", "khen_thuong", "noi_nhan"}
    assert "Tệp .xls" in str(error) and "Save As" in str(error)


def test_xlsm_with_macros_works(tmp_path: Path, out: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(
                b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
            ).replace(
                b"</Types>",
                b'<Default Extension="bin" '
                b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
            )
        return data

    workbook = rewrite_parts(
        EXAMPLE, tmp_path / "so_lieu.xlsm", change, [("xl/vbaProject.bin", cfb({"VBA": b""}))]
    )
    assert "Hà Văn Vui" in report_text(fill(workbook, out))


# -- what cells and names hold ------------------------------------------------------------


def test_formula_without_saved_value(tmp_path: Path, out: Path) -> None:
    workbook = with_values(tmp_path, {"tong_so_nguoi": "=20+5"})
    error = refused(workbook, out)
    assert "tong_so_nguoi" in str(error) and "B17" in str(error) and "Ctrl+Alt+F9" in str(error)
    (problem,) = error.problems
    assert (problem.sheet, problem.cell, problem.field) == (INFO, "B17", "tong_so_nguoi")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("#REF!", "#REF!"),
        (f"'{INFO}'!#REF!", "#REF!"),
        (f"'{INFO}'!$B$5,'{INFO}'!$B$6", "nhiều vùng"),
        (f"'{INFO}'!$B$5:$B$6", "nhiều ô"),
        ("'Không có'!$B$5", "không có"),
        ("42", "không trỏ tới ô"),
        # a table's column whose name holds a comma, as the example's "Số, ký hiệu"
        ("van_ban[[#This Row],[Số, ký hiệu]]", "tên trỏ tới bảng 'van_ban'"),
        ("van_ban[Số, ký hiệu]", "tên trỏ tới bảng 'van_ban'"),
        # a whole table (Excel's Table1, named by Name Manager): rename the table
        ("Table1[#All]", "đổi tên bảng 'Table1' thành chính tên này"),
        ("Table1[#Data]", "đổi tên bảng 'Table1' thành chính tên này"),
    ],
)
def test_broken_defined_names(tmp_path: Path, out: Path, target: str, expected: str) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        del book.defined_names["nguoi_ky"]
        book.defined_names["nguoi_ky"] = DefinedName("nguoi_ky", attr_text=target)

    error = refused(edited_workbook(tmp_path, edit), out)
    assert expected in str(error) and "nguoi_ky" in str(error)


def test_merged_named_cell_and_hidden_sheets(tmp_path: Path, out: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book[INFO].merge_cells("B27:C27")
        del book.defined_names["nguoi_ky"]
        book.defined_names["nguoi_ky"] = DefinedName("nguoi_ky", attr_text=f"'{INFO}'!$B$27:$C$27")
        book[INFO].sheet_state = "hidden"
        book["Nơi nhận"].sheet_state = "veryHidden"

    with pytest.warns(BdtDocxWarning, match="đang ẩn") as caught:
        text = report_text(fill(edited_workbook(tmp_path, edit), out))
    assert "Hà Văn Vui" in text and "Lưu: VT" in text
    hidden = [w.message.problem for w in caught if isinstance(w.message, BdtDocxWarning)]
    assert {(p.sheet, p.code) for p in hidden} == {
        (INFO, "sheet.hidden"),
        ("Nơi nhận", "sheet.hidden"),
    }


def _shared_string(tmp_path: Path, raw_xml_text: str, field: str = "han_che") -> Path:
    """The example with ``field``'s cell holding ``raw_xml_text`` as Excel stored it."""
    marker = "MARKER_0123456789"
    workbook = with_values(tmp_path, {field: marker}, name="base.xlsx")

    def change(name: str, data: bytes) -> bytes:
        return data.replace(marker.encode(), raw_xml_text.encode())

    return rewrite_parts(workbook, tmp_path / "so_lieu.xlsx", change)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("dòng 1_x000B_dòng 2", "dòng 1\ndòng 2"),
        ("dòng 1_x000D__x000A_dòng 2", "dòng 1\ndòng 2"),
        ("dòng 1_x000D_dòng 2", "dòng 1\ndòng 2"),
        ("chuông_x0007_ trang_x000C_mới", "chuông trang\nmới"),
        ("cột 1_x0009_cột 2", "cột 1\tcột 2"),
        ("gạch _x005F_x000B_ giữ nguyên", "gạch _x000B_ giữ nguyên"),
        ("ngoặc {_{ x }_} và {_% y %_}", "ngoặc {_{ x }_} và {_% y %_}"),
        ("{{ 7*7 }} {% if true %}x{% endif %}", "{{ 7*7 }} {% if true %}x{% endif %}"),
        ("A &amp; B &lt;w:p&gt;", "A & B <w:p>"),
        ("Vie\u0302\u0323t Nam", "Việt Nam"),
    ],
    ids=[
        "vt",
        "crlf",
        "cr",
        "bell-ff",
        "tab",
        "escaped-underscore",
        "docxtpl-markers",
        "jinja-in-cell",
        "xml-in-cell",
        "decomposed",
    ],
)
def test_cell_text_comes_out_as_the_cell_says(
    tmp_path: Path, out: Path, stored: str, shown: str
) -> None:
    text = report_text(fill(_shared_string(tmp_path, stored), out))
    assert shown in text
    assert "49" not in text.split("Hạn chế")[-1][:40]


def test_very_long_text(tmp_path: Path, out: Path) -> None:
    long = ("Công chức thực hiện tốt nhiệm vụ bầu cử. " * 800)[:32767]  # Excel's most
    assert long.strip() in report_text(fill(with_values(tmp_path, {"han_che": long}), out))


@pytest.mark.parametrize(
    ("typed", "unicode", "label"),
    [
        ("Ban D©n téc tØnh Cao B»ng", "Ban Dân tộc tỉnh Cao Bằng", "TCVN3"),
        ("Ban Daân toäc tænh Cao Baèng", "Ban Dân tộc tỉnh Cao Bằng", "VNI"),
        # each word a syllable shape in TCVN3 too ('Chuỷ tũch UBND tổnh Haù'), but no
        # Vietnamese rime ends 'ũch' or 'ônh', and 'au' never takes its tone on the 'u'
        ("Chuû tòch UBND tænh Haï Lang", "Chủ tịch UBND tỉnh Hạ Lang", "VNI"),
        # 'TuÊn' lower-cased is the shape 'tuên', but nobody types a capital mid-word
        ("TuÊn", "Tuấn", "TCVN3"),
    ],
)
def test_legacy_encodings_are_converted_with_a_warning(
    tmp_path: Path, out: Path, typed: str, unicode: str, label: str
) -> None:
    workbook = with_values(tmp_path, {"ten_day_du": typed})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = report_text(fill(workbook, out))
    assert unicode in text and typed not in text
    (warning,) = [w.message for w in caught if isinstance(w.message, BdtDocxWarning)]
    assert (warning.problem.field, warning.problem.sheet, warning.problem.cell) == (
        "ten_day_du",
        INFO,
        "B8",
    )
    assert label in str(warning) and unicode in str(warning)


@pytest.mark.parametrize(
    ("typed", "unicode", "encoding"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam", "tcvn3"),
        ("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "tcvn3"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc", "tcvn3"),
        ("Ng\xadêi lao ®éng", "Người lao động", "tcvn3"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "vni"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "vni"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc", "vni"),
        ("ngöôøi lao ñoäng", "người lao động", "vni"),
        # short: each word reads as a syllable shape in TCVN3 too ('Daõn toọc'), but 'aon'
        # is no Vietnamese rime
        ("Daân toäc", "Dân tộc", "vni"),
        ("Ban Daân toäc", "Ban Dân tộc", "vni"),
        ("UBND tænh", "UBND tỉnh", "vni"),
        ("Chuû tòch", "Chủ tịch", "vni"),
        ("Haï Lang", "Hạ Lang", "vni"),
        ("Quúnh", "Quỳnh", "tcvn3"),
        ("hÖ thèng", "hệ thống", "tcvn3"),
        # a tie ('Lửu' is a shape too) goes to VNI, whose one-byte ư, ơ, đ read as TCVN3 ử, ụ, ủ
        ("Löu: VT", "Lưu: VT", "vni"),
    ],
)
def test_legacy_known_words(typed: str, unicode: str, encoding: str) -> None:
    assert repair(typed) == (unicode, encoding)


def test_every_word_of_the_real_report_is_a_syllable() -> None:
    """The syllable shapes legacy detection relies on hold every Vietnamese word of the
    report the template reproduces (its abbreviations aside)."""
    from reading import SEED

    from bdt_docx.legacy import is_syllable

    words = set(re.findall(r"[^\W\d_]+", SEED.read_text("utf-8")))
    vietnamese = {w for w in words if not w.isascii() and not w.isupper()}
    assert len(vietnamese) > 100
    assert [w for w in sorted(vietnamese) if not is_syllable(w)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Hello world",
        "Naïve café",
        "Müller Straße",
        "Señor",
        "10 × 20 ± 5",
        "cá phê",
        "Phòng Tài chính",
        "Bà già",
        "ÉCOLE",
        "",
    ],
)
def test_legacy_detection_leaves_unicode_and_english_alone(text: str) -> None:
    assert detect(text) is None and repair(text) == (text, None)


def test_unicode_and_english_cells_give_no_warning(tmp_path: Path, out: Path) -> None:
    workbook = with_values(tmp_path, {"han_che": "Naïve café, Müller Straße: ok. Chủ nghĩa"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", BdtDocxWarning)
        assert "Naïve café, Müller Straße" in report_text(fill(workbook, out))


# -- malicious packages -------------------------------------------------------------------


def test_zip_bomb_is_refused_by_inflated_bytes(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part inflating beyond the limit is refused while it inflates (a zip's stated sizes
    may lie, so the reader counts what it actually gets)."""
    bomb = b"<x>" + b" " * (3 * 1024 * 1024) + b"</x>"
    workbook = rewrite_parts(
        EXAMPLE,
        tmp_path / "so_lieu.xlsx",
        lambda name, data: data,
        [("xl/bomb.xml", bomb)],
    )
    with zipfile.ZipFile(workbook) as package:
        assert package.getinfo("xl/bomb.xml").compress_size < 10_000
    monkeypatch.setattr(bdt_docx.package, "MAX_PART_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(bdt_docx.package, "MAX_PACKAGE_BYTES", 2 * 1024 * 1024)
    with (
        bdt_docx.package.Package(workbook) as package,
        pytest.raises(bdt_docx.package.PackageError, match="quá lớn"),
    ):
        package.read("xl/bomb.xml")
    # A sheet that inflates too much: the workbook is refused with a message.
    monkeypatch.setattr(bdt_docx.package, "MAX_PART_BYTES", 1000)
    assert "quá lớn" in str(refused(example_copy(tmp_path), out))


def test_zip_bomb_template_is_refused(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bdt_docx.package, "MAX_PACKAGE_BYTES", 20_000)
    template = Path(shutil.copyfile(TEMPLATE, tmp_path / "mau.docx"))
    error = refused(example_copy(tmp_path), out, TemplateError, template)
    assert "quá lớn" in str(error)


_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
_PASSWD = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_doctype(data: bytes, doctype: str) -> bytes:
    declaration = re.match(rb"<\?xml[^>]*\?>\s*", data)
    at = declaration.end() if declaration else 0
    return data[:at] + doctype.encode() + data[at:]


@pytest.mark.parametrize(
    ("doctype", "entity"),
    [(_LAUGHS, "&lol3;"), (_PASSWD, "&xxe;")],
    ids=["billion-laughs", "external-entity"],
)
def test_entity_tricks_in_workbook(tmp_path: Path, out: Path, doctype: str, entity: str) -> None:
    workbook = with_values(tmp_path, {"han_che": "MARKER"}, name="base.xlsx")

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":  # 'Thông tin', its strings inline
            data = _with_doctype(data, doctype).replace(b"MARKER", entity.encode())
        return data

    error = refused(rewrite_parts(workbook, tmp_path / "so_lieu.xlsx", change), out)
    assert "DOCTYPE" in str(error) and "root:" not in str(error)


@pytest.mark.parametrize(
    ("doctype", "entity"),
    [(_LAUGHS, "&lol3;"), (_PASSWD, "&xxe;")],
    ids=["billion-laughs", "external-entity"],
)
def test_entity_tricks_in_template(tmp_path: Path, out: Path, doctype: str, entity: str) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            data = _with_doctype(data, doctype).replace(b"{{ nguoi_ky }}", entity.encode())
        return data

    template = rewrite_parts(TEMPLATE, tmp_path / "mau.docx", change)
    shutil.copyfile(TEMPLATE.with_suffix(".toml"), template.with_suffix(".toml"))
    error = refused(example_copy(tmp_path), out, TemplateError, template)
    assert "DOCTYPE" in str(error)


@pytest.mark.parametrize(
    "tag",
    [
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ ''|attr('__class__') }}",
        "{{ lipsum['__globals__'] }}",
        "{{ self._TemplateReference__context }}",
    ],
)
def test_templates_that_try_to_run_code(tmp_path: Path, out: Path, tag: str) -> None:
    template = docx_template(tmp_path, [f"Xin chào {tag}"])
    error = refused(example_copy(tmp_path), out, TemplateError, template)
    assert "không được chạy mã" in str(error) and "đoạn 1" in str(error)


def test_sandbox_stops_what_lint_cannot_see(tmp_path: Path) -> None:
    """A name built at run time escapes the static check; the sandbox still refuses it,
    and render.py turns that into a TemplateError naming the paragraph."""
    from bdt_docx.api import render_report

    template = docx_template(tmp_path, ["{{ ''|attr('_' ~ '_class_' ~ '_') }}"])
    with pytest.raises(TemplateError, match="đoạn"):
        render_report({}, template, tmp_path / "r.docx")
    assert not (tmp_path / "r.docx").exists()


# -- outputs that cannot be written -------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_existing_output_is_kept(tmp_path: Path, out: Path) -> None:
    out.write_bytes(b"old")
    error = refused(example_copy(tmp_path), out, OutputError)
    assert error.problems[0].code == "output.exists" and out.read_bytes() == b"old"
    # The library speaks of its own argument, never of the command's option.
    assert "overwrite=True" in str(error) and "--" not in str(error)


def test_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "khong_co" / "bao_cao.docx"
    with pytest.raises(OutputError, match="không tồn tại"):
        fill(example_copy(tmp_path), out)
    assert not out.parent.exists()


#: prctl(2) option removing a capability from the bounding set (linux/prctl.h).
PR_CAPBSET_DROP = 24


def _bound_by_permissions() -> Callable[[], None] | None:
    """What makes a child process bound by folder permissions. A user is already; root is
    not (CAP_DAC_OVERRIDE lets it write anywhere), so its child drops every capability from
    its bounding set before running the program, which then has none: still root, owning the
    files, but held to their permission bits like any user."""
    if os.geteuid() != 0:
        return None
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in range(last + 1):
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


def test_read_only_folder_for_real(tmp_path: Path, out: Path) -> None:
    """The command, told to write into a folder it may not write to, says so (exit code 5)
    and leaves nothing there, even when the tests run as root (as in CI)."""
    workbook = example_copy(tmp_path)
    out.parent.chmod(0o555)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bdt_docx", "fill", str(workbook), "-o", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=_bound_by_permissions(),
        )
        assert result.returncode == 5, result.stderr
        assert "không có quyền ghi" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert _leftovers(out.parent) == []
    finally:
        out.parent.chmod(0o755)


def test_read_only_folder(tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    create = os.open

    def no_right(path: str, *args: Any) -> int:  # the folder refuses new files
        if os.path.basename(path).startswith(TEMP_PREFIX):
            raise PermissionError(13, "Permission denied")
        return create(path, *args)

    monkeypatch.setattr(bdt_docx.output.os, "open", no_right)
    assert "không có quyền ghi" in str(refused(example_copy(tmp_path), out, OutputError))


def test_locked_output(tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file Word holds open: PermissionError on os.replace."""
    out.write_bytes(b"open in Word")

    def locked(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(bdt_docx.output.os, "replace", locked)
    with pytest.raises(OutputError, match="đang mở"):
        fill_report(example_copy(tmp_path), TEMPLATE, out, overwrite=True)
    assert _leftovers(out.parent) == ["bao_cao.docx"] and out.read_bytes() == b"open in Word"


def test_disk_full(tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object) -> None:  # the disk fills up before the data reach it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bdt_docx.output.os, "fsync", full)
    assert "đầy" in str(refused(example_copy(tmp_path), out, OutputError))


_CHILD = textwrap.dedent(
    """
    import os, sys, time, pathlib
    fsync = os.fsync

    def slow(fd):
        fsync(fd)
        pathlib.Path(sys.argv[4]).touch()
        time.sleep(120)

    os.fsync = slow
    from bdt_docx.api import fill_report
    fill_report(sys.argv[1], sys.argv[2], sys.argv[3])
    """
)


def test_killed_midway_leaves_only_a_recognisable_temporary(tmp_path: Path, out: Path) -> None:
    started = tmp_path / "started"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(EXAMPLE), str(TEMPLATE), str(out), str(started)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert child.poll() is None, "the child ended before writing"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    (leftover,) = out.parent.iterdir()
    assert leftover.name.startswith(TEMP_PREFIX) and leftover.name.endswith(".tmp")
    assert not out.exists()
    # A later run: a fresh leftover may belong to a run still writing, so it is kept; one
    # older than an hour is removed.
    later_run = [
        sys.executable,
        "-c",
        "import sys; from bdt_docx.api import fill_report; "
        "fill_report(sys.argv[1], sys.argv[2], sys.argv[3])",
        str(EXAMPLE),
        str(TEMPLATE),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*later_run, str(out.with_name("khac.docx"))], env=env, check=True)
    assert leftover.exists()
    hours_ago = time.time() - 2 * 3600
    os.utime(leftover, (hours_ago, hours_ago))
    subprocess.run([*later_run, str(out)], env=env, check=True)
    assert _leftovers(out.parent) == ["bao_cao.docx", "khac.docx"]


def test_every_failure_is_a_bdt_docx_error(tmp_path: Path, out: Path) -> None:
    """Render failures caused by data (a filter refusing a value) are TemplateErrors that
    name the paragraph, not Python exceptions."""
    template = docx_template(tmp_path, ["Khóa {{ so|la_ma }}"])
    from bdt_docx.api import render_report

    with pytest.raises(TemplateError, match=re.escape("«Khóa {{ so|la_ma }}»")):
        render_report({"so": 0}, template, out)
    assert _leftovers(out.parent) == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # a name that grows with its list, as Excel guides teach: not a fixed block of cells
        (
            "OFFSET('Văn bản đã ban hành'!$A$4,0,0,COUNTA('Văn bản đã ban hành'!$A:$A),3)",
            "tên là một công thức (OFFSET(",
        ),
        ("'Văn bản đã ban hành'!#REF!", "#REF!"),
    ],
)
def test_list_name_that_is_not_a_block_says_why(
    tmp_path: Path, out: Path, target: str, expected: str
) -> None:
    # The name is there: the clerk is told what is wrong with it, not that there is none.
    def edit(book: openpyxl.Workbook) -> None:
        del book["Văn bản đã ban hành"].tables["van_ban"]
        book.defined_names["van_ban"] = DefinedName("van_ban", attr_text=target)

    error = refused(edited_workbook(tmp_path, edit), out)
    (problem,) = [p for p in error.problems if p.field == "van_ban"]
    assert expected in problem.message and "không có bảng" not in problem.message
