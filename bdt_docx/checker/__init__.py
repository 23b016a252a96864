"""Check a .docx against the format of Nghị định 30/2020/NĐ-CP (Phụ lục I), for its kind.

``check(path_or_bytes)`` reads the document with :mod:`bdt_docx.document` (effective
formatting, styles and theme fonts resolved), finds its parts and recognises its kind
(:mod:`~bdt_docx.checker.layout`, :mod:`~bdt_docx.checker.kinds`), then runs each rule of
:data:`RULES` that applies to that kind. The rules live with the part of the page they
judge: :mod:`~bdt_docx.checker.page` (paper, margins, fonts, page numbers),
:mod:`~bdt_docx.checker.header` (the header block), :mod:`~bdt_docx.checker.body` (tên loại,
trích yếu, text) and :mod:`~bdt_docx.checker.closing` (Nơi nhận, signature).

Each rule is a small function that yields what it finds: a failure where the document
breaks the rule, a warning where the rule cannot decide. A rule that finds nothing gives
one "pass" finding; a rule about a part the kind does not have (the tên loại of a Công văn)
gives one "skip" finding saying so. The :class:`CheckReport` lists every finding (rule id,
verdict, where, what was found, what is expected there, in Vietnamese) and reads as text
or as a dict for JSON.

A file that is not a readable .docx (a .txt, an .xlsx, a damaged or encrypted zip) raises
:class:`DocumentError`; nothing else in the file (numbers out of range in the XML or the
text included) makes the check fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import bdt_docx.nd30 as nd30
from bdt_docx.arguments import path_argument
from bdt_docx.checker.body import (
    abstract,
    abstract_line,
    authority,
    body_alignment,
    body_end,
    body_indent,
    body_size,
    headings,
    line_spacing,
    paragraph_spacing,
    title,
)
from bdt_docx.checker.closing import closing_table, recipients, recipients_heading, signature
from bdt_docx.checker.common import (
    FONT,
    GAP_RULE,
    INDENT_RULE,
    MARGINS,
    QUOC_HIEU,
    SPACING_RULE,
    TIEU_NGU,
    span,
)
from bdt_docx.checker.header import (
    agency_line,
    header_table,
    issuing_agency,
    letter_abstract,
    motto,
    motto_line,
    national_title,
    number,
    parent_agency,
    place_date,
)
from bdt_docx.checker.layout import Layout
from bdt_docx.checker.page import (
    first_page_number,
    font_colour,
    font_name,
    language,
    margins,
    page_number_format,
    paper,
)
from bdt_docx.checker.report import FAIL, PASS, SKIP, WARN, CheckReport, Finding, Issue
from bdt_docx.document import Document
from bdt_docx.errors import DocumentError

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

#: What a kind lacks, said when a rule about it does not apply.
_PART_NAMES = {
    "ten_loai": "tên loại",
    "trich_yeu": "trích yếu dưới tên loại",
    "de_muc": "đề mục «I.» và tên khoản «1.» kiểu báo cáo",
    "tham_quyen": "dòng thẩm quyền và «QUYẾT ĐỊNH:» (chỉ Quyết định, Nghị quyết có)",
    "trich_yeu_vv": "trích yếu «V/v …» ở phần đầu (chỉ Công văn có)",
}


@dataclass(frozen=True)
class Rule:
    """A rule of the decree: its id, what it requires (Vietnamese), the part of the page it
    is about and its check.

    ``title`` may name the document's own tên loại and số (``{ten_loai}``, ``{so}``).
    ``part`` is a part a kind may have (:data:`bdt_docx.checker.kinds.Kind.parts`); the rule
    is checked only on documents of a kind that has it (None: every document).
    """

    id: str
    title: str
    check: Callable[[Layout], Iterable[Issue]]
    part: str | None = None


#: Every rule, in the order of the document.
# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("trang.kho_giay", "Khổ giấy A4 (210 x 297 mm), trang dọc", paper),
    Rule("trang.le", f"Lề trên, dưới {span(MARGINS['top'])} mm; trái {span(MARGINS['left'])} mm; "
         f"phải {span(MARGINS['right'])} mm", margins),
    Rule("phong_chu.ten", f"Phông chữ {FONT}, kể cả đầu trang", font_name),
    Rule("phong_chu.mau", "Chữ màu đen", font_colour),
    Rule("ngon_ngu", "Ngôn ngữ của văn bản là tiếng Việt (vi-VN)", language),
    Rule("dau.bang", "Phần đầu là bảng 2 cột không viền", header_table, "dau"),
    Rule("dau.co_quan_chu_quan",
         f"Cơ quan chủ quản in hoa, đứng, không đậm, cỡ {span(nd30.PARENT_AGENCY_SIZE)}",
         parent_agency, "dau"),
    Rule("dau.co_quan_ban_hanh",
         f"Cơ quan ban hành in hoa, đậm, cỡ {span(nd30.AGENCY_SIZE)}",
         issuing_agency, "dau"),
    Rule("dau.duong_ke_co_quan", "Đường kẻ liền dưới cơ quan ban hành, dài 1/3-1/2 dòng chữ",
         agency_line, "dau"),
    Rule("dau.so_ky_hieu",
         f"Số, ký hiệu «{{so}}», cỡ {span(nd30.NUMBER_SIZE)}, chữ đứng",
         number, "dau"),
    Rule("dau.trich_yeu_cong_van",
         f"Trích yếu «V/v …» dưới số, ký hiệu, cỡ {span(nd30.LETTER_ABSTRACT_SIZE)}, chữ đứng, "
         "căn giữa",
         letter_abstract, "trich_yeu_vv"),
    Rule("dau.quoc_hieu",
         f"Quốc hiệu «{QUOC_HIEU}» đậm, cỡ {span(nd30.QUOC_HIEU_SIZE)}, trên một dòng",
         national_title, "dau"),
    Rule("dau.tieu_ngu", f"Tiêu ngữ «{TIEU_NGU}» đậm, cỡ {span(nd30.TIEU_NGU_SIZE)}", motto, "dau"),
    Rule("dau.duong_ke_tieu_ngu", "Đường kẻ liền dưới Tiêu ngữ, dài bằng dòng chữ", motto_line,
         "dau"),
    Rule("dau.dia_danh_ngay",
         f"Địa danh, ngày tháng nghiêng, cỡ {span(nd30.DATE_SIZE)}, «ngày 09 tháng 6 năm …»",
         place_date, "dau"),
    Rule("tieu_de.ten_loai",
         f"Tên loại «{{ten_loai}}» in hoa, đậm, căn giữa, cỡ {span(nd30.TITLE_SIZE)}",
         title, "ten_loai"),
    Rule("tieu_de.trich_yeu",
         f"Trích yếu đậm, căn giữa, cỡ {span(nd30.ABSTRACT_SIZE)}",
         abstract, "trich_yeu"),
    Rule("tieu_de.duong_ke_trich_yeu", "Đường kẻ liền dưới trích yếu, dài 1/3-1/2 dòng chữ",
         abstract_line, "trich_yeu"),
    Rule("noi_dung.tham_quyen", "Thẩm quyền ban hành và «QUYẾT ĐỊNH:» in hoa, đậm, căn giữa",
         authority, "tham_quyen"),
    Rule("noi_dung.co_chu", f"Nội dung cỡ chữ {span(nd30.BODY_SIZE)}", body_size, "noi_dung"),
    Rule("noi_dung.can_le", "Nội dung căn đều hai bên", body_alignment, "noi_dung"),
    Rule("noi_dung.thut_dau_dong", INDENT_RULE.capitalize(), body_indent,
         "noi_dung"),
    Rule("noi_dung.khoang_cach_doan", GAP_RULE.capitalize(), paragraph_spacing,
         "noi_dung"),
    Rule("noi_dung.gian_dong", SPACING_RULE.capitalize(), line_spacing, "noi_dung"),
    Rule("noi_dung.de_muc", "Đề mục «I.» in hoa, đậm; tên khoản «1.» đậm", headings, "de_muc"),
    Rule("noi_dung.ket_thuc", f"Nội dung kết thúc bằng «{nd30.BODY_END}»", body_end, "noi_dung"),
    Rule("cuoi.bang", "Phần cuối là bảng 2 cột không viền", closing_table, "cuoi"),
    Rule("cuoi.noi_nhan",
         f"«Nơi nhận:» đậm nghiêng, cỡ {span(nd30.RECIPIENTS_HEADING_SIZE)}, sát lề trái",
         recipients_heading, "cuoi"),
    Rule("cuoi.danh_sach_nhan",
         f"Mỗi nơi nhận một dòng «- …;», dòng cuối «.», cỡ {span(nd30.RECIPIENT_SIZE)}, đứng",
         recipients, "cuoi"),
    Rule("cuoi.chu_ky",
         f"Quyền hạn, chức vụ in hoa đậm; họ tên đậm; căn giữa, cỡ {span(nd30.SIGNATURE_SIZE)}",
         signature, "cuoi"),
    Rule("so_trang.trang_dau", "Không đánh số trang đầu", first_page_number),
    Rule("so_trang.dinh_dang",
         f"Số trang ở giữa đầu trang từ trang 2, cỡ {span(nd30.PAGE_NUMBER_SIZE)}, chữ đứng",
         page_number_format),
)
# fmt: on


def _undecided(issue: Issue) -> Issue:
    """A failure in a document without a header block (an appendix, a programme sent with
    a letter) as a warning: the decree's layout may not be meant for it."""
    if issue.verdict != FAIL:
        return issue
    return replace(issue, verdict=WARN, found=f"{issue.found} (văn bản không có phần đầu)")


def check(docx: str | Path | bytes) -> CheckReport:
    """Check a .docx (a path or its bytes) against the rules of :data:`RULES` that apply to
    its kind (the report says which kind was recognised, and from what).

    Raises :class:`DocumentError` (a :class:`~bdt_docx.errors.BdtDocxError`) when the file
    is not a readable .docx: not a zip, no Word body, a damaged, encrypted or oversized part,
    malformed XML or XML declaring a ``<!DOCTYPE``. ``DocumentError`` is defined in
    :mod:`bdt_docx.errors` and exported here.
    """
    if not isinstance(docx, bytes):
        docx = path_argument(docx, "check", "docx", "một đường dẫn hoặc nội dung tệp (bytes)")
    with Document(docx) as document:  # (closed here, not when the garbage is collected)
        return _checked(document)


def _checked(document: Document) -> CheckReport:
    """The rules of :func:`check` run on ``document``."""
    layout = Layout(document)
    kind = layout.kind
    report = CheckReport(document.name, kind.name, layout.kind_reason)
    names = {"ten_loai": kind.title if kind.code else "TÊN LOẠI", "so": layout.example}
    for rule in RULES:
        heading = rule.title.format(**names)
        if rule.part is not None and not kind.has(rule.part):
            reason = f"{kind.name} không có {_PART_NAMES.get(rule.part, rule.part)}"
            report.findings.append(Finding(rule.id, heading, SKIP, "", reason, ""))
            continue
        issues = list(rule.check(layout))
        if layout.header_table is None and rule.part is not None:
            issues = [_undecided(issue) for issue in issues]
        if not issues:
            report.findings.append(Finding(rule.id, heading, PASS, "", "", ""))
        report.findings += [Finding(rule.id, heading, **asdict(issue)) for issue in issues]
    return report
