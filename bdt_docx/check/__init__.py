"""Check a .docx report against the format of Nghị định 30/2020/NĐ-CP (Phụ lục I).

``check(path_or_bytes)`` reads the document with :mod:`bdt_docx.formatting` (effective
formatting, styles and theme fonts resolved) and runs every rule of :data:`RULES` on it.
Each rule is a small function that yields what it finds wrong; a rule that finds nothing
gives one "pass" finding. The :class:`CheckReport` lists every finding (rule id, verdict,
where, what was found, what is expected, in Vietnamese) and reads as text or as a dict
for JSON.

How the parts of the report are found:

* the header block is the first table of the body, before the title: its left column holds
  the agencies then ``Số: …``; its right column the Quốc hiệu, the Tiêu ngữ, then the place
  and date (found by their ``ngày … tháng … năm`` pattern);
* the title (tên loại) is the first paragraph after it whose text is all capitals;
* the trích yếu is the text under the title down to its short line (or, with no line, the
  first paragraph after the title);
* the body is the text paragraphs after it, down to the closing table (Nơi nhận on the
  left, the signature on the right): the first table after the title.

A file that is not a readable .docx (a .txt, an .xlsx, a damaged or encrypted zip) raises
:class:`DocumentError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from bdt_docx.arguments import path_argument
from bdt_docx.check.body import (
    abstract,
    abstract_line,
    body_alignment,
    body_end,
    body_indent,
    body_size,
    headings,
    line_spacing,
    paragraph_spacing,
    title,
)
from bdt_docx.check.closing import closing_table, recipients, recipients_heading, signature
from bdt_docx.check.common import QUOC_HIEU, TIEU_NGU
from bdt_docx.check.header import (
    agency_line,
    header_table,
    issuing_agency,
    motto,
    motto_line,
    national_title,
    number,
    parent_agency,
    place_date,
)
from bdt_docx.check.layout import Layout
from bdt_docx.check.page import (
    first_page_number,
    font_colour,
    font_name,
    language,
    margins,
    page_number_format,
    paper,
)
from bdt_docx.check.report import FAIL, PASS, WARN, CheckReport, Finding, Issue
from bdt_docx.formatting import Document, DocumentError

__all__ = [
    "RULES",
    "CheckReport",
    "DocumentError",
    "Finding",
    "Issue",
    "Layout",
    "Rule",
    "check",
]

MAX_ISSUES_PER_RULE = 10


@dataclass(frozen=True)
class Rule:
    """A rule of the decree: its id, what it requires (Vietnamese), and its check."""

    id: str
    title: str
    check: Callable[[Layout], Iterable[Issue]]


#: Every rule, in the order of the document.
# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("trang.kho_giay", "Khổ giấy A4 (210 x 297 mm), trang dọc", paper),
    Rule("trang.le", "Lề trên, dưới 20-25 mm; trái 30-35 mm; phải 15-20 mm", margins),
    Rule("phong_chu.ten", "Phông chữ Times New Roman, kể cả đầu trang", font_name),
    Rule("phong_chu.mau", "Chữ màu đen", font_colour),
    Rule("ngon_ngu", "Ngôn ngữ của văn bản là tiếng Việt (vi-VN)", language),
    Rule("dau.bang", "Phần đầu là bảng 2 cột không viền", header_table),
    Rule("dau.co_quan_chu_quan", "Cơ quan chủ quản in hoa, đứng, không đậm, cỡ 12-13",
         parent_agency),
    Rule("dau.co_quan_ban_hanh", "Cơ quan ban hành in hoa, đậm, cỡ 12-13", issuing_agency),
    Rule("dau.duong_ke_co_quan", "Đường kẻ liền dưới cơ quan ban hành, dài 1/3-1/2 dòng chữ",
         agency_line),
    Rule("dau.so_ky_hieu", "Số, ký hiệu «Số: 05/BC-BDT», cỡ 13, chữ đứng", number),
    Rule("dau.quoc_hieu", f"Quốc hiệu «{QUOC_HIEU}» đậm, cỡ 12-13, trên một dòng",
         national_title),
    Rule("dau.tieu_ngu", f"Tiêu ngữ «{TIEU_NGU}» đậm, cỡ 13-14", motto),
    Rule("dau.duong_ke_tieu_ngu", "Đường kẻ liền dưới Tiêu ngữ, dài bằng dòng chữ", motto_line),
    Rule("dau.dia_danh_ngay", "Địa danh, ngày tháng nghiêng, cỡ 13-14, «ngày 09 tháng 6 năm …»",
         place_date),
    Rule("tieu_de.ten_loai", "Tên loại «BÁO CÁO» in hoa, đậm, căn giữa, cỡ 13-14", title),
    Rule("tieu_de.trich_yeu", "Trích yếu đậm, căn giữa, cỡ 13-14", abstract),
    Rule("tieu_de.duong_ke_trich_yeu", "Đường kẻ liền dưới trích yếu, dài 1/3-1/2 dòng chữ",
         abstract_line),
    Rule("noi_dung.co_chu", "Nội dung cỡ chữ 13-14", body_size),
    Rule("noi_dung.can_le", "Nội dung căn đều hai bên", body_alignment),
    Rule("noi_dung.thut_dau_dong", "Thụt đầu dòng 1 cm hoặc 1,27 cm", body_indent),
    Rule("noi_dung.khoang_cach_doan", "Cách đoạn tối thiểu 6 pt", paragraph_spacing),
    Rule("noi_dung.gian_dong", "Giãn dòng từ 1 đến 1,5 dòng", line_spacing),
    Rule("noi_dung.de_muc", "Đề mục «I.» in hoa, đậm; tên khoản «1.» đậm", headings),
    Rule("noi_dung.ket_thuc", "Nội dung kết thúc bằng «./.»", body_end),
    Rule("cuoi.bang", "Phần cuối là bảng 2 cột không viền", closing_table),
    Rule("cuoi.noi_nhan", "«Nơi nhận:» đậm nghiêng, cỡ 12, sát lề trái", recipients_heading),
    Rule("cuoi.danh_sach_nhan", "Mỗi nơi nhận một dòng «- …;», dòng cuối «.», cỡ 11, đứng",
         recipients),
    Rule("cuoi.chu_ky", "Quyền hạn, chức vụ in hoa đậm; họ tên đậm; căn giữa, cỡ 13-14",
         signature),
    Rule("so_trang.trang_dau", "Không đánh số trang đầu", first_page_number),
    Rule("so_trang.dinh_dang", "Số trang ở giữa đầu trang, cỡ 13-14, chữ đứng",
         page_number_format),
)
# fmt: on


def check(docx: str | Path | bytes) -> CheckReport:
    """Check a .docx (a path or its bytes) against every rule of :data:`RULES`.

    Raises :class:`DocumentError` (a :class:`~bdt_docx.errors.BdtDocxError`) when the file
    is not a readable .docx: not a zip, no Word body, a damaged, encrypted or oversized part,
    malformed XML or XML declaring a ``<!DOCTYPE``. ``DocumentError`` is defined in
    :mod:`bdt_docx.formatting`, which reads the file, and exported here.
    """
    if not isinstance(docx, bytes):
        docx = path_argument(docx, "check", "docx", "một đường dẫn hoặc nội dung tệp (bytes)")
    document = Document(docx)
    layout = Layout(document)
    report = CheckReport(document.name)
    for rule in RULES:
        issues = list(rule.check(layout))
        if not issues:
            report.findings.append(Finding(rule.id, rule.title, PASS, "", "", ""))
            continue
        for issue in issues[:MAX_ISSUES_PER_RULE]:
            report.findings.append(Finding(rule.id, rule.title, **asdict(issue)))
        if len(issues) > MAX_ISSUES_PER_RULE:
            rest = len(issues) - MAX_ISSUES_PER_RULE
            worst = FAIL if any(i.verdict == FAIL for i in issues) else WARN
            report.findings.append(
                Finding(
                    rule.id,
                    rule.title,
                    worst,
                    "nhiều chỗ khác",
                    f"và {rest} chỗ khác",
                    issues[-1].expected,
                )
            )
    return report
