"""Every ND30 rule, asserted on the effective formatting of the produced report.

Formatting is resolved as Word does (direct run properties, then character and paragraph
styles, then document defaults) by :mod:`bdt_docx.document`; the rules are those of
Nghị định 30/2020/NĐ-CP, Phụ lục I (``docs/nd30.md``), their numbers from :mod:`bdt_docx.nd30`.
"""

from __future__ import annotations

import pytest
from workbooks import EXAMPLE, edit_workbook

import bdt_docx
import bdt_docx.nd30 as nd30
from bdt_docx.checker import check
from bdt_docx.document import Document
from bdt_docx.filters import be_rong


def within(value, bounds):
    return bounds[0] <= value <= bounds[1]


def sizes_within(runs, bounds):
    return all(within(r.size, bounds) for r in runs)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("nd30") / "bao_cao.docx"
    return Document(bdt_docx.fill_report(EXAMPLE, output=out))


def paragraph(document, text):
    return next(p for p in document.paragraphs if p.text.strip().startswith(text))


def runs_with_text(p):
    return [r for r in p.runs if r.text.strip()]


def test_page_is_a4_portrait_with_nd30_margins(report):
    section = report.sections[0]
    assert (section.page_width, section.page_height) == nd30.A4
    assert section.orientation == "portrait"
    for side, (least, most) in nd30.MARGINS_MM.items():
        mm = section.margin(side) / nd30.TWIPS_PER_MM
        assert least <= mm <= most, (side, mm)


def test_times_new_roman_and_black_everywhere_headers_included(report):
    header = report.sections[0].headers["default"]
    for p in [*report.paragraphs, *header.paragraphs]:
        for run in runs_with_text(p):
            assert run.font == nd30.FONT, (p.text, run.font)
            assert run.font_hansi == nd30.FONT
            assert run.colour in ("auto", "000000"), (p.text, run.colour)


def test_language_is_vietnamese(report):
    assert report.language == "vi-VN"


def test_header_block_is_a_borderless_two_column_table(report):
    table = report.tables[0]
    assert len(table.grid) == 2
    assert all(
        border is None or border.style in ("nil", "none") for border in table.borders.values()
    )


def test_agency_lines(report):
    parent = paragraph(report, "UBND TỈNH CAO BẰNG")
    agency = paragraph(report, "BAN DÂN TỘC")
    for p, bold, sizes in (
        (parent, False, nd30.PARENT_AGENCY_SIZE),
        (agency, True, nd30.AGENCY_SIZE),
    ):
        for run in runs_with_text(p):
            assert within(run.size, sizes) and run.bold is bold and not run.italic
        assert p.text == p.text.upper() and p.alignment == "center"


def test_short_line_under_the_agency_is_a_third_to_a_half_of_its_text(report):
    agency = paragraph(report, "BAN DÂN TỘC")
    line = report.paragraphs[agency.index + 1]
    assert line.text == "" and line.border_bottom is not None
    assert line.border_bottom.style == "single"
    length = (line.cell.content_width - line.left_indent - line.right_indent) / 20
    (size,) = {r.size for r in runs_with_text(agency)}
    width = be_rong("BAN DÂN TỘC", size, True)
    assert nd30.SHORT_LINE[0] * width <= length <= nd30.SHORT_LINE[1] * width


def test_national_title_and_motto(report):
    title = paragraph(report, nd30.QUOC_HIEU)
    motto = paragraph(report, nd30.TIEU_NGU)
    (title_run,) = runs_with_text(title)
    assert title_run.bold and within(title_run.size, nd30.QUOC_HIEU_SIZE)
    # on one line: the text is narrower than its cell
    assert be_rong(title.text, title_run.size, True) * 20 <= title.cell.content_width
    assert all(r.bold for r in runs_with_text(motto))
    assert sizes_within(runs_with_text(motto), nd30.TIEU_NGU_SIZE)
    (motto_size,) = {r.size for r in runs_with_text(motto)}
    line = report.paragraphs[motto.index + 1]
    length = (line.cell.content_width - line.left_indent - line.right_indent) / 20
    width = be_rong(motto.text, motto_size, True)
    assert length == pytest.approx(nd30.TIEU_NGU_LINE * width, rel=0.05)


def test_number_and_place_date_share_a_row(report):
    number = paragraph(report, "Số:")
    place = paragraph(report, "Cao Bằng, ngày")
    assert number.cell.row is place.cell.row
    assert all(not r.bold and not r.italic for r in runs_with_text(number))
    assert sizes_within(runs_with_text(number), nd30.NUMBER_SIZE)
    assert all(r.italic for r in runs_with_text(place))
    assert sizes_within(runs_with_text(place), nd30.DATE_SIZE)
    assert place.text == "Cao Bằng, ngày 09 tháng 6 năm 2021"


def test_title_and_abstract(report):
    title = paragraph(report, "BÁO CÁO")
    abstract = report.paragraphs[title.index + 1]
    assert title.cell is None and title.alignment == "center"
    assert all(r.bold for r in runs_with_text(title))
    assert sizes_within(runs_with_text(title), nd30.TITLE_SIZE)
    assert abstract.alignment == "center"
    assert all(r.bold for r in runs_with_text(abstract))
    assert sizes_within(runs_with_text(abstract), nd30.ABSTRACT_SIZE)
    line = report.paragraphs[abstract.index + 1]
    assert line.border_bottom is not None and line.text == ""
    length = (report.sections[0].text_width - line.left_indent - line.right_indent) / 20
    (size,) = {r.size for r in runs_with_text(abstract)}
    widest = min(be_rong(abstract.text, size, True), report.sections[0].text_width / 20)
    assert nd30.SHORT_LINE[0] * widest <= length <= nd30.SHORT_LINE[1] * widest


def test_body_paragraphs(report):
    body = [
        p for p in report.paragraphs if p.cell is None and p.style_id == "Normal" and p.text.strip()
    ]
    assert len(body) >= 12
    for p in body:
        assert p.alignment == "both", p.text[:40]
        assert p.first_line_indent in nd30.FIRST_LINE_INDENTS
        assert p.space_after + (p.space_before or 0) >= nd30.MIN_PARAGRAPH_GAP
        assert p.line_spacing.rule == "auto" and within(p.line_spacing.value, nd30.LINE_SPACING)
        assert sizes_within(runs_with_text(p), nd30.BODY_SIZE)
    assert body[-1].text.endswith(nd30.BODY_END)
    assert body[-1].keep_next  # stays on the page of the closing block


def test_headings_are_bold_and_sections_upper_case(report):
    for start in ("I. KẾT QUẢ", "II. ĐÁNH GIÁ CHUNG"):
        p = paragraph(report, start)
        assert p.text == p.text.upper()
        assert all(r.bold for r in runs_with_text(p))
    for start in ("1. Công tác lãnh đạo", "2. Hạn chế.", "5. Công tác tuyên truyền"):
        assert all(r.bold for r in runs_with_text(paragraph(report, start)))
    sub = paragraph(report, "5.1. Công tác")
    assert all(r.bold and r.italic for r in runs_with_text(sub))


def test_closing_block_side_by_side(report):
    closing = report.tables[-1]
    assert len(closing.grid) == 2
    to = paragraph(report, "Nơi nhận:")
    assert all(r.bold and r.italic for r in runs_with_text(to))
    assert sizes_within(runs_with_text(to), nd30.RECIPIENTS_HEADING_SIZE)
    assert to.alignment == "left" and to.first_line_indent == 0
    recipients = [p for p in report.paragraphs if p.cell is to.cell and p.text.startswith("- ")]
    assert [p.text for p in recipients] == [
        "- UBND tỉnh;",
        "- Sở Nội vụ;",
        "- Lãnh đạo Ban;",
        "- Lưu: VT.",
    ]
    assert all(not r.bold for p in recipients for r in runs_with_text(p))
    assert all(sizes_within(runs_with_text(p), nd30.RECIPIENT_SIZE) for p in recipients)
    signature = [
        p
        for p in report.paragraphs
        if p.cell is not None
        and p.cell.table is to.cell.table
        and p.cell is not to.cell
        and p.text.strip()
    ]
    assert [p.text for p in signature] == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Hà Văn Vui"]
    for p in signature:
        assert p.alignment == "center"
        assert all(r.bold for r in runs_with_text(p))
        assert sizes_within(runs_with_text(p), nd30.SIGNATURE_SIZE)
    # beside the Nơi nhận, in one cell, with room for the signature and seal above the name
    assert all(p.cell is signature[0].cell for p in signature)
    assert signature[0].cell.row is to.cell.row
    assert signature[-1].index - signature[-2].index >= 4


def test_page_numbers_from_page_two(report):
    section = report.sections[0]
    assert section.title_page
    first, default = section.headers["first"], section.headers["default"]
    assert first.fields == [] and first.text.strip() == ""
    assert default.fields == ["PAGE"]
    (number,) = [p for p in default.paragraphs if p.fields]
    assert number.alignment == "center"
    assert number.runs and all(not r.italic for r in number.runs)
    assert sizes_within(number.runs, nd30.PAGE_NUMBER_SIZE)


@pytest.mark.parametrize(
    "values",
    [
        {},
        {
            "co_quan_ban_hanh": "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
            "co_quan_chu_quan": "UBND TỈNH HÀ GIANG",
        },
        {"co_quan_ban_hanh": "BAN", "so_van_ban": 7, "ngay_ban_hanh": "05/01/2022"},
        {
            "tong_so_nguoi": 30,
            "so_nguoi_di_bau_cu": 29,
            "so_nguoi_ung_cu": 0,
            "quyen_han_ky": None,
            "han_che": "Một.\nHai.\nBa.",
        },
    ],
)
def test_checker_passes_every_variation(tmp_path, values):
    workbook = edit_workbook(tmp_path / "w.xlsx", values)
    report = check(bdt_docx.fill_report(workbook))
    assert report.ok, report.to_text()
    assert not report.warnings, report.to_text()
