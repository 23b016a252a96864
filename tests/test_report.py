"""The report a clerk gets: the original's wording, filled with the workbook's figures."""

from __future__ import annotations

import datetime as dt
import zipfile

import docx
import pytest
from lxml import etree
from reading import (
    HEADER_ONLY,
    W,
    allowed_slips,
    lines,
    paragraph_text,
    part_xml,
    seed_lines,
)
from workbooks import EXAMPLE, edit_workbook

import bdt_docx


@pytest.fixture
def report(tmp_path):
    """Fill the shipped template from a copy of the example edited with ``values``/``tables``."""

    def make(values=None, tables=None):
        workbook = edit_workbook(tmp_path / "so_lieu.xlsx", values, tables)
        return bdt_docx.fill_report(workbook, overwrite=True)

    return make


def test_example_report_is_the_original_text(tmp_path):
    out = bdt_docx.fill_report(EXAMPLE, output=tmp_path / "bao_cao.docx")
    got = [allowed_slips(x) for x in lines(out) if x not in HEADER_ONLY]
    assert got == [allowed_slips(x) for x in seed_lines()]


def _counted(report, total: int, at_meeting: int, voting: int, standing: int) -> str:
    """The text of the report of the example with these counts."""
    counts = {
        "tong_so_nguoi": total,
        "so_nguoi_du_hoi_nghi": at_meeting,
        "so_nguoi_di_bau_cu": voting,
        "so_nguoi_ung_cu": standing,
    }
    return "\n".join(lines(report(counts)))


def test_counts_from_a_thousand_on_have_the_thousands_point(report):
    """ND30's numbers: ``1.250``, not ``1250`` (a large office's counts); years stay as
    they are written (``2021 - 2026``)."""
    text = _counted(report, 1250, 1234, 1000, 1001)
    assert "1.234/1.250 người tham gia (đạt 98,72%)" in text
    assert "(1.000/1.250 người) tham gia bầu cử" in text
    assert "giới thiệu 1.001 " in text
    assert "nhiệm kỳ 2021 - 2026" in text and "1250" not in text


def test_header_block_lines_come_first_in_order(tmp_path):
    out = bdt_docx.fill_report(EXAMPLE, output=tmp_path / "bao_cao.docx")
    first = lines(out)[:6]
    assert first == [
        "UBND TỈNH CAO BẰNG",
        "BAN DÂN TỘC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /BC-BDT",
        "Cao Bằng, ngày 09 tháng 6 năm 2021",
    ]


def test_default_output_is_beside_the_workbook_and_opens(tmp_path):
    workbook = edit_workbook(tmp_path / "Số liệu quý 2.xlsx")
    out = bdt_docx.fill_report(workbook)
    assert out == tmp_path / "Số liệu quý 2.docx"
    document = docx.Document(out)
    assert document.core_properties.author == "BAN DÂN TỘC"
    assert document.core_properties.title == (
        "Kết quả thi đua trong cuộc bầu cử Đại biểu Quốc hội khóa XV và Đại biểu Hội đồng "
        "nhân dân các cấp nhiệm kỳ 2021 - 2026"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Số liệu quý 2.docx",
        "Số liệu quý 2.xlsx",
    ]


def test_no_nominee_and_partial_turnout(report):
    got = lines(
        report(
            {
                "so_nguoi_ung_cu": 0,
                "tong_so_nguoi": 30,
                "so_nguoi_di_bau_cu": 29,
                "so_nguoi_du_hoi_nghi": 24,
            }
        )
    )
    assert (
        "Ban Dân tộc không có công chức tham gia ứng cử Đại biểu Hội đồng nhân dân các cấp "
        "nhiệm kỳ 2021 - 2026." in got
    )
    assert (
        "Công chức và người lao động Ban Dân tộc thực hiện quyền công dân, kết quả 96,67% "
        "(29/30 người) tham gia bầu cử." in got
    )
    text = "\n".join(got)
    assert "với số lượng 24/30 người tham gia (đạt 80%)." in text
    assert "Toàn thể" not in text and "đầy đủ." not in text and "đã lựa chọn" not in text


def test_almost_everyone_is_not_a_hundred_percent(report):
    got = _counted(report, 25000, 25000, 24999, 12)
    assert "kết quả 99,99% (24.999/25.000 người) tham gia bầu cử." in got
    assert "(đạt 100%)" in got
    assert "giới thiệu 12 công chức" in got


def _commendations(got: list[str]) -> list[str]:
    """The two lines after the report's sentence that opens the commendations."""
    opening = "đề nghị khen thưởng các tập thể, cá nhân sau:"
    i = next(i for i, x in enumerate(got) if x.endswith(opening))
    return got[i + 1 : i + 3]


def test_commendations_documents_and_recipients_from_lists(report):
    got = lines(
        report(
            tables={
                "khen_thuong": [
                    ["Phòng Chính sách", "Giấy khen của Trưởng ban"],
                    ["Ông Nông Văn A", "Bằng khen của UBND tỉnh"],
                ],
                "van_ban": [
                    ["12/BDT-VP", dt.datetime(2021, 1, 5), "về việc A"],
                    ["13/BDT-VP", "06/01/2021", "về việc B"],
                    ["14/BDT-VP", dt.datetime(2021, 3, 7), "về việc C"],
                ],
                "noi_nhan": [["Sở Nội vụ;"], ["- Sở Tài chính"], ["– Lưu: VT, TH."]],
            }
        )
    )
    assert _commendations(got) == [
        "- Phòng Chính sách: Giấy khen của Trưởng ban;",
        "- Ông Nông Văn A: Bằng khen của UBND tỉnh.",
    ]
    assert any(
        x.endswith(
            "Ban đã ban hành văn bản số 12/BDT-VP ngày 05/1/2021 về việc A; ban hành văn bản số "
            "13/BDT-VP ngày 06/1/2021 về việc B; ban hành văn bản số 14/BDT-VP ngày 07/3/2021 "
            "về việc C."
        )
        for x in got
    )
    j = got.index("Nơi nhận:")
    # typed with its own ";" or dash, a recipient still gets one of each (found by a
    # new-user run: "- Sở Tài chính" printed "- - Sở Tài chính")
    assert got[j + 1 : j + 4] == ["- Sở Nội vụ;", "- Sở Tài chính;", "- Lưu: VT, TH."]


def test_commendations_and_documents_typed_with_their_own_marks_get_one_of_each(report):
    """Found by a new-user run: the clerk's habit that the recipients were already spared
    (a row typed with its own ";" or dash) printed "Giấy khen;;", "- - Ông Nông Văn A" and a
    document's abstract ending in "2026..": the template writes the dash, ";" and "." itself."""
    got = lines(
        report(
            tables={
                "khen_thuong": [
                    ["- Phòng Chính sách", "Giấy khen của Trưởng ban;"],
                    ["• Ông Nông Văn A", "Bằng khen của UBND tỉnh."],
                ],
                "van_ban": [
                    ["12/BDT-VP", dt.datetime(2021, 1, 5), "về việc A;"],
                    ["13/BDT-VP", "06/01/2021", "về việc B nhiệm kỳ 2021 - 2026."],
                ],
            }
        )
    )
    assert _commendations(got) == [
        "- Phòng Chính sách: Giấy khen của Trưởng ban;",
        "- Ông Nông Văn A: Bằng khen của UBND tỉnh.",
    ]
    assert any(
        x.endswith(
            "Ban đã ban hành văn bản số 12/BDT-VP ngày 05/1/2021 về việc A; ban hành văn bản số "
            "13/BDT-VP ngày 06/1/2021 về việc B nhiệm kỳ 2021 - 2026."
        )
        for x in got
    )


def test_no_documents_drops_every_claim_about_them(report):
    text = "\n".join(lines(report(tables={"van_ban": []})))
    assert "ban hành văn bản" not in text.lower()
    assert "quan tâm và chỉ đạo sát sao.\n" in text


def test_numbered_and_undated_report(report):
    got = lines(report({"so_van_ban": 5, "ngay_ban_hanh": None}))
    assert "Số: 05/BC-BDT" in got
    assert "Cao Bằng, ngày tháng năm" in got  # blanks kept for the signer


def test_dates_typed_as_text_and_february_gets_a_zero(report):
    got = lines(report({"ngay_ban_hanh": "5/2/2026", "ngay_huong_dan_khen_thuong": "01/12/2021"}))
    assert "Cao Bằng, ngày 05 tháng 02 năm 2026" in got
    assert any("Hướng dẫn số 829/HD-SNV ngày 01/12/2021" in x for x in got)


def test_special_characters_come_out_literally(report):
    out = report({"han_che": "Kinh phí < 5 triệu & thiếu {{ người }} {_{ x }_} {% y %}"})
    assert "Kinh phí < 5 triệu & thiếu {{ người }} {_{ x }_} {% y %}" in lines(out)


def test_lines_of_a_cell_become_paragraphs_of_the_report(report):
    """``nguyen_nhan`` fills a paragraph of its own: each line is a paragraph like it."""
    out = report({"nguyen_nhan": "Dòng một;\nDòng hai.\r\nDòng ba.", "khoa_quoc_hoi": 16})
    body = part_xml(out).find(f"{W}body")
    paragraphs = [p for p in body.iter(f"{W}p") if paragraph_text(p).startswith("Dòng ")]
    assert [paragraph_text(p) for p in paragraphs] == ["Dòng một;", "Dòng hai.", "Dòng ba."]
    properties = {etree.tostring(p.find(f"{W}pPr")) for p in paragraphs}
    assert len(properties) == 1 and not body.findall(f".//{W}br")
    assert any("khóa XVI" in x for x in lines(out))


def test_decomposed_unicode_is_composed(report):
    decomposed = "Nguye\u0302\u0303n Va\u0306n B"  # "Nguyễn Văn B" typed with combining marks
    out = report({"nguoi_ky": decomposed})
    assert "Nguyễn Văn B" in lines(out)
    with zipfile.ZipFile(out) as package:
        assert "Nguyễn Văn B".encode() in package.read("word/document.xml")


def test_render_report_from_a_script(tmp_path):
    context = bdt_docx.read_workbook(EXAMPLE)
    context["ten_day_du"] = "Ban Dân tộc tỉnh Hà Giang"
    out = bdt_docx.render_report(context, output=tmp_path / "r.docx")
    got = lines(out)
    assert got[got.index("Nơi nhận:") - 1].endswith("của Ban Dân tộc tỉnh Hà Giang./.")


def test_a_bookmark_and_a_comment_in_a_repeated_paragraph_are_kept_once(tmp_path):
    """Word leaves bookmarks (``_GoBack`` where the clerk last typed, ``_Ref`` of a
    cross-reference) and comments where the clerk puts them; in a ``{%p for %}`` paragraph
    the loop copied them with their ids, which must be unique (Word may repair the
    report): the first copy is kept."""
    from docx.oxml import parse_xml

    from bdt_docx.template import default_template

    document = docx.Document(str(default_template()))
    looped = next(
        p
        for table in document.tables
        for cell in table._cells
        for p in cell.paragraphs
        if "nn.noi_nhan" in p.text
    )
    w = f'xmlns:w="{W.strip("{}")}"'
    looped._p.insert(1, parse_xml(f'<w:bookmarkStart {w} w:id="77" w:name="_GoBack"/>'))
    looped._p.append(parse_xml(f'<w:bookmarkEnd {w} w:id="77"/>'))
    document.add_comment(looped.runs, text="mỗi nơi nhận một dòng", author="Văn thư")
    document.save(tmp_path / "mau.docx")
    report = bdt_docx.fill_report(EXAMPLE, tmp_path / "mau.docx", tmp_path / "bao_cao.docx")
    body = part_xml(report, "word/document.xml")
    for anchor in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd"):
        ids = [e.get(f"{W}id") for e in body.iter(f"{W}{anchor}")]
        assert len(ids) == len(set(ids)) == 1, anchor
    assert len(list(body.iter(f"{W}commentReference"))) == 1
    assert "- UBND tỉnh;" in lines(report) and "- Lưu: VT." in lines(report)
