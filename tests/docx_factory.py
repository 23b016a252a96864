"""Minimal .docx files written from XML strings, for the formatting and check tests.

:func:`make_docx` zips parts (their relationships and content types are added);
:func:`report_parts` gives the parts of a small report that keeps every rule of
Nghị định 30/2020/NĐ-CP, for tests to break one rule at a time.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from bdt_docx.filters import be_rong
from bdt_docx.nd30 import QUOC_HIEU, TIEU_NGU

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NAMESPACES = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_MAIN = f"{_OFFICE}.wordprocessingml"
# part name → (relationship id, relationship type, content type) for the main part's links.
_LINKED = {
    "word/styles.xml": ("rIdStyles", "styles", f"{_MAIN}.styles+xml"),
    "word/theme/theme1.xml": ("rIdTheme", "theme", f"{_OFFICE}.theme+xml"),
    "word/header1.xml": ("rIdHeader1", "header", f"{_MAIN}.header+xml"),
    "word/header2.xml": ("rIdHeader2", "header", f"{_MAIN}.header+xml"),
    "word/footer1.xml": ("rIdFooter1", "footer", f"{_MAIN}.footer+xml"),
}  # fmt: skip

TRICH_YEU = "Kết quả thi đua trong cuộc bầu cử đại biểu Quốc hội và HĐND các cấp"
CELL_MARGINS = 2 * 108
HEADER_COLUMNS = (3402, 5669)  # 60 mm and 100 mm
TEXT_WIDTH = 11906 - 1701 - 1134  # A4 less 30 mm and 20 mm margins


def make_docx(parts: dict[str, str]) -> bytes:
    """A .docx holding ``parts`` (name → XML text), with package relationships added."""
    rels = [
        f'<Relationship Id="{rid}" Type="{_REL}/{kind}" Target="{name[len("word/") :]}"/>'
        for name, (rid, kind, _) in _LINKED.items()
        if name in parts
    ]
    overrides = [
        f'<Override PartName="/{name}" ContentType="{content}"/>'
        for name, (_, _, content) in _LINKED.items()
        if name in parts
    ]
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{_MAIN}.document.main+xml"/>'
        f"{''.join(overrides)}</Types>"
    )
    package = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(
            "_rels/.rels",
            f'{package}<Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/_rels/document.xml.rels", f"{package}{''.join(rels)}</Relationships>"
        )
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def document_xml(body: str, section: str = "") -> str:
    """``word/document.xml`` with ``body`` then the section properties ``section``."""
    return f"<w:document {_NAMESPACES}><w:body>{body}{section}</w:body></w:document>"


def styles_xml(run_defaults: str = "", paragraph_defaults: str = "", styles: str = "") -> str:
    """``word/styles.xml``: document defaults (inner ``rPr``/``pPr`` XML) and styles."""
    return (
        f"<w:styles {_NAMESPACES}><w:docDefaults>"
        f"<w:rPrDefault><w:rPr>{run_defaults}</w:rPr></w:rPrDefault>"
        f"<w:pPrDefault><w:pPr>{paragraph_defaults}</w:pPr></w:pPrDefault>"
        f"</w:docDefaults>{styles}</w:styles>"
    )


def style(
    style_id: str,
    kind: str = "paragraph",
    *,
    based_on: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    default: bool = False,
) -> str:
    """One ``w:style`` element."""
    flag = ' w:default="1"' if default else ""
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style w:type="{kind}" w:styleId="{style_id}"{flag}><w:name w:val="{style_id}"/>'
        f"{based}{extra}<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def theme_xml(major: str = "Times New Roman", minor: str = "Times New Roman") -> str:
    """``word/theme/theme1.xml`` with these Latin fonts and a black ``dk1``."""
    return (
        f'<a:theme xmlns:a="{A_NS}" name="t"><a:themeElements>'
        '<a:clrScheme name="c"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
        '<a:lt1><a:srgbClr val="FFFFFF"/></a:lt1><a:accent1><a:srgbClr val="4472C4"/></a:accent1>'
        "</a:clrScheme>"
        f'<a:fontScheme name="f"><a:majorFont><a:latin typeface="{major}"/></a:majorFont>'
        f'<a:minorFont><a:latin typeface="{minor}"/></a:minorFont></a:fontScheme>'
        "</a:themeElements></a:theme>"
    )


def paragraph(text: str = "", ppr: str = "", rpr: str = "") -> str:
    """A paragraph of one run (no run when ``text`` is empty)."""
    run = f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{run if text else ''}</w:p>"


def cell(width: int, content: str) -> str:
    """A table cell of ``width`` twips."""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc>'


def table(columns: tuple[int, ...], rows: list[list[str]], tblpr: str = "") -> str:
    """A table with a fixed grid; ``rows`` hold the cells' inner XML."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in columns)
    body = "".join(
        "<w:tr>" + "".join(cell(w, c) for w, c in zip(columns, row, strict=True)) + "</w:tr>"
        for row in rows
    )
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(columns)}" w:type="dxa"/>{tblpr}</w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
    )


def line_paragraph(available: int, length: float) -> str:
    """An empty centred paragraph whose bottom border is ``length`` points long."""
    indent = round((available - length * 20) / 2)
    return (
        f'<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/>'
        f'</w:pBdr><w:ind w:left="{indent}" w:right="{indent}"/><w:jc w:val="center"/>'
        "</w:pPr></w:p>"
    )


CENTER = '<w:jc w:val="center"/>'
BOLD = "<w:b/>"
LEFT_CONTENT, RIGHT_CONTENT = (w - CELL_MARGINS for w in HEADER_COLUMNS)
#: The short lines of the report: paragraph borders of the right length.
AGENCY_LINE = line_paragraph(LEFT_CONTENT, 0.42 * be_rong("BAN DÂN TỘC", 13, True))
MOTTO_LINE = line_paragraph(RIGHT_CONTENT, be_rong(TIEU_NGU, 14, True))
ABSTRACT_LINE = line_paragraph(TEXT_WIDTH, 0.4 * min(be_rong(TRICH_YEU, 14, True), TEXT_WIDTH / 20))


def _size(points: float) -> str:
    return f'<w:sz w:val="{round(points * 2)}"/>'


def report_parts() -> dict[str, str]:
    """The parts of a small report that keeps every rule of the decree."""
    header = table(
        HEADER_COLUMNS,
        [
            [
                paragraph("UBND TỈNH CAO BẰNG", CENTER, _size(13))
                + paragraph("BAN DÂN TỘC", CENTER, BOLD + _size(13))
                + AGENCY_LINE,
                paragraph(QUOC_HIEU, CENTER, BOLD + _size(13))
                + paragraph(TIEU_NGU, CENTER, BOLD + _size(14))
                + MOTTO_LINE,
            ],
            [
                paragraph("Số: 05/BC-BDT", CENTER, _size(13)),
                paragraph("Cao Bằng, ngày 09 tháng 6 năm 2021", CENTER, "<w:i/>"),
            ],
        ],
    )
    body_style = '<w:pStyle w:val="NoiDung"/>'
    title_block = (
        paragraph("BÁO CÁO", CENTER, BOLD) + paragraph(TRICH_YEU, CENTER, BOLD) + ABSTRACT_LINE
    )
    body = "".join(
        paragraph(text, body_style, rpr)
        for text, rpr in [
            ("Thực hiện Kế hoạch của UBND tỉnh, Ban Dân tộc báo cáo như sau:", ""),
            ("I. KẾT QUẢ THỰC HIỆN", BOLD),
            ("1. Công tác tuyên truyền", BOLD),
            ("Ban đã ban hành 02 văn bản, với 25 người tham gia.", ""),
            ("Trên đây là báo cáo của Ban Dân tộc tỉnh Cao Bằng./.", ""),
        ]
    )
    half = TEXT_WIDTH // 2
    closing = table(
        (half, TEXT_WIDTH - half),
        [
            [
                paragraph("Nơi nhận:", "", BOLD + "<w:i/>" + _size(12))
                + paragraph("- UBND tỉnh;", "", _size(11))
                + paragraph("- Lưu: VT.", "", _size(11)),
                paragraph("KT. TRƯỞNG BAN", CENTER, BOLD)
                + paragraph("PHÓ TRƯỞNG BAN", CENTER, BOLD)
                + paragraph()
                + paragraph()
                + paragraph("Hà Văn Vui", CENTER, BOLD),
            ]
        ],
    )
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
        '<w:headerReference w:type="first" r:id="rIdHeader2"/>'
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="567" '
        'w:footer="567" w:gutter="0"/><w:titlePg/></w:sectPr>'
    )
    page_number = (
        f'<w:hdr {_NAMESPACES}><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>'
    )
    styles = styles_xml(
        '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
        '<w:sz w:val="28"/><w:lang w:val="vi-VN"/>',
        "",
        style("Normal", default=True)
        + style("DefaultParagraphFont", "character", default=True)
        + style(
            "NoiDung",
            based_on="Normal",
            ppr='<w:spacing w:before="0" w:after="120" w:line="288" w:lineRule="auto"/>'
            '<w:ind w:firstLine="567"/><w:jc w:val="both"/>',
        )
        + style(
            "TableNormal",
            "table",
            default=True,
            extra='<w:tblPr><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
            '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>',
        )
        + style(
            "TableGrid",
            "table",
            based_on="TableNormal",
            extra="<w:tblPr><w:tblBorders>"
            + "".join(
                f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders></w:tblPr>",
        ),
    )
    return {
        "word/document.xml": document_xml(
            header + paragraph() + title_block + body + closing, section
        ),
        "word/styles.xml": styles,
        "word/theme/theme1.xml": theme_xml(),
        "word/header1.xml": page_number,
        "word/header2.xml": f"<w:hdr {_NAMESPACES}><w:p/></w:hdr>",
    }
