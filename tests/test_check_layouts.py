"""Layouts real Word users make, each built on the conforming report: ``check`` reads them as
a person reading the printed page would, and says which kind of document it read."""

from __future__ import annotations

import pytest
from docx_factory import (
    ABSTRACT_LINE,
    BOLD,
    CENTER,
    MOTTO_LINE,
    QUOC_HIEU,
    TEXT_WIDTH,
    TIEU_NGU,
    TRICH_YEU,
    paragraph,
    table,
)
from test_check import DOCUMENT, Edit, drawn_line, render, replace, restyle, style_edit

from bdt_docx.checker import check
from bdt_docx.filters import be_rong

SIZE_13 = '<w:sz w:val="26"/>'
PARENT = paragraph("UBND TỈNH CAO BẰNG", CENTER, SIZE_13)
ISSUER = paragraph("BAN DÂN TỘC", CENTER, BOLD + SIZE_13)
NUMBER = paragraph("Số: 05/BC-BDT", CENTER, SIZE_13)
TITLE = paragraph("BÁO CÁO", CENTER, BOLD)
ABSTRACT = paragraph(TRICH_YEU, CENTER, BOLD)
KINH_GUI = "Kính gửi: Ủy ban nhân dân tỉnh"


def app_pages(pages: int) -> Edit:
    """``docProps/app.xml`` saying how many pages Word counted."""
    app = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    return lambda parts: parts.update(
        {"docProps/app.xml": f'<Properties xmlns="{app}"><Pages>{pages}</Pages></Properties>'}
    )


def no_page_numbers(parts: dict[str, str]) -> None:
    """No page-number header at all, and no separate first page."""
    for old in ('<w:headerReference w:type="default" r:id="rIdHeader1"/>', "<w:titlePg/>"):
        replace(old, "")(parts)


def tab_led(text: str) -> Edit:
    """The body paragraph starting with ``text`` led by a Tab (the style has no indent)."""
    return replace(f'<w:t xml:space="preserve">{text}', f'<w:tab/><w:t xml:space="preserve">{text}')


def wrap_in_one_cell(inner: str) -> Edit:
    """Put ``inner`` in a table of one cell."""
    return replace(inner, table((TEXT_WIDTH,), [[inner]]))


CONG_VAN = (
    replace(TITLE + ABSTRACT + ABSTRACT_LINE, paragraph(KINH_GUI, CENTER)),
    replace(NUMBER, NUMBER.replace("BC-BDT", "BDT-VP")
            + paragraph("V/v báo cáo kết quả thi đua", CENTER, '<w:sz w:val="24"/>')),
)  # fmt: skip

AUTHORITY = paragraph("TRƯỞNG BAN DÂN TỘC", CENTER, BOLD)
DECIDES = paragraph("QUYẾT ĐỊNH:", CENTER, BOLD)
QUYET_DINH = (
    replace(">BÁO CÁO<", ">QUYẾT ĐỊNH<"),
    replace("05/BC-BDT", "05/QĐ-BDT"),
    replace(ABSTRACT_LINE, ABSTRACT_LINE + AUTHORITY + DECIDES),
)

LAYOUTS: list[tuple[str, str, tuple[Edit, ...]]] = [
    ("agency name on two lines, both bold", "Báo cáo",
     (replace(PARENT + ISSUER, paragraph("ỦY BAN NHÂN DÂN", CENTER, BOLD + SIZE_13)
              + paragraph("TỈNH CAO BẰNG", CENTER, BOLD + SIZE_13)),)),
    ("line under the Tiêu ngữ drawn in the date paragraph, next row", "Báo cáo",
     (replace(MOTTO_LINE, ""),
      replace(">Cao Bằng, ngày 09 tháng 6 năm 2021</w:t></w:r>",
              ">Cao Bằng, ngày 09 tháng 6 năm 2021</w:t></w:r>"
              + drawn_line(be_rong(TIEU_NGU, 14, True)))),),
    ("Quốc hiệu and Tiêu ngữ in one paragraph with a line break", "Báo cáo",
     (replace(paragraph(QUOC_HIEU, CENTER, BOLD + SIZE_13)
              + paragraph(TIEU_NGU, CENTER, BOLD + '<w:sz w:val="28"/>'),
              paragraph(QUOC_HIEU, CENTER, BOLD + SIZE_13).replace(
                  "</w:t></w:r>", f'</w:t><w:br/><w:t>{TIEU_NGU}</w:t></w:r>')),)),
    ("first-line indent made with a Tab", "Báo cáo",
     (style_edit('<w:ind w:firstLine="567"/>', ""), tab_led("Thực hiện"), tab_led("Ban đã"),
      tab_led("Trên đây"))),
    ("centred Kính gửi before the body", "Báo cáo",
     (replace(ABSTRACT_LINE, ABSTRACT_LINE + paragraph(KINH_GUI, CENTER)),)),
    ("trích yếu in a table of one cell", "Báo cáo", (wrap_in_one_cell(ABSTRACT),)),
    ("numbered item ending with a colon, not bold", "Báo cáo",
     (replace("Ban đã ban hành", "2. Các văn bản gồm:</w:t></w:r></w:p><w:p><w:pPr>"
              '<w:pStyle w:val="NoiDung"/></w:pPr><w:r><w:t xml:space="preserve">Ban đã'
              " ban hành"),)),
    ("a single-line body paragraph aligned left", "Báo cáo",
     (restyle("Ban đã ban hành", ppr='<w:pStyle w:val="NoiDung"/><w:jc w:val="left"/>'),)),
    ("Tờ trình: ký hiệu TTr, no I. headings needed", "Tờ trình",
     (replace(">BÁO CÁO<", ">TỜ TRÌNH<"), replace("05/BC-BDT", "05/TTr-BDT"),
      restyle("I. KẾT QUẢ", rpr=""), restyle("1. Công tác", rpr=""))),
    ("Công văn: V/v under the số, no tên loại", "Công văn", CONG_VAN),
    ("Quyết định: authority line and QUYẾT ĐỊNH: centred", "Quyết định", QUYET_DINH),
    ("one page without page numbers, as Word counted", "Báo cáo",
     (no_page_numbers, app_pages(1))),
    ("closing table nested in a table of one cell", "Báo cáo",
     (lambda parts: parts.update({DOCUMENT: _nest_closing(parts[DOCUMENT])}),)),
    ("A4 landscape appendix section for a wide table", "Báo cáo",
     (replace('<w:pgSz w:w="11906" w:h="16838"/>',
              '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'),
      replace('w:left="1701" w:header', 'w:left="1134" w:header'),
      replace("<w:sectPr>", '<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
              '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701"/>'
              "</w:sectPr></w:pPr></w:p><w:sectPr>"))),
]  # fmt: skip


def _nest_closing(xml: str) -> str:
    start = xml.rindex("<w:tbl>")
    end = xml.rindex("</w:tbl>") + len("</w:tbl>")
    closing = xml[start:end]
    return xml[:start] + table((TEXT_WIDTH,), [[closing + "<w:p/>"]]) + xml[end:]


@pytest.mark.parametrize(
    ("kind", "edits"), [(k, e) for _, k, e in LAYOUTS], ids=[name for name, _, _ in LAYOUTS]
)
def test_layouts_word_users_make_pass(kind: str, edits: tuple[Edit, ...]) -> None:
    report = check(render(*edits))
    assert report.ok, report.to_text()
    assert report.kind == kind


def test_a_cong_van_skips_the_title_rules_and_speaks_of_its_own_number() -> None:
    report = check(render(*CONG_VAN))
    verdicts = {f.rule: f.verdict for f in report.findings}
    assert verdicts["tieu_de.ten_loai"] == verdicts["noi_dung.de_muc"] == "skip"
    assert "«Số: 05/BDT-VP»" in report.to_text() and "BÁO CÁO" not in report.to_text()
    assert "(nhận ra từ trích yếu «V/v báo cáo kết quả thi đua»)" in report.to_text()


@pytest.mark.parametrize(
    "edit",
    [
        replace('<w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">V/v',
                '<w:sz w:val="24"/><w:b/><w:i/></w:rPr><w:t xml:space="preserve">V/v'),
        replace('<w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">V/v',
                '<w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">V/v'),
    ],
    ids=["italic", "14 pt"],
)  # fmt: skip
def test_a_cong_van_abstract_out_of_format_fails(edit: Edit) -> None:
    report = check(render(*CONG_VAN, edit))
    assert report.failed_rules() == {"dau.trich_yeu_cong_van"}, report.to_text()


@pytest.mark.parametrize(
    ("edit", "found"),
    [
        (replace(DECIDES, paragraph("QUYẾT ĐỊNH:", CENTER)), "có chữ không đậm: «QUYẾT ĐỊNH:»"),
        (replace(AUTHORITY, ""), "không tìm thấy thẩm quyền ban hành"),
        (replace(DECIDES, ""), "không tìm thấy «QUYẾT ĐỊNH:»"),
    ],
    ids=["QUYẾT ĐỊNH: not bold", "no authority line", "no QUYẾT ĐỊNH:"],
)
def test_a_quyet_dinh_without_its_centred_lines_fails(edit: Edit, found: str) -> None:
    report = check(render(*QUYET_DINH, edit))
    assert report.failed_rules() == {"noi_dung.tham_quyen"}, report.to_text()
    assert [f.found for f in report.failures] == [found]


def test_a_tab_led_paragraph_without_its_tab_has_no_indent() -> None:
    report = check(render(style_edit('<w:ind w:firstLine="567"/>', ""), tab_led("Thực hiện")))
    failed = [(f.rule, f.where, f.found) for f in report.failures]
    # The 8th and 9th paragraphs outside tables (the header table's are named by their cell).
    assert failed == [
        ("noi_dung.thut_dau_dong", "nội dung, đoạn 8", "thụt đầu dòng 0 cm"),
        ("noi_dung.thut_dau_dong", "nội dung, đoạn 9", "thụt đầu dòng 0 cm"),
    ]


@pytest.mark.parametrize(("pages", "verdict"), [(None, "warn"), (3, "fail")])
def test_page_numbers_are_asked_for_unless_one_page(pages: int | None, verdict: str) -> None:
    edits = (no_page_numbers,) if pages is None else (no_page_numbers, app_pages(pages))
    report = check(render(*edits))
    found = [f for f in report.findings if f.rule == "so_trang.dinh_dang"]
    assert [f.verdict for f in found] == [verdict]
    assert found[0].expected == "số trang ở giữa đầu trang, từ trang 2"


def test_a_landscape_left_margin_under_30_mm_is_a_warning() -> None:
    report = check(render(*LAYOUTS[-1][2]))
    warned = [(f.rule, f.where, f.found) for f in report.warnings]
    assert ("trang.le", "mục 2", "lề trái 20 mm (trang ngang)") in warned


def test_a_header_block_that_is_not_there_is_said() -> None:
    def drop_header(parts: dict[str, str]) -> None:
        xml = parts[DOCUMENT]
        start, end = xml.index("<w:tbl>"), xml.index("</w:tbl>") + len("</w:tbl>")
        parts[DOCUMENT] = xml[:start] + xml[end:]

    report = check(render(drop_header))
    header = [f for f in report.findings if f.rule == "dau.bang"]
    assert [(f.verdict, f.found[:25]) for f in header] == [("warn", "không tìm thấy phần đầu: ")]
    assert {f.verdict for f in report.findings if f.rule.startswith("dau.")} == {"warn", "skip"}


def test_a_kinh_gui_table_is_not_taken_for_the_closing_block() -> None:
    half = TEXT_WIDTH // 2
    kinh_gui = table(
        (half, TEXT_WIDTH - half), [[paragraph("Kính gửi:"), paragraph("- UBND tỉnh.")]]
    )
    report = check(
        render(
            replace(ABSTRACT_LINE, ABSTRACT_LINE + kinh_gui),
            replace(">Nơi nhận:<", "><"),  # a closing block without its heading
        )
    )
    assert report.failed_rules() == {"cuoi.noi_nhan"}, report.to_text()
