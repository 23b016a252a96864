"""The ND30 checker: a conforming report passes; each broken variant fails its one rule."""

from __future__ import annotations

import gc
import json
import os
import struct
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from docx_factory import (
    ABSTRACT_LINE,
    AGENCY_LINE,
    CENTER,
    LEFT_CONTENT,
    MOTTO_LINE,
    RIGHT_CONTENT,
    TEXT_WIDTH,
    TIEU_NGU,
    W_NS,
    line_paragraph,
    make_docx,
    paragraph,
    report_parts,
    theme_xml,
)
from lxml import etree

from bdt_docx.checker import RULES, DocumentError, check
from bdt_docx.errors import BdtDocxError
from bdt_docx.filters import BLANK_DATE, be_rong

Edit = Callable[[dict[str, str]], None]
DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"


def replace(old: str, new: str, part: str = DOCUMENT) -> Edit:
    """Replace the one occurrence of ``old`` in ``part``."""

    def edit(parts: dict[str, str]) -> None:
        assert parts[part].count(old) == 1, f"{old!r} is not once in {part}"
        parts[part] = parts[part].replace(old, new)

    return edit


def restyle(text: str, *, rpr: str | None = None, ppr: str | None = None) -> Edit:
    """Give the paragraph starting with ``text`` new run and/or paragraph properties."""

    def edit(parts: dict[str, str]) -> None:
        root = etree.fromstring(parts[DOCUMENT].encode())
        found = [p for p in root.iter(f"{{{W_NS}}}p") if "".join(p.itertext()).startswith(text)]
        assert len(found) == 1, text
        for tag, xml, holders in (
            ("rPr", rpr, list(found[0].iter(f"{{{W_NS}}}r"))),
            ("pPr", ppr, [found[0]]),
        ):
            if xml is None:
                continue
            for holder in holders:
                old = holder.find(f"{{{W_NS}}}{tag}")
                new = etree.fromstring(f'<w:{tag} xmlns:w="{W_NS}">{xml}</w:{tag}>')
                if old is not None:
                    holder.replace(old, new)
                else:
                    holder.insert(0, new)
        parts[DOCUMENT] = etree.tostring(root, encoding="unicode")

    return edit


def render(*edits: Edit) -> bytes:
    """The conforming report with ``edits`` applied, as .docx bytes."""
    parts = report_parts()
    for edit in edits:
        edit(parts)
    return make_docx(parts)


def drawn_line(length_pt: float) -> str:
    """A run holding an inline DrawingML line ``length_pt`` long."""
    return (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
        f'wordprocessingDrawing"><wp:extent cx="{round(length_pt * 12700)}" cy="0"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="x"><a:prstGeom prst="line"/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r>"
    )


RUN_DEFAULT_FONTS = (
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
)
NORMAL_STYLE = '<w:style w:type="paragraph" w:styleId="Normal" w:default="1">'
BODY_STYLE = '<w:style w:type="paragraph" w:styleId="NoiDung">'


def style_edit(old: str, new: str) -> Edit:
    """Replace text in the stylesheet."""
    return replace(old, new, STYLES)


#: The header table in Table Grid, whose borders come through the table style.
GRID_HEADER = replace(
    '<w:tblW w:w="9071" w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="3402"/>',
    '<w:tblW w:w="9071" w:type="dxa"/><w:tblStyle w:val="TableGrid"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="3402"/>',
)


def header_cells_without(sides: str) -> Edit:
    """Every cell of the header table sets ``sides`` (``top left bottom right``) nil in its
    own borders, as LibreOffice saves a borderless table: Table Grid, and each cell's four
    sides nil."""

    def edit(parts: dict[str, str]) -> None:
        root = etree.fromstring(parts[DOCUMENT].encode())
        header = next(root.iter(f"{{{W_NS}}}tbl"))
        xml = "".join(f'<w:{side} w:val="nil"/>' for side in sides.split())
        for properties in header.iter(f"{{{W_NS}}}tcPr"):
            properties.append(
                etree.fromstring(f'<w:tcBorders xmlns:w="{W_NS}">{xml}</w:tcBorders>')
            )
        parts[DOCUMENT] = etree.tostring(root, encoding="unicode")

    return edit


#: (the rule the variant must fail, how it is broken, the edits that break it)
BROKEN: list[tuple[str, str, tuple[Edit, ...]]] = [
    ("trang.kho_giay", "Letter paper",
     (replace('<w:pgSz w:w="11906" w:h="16838"/>', '<w:pgSz w:w="12240" w:h="15840"/>'),)),
    ("trang.kho_giay", "landscape",
     (replace('<w:pgSz w:w="11906" w:h="16838"/>',
              '<w:pgSz w:w="11906" w:h="16838" w:orient="landscape"/>'),)),
    ("trang.le", "left margin 20 mm", (replace('w:left="1701"', 'w:left="1134"'),)),
    ("phong_chu.ten", "Normal style in Arial (through a style)",
     (style_edit(f'{NORMAL_STYLE}<w:name w:val="Normal"/><w:pPr></w:pPr><w:rPr>',
                 f'{NORMAL_STYLE}<w:name w:val="Normal"/><w:pPr></w:pPr><w:rPr>'
                 '<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>'),)),
    ("phong_chu.ten", "docDefaults theme font minorHAnsi = Calibri",
     (style_edit(RUN_DEFAULT_FONTS,
                 '<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/>'),
      lambda parts: parts.update({"word/theme/theme1.xml": theme_xml(minor="Calibri")}))),
    ("phong_chu.ten", "a header in Arial",
     (replace("<w:r><w:t>2</w:t></w:r>",
              '<w:r><w:rPr><w:rFonts w:ascii="Arial"/></w:rPr><w:t>2</w:t></w:r>',
              "word/header1.xml"),)),
    ("phong_chu.mau", "body style in theme colour accent1",
     (style_edit(f'{BODY_STYLE}<w:name w:val="NoiDung"/>',
                 f'{BODY_STYLE}<w:name w:val="NoiDung"/><w:rPr><w:color w:val="000000" '
                 'w:themeColor="accent1"/></w:rPr>'),)),
    ("dau.bang", "header table in Table Grid (borders through the table style)", (GRID_HEADER,)),
    ("dau.bang", "header table in Table Grid, its cells nil but on the right side",
     (GRID_HEADER, header_cells_without("top left bottom"))),
    (
        "dau.co_quan_chu_quan", "parent agency bold",
     (restyle("UBND TỈNH", rpr='<w:b/><w:sz w:val="26"/>'),)),
    ("dau.co_quan_ban_hanh", "issuing agency not bold",
     (restyle("BAN DÂN TỘC", rpr='<w:sz w:val="26"/>'),)),
    ("dau.duong_ke_co_quan", "a row of underscores",
     (replace(AGENCY_LINE, paragraph("________", CENTER)),)),
    ("dau.duong_ke_co_quan", "a line as wide as the cell",
     (replace(AGENCY_LINE, line_paragraph(LEFT_CONTENT, LEFT_CONTENT / 20)),)),
    ("dau.so_ky_hieu", "number without a leading zero",
     (replace(">Số: 05/BC-BDT<", ">Số: 5/BC-BDT<"),)),
    ("dau.so_ky_hieu", "ký hiệu in lower case", (replace(">Số: 05/BC-BDT<", ">Số: 05/bc-bdt<"),)),
    ("dau.quoc_hieu", "Quốc hiệu at 14 pt: too big and on two lines",
     (restyle("CỘNG HÒA", rpr='<w:b/><w:sz w:val="28"/>'),)),
    ("dau.quoc_hieu", "old accent placement HOÀ",
     (replace(">CỘNG HÒA XÃ", ">CỘNG HOÀ XÃ"),)),
    ("dau.tieu_ngu", "en dashes in the Tiêu ngữ",
     (replace(f">{TIEU_NGU}<", ">Độc lập \u2013 Tự do \u2013 Hạnh phúc<"),)),
    ("dau.duong_ke_tieu_ngu", "line under the Tiêu ngữ too short",
     (replace(MOTTO_LINE, line_paragraph(RIGHT_CONTENT, 0.6 * be_rong(TIEU_NGU, 14, True))),)),
    ("dau.dia_danh_ngay", "tháng 06", (replace("tháng 6 năm", "tháng 06 năm"),)),
    ("dau.dia_danh_ngay", "date not italic",
     (restyle("Cao Bằng, ngày", rpr=""),)),
    ("tieu_de.ten_loai", "title not bold", (restyle("BÁO CÁO", rpr=""),)),
    ("tieu_de.trich_yeu", "trích yếu aligned left",
     (restyle("Kết quả thi đua", ppr='<w:jc w:val="left"/>'),)),
    ("tieu_de.duong_ke_trich_yeu", "no line under the trích yếu",
     (replace(ABSTRACT_LINE, paragraph()),)),
    ("noi_dung.co_chu", "body style at 12 pt (through a style)",
     (style_edit(f'{BODY_STYLE}<w:name w:val="NoiDung"/>',
                 f'{BODY_STYLE}<w:name w:val="NoiDung"/><w:rPr><w:sz w:val="24"/></w:rPr>'),)),
    ("noi_dung.can_le", "body style aligned left (a paragraph of two lines shows it)",
     (style_edit('<w:jc w:val="both"/>', '<w:jc w:val="left"/>'),
      replace("báo cáo như sau:", "báo cáo kết quả thi đua trong cuộc bầu cử như sau:"))),
    ("noi_dung.thut_dau_dong", "first-line indent 1.5 cm",
     (style_edit('<w:ind w:firstLine="567"/>', '<w:ind w:firstLine="850"/>'),)),
    ("noi_dung.khoang_cach_doan", "no space after paragraphs",
     (style_edit('w:after="120"', 'w:after="0"'),)),
    ("noi_dung.gian_dong", "double line spacing", (style_edit('w:line="288"', 'w:line="480"'),)),
    ("noi_dung.de_muc", "section heading not bold", (restyle("I. KẾT QUẢ", rpr=""),)),
    ("noi_dung.de_muc", "khoản title not bold", (restyle("1. Công tác", rpr=""),)),
    ("noi_dung.ket_thuc", "no ./. at the end", (replace("tỉnh Cao Bằng./.", "tỉnh Cao Bằng."),)),
    ("cuoi.bang", "closing table with borders",
     (replace('<w:tblW w:w="9071" w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="4535"/>',
              '<w:tblW w:w="9071" w:type="dxa"/><w:tblBorders><w:insideV w:val="single" '
              'w:sz="4"/></w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w="4535"/>'),)),
    ("cuoi.noi_nhan", "Nơi nhận not italic",
     (restyle("Nơi nhận:", rpr='<w:b/><w:sz w:val="24"/>'),)),
    ("cuoi.danh_sach_nhan", "last recipient ends with ;", (replace("- Lưu: VT.", "- Lưu: VT;"),)),
    ("cuoi.danh_sach_nhan", "recipients at 13 pt", (restyle("- UBND tỉnh;", rpr=""),)),
    ("cuoi.chu_ky", "signer's name not bold", (restyle("Hà Văn Vui", rpr=""),)),
    ("so_trang.trang_dau", "no titlePg: a number on page 1", (replace("<w:titlePg/>", ""),)),
    ("so_trang.dinh_dang", "page number italic",
     (replace("<w:r><w:t>2</w:t></w:r>", "<w:r><w:rPr><w:i/></w:rPr><w:t>2</w:t></w:r>",
              "word/header1.xml"),)),
    ("so_trang.dinh_dang", "page number at the right",
     (replace('<w:jc w:val="center"/>', '<w:jc w:val="right"/>', "word/header1.xml"),)),
]  # fmt: skip


def test_conforming_report_passes_every_rule() -> None:
    report = check(render())
    assert report.ok, report.to_text()
    assert report.kind == "Báo cáo"
    verdicts = {f.rule: f.verdict for f in report.findings}
    skipped = {"dau.trich_yeu_cong_van": "skip", "noi_dung.tham_quyen": "skip"}
    assert verdicts == {rule.id: "pass" for rule in RULES} | skipped
    assert len(report.findings) == len(RULES)


@pytest.mark.parametrize(
    ("rule", "edits"), [(rule, edits) for rule, _, edits in BROKEN], ids=[b[1] for b in BROKEN]
)
def test_broken_variant_fails_its_rule_only(rule: str, edits: tuple[Edit, ...]) -> None:
    report = check(render(*edits))
    assert report.failed_rules() == {rule}, report.to_text()
    assert not report.ok


def test_every_rule_has_a_broken_variant() -> None:
    covered = {rule for rule, _, _ in BROKEN}
    # ngon_ngu is a warning (tested below); a Báo cáo has no "V/v" nor "QUYẾT ĐỊNH:" (their
    # rules are broken on a Công văn and a Quyết định in test_check_layouts)
    others = {"ngon_ngu", "dau.trich_yeu_cong_van", "noi_dung.tham_quyen"}
    assert {rule.id for rule in RULES} - covered == others


def test_missing_language_is_a_warning() -> None:
    report = check(render(style_edit('<w:lang w:val="vi-VN"/>', "")))
    assert report.ok
    assert [f.rule for f in report.warnings] == ["ngon_ngu"]


@pytest.mark.parametrize(
    "edits",
    [
        (replace(">Số: 05/BC-BDT<", ">Số:      /BC-BDT<"),),
        (replace(">Cao Bằng, ngày 09 tháng 6 năm 2021<", f">Cao Bằng, {BLANK_DATE}<"),),
        (replace("ngày 09 tháng 6 năm 2021", "ngày 05 tháng 01 năm 2020"),),
        (replace("ngày 09 tháng 6 năm 2021", "ngày 29 tháng 12 năm 2019"),),
        # the short lines drawn as DrawingML lines instead of paragraph borders
        (
            replace(
                AGENCY_LINE,
                f"<w:p>{drawn_line(0.45 * be_rong('BAN DÂN TỘC', 13, True))}</w:p>",
            ),
        ),
        # the body style's spacing moved to "before": the gap still counts
        (style_edit('w:before="0" w:after="120"', 'w:before="120" w:after="0"'),),
        # saved by LibreOffice Writer: Table Grid, every cell's four sides nil
        (GRID_HEADER, header_cells_without("top left bottom right")),
    ],
    ids=[
        "blank number",
        "blank date",
        "month 01",
        "month 12",
        "drawn line",
        "space before",
        "Table Grid with nil cells",
    ],
)
def test_allowed_variants_pass(edits: tuple[Edit, ...]) -> None:
    report = check(render(*edits))
    assert report.ok, report.to_text()


def test_drawn_line_too_long_fails() -> None:
    edit = replace(AGENCY_LINE, f"<w:p>{drawn_line(TEXT_WIDTH / 20)}</w:p>")
    assert check(render(edit)).failed_rules() == {"dau.duong_ke_co_quan"}


@pytest.mark.parametrize(
    ("typed", "example"),
    [("bc-bdt", "Số: 05/BC-BDT"), ("ttr-snv", "Số: 05/TTr-SNV"), ("Bc-Bdt", "Số: 05/BC-BDT")],
)
def test_a_lower_case_ky_hieu_is_shown_as_it_should_be_written(typed: str, example: str) -> None:
    """The example given for a ký hiệu in lower case is that ký hiệu in capitals (it was
    the ký hiệu as typed: 'cần: ký hiệu in hoa, ví dụ «Số: 05/bc-bdt»')."""
    report = check(render(replace(">Số: 05/BC-BDT<", f">Số: 05/{typed}<")))
    expected = [f.expected for f in report.failures if f.rule == "dau.so_ky_hieu"]
    assert expected == [f"ký hiệu in hoa, ví dụ «{example}»"], report.to_text()


def test_report_text_and_dict_are_vietnamese_and_json_ready() -> None:
    report = check(render(replace("tháng 6 năm", "tháng 06 năm")))
    text = report.to_text()
    assert "KHÔNG ĐẠT" in text and "dau.dia_danh_ngay" in text and "tháng «06»" in text
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["ok"] is False
    failure = next(f for f in data["findings"] if f["verdict"] == "fail")
    assert failure["rule"] == "dau.dia_danh_ngay"
    assert "bảng 1, hàng 2, ô 2" in failure["where"]
    assert failure["expected"].startswith("tháng «6»")


def test_check_reads_a_path(tmp_path) -> None:
    path = tmp_path / "bao_cao.docx"
    path.write_bytes(render())
    report = check(path)
    assert report.ok and report.file == str(path)


EXAMPLE_WORKBOOK = Path(__file__).resolve().parent.parent / "examples" / "bao_cao_bau_cu_2021.xlsx"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_check_leaves_the_file_closed(tmp_path) -> None:
    """Found by an API run: check() left the .docx to be closed by the garbage collector (a
    ResourceWarning), and a file it refused stayed open while the script handled the error
    (on Windows, the script could not move or delete it there)."""

    def open_here(path: Path) -> bool:
        fds = Path("/proc/self/fd")
        return any(os.path.realpath(fds / fd) == str(path.resolve()) for fd in os.listdir(fds))

    report, workbook = tmp_path / "bao_cao.docx", tmp_path / "so_lieu.xlsx"
    report.write_bytes(render())
    workbook.write_bytes(EXAMPLE_WORKBOOK.read_bytes())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert check(report).ok
        gc.collect()
    assert [str(w.message) for w in caught] == []
    try:
        check(workbook)
    except DocumentError as error:
        assert "tệp là sổ Excel" in str(error)
        assert not open_here(workbook)


def _patch_central_entry(data: bytes, name: str, offset: int, value: bytes) -> bytes:
    """Overwrite ``value`` at ``offset`` in the central directory entry of member ``name``."""
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name.encode():
            return data[: start + offset] + value + data[start + offset + len(value) :]
        start += 4
    raise AssertionError(f"{name} is not in the zip")


def _bad_crc() -> bytes:
    return _patch_central_entry(render(), DOCUMENT, 16, b"\0\0\0\0")


def _encrypted() -> bytes:
    """The main part flagged as encrypted (general purpose bit 0), in both of its headers."""
    data = _patch_central_entry(render(), DOCUMENT, 8, b"\x01\x00")
    local = data.find(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(DOCUMENT)] != DOCUMENT.encode():
        local = data.find(b"PK\x03\x04", local + 4)
    return data[: local + 6] + b"\x01\x00" + data[local + 8 :]


def _doctype() -> bytes:
    parts = report_parts()
    parts[DOCUMENT] = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "x">]>' + parts[DOCUMENT]
    return make_docx(parts)


@pytest.mark.parametrize(
    ("suffix", "make", "reason"),
    [
        (".txt", lambda: "Báo cáo\n".encode(), "không phải tệp Office"),
        (".docx", lambda: b"", "không phải tệp Office"),
        (
            ".xlsx",
            lambda: EXAMPLE_WORKBOOK.read_bytes(),
            "tệp là sổ Excel, không phải văn bản Word",
        ),
        (".docx", _bad_crc, "bị hỏng"),
        (".docx", _encrypted, "mã hóa"),
        (".docx", _doctype, "DOCTYPE"),
        (".docx", lambda: make_docx({DOCUMENT: "<w:document"}), "bị hỏng"),
    ],
    ids=["text file", "empty", "workbook", "bad CRC", "encrypted member", "doctype", "bad XML"],
)
def test_unreadable_document_raises_document_error(tmp_path, suffix, make, reason) -> None:
    path = tmp_path / f"bao_cao{suffix}"
    path.write_bytes(make())
    with pytest.raises(DocumentError, match=reason) as caught:
        check(path)
    error = caught.value
    assert type(error) is not BdtDocxError and isinstance(error, BdtDocxError)
    assert error.file == str(path)
    assert str(error).startswith(f"Không đọc được tệp .docx ({path}): ")
    with pytest.raises(DocumentError, match=reason):
        check(path.read_bytes())


def test_missing_document_raises_document_error(tmp_path) -> None:
    with pytest.raises(DocumentError, match="không đọc được tệp"):
        check(tmp_path / "khong_co.docx")


BIG = "9" * 5000


@pytest.mark.parametrize(
    ("edit", "rule", "found"),
    [
        (replace('w:top="1134"', 'w:top="1e999"'), "trang.le", "lề trên 0 mm"),
        (replace('w:left="1701"', f'w:left="{BIG}"'), "trang.le", "lề trái 0 mm"),
        (replace(">Số: 05/BC-BDT<", f">Số: {BIG}/BC-BDT<"), "dau.so_ky_hieu", "số «999999999999»"),
        (replace("ngày 09 tháng", f"ngày {BIG} tháng"), "dau.dia_danh_ngay", "ngày «999999999999»"),
        (replace("tháng 6 năm", f"tháng {BIG} năm"), "dau.dia_danh_ngay", "tháng «999999999999»"),
    ],
    ids=["margin 1e999", "margin of 5,000 digits", "number of 5,000 digits", "day", "month"],
)
def test_numbers_out_of_range_are_problems_not_crashes(edit: Edit, rule: str, found: str) -> None:
    report = check(render(edit))
    assert found in [f.found for f in report.failures if f.rule == rule], report.to_text()


@pytest.mark.parametrize("value", ["inf", "1e999", "-5", BIG])
def test_a_grid_span_out_of_range_counts_as_one_column(value: str) -> None:
    cell = "<w:tc><w:tcPr>"

    def edit(parts: dict[str, str]) -> None:
        assert cell in parts[DOCUMENT]
        spanned = f'{cell}<w:gridSpan w:val="{value}"/>'
        parts[DOCUMENT] = parts[DOCUMENT].replace(cell, spanned, 1)

    report = check(render(edit))
    assert report.ok, report.to_text()


@pytest.mark.slow
def test_a_writer_document_says_to_save_it_as_docx(tmp_path: Path) -> None:
    """A report saved by LibreOffice Writer in its own format (.odt) is named as such, with
    how to save it as a .docx, not as a file without Word's content part."""
    from needs import require_libreoffice

    from bdt_docx.libreoffice import run_conversion

    require_libreoffice()
    report = tmp_path / "bao_cao.docx"
    report.write_bytes(render())
    odt = run_conversion(report, "odt", tmp_path / "odt")
    with pytest.raises(DocumentError) as caught:
        check(odt)
    assert caught.value.problems[0].code == "document.not_word"
    assert "tệp là văn bản .odt của LibreOffice Writer" in str(caught.value)
    assert "Save As, chọn Word 2007-365 (.docx)" in str(caught.value)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "says"),
    [("doc", "tệp là văn bản Word 97-2003 (.doc)"), ("rtf", "tệp là văn bản RTF (.rtf)")],
)
def test_a_report_saved_in_another_word_format_says_to_save_it_as_docx(
    tmp_path: Path, kind: str, says: str
) -> None:
    """Found by a new-user run: a report saved by Word or Writer as Word 97-2003 or RTF was
    "tệp không phải tệp Office (.xlsx, .docx) hợp lệ" (a workbook given by mistake, "tệp
    không có phần nội dung văn bản Word": see above); lint already named those formats."""
    from needs import require_libreoffice

    from bdt_docx.libreoffice import run_conversion

    require_libreoffice()
    report = tmp_path / "bao_cao.docx"
    report.write_bytes(render())
    other = run_conversion(report, kind, tmp_path / kind)
    with pytest.raises(DocumentError) as caught:
        check(other)
    assert caught.value.problems[0].code == "document.not_word"
    assert says in str(caught.value)
    assert "Lưu thành (Save As) kiểu Word Document (.docx)" in str(caught.value)
