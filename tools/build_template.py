"""Write ``templates/bao_cao_thi_dua_bau_cu.docx``: the docxtpl template of the report.

The .docx is assembled from raw WordprocessingML parts (no python-docx default template, so
no theme and no Calibri): Times New Roman everywhere, A4, the margins, header block, title,
body and closing block of Nghị định 30/2020/NĐ-CP (``docs/nd30.md``; the numbers come from
:mod:`bdt_docx.nd30`). The report
text is the list ``BODY`` below, one entry per paragraph with its style; Jinja tags
(``{{ }}``, ``{% %}``, and docxtpl's paragraph tags ``{%p %}``) stay inside one run each.

Run from the repository root:

    python tools/build_template.py
"""

from __future__ import annotations

import math
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bdt_docx.nd30 as nd30  # noqa: E402
from bdt_docx.docprops import (  # noqa: E402
    CUSTOM_PROPERTIES_CONTENT_TYPE,
    CUSTOM_PROPERTIES_TYPE,
    custom_properties_xml,
)
from bdt_docx.filters import be_rong  # noqa: E402
from bdt_docx.namespaces import (  # noqa: E402
    CONTENT_TYPES,
    CORE_PROPERTIES,
    EXTENDED_PROPERTIES,
    PACKAGE_RELATIONSHIPS,
    REL_CORE_PROPERTIES,
    REL_OFFICE_DOCUMENT,
)
from bdt_docx.namespaces import A as A_NS  # noqa: E402
from bdt_docx.namespaces import R as R_NS  # noqa: E402
from bdt_docx.namespaces import W as W_NS  # noqa: E402

OUTPUT = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
#: The field description, stored inside the template too (so that copies carry it).
DESCRIPTION = OUTPUT.with_suffix(".toml")

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FONT = nd30.FONT

# --- Geometry (twips) --------------------------------------------------------------------
PAGE_W, PAGE_H = nd30.A4


def least_margin(side: str) -> int:
    """The least margin N30-1.2 allows on ``side``, in whole twips (rounded up)."""
    return math.ceil(nd30.MARGINS_MM[side][0] * nd30.TWIPS_PER_MM)


MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = map(
    least_margin, ("top", "bottom", "left", "right")
)  # 1134, 1134, 1701, 851
HEADER_DIST = FOOTER_DIST = 567
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 9354
TABLE_W = 9355
CELL_MARGIN = 108  # tblCellMar left and right, set explicitly on every table
HEADER_COLS = (3686, 5669)  # header block: ~65 mm | ~100 mm (Quốc hiệu on one line)
CLOSING_COLS = (4253, 5102)  # closing block: Nơi nhận | signature


def pt(twips: float) -> float:
    return twips / 20


def content_w(cell_w: int) -> int:
    """Room for text inside a cell of width ``cell_w`` (twips)."""
    return cell_w - 2 * CELL_MARGIN


# --- Short lines ---------------------------------------------------------------------------
QUOC_HIEU, TIEU_NGU = nd30.QUOC_HIEU, nd30.TIEU_NGU

#: Line under the agency name (data): (upper bound of the name's width in pt, line in twips).
#: A name of width W in [30 pt, cell content width] gets a line L with W/3 <= L <= W/2; the
#: last variant serves every wider name (a long name wraps, so its widest line is at most
#: the cell content width, 173.5 pt).
AGENCY_LINES: list[tuple[float | None, int]] = [
    (21, 140),  # W < 21 pt       -> 7 pt
    (30, 200),  # 21 <= W < 30    -> 10 pt
    (42, 290),  # 30 <= W < 42    -> 14.5 pt
    (60, 410),  # 42 <= W < 60    -> 20.5 pt
    (85, 580),  # 60 <= W < 85    -> 29 pt
    (120, 820),  # 85 <= W < 120  -> 41 pt
    (None, 1180),  # W >= 120      -> 59 pt
]
#: Line under the trích yếu: it wraps on the full text width (~467 pt), so 170 pt lies
#: between a third and a half of its widest line.
TRICH_YEU_LINE = 3400
# Sizes (pt), each within its rule of nd30. The header block as in the official sample
# (Mẫu 1.4 of Phụ lục III) and most real documents: Quốc hiệu 13, Tiêu ngữ 14, the place and
# date no larger than the Tiêu ngữ; the agencies and the số 13; the text and the signature 14;
# Nơi nhận 12, its list 11; the page number 13.
QUOC_HIEU_SIZE, TIEU_NGU_SIZE = nd30.QUOC_HIEU_SIZE[1], nd30.TIEU_NGU_SIZE[1]
DATE_SIZE = nd30.DATE_SIZE[1]
PARENT_AGENCY_SIZE, AGENCY_SIZE = nd30.PARENT_AGENCY_SIZE[1], nd30.AGENCY_SIZE[1]
NUMBER_SIZE = nd30.NUMBER_SIZE[0]
BODY_SIZE, SIGNATURE_SIZE = nd30.BODY_SIZE[1], nd30.SIGNATURE_SIZE[1]
RECIPIENTS_HEADING_SIZE, RECIPIENT_SIZE = nd30.RECIPIENTS_HEADING_SIZE[0], nd30.RECIPIENT_SIZE[0]
PAGE_NUMBER_SIZE = nd30.PAGE_NUMBER_SIZE[0]
#: Line under the Tiêu ngữ: exactly as long as the text (14 pt bold).
TIEU_NGU_LINE = round(be_rong(TIEU_NGU, TIEU_NGU_SIZE, True) * 20)
#: Weight of the short lines, in eighths of a point: 0.5 pt, the thin line of the sample.
LINE_WEIGHT = 4
#: Space above the title (twips). In the sample the title's capitals sit 43 pt below the
#: Tiêu ngữ's line (66 px at 110 dpi); here the Số/date row lies between them, and 17 pt
#: above the title give the same distance (measured the same way on LibreOffice's page 1).
TITLE_SPACE = 340


# --- XML helpers ---------------------------------------------------------------------------
def attrs(**values: object) -> str:
    """`` w:a="1" w:b="x"`` from keyword arguments (``_`` in a name stays, order kept)."""
    return "".join(f" w:{k}={quoteattr(str(v))}" for k, v in values.items() if v is not None)


def el(tag: str, content: str = "", **values: object) -> str:
    """``<w:tag a...>content</w:tag>`` or ``<w:tag a.../>`` when empty."""
    if content:
        return f"<w:{tag}{attrs(**values)}>{content}</w:{tag}>"
    return f"<w:{tag}{attrs(**values)}/>"


def spacing(before: int = 0, after: int = 0, line: int = 240) -> str:
    return el("spacing", before=before, after=after, line=line, lineRule="auto")


def ind(left: int | None = None, right: int | None = None, first_line: int = 0) -> str:
    return el("ind", left=left, right=right, firstLine=first_line)


def rpr(*, bold=False, italic=False, size: float | None = None) -> str:
    """Run properties in schema order (b, bCs, i, iCs, sz, szCs)."""
    parts = []
    if bold:
        parts += [el("b"), el("bCs")]
    if italic:
        parts += [el("i"), el("iCs")]
    if size is not None:
        half = round(size * 2)
        parts += [el("sz", val=half), el("szCs", val=half)]
    return el("rPr", "".join(parts)) if parts else ""


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraph(style: str, text: str = "", *, keep_next=False, direct: str = "") -> str:
    """A paragraph of ``style``; ``direct`` is extra pPr XML placed after keepNext
    (only pBdr/spacing/ind-level elements, which all follow keepNext in schema order)."""
    ppr = el("pStyle", val=style) + (el("keepNext") if keep_next else "") + direct
    return f"<w:p>{el('pPr', ppr)}{run(text) if text else ''}</w:p>"


def tag_paragraph(tag: str) -> str:
    """A docxtpl paragraph tag ``{%p tag %}``, alone in its paragraph (docxtpl drops it)."""
    return paragraph("Normal", "{%p " + tag + " %}")


def short_line(length: int, room: int, after: int = 0) -> str:
    """An empty paragraph whose bottom border is a centred line ``length`` twips long,
    in a space ``room`` twips wide (``after``: space below it, twips)."""
    side = room - length
    gap = spacing(after=after) if after else ""
    return paragraph("DuongKe", direct=gap + ind(left=side // 2, right=side - side // 2))


def table(
    cols: tuple[int, int],
    rows: list[list[list[str]]],
    *,
    cant_split=False,
    top_margins: dict[int, int] | None = None,
) -> str:
    """A borderless fixed-layout table; ``rows`` holds, per row, the paragraphs of each cell.
    ``top_margins`` gives a row index a top cell margin (twips)."""
    none = "".join(
        el(side, val="nil") for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tbl_pr = el(
        "tblPr",
        "".join(
            [
                el("tblW", w=sum(cols), type="dxa"),
                el("tblInd", w=0, type="dxa"),
                el("tblBorders", none),
                el("tblLayout", type="fixed"),
                el(
                    "tblCellMar",
                    el("left", w=CELL_MARGIN, type="dxa") + el("right", w=CELL_MARGIN, type="dxa"),
                ),
            ]
        ),
    )
    grid = el("tblGrid", "".join(el("gridCol", w=w) for w in cols))
    body = []
    for index, cells in enumerate(rows):
        tr_pr = el("trPr", el("cantSplit")) if cant_split else ""
        top = (top_margins or {}).get(index)
        tcs = []
        for width, paragraphs in zip(cols, cells, strict=True):
            tc_pr = el("tcW", w=width, type="dxa")
            if top:
                tc_pr += el("tcMar", el("top", w=top, type="dxa"))
            tcs.append(el("tc", el("tcPr", tc_pr) + "".join(paragraphs)))
        body.append(el("tr", tr_pr + "".join(tcs)))
    return el("tbl", tbl_pr + grid + "".join(body))


# --- The report ----------------------------------------------------------------------------
T = "khóa {{ khoa_quoc_hoi|la_ma }}"
K = "nhiệm kỳ {{ nhiem_ky_tu }} - {{ nhiem_ky_den }}"
TRICH_YEU = (
    f"Kết quả thi đua trong cuộc bầu cử Đại biểu Quốc hội {T} "
    f"và Đại biểu Hội đồng nhân dân các cấp {K}"
)
VAN_BAN = (
    "{% if van_ban %} {{ ten_rut_gon }} đã ban hành {% for vb in van_ban %}"
    "{% if not loop.first %}; ban hành {% endif %}"
    "văn bản số {{ vb.so_ky_hieu }} ngày {{ vb.ngay|ngay_ngan }} {{ vb.trich_yeu }}"
    "{% endfor %}.{% endif %}"
)
CO_KHEN_THUONG = (
    "{% if khen_thuong %}đề nghị khen thưởng các tập thể, cá nhân sau:"
    "{% else %}không có tập thể, cá nhân nào đề nghị khen thưởng.{% endif %}"
)


@dataclass
class P:
    """One paragraph of the body: its style, text, and whether it stays with the next."""

    style: str
    text: str
    keep_next: bool = False


@dataclass
class Tag:
    """A docxtpl paragraph tag ``{%p ... %}``."""

    tag: str


BODY: list[P | Tag] = [
    P("DeMucLaMa", "I. KẾT QUẢ THỰC HIỆN ĐỢT THI ĐUA"),
    P(
        "DeMucSo",
        "1. Công tác lãnh đạo, chỉ đạo triển khai đợt thi đua của cấp ủy, chính "
        "quyền, Hội đồng thi đua, khen thưởng của cơ quan, đơn vị, địa phương",
    ),
    P(
        "Normal",
        "Công tác lãnh đạo, chỉ đạo triển khai đợt thi đua trong cuộc bầu cử đại biểu "
        f"Quốc hội {T} và bầu cử đại biểu Hội đồng Nhân dân (HĐND) các cấp {K} được cấp ủy và "
        "chính quyền {{ ten_co_quan }} quan tâm và chỉ đạo sát sao." + VAN_BAN,
    ),
    P("DeMucSo", "2. Công tác tuyên truyền triển khai đợt thi đua"),
    P(
        "Normal",
        "Công tác tuyên truyền triển khai đợt thi đua đã được {{ ten_co_quan }} triển "
        "khai bằng hình thức tổ chức hội nghị tuyên truyền và qua hệ thống ioffice của cơ quan. "
        "Tuyên truyền, phổ biến, quán triệt các văn bản quy phạm pháp luật, hướng dẫn của các cơ "
        "quan nhà nước có thẩm quyền về bầu cử đại biểu Quốc hội "
        f"{T} và đại biểu HĐND các cấp {K}; "
        "tuyên truyền, phổ biến quy định của Luật Bầu cử đại biểu Quốc hội và đại biểu HĐND; về "
        "tiêu chuẩn đại biểu Quốc hội, đại biểu HĐND; quyền và nghĩa vụ của người ứng cử, của cử "
        "tri; các quy định về trình tự, thể thức bầu cử; các văn bản, hướng dẫn về công tác thi "
        "đua trong cuộc bầu cử của Trung ương và địa phương.",
    ),
    Tag("if van_ban"),
    P(
        "Normal",
        "{{ ten_co_quan }} đã ban hành văn bản đôn đốc triển khai Kế hoạch thông tin, "
        "tuyên truyền bầu cử ở vùng đồng bào dân tộc thiểu số nhằm tuyên truyền sâu rộng đến "
        "quần chúng nhân dân vùng đồng bào dân tộc thiểu số trên địa bàn tỉnh về ý nghĩa và tầm "
        f"quan trọng của Cuộc bầu cử đại biểu Quốc hội {T} và bầu cử đại biểu HĐND các cấp {K}, "
        "tạo bầu không khí thi đua sôi nổi và phấn khởi trong toàn dân hướng tới cuộc bầu cử, "
        "làm cho ngày bầu cử thực sự trở thành ngày hội của toàn dân.",
    ),
    Tag("endif"),
    P("DeMucSo", "3. Kết quả thực hiện các nội dung của đợt thi đua."),
    Tag("if van_ban"),
    P(
        "Normal",
        "Đã ban hành văn bản đôn đốc triển khai Kế hoạch thông tin, tuyên truyền bầu cử "
        "ở vùng đồng bào dân tộc thiểu số; ban hành văn bản phát động thi đua lập thành tích "
        "chào mừng cuộc bầu cử.",
    ),
    Tag("endif"),
    Tag("if so_nguoi_ung_cu > 0"),
    P(
        "Normal",
        "{{ ten_co_quan }} đã lựa chọn và giới thiệu {{ so_nguoi_ung_cu|hai_chu_so }} "
        f"công chức tham gia ứng cử Đại biểu Hội đồng nhân dân các cấp {K}.",
    ),
    Tag("else"),
    P(
        "Normal",
        "{{ ten_co_quan }} không có công chức tham gia ứng cử Đại biểu Hội đồng nhân "
        f"dân các cấp {K}.",
    ),
    Tag("endif"),
    P(
        "Normal",
        "Đã tổ chức Hội nghị tuyên truyền các nội dung liên quan đến công tác bầu cử "
        "cho công chức và người lao động trong cơ quan, với số lượng "
        "{{ so_nguoi_du_hoi_nghi|so }}/{{ tong_so_nguoi|so }} người tham gia (đạt "
        "{{ so_nguoi_du_hoi_nghi|phan_tram(tong_so_nguoi) }}). Hội nghị đã tuyên truyền về các "
        "văn bản, hướng dẫn của các cơ quan nhà nước có thẩm quyền về cuộc bầu cử; tuyên truyền "
        "cho công chức và người lao động của {{ ten_rut_gon }} nghiên cứu kỹ danh sách người ứng "
        "cử để lựa chọn, bầu những đại biểu có đủ tiêu chuẩn tham gia vào Quốc hội "
        "khoá {{ khoa_quoc_hoi|la_ma }} và HĐND các cấp; tuyên truyền, quán triệt công chức và "
        "người lao động {{ ten_rut_gon }} tự giác, tích cực, chủ động tham gia bầu cử theo đúng "
        "quy trình, thời gian quy định; tham gia bầu cử đảm bảo tuyệt đối các yêu cầu về an ninh "
        "chính trị, trật tự an toàn xã hội và dịch bệnh COVID-19 đang diễn biến phức tạp, thực "
        "hiện công tác phòng chống COVID-19 theo đúng quy định.",
    ),
    Tag("if so_nguoi_di_bau_cu == tong_so_nguoi"),
    P(
        "Normal",
        "Toàn thể công chức và người lao động {{ ten_co_quan }} gương mẫu trong thực "
        "hiện quyền công dân, kết quả {{ so_nguoi_di_bau_cu|phan_tram(tong_so_nguoi) }} "
        "({{ so_nguoi_di_bau_cu|so }}/{{ tong_so_nguoi|so }} người) tham gia bầu cử đầy đủ.",
    ),
    Tag("else"),
    P(
        "Normal",
        "Công chức và người lao động {{ ten_co_quan }} thực hiện quyền công dân, kết "
        "quả {{ so_nguoi_di_bau_cu|phan_tram(tong_so_nguoi) }} "
        "({{ so_nguoi_di_bau_cu|so }}/{{ tong_so_nguoi|so }} người) tham gia bầu cử.",
    ),
    Tag("endif"),
    P(
        "DeMucSo",
        "4. Tác động của đợt thi đua đối với kết quả thực hiện nhiệm vụ của cơ quan, "
        "đơn vị, địa phương.",
    ),
    P(
        "Normal",
        f"Thi đua lập thành tích chào mừng cuộc bầu cử đại biểu Quốc hội {T} và đại "
        f"biểu HĐND các cấp {K}, gắn với các phong trào thi đua yêu nước, đã tạo nên không khí "
        "thi đua sôi nổi trong {{ ten_co_quan }}, tạo động lực, ý chí sáng tạo, ý chí quyết tâm, "
        "năng lực hoạt động thực tiễn của công chức trong {{ ten_rut_gon }} góp phần thực hiện "
        "thắng lợi nhiệm vụ chính trị được giao.",
    ),
    P(
        "DeMucSo",
        "5. Công tác tuyên truyền, biểu dương, nhân rộng điển hình tiên tiến và công "
        "tác khen thưởng trong đợt thi đua.",
    ),
    P("DeMucCap2", "5.1. Công tác tuyên truyền, biểu dương, nhân rộng điển hình tiên tiến."),
    P(
        "Normal",
        "Công tác tuyên truyền, biểu dương, nhân rộng điển hình tiên tiến cũng được "
        "{{ ten_co_quan }} quan tâm, chỉ đạo. Công tác tuyên truyền, phổ biến, quán triệt về các "
        "chủ trương của Đảng, chính sách pháp luật của Nhà nước về công tác thi đua; tư tưởng "
        "của Chủ tịch Hồ Chí Minh về thi đua; gương người tốt, việc tốt, nhân rộng điển hình "
        "tiên tiến được ban triển khai qua các cuộc Họp giao ban, qua hệ thống thông tin điều "
        "hành ioffice và Trang thông tin điện tử của {{ ten_rut_gon }}.",
    ),
    P("DeMucCap2", "5.2. Công tác khen thưởng trong đợt thi đua."),
    P(
        "Normal",
        "Đối chiếu các tiêu chuẩn khen thưởng trong Hướng dẫn số "
        "{{ huong_dan_khen_thuong }} ngày {{ ngay_huong_dan_khen_thuong|ngay_ngan }} hướng dẫn "
        f"công tác khen thưởng trong tổ chức bầu cử đại biểu Quốc hội {T} và đại biểu HĐND các "
        f"cấp {K}, {{{{ ten_co_quan }}}} " + CO_KHEN_THUONG,
    ),
    Tag("for kt in khen_thuong"),
    P(
        "Normal",
        "- {{ kt.ten_tap_the_ca_nhan }}: {{ kt.hinh_thuc_khen_thuong }}"
        "{{ '.' if loop.last else ';' }}",
    ),
    Tag("endfor"),
    P("DeMucLaMa", "II. ĐÁNH GIÁ CHUNG"),
    P("DeMucSo", "1. Ưu điểm."),
    P(
        "Normal",
        f"Công tác thi đua trong cuộc bầu cử đại biểu Quốc hội {T} và đại biểu HĐND "
        f"các cấp {K} đã được lãnh đạo {{{{ ten_co_quan }}}} quan tâm, quán triệt và chỉ đạo sát "
        "sao. {{ ten_co_quan }} đã thực hiện tốt công tác tuyên truyền, phổ biến sâu rộng để "
        "công chức và người lao động trong đơn vị nhận thức đầy đủ về ý nghĩa, tầm quan trọng "
        "của cuộc bầu cử. Đã phát động thi đua lập thành tích chào mừng cuộc bầu cử gắn với các "
        "phong trào thi đua yêu nước, góp phần thực hiện thắng lợi nhiệm vụ chính trị được giao."
        "{% if van_ban %} Ban hành văn bản triển khai Kế hoạch thông tin, tuyên truyền bầu cử "
        "ở vùng đồng bào dân "
        "tộc thiểu số tới các Phòng Dân tộc các huyện, thành phố nhằm tuyên truyền sâu rộng đến "
        "quần chúng nhân dân vùng đồng bào dân tộc thiểu số trên địa bàn tỉnh về ý nghĩa và tầm "
        "quan trọng của Cuộc bầu cử.{% endif %}",
    ),
    P("DeMucSo", "2. Hạn chế."),
    P("Normal", "{{ han_che }}"),
    P("DeMucSo", "3. Nguyên nhân của hạn chế."),
    P("Normal", "{{ nguyen_nhan }}"),
    P(
        "Normal",
        "Trên đây là báo cáo kết quả thi đua trong cuộc bầu cử Đại biểu Quốc hội "
        f"{T} và Đại biểu Hội đồng nhân dân các cấp {K} của {{{{ ten_day_du }}}}./.",
        keep_next=True,
    ),
]


def body_xml() -> str:
    out = []
    for item in BODY:
        if isinstance(item, Tag):
            out.append(tag_paragraph(item.tag))
        else:
            out.append(paragraph(item.style, item.text, keep_next=item.keep_next))
    return "".join(out)


def agency_line_chain() -> list[str]:
    """The paragraph if-chain choosing the line under the agency name by its width."""
    room = content_w(HEADER_COLS[0])
    width = f"co_quan_ban_hanh|be_rong({AGENCY_SIZE}, true)"
    out = []
    for index, (limit, length) in enumerate(AGENCY_LINES):
        if limit is None:
            out.append(tag_paragraph("else"))
        else:
            keyword = "if" if index == 0 else "elif"
            out.append(tag_paragraph(f"{keyword} {width} < {limit}"))
        out.append(short_line(length, room))
    out.append(tag_paragraph("endif"))
    return out


def header_block() -> str:
    right = HEADER_COLS[1]
    row1 = [
        [
            paragraph("CoQuanChuQuan", "{{ co_quan_chu_quan }}"),
            paragraph("CoQuanBanHanh", "{{ co_quan_ban_hanh }}"),
            *agency_line_chain(),
        ],
        [
            paragraph("QuocHieu", QUOC_HIEU),
            paragraph("TieuNgu", TIEU_NGU),
            short_line(TIEU_NGU_LINE, content_w(right)),
        ],
    ]
    row2 = [
        [paragraph("SoKyHieu", "Số: {{ so_van_ban|so_hieu }}/{{ ky_hieu }}")],
        [paragraph("DiaDanhNgay", "{{ dia_danh }}, {{ ngay_ban_hanh|ngay_day_du }}")],
    ]
    # The second row starts a little below the short lines (a top cell margin keeps the
    # paragraph styles at spacing 0).
    return table(HEADER_COLS, [row1, row2], top_margins={1: 120})


def closing_block() -> str:
    left = [
        paragraph("NoiNhan", "Nơi nhận:", keep_next=True),
        tag_paragraph("for nn in noi_nhan"),
        paragraph(
            "NoiNhanMuc", "- {{ nn.noi_nhan }}{{ '.' if loop.last else ';' }}", keep_next=True
        ),
        tag_paragraph("endfor"),
    ]
    right = [
        tag_paragraph("if quyen_han_ky"),
        paragraph("ChuKy", "{{ quyen_han_ky }}", keep_next=True),
        tag_paragraph("endif"),
        paragraph("ChuKy", "{{ chuc_vu_ky }}", keep_next=True),
        *[paragraph("ChuKy", keep_next=True) for _ in range(4)],  # signature and seal
        paragraph("ChuKy", "{{ nguoi_ky }}"),
    ]
    return table(CLOSING_COLS, [[left, right]], cant_split=True)


def sect_pr() -> str:
    return el(
        "sectPr",
        "".join(
            [
                '<w:headerReference w:type="default" r:id="rIdHeaderDefault"/>',
                '<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>',
                el("pgSz", w=PAGE_W, h=PAGE_H),
                el(
                    "pgMar",
                    top=MARGIN_TOP,
                    right=MARGIN_RIGHT,
                    bottom=MARGIN_BOTTOM,
                    left=MARGIN_LEFT,
                    header=HEADER_DIST,
                    footer=FOOTER_DIST,
                    gutter=0,
                ),
                el("pgNumType", fmt="decimal"),
                el("cols", space=720),
                el("titlePg"),
                el("docGrid", linePitch=360),
            ]
        ),
    )


def document_xml() -> str:
    parts = [
        header_block(),
        paragraph("TenLoai", "BÁO CÁO"),
        paragraph("TrichYeu", TRICH_YEU),
        short_line(TRICH_YEU_LINE, TEXT_W, after=360),  # a blank line before the body
        body_xml(),
        closing_block(),
        # Word needs a paragraph after a final table: keep it tiny so it never adds a page.
        paragraph("DuongKeTrong"),
        sect_pr(),
    ]
    return (
        f'{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f"<w:body>{''.join(parts)}</w:body></w:document>"
    )


# --- Styles --------------------------------------------------------------------------------
@dataclass
class Style:
    """A paragraph style; ``ppr``/``rpr`` hold its properties already in schema order."""

    style_id: str
    name: str
    ppr: str = ""
    rpr: str = ""
    based_on: str | None = "Normal"
    next: str | None = None
    outline: int | None = None

    def xml(self) -> str:
        inner = el("name", val=self.name)
        if self.based_on:
            inner += el("basedOn", val=self.based_on)
        if self.next:
            inner += el("next", val=self.next)
        inner += el("qFormat")
        ppr = self.ppr + (el("outlineLvl", val=self.outline) if self.outline is not None else "")
        if ppr:
            inner += el("pPr", ppr)
        if self.rpr:
            inner += self.rpr
        return (
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{self.style_id}">'
            f"{inner}</w:style>"
        )


BLOCK = spacing() + ind()  # spacing 0, single line, no indent (tables, closing block)
BOTTOM_LINE = el("pBdr", el("bottom", val="single", sz=LINE_WEIGHT, space=1, color="auto"))

STYLES = [
    Style(
        "TenLoai",
        "Tên loại văn bản",
        next="TrichYeu",
        ppr=el("keepNext") + spacing(before=TITLE_SPACE, line=288) + ind() + el("jc", val="center"),
        rpr=rpr(bold=True),
    ),
    Style(
        "TrichYeu",
        "Trích yếu",
        ppr=el("keepNext") + spacing(line=288) + ind() + el("jc", val="center"),
        rpr=rpr(bold=True),
    ),
    Style(
        "DeMucLaMa",
        "Đề mục La Mã",
        next="DeMucSo",
        outline=0,
        ppr=el("keepNext") + el("jc", val="both"),
        rpr=rpr(bold=True),
    ),
    Style(
        "DeMucSo",
        "Đề mục số",
        next="Normal",
        outline=1,
        ppr=el("keepNext") + el("jc", val="both"),
        rpr=rpr(bold=True),
    ),
    Style(
        "DeMucCap2",
        "Đề mục cấp 2",
        next="Normal",
        outline=2,
        ppr=el("keepNext") + el("jc", val="both"),
        rpr=rpr(bold=True, italic=True),
    ),
    Style(
        "KhoiDau",
        "Khối đầu văn bản",
        ppr=BLOCK + el("jc", val="center"),
        rpr=rpr(size=PARENT_AGENCY_SIZE),
    ),
    Style(
        "CoQuanChuQuan", "Cơ quan chủ quản", based_on="KhoiDau", rpr=rpr(size=PARENT_AGENCY_SIZE)
    ),
    Style(
        "CoQuanBanHanh",
        "Cơ quan ban hành",
        based_on="KhoiDau",
        rpr=rpr(bold=True, size=AGENCY_SIZE),
    ),
    Style("QuocHieu", "Quốc hiệu", based_on="KhoiDau", rpr=rpr(bold=True, size=QUOC_HIEU_SIZE)),
    Style("TieuNgu", "Tiêu ngữ", based_on="KhoiDau", rpr=rpr(bold=True, size=TIEU_NGU_SIZE)),
    Style("SoKyHieu", "Số, ký hiệu", based_on="KhoiDau", rpr=rpr(size=NUMBER_SIZE)),
    Style(
        "DiaDanhNgay",
        "Địa danh, ngày tháng",
        based_on="KhoiDau",
        rpr=rpr(italic=True, size=DATE_SIZE),
    ),
    Style(
        "DuongKe",
        "Đường kẻ ngắn",
        ppr=BOTTOM_LINE + BLOCK + el("jc", val="center"),
        rpr=rpr(size=2),
    ),
    Style("DuongKeTrong", "Đoạn cuối trống", ppr=BLOCK, rpr=rpr(size=1)),
    Style(
        "NoiNhan",
        "Nơi nhận",
        ppr=BLOCK + el("jc", val="left"),
        rpr=rpr(bold=True, italic=True, size=RECIPIENTS_HEADING_SIZE),
    ),
    Style(
        "NoiNhanMuc",
        "Nơi nhận - tên",
        ppr=BLOCK + el("jc", val="left"),
        rpr=rpr(size=RECIPIENT_SIZE),
    ),
    Style(
        "ChuKy",
        "Chữ ký",
        ppr=BLOCK + el("jc", val="center"),
        rpr=rpr(bold=True, size=SIGNATURE_SIZE),
    ),
    Style(
        "DauTrang",
        "Đầu trang",
        ppr=BLOCK + el("jc", val="center"),
        rpr=rpr(size=PAGE_NUMBER_SIZE),
    ),
]


def styles_xml() -> str:
    fonts = el("rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)
    defaults = el(
        "docDefaults",
        el(
            "rPrDefault",
            el(
                "rPr",
                "".join(
                    [
                        fonts,
                        el("color", val="auto"),
                        el("sz", val=2 * BODY_SIZE),
                        el("szCs", val=2 * BODY_SIZE),
                        el("lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA"),
                    ]
                ),
            ),
        )
        + el("pPrDefault", el("pPr", spacing())),
    )
    normal = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
        + el("name", val="Normal")
        + el("qFormat")
        + el(
            "pPr",
            el("widowControl")
            + spacing(after=nd30.MIN_PARAGRAPH_GAP, line=288)  # 1.2 lines (N30-3.4)
            + ind(first_line=nd30.FIRST_LINE_INDENTS[0])
            + el("jc", val="both"),
        )
        + rpr(size=BODY_SIZE)
        + "</w:style>"
    )
    default_font = (
        '<w:style w:type="character" w:default="1" '
        'w:styleId="DefaultParagraphFont">'
        + el("name", val="Default Paragraph Font")
        + el("uiPriority", val=1)
        + el("semiHidden")
        + el("unhideWhenUsed")
        + "</w:style>"
    )
    table_normal = (
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        + el("name", val="Normal Table")
        + el("uiPriority", val=99)
        + el("semiHidden")
        + el("unhideWhenUsed")
        + el(
            "tblPr",
            el("tblInd", w=0, type="dxa")
            + el(
                "tblCellMar",
                "".join(
                    [
                        el("top", w=0, type="dxa"),
                        el("left", w=CELL_MARGIN, type="dxa"),
                        el("bottom", w=0, type="dxa"),
                        el("right", w=CELL_MARGIN, type="dxa"),
                    ]
                ),
            ),
        )
        + "</w:style>"
    )
    body = defaults + normal + default_font + table_normal + "".join(s.xml() for s in STYLES)
    return f'{XML_DECL}<w:styles xmlns:w="{W_NS}">{body}</w:styles>'


# --- Other parts ---------------------------------------------------------------------------
def header_xml(paragraph_xml: str) -> str:
    return f'{XML_DECL}<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{paragraph_xml}</w:hdr>'


PAGE_NUMBER = (
    "<w:p>"
    + el("pPr", el("pStyle", val="DauTrang"))
    + '<w:fldSimple w:instr=" PAGE "><w:r><w:t xml:space="preserve">2</w:t></w:r>'
    "</w:fldSimple></w:p>"
)


def settings_xml() -> str:
    body = "".join(
        [
            el("zoom", percent=100),
            el("defaultTabStop", val=720),
            el("characterSpacingControl", val="doNotCompress"),
            el(
                "compat",
                el(
                    "compatSetting",
                    name="compatibilityMode",
                    uri="http://schemas.microsoft.com/office/word",
                    val=15,
                ),
            ),
            el("themeFontLang", val="vi-VN"),
            el("decimalSymbol", val=","),
            el("listSeparator", val=";"),
        ]
    )
    return f'{XML_DECL}<w:settings xmlns:w="{W_NS}">{body}</w:settings>'


def font_table_xml() -> str:
    font = (
        f'<w:font w:name="{FONT}">'
        + el("panose1", val="02020603050405020304")
        + el("charset", val="00")
        + el("family", val="roman")
        + el("pitch", val="variable")
        + "</w:font>"
    )
    return f'{XML_DECL}<w:fonts xmlns:w="{W_NS}">{font}</w:fonts>'


def theme_xml() -> str:
    """A minimal theme whose major and minor fonts are Times New Roman.

    Word works without a theme, but validators expect one, and a theme font a clerk picks
    in Word (e.g. "Body") must still be Times New Roman.
    """
    colours = [
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
        ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        *(
            (name, f'<a:srgbClr val="{rgb}"/>')
            for name, rgb in [
                ("dk2", "000000"), ("lt2", "FFFFFF"), ("accent1", "000000"),
                ("accent2", "000000"), ("accent3", "000000"), ("accent4", "000000"),
                ("accent5", "000000"), ("accent6", "000000"), ("hlink", "0000FF"),
                ("folHlink", "800080"),
            ]
        ),
    ]  # fmt: skip
    scheme = "".join(f"<a:{name}>{value}</a:{name}>" for name, value in colours)
    font = f'<a:latin typeface="{FONT}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{fill}</a:ln>'
    return (
        f'{XML_DECL}<a:theme xmlns:a="{A_NS}" '
        'name="bdt_docx">'
        f'<a:themeElements><a:clrScheme name="bdt_docx">{scheme}</a:clrScheme>'
        f'<a:fontScheme name="bdt_docx"><a:majorFont>{font}</a:majorFont>'
        f"<a:minorFont>{font}</a:minorFont></a:fontScheme>"
        f'<a:fmtScheme name="bdt_docx"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
        f"<a:effectStyleLst>{'<a:effectStyle><a:effectLst/></a:effectStyle>' * 3}"
        f"</a:effectStyleLst><a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
        "</a:themeElements></a:theme>"
    )


def core_xml() -> str:
    return (
        f"{XML_DECL}<cp:coreProperties "
        f'xmlns:cp="{CORE_PROPERTIES}" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(TRICH_YEU)}</dc:title>"
        "<dc:creator>{{ co_quan_ban_hanh }}</dc:creator>"
        "<dc:language>vi-VN</dc:language>"
        "</cp:coreProperties>"
    )


def app_xml() -> str:
    return (
        f"{XML_DECL}<Properties "
        f'xmlns="{EXTENDED_PROPERTIES}">'
        "<Application>bdt_docx</Application></Properties>"
    )


def relationships(rels: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels
    )
    return f'{XML_DECL}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{items}</Relationships>'


def content_types_xml() -> str:
    wml = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    overrides = [
        ("/word/document.xml", f"{wml}.document.main+xml"),
        ("/word/styles.xml", f"{wml}.styles+xml"),
        ("/word/settings.xml", f"{wml}.settings+xml"),
        ("/word/fontTable.xml", f"{wml}.fontTable+xml"),
        ("/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("/word/header1.xml", f"{wml}.header+xml"),
        ("/word/header2.xml", f"{wml}.header+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
        ("/docProps/custom.xml", CUSTOM_PROPERTIES_CONTENT_TYPE),
    ]
    items = "".join(
        f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides
    )
    return (
        f"{XML_DECL}"
        f'<Types xmlns="{CONTENT_TYPES}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{items}</Types>"
    )


def parts() -> dict[str, str]:
    doc_rel = f"{R_NS}/"
    return {
        "[Content_Types].xml": content_types_xml(),
        "_rels/.rels": relationships(
            [
                ("rId1", REL_OFFICE_DOCUMENT, "word/document.xml"),
                ("rId2", REL_CORE_PROPERTIES, "docProps/core.xml"),
                ("rId3", f"{doc_rel}extended-properties", "docProps/app.xml"),
                ("rId4", CUSTOM_PROPERTIES_TYPE, "docProps/custom.xml"),
            ]
        ),
        "docProps/app.xml": app_xml(),
        "docProps/custom.xml": custom_properties_xml(
            DESCRIPTION.read_text(encoding="utf-8")
        ).decode("utf-8"),
        "docProps/core.xml": core_xml(),
        "word/_rels/document.xml.rels": relationships(
            [
                ("rIdStyles", f"{doc_rel}styles", "styles.xml"),
                ("rIdSettings", f"{doc_rel}settings", "settings.xml"),
                ("rIdFontTable", f"{doc_rel}fontTable", "fontTable.xml"),
                ("rIdTheme", f"{doc_rel}theme", "theme/theme1.xml"),
                ("rIdHeaderDefault", f"{doc_rel}header", "header1.xml"),
                ("rIdHeaderFirst", f"{doc_rel}header", "header2.xml"),
            ]
        ),
        "word/document.xml": document_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/header1.xml": header_xml(PAGE_NUMBER),
        "word/header2.xml": header_xml(paragraph("DauTrang")),
        "word/settings.xml": settings_xml(),
        "word/styles.xml": styles_xml(),
        "word/theme/theme1.xml": theme_xml(),
    }


def build(path: Path = OUTPUT) -> Path:
    """Write the template to ``path`` (byte-for-byte reproducible)."""
    items = parts()
    first = "[Content_Types].xml"
    order = [first, *sorted(name for name in items if name != first)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, items[name].encode("utf-8"))
    return path


if __name__ == "__main__":
    print(build())
