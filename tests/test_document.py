"""The document model: styles, theme fonts, defaults, toggles, tables, text, places."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx_factory import (
    document_xml,
    make_docx,
    paragraph,
    style,
    styles_xml,
    table,
    theme_xml,
)

from bdt_docx import package
from bdt_docx.document import Document, LineSpacing
from bdt_docx.errors import BdtDocxError, DocumentError

TNR = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>'


def open_doc(body: str, styles: str = "", defaults: str = TNR, **parts: str) -> Document:
    """A document of ``body`` with these styles, run defaults and extra parts."""
    files = {
        "word/document.xml": document_xml(body, parts.pop("section", "")),
        "word/styles.xml": styles_xml(defaults, "", styles),
        "word/theme/theme1.xml": theme_xml(major="Cambria", minor="Calibri"),
    }
    files.update({name.replace("__", "/") + ".xml": xml for name, xml in parts.items()})
    return Document(make_docx(files))


def only_run(document: Document, index: int = 0):
    """The first run of paragraph ``index``."""
    return document.paragraphs[index].runs[0]


def test_paragraph_style_chain_then_direct_formatting() -> None:
    styles = (
        style("Normal", default=True, rpr='<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>')
        + style("A", based_on="Normal", ppr='<w:jc w:val="center"/>', rpr='<w:sz w:val="24"/>')
        + style("B", based_on="A", rpr="<w:b/>")
    )
    body = paragraph("x", '<w:pStyle w:val="B"/>') + paragraph(
        "y", '<w:pStyle w:val="B"/><w:jc w:val="both"/>', '<w:sz w:val="30"/>'
    )
    document = open_doc(body, styles)
    first, second = document.paragraphs
    assert (first.alignment, first.style_id) == ("center", "B")
    assert (first.runs[0].size, first.runs[0].bold, first.runs[0].font) == (12, True, "Arial")
    assert (second.alignment, second.runs[0].size) == ("both", 15)


def test_default_paragraph_style_and_doc_defaults() -> None:
    styles = style("Normal", default=True, rpr='<w:i w:val="1"/>')
    document = open_doc(paragraph("x"), styles, TNR + '<w:sz w:val="26"/><w:lang w:val="vi-VN"/>')
    run = only_run(document)
    assert (run.font, run.font_hansi, run.size, run.italic) == (
        "Times New Roman",
        "Times New Roman",
        13,
        True,
    )
    assert run.language == document.language == "vi-VN"


def test_nothing_set_gives_spec_defaults() -> None:
    run = only_run(open_doc(paragraph("x"), defaults=""))
    assert (run.font, run.size, run.bold, run.colour, run.underline) == (
        None,
        10,
        False,
        "auto",
        "none",
    )


@pytest.mark.parametrize(
    ("defaults", "direct", "font"),
    [
        ('<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/>', "", "Calibri"),
        ('<w:rFonts w:asciiTheme="majorHAnsi" w:hAnsiTheme="majorHAnsi"/>', "", "Cambria"),
        # the theme attribute beats the plain one at the same level
        ('<w:rFonts w:ascii="Times New Roman" w:asciiTheme="minorHAnsi"/>', "", "Calibri"),
        # a direct plain font beats a theme font set lower down
        ('<w:rFonts w:asciiTheme="minorHAnsi"/>', '<w:rFonts w:ascii="Arial"/>', "Arial"),
    ],
)
def test_theme_fonts(defaults: str, direct: str, font: str) -> None:
    run = only_run(open_doc(paragraph("x", "", direct), defaults=defaults))
    assert run.font == font


@pytest.mark.parametrize(
    ("paragraph_style", "character_style", "direct", "bold"),
    [
        ("<w:b/>", "", "", True),
        ("<w:b/>", "", '<w:b w:val="0"/>', False),  # a direct value wins
        ("", "", '<w:b w:val="false"/>', False),
        ("<w:b/>", "<w:b/>", "", False),  # two style levels turning it on cancel out
        ("<w:b/>", '<w:b w:val="0"/>', "", True),  # off in a style does not toggle
        ("", "<w:b/>", "", True),
        ('<w:b w:val="0"/>', "", "<w:b/>", True),
    ],
)
def test_bold_is_a_toggle(
    paragraph_style: str, character_style: str, direct: str, bold: bool
) -> None:
    styles = (
        style("Normal", default=True)
        + style("P", based_on="Normal", rpr=paragraph_style)
        + style("C", "character", rpr=character_style)
    )
    rpr = '<w:rStyle w:val="C"/>' + direct
    run = only_run(open_doc(paragraph("x", '<w:pStyle w:val="P"/>', rpr), styles))
    assert run.bold is bold


def test_toggle_from_doc_defaults_and_base_style() -> None:
    styles = (
        style("Normal", default=True)
        + style("P", based_on="Base")
        + style("Base", rpr="<w:caps/><w:i/>")
    )
    run = only_run(open_doc(paragraph("x", '<w:pStyle w:val="P"/>'), styles, TNR + "<w:b/>"))
    assert (run.bold, run.italic, run.caps, run.shown_text) == (True, True, True, "X")


def test_character_style_beats_paragraph_style() -> None:
    styles = (
        style("Normal", default=True, rpr='<w:sz w:val="20"/><w:color w:val="FF0000"/>')
        + style("C", "character", based_on="C0")
        + style("C0", "character", rpr='<w:sz w:val="28"/>')
    )
    run = only_run(open_doc(paragraph("x", "", '<w:rStyle w:val="C"/>'), styles))
    assert (run.size, run.colour) == (14, "FF0000")


def test_theme_colour_resolved() -> None:
    run = only_run(open_doc(paragraph("x", "", '<w:color w:val="000000" w:themeColor="accent1"/>')))
    assert run.colour == "4472C4"


def test_table_style_sits_between_paragraph_styles_and_defaults() -> None:
    styles = (
        style("Normal", default=True)
        + style("Bold", based_on="Normal", rpr="<w:b/>")
        + style("T", "table", ppr='<w:jc w:val="right"/>', rpr='<w:sz w:val="22"/><w:i/>')
        + style("TN", "table", default=True, rpr='<w:sz w:val="18"/>')
    )
    cell = paragraph("a") + paragraph("b", '<w:pStyle w:val="Bold"/>')
    styled = table((2000,), [[cell]], '<w:tblStyle w:val="T"/>')
    plain = table((2000,), [[paragraph("c")]])
    document = open_doc(styled + plain + paragraph("d"), styles, TNR + '<w:sz w:val="26"/>')
    a, b, c, d = document.paragraphs
    assert (a.alignment, a.runs[0].size, a.runs[0].italic) == ("right", 11, True)
    assert (b.runs[0].bold, b.runs[0].italic) == (True, True)  # style levels combine
    assert c.runs[0].size == 9  # the default table style
    assert (d.alignment, d.runs[0].size) == ("left", 13)


def test_paragraph_spacing_inherits_attribute_by_attribute() -> None:
    styles = style("Normal", default=True) + style(
        "P",
        ppr='<w:spacing w:after="120" w:line="360" w:lineRule="auto"/><w:ind w:firstLine="567" '
        'w:left="100"/><w:keepNext/><w:pBdr><w:bottom w:val="single" w:sz="8"/></w:pBdr>',
    )
    body = paragraph("x", '<w:pStyle w:val="P"/><w:spacing w:before="60"/><w:ind w:hanging="200"/>')
    body += paragraph("y", '<w:spacing w:line="300" w:lineRule="exact"/>')
    first, second = open_doc(body, styles).paragraphs
    assert (first.space_before, first.space_after) == (60, 120)
    assert first.line_spacing == LineSpacing(1.5, "auto")
    assert (first.first_line_indent, first.left_indent, first.right_indent) == (-200, 100, 0)
    assert first.keep_next and first.border_bottom is not None and first.border_top is None
    assert first.border_bottom.size == 1
    assert second.line_spacing == LineSpacing(15, "exact")
    assert (second.space_after, second.keep_next, second.border_bottom) == (0, False, None)


def test_text_tabs_breaks_fields_and_deletions() -> None:
    body = (
        '<w:p><w:r><w:t xml:space="preserve">a </w:t><w:tab/><w:t>b</w:t><w:br/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE \\* Arabic </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>gone</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>+</w:t></w:r></w:ins>'
        '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>9</w:t></w:r></w:fldSimple>'
        '<w:hyperlink r:id="x"><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>'
    )
    only = open_doc(body).paragraphs[0]
    assert only.text == "a \tb\n7+9link"
    assert sorted(only.fields) == ["NUMPAGES", "PAGE \\* Arabic"]


def test_paragraphs_in_document_order_with_their_cells() -> None:
    inner = table((1000,), [[paragraph("nested")]])
    outer = table((3000, 2000), [[paragraph("a1") + inner + paragraph("a2"), paragraph("b")]])
    document = open_doc(paragraph("first") + outer + paragraph("last"))
    assert [p.text for p in document.paragraphs] == ["first", "a1", "nested", "a2", "b", "last"]
    assert [p.index for p in document.paragraphs] == list(range(6))
    nested = document.paragraphs[2]
    assert (nested.cell.table.index, nested.cell.row.index, nested.cell.index) == (1, 0, 0)
    b = document.paragraphs[4].cell
    assert (b.table.index, b.index, b.grid_start, b.width) == (0, 1, 1, 2000)
    assert [type(x).__name__ for x in document.blocks] == ["Paragraph", "Table", "Paragraph"]
    a1, _, a2 = document.paragraphs[1:4]
    assert a1.cell.paragraphs == [a1, a2]


def test_cell_widths_and_margins() -> None:
    spanned = (
        '<w:tbl><w:tblPr><w:tblCellMar><w:left w:w="50" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="1500"/></w:tblGrid><w:tr>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/><w:tcW w:w="0" w:type="auto"/></w:tcPr>'
        '<w:p/></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/><w:tcMar>'
        '<w:right w:w="0" w:type="dxa"/></w:tcMar></w:tcPr><w:p/></w:tc>'
        '<w:tc><w:tcPr><w:tcW w:w="1500" w:type="dxa"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
    )
    table_ = open_doc(spanned).tables[0]
    wide, left, right = table_.cells
    assert (wide.grid_span, wide.width, wide.content_width) == (2, 2500, 2500 - 50 - 108)
    assert (left.margin("left"), left.margin("right"), left.content_width) == (50, 0, 950)
    assert (right.grid_start, right.content_width) == (1, 1500 - 158)


def test_the_grid_sets_cell_widths_and_grid_before_shifts_cells() -> None:
    shifted = (
        '<w:tbl><w:tblGrid><w:gridCol w:w="300"/><w:gridCol w:w="3000"/>'
        '<w:gridCol w:w="5000"/></w:tblGrid><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        '<w:tc><w:tcPr><w:tcW w:w="2800" w:type="dxa"/></w:tcPr><w:p/></w:tc>'
        "<w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )
    first, second = open_doc(shifted).tables[0].cells
    assert (first.grid_start, first.width) == (1, 3000)  # the grid, not the stale tcW
    assert (second.grid_start, second.width) == (2, 5000)


@pytest.mark.parametrize("value", ["1e999", "inf", "-inf", "nan", "9" * 5000, "1" * 40])
def test_numbers_out_of_range_in_attributes_are_unusable_not_errors(value: str) -> None:
    body = (
        '<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:tcPr>'
        f'<w:gridSpan w:val="{value}"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
        + paragraph("x", f'<w:ind w:firstLine="{value}"/>', f'<w:sz w:val="{value}"/>')
    )
    section = f'<w:sectPr><w:pgSz w:w="{value}" w:h="16838"/></w:sectPr>'
    document = open_doc(body, section=section)
    assert next(document.tables[0].cells).grid_span == 1
    text = document.paragraphs[1]
    assert (text.first_line_indent, text.runs[0].size) == (0, 10.0)
    assert document.sections[0].page_width is None


@pytest.mark.parametrize(
    ("app", "breaks", "pages"),
    [("<Pages>3</Pages>", 0, 3), ("", 2, 3), ("<Pages>1</Pages>", 0, 1), ("", 0, None),
     ("<Pages>x</Pages>", 0, None), ("<Pages>1</Pages>", 4, 5)],
)  # fmt: skip
def test_saved_pages_as_the_saving_program_counted(app: str, breaks: int, pages) -> None:
    run = "<w:p><w:r><w:lastRenderedPageBreak/><w:t>x</w:t></w:r></w:p>" * breaks
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    extra = {"docProps__app": f'<Properties xmlns="{ns}">{app}</Properties>'} if app else {}
    assert open_doc(paragraph("x") + run, **extra).saved_pages == pages


def test_sections_headers_and_inheritance() -> None:
    first_section = (
        '<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
        '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:left="1701" w:right="1134" '
        'w:bottom="1134"/><w:titlePg/></w:sectPr></w:pPr></w:p>'
    )
    last = (
        '<w:sectPr><w:headerReference w:type="first" r:id="rIdHeader2"/>'
        '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr>'
    )
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = open_doc(
        first_section,
        section=last,
        word__header1=f'<w:hdr {ns}><w:p><w:fldSimple w:instr="PAGE"/></w:p></w:hdr>',
        word__header2=f"<w:hdr {ns}><w:p/></w:hdr>",
    )
    one, two = document.sections
    assert (one.page_width, one.page_height, one.orientation, one.title_page) == (
        11906,
        16838,
        "portrait",
        True,
    )
    assert (one.margin("left"), one.text_width) == (1701, 11906 - 1701 - 1134)
    assert one.headers["default"].fields == ["PAGE"] and "first" not in one.headers
    assert two.orientation == "landscape" and not two.title_page
    assert set(two.headers) == {"default", "first"}  # the default header is inherited
    assert two.headers["default"] is one.headers["default"]


def test_table_borders_from_style_and_cell() -> None:
    styles = style(
        "Grid",
        "table",
        extra='<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:insideV w:val="nil"/>'
        "</w:tblBorders></w:tblPr>",
    )
    grid = table((1000,), [[paragraph("x")]], '<w:tblStyle w:val="Grid"/>')
    plain = table((1000,), [[paragraph("y")]])
    first, second = open_doc(grid + plain, styles).tables
    assert first.borders["top"] is not None and first.borders["insideV"] is None
    assert all(border is None for border in second.borders.values())


def test_drawn_lines() -> None:
    drawing = (
        '<w:p><w:r><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/'
        '2006/wordprocessingDrawing"><wp:extent cx="1270000" cy="0"/></wp:anchor></w:drawing>'
        '</w:r><w:r><w:pict><v:line xmlns:v="urn:schemas-microsoft-com:vml" from="10pt,0" '
        'to="1in,0"/></w:pict></w:r></w:p>'
    )
    assert open_doc(drawing).paragraphs[0].drawn_lines == [100, 62]


def test_entity_declarations_are_refused() -> None:
    """A part declaring entities is refused, not read with the entity's text dropped."""
    evil = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        + document_xml(paragraph("safe").replace("safe", "&x;"))
    )
    with pytest.raises(DocumentError, match="DOCTYPE"):
        Document(make_docx({"word/document.xml": evil}))


@pytest.mark.parametrize(
    "data",
    [b"not a zip", make_docx({"word/document.xml": "<broken"})],
    ids=["not a zip", "broken XML"],
)
def test_unreadable_files_raise_a_vietnamese_error(data: bytes) -> None:
    with pytest.raises(DocumentError, match=r"^Không đọc được tệp \.docx") as caught:
        Document(data)
    assert isinstance(caught.value, BdtDocxError) and caught.value.file == "<bytes>"


def test_parts_are_read_through_the_bounded_package(monkeypatch) -> None:
    """Reading goes through bdt_docx.package, whose size bound applies to each part."""
    data = make_docx({"word/document.xml": document_xml(paragraph("x" * 2000))})
    monkeypatch.setattr(package, "MAX_PART_BYTES", 1000)
    with pytest.raises(DocumentError, match="quá lớn"):
        Document(data)


def test_every_paragraph_is_named_as_a_clerk_finds_it() -> None:
    """Paragraphs outside tables are counted apart; a table's are named by table, row, cell
    (and their number in the cell when it has several); a text box's after its anchor."""
    inner = table((1000,), [[paragraph("nested")]])
    outer = table((3000, 2000), [[paragraph("a1") + inner + paragraph("a2"), paragraph("b")]])
    box = (
        '<w:p><w:r><w:t>anchor</w:t></w:r><w:r><w:pict><v:shape xmlns:v="urn:schemas-'
        'microsoft-com:vml"><v:textbox><w:txbxContent>'
        f"{paragraph('box 1')}{paragraph('box 2')}</w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r></w:p>"
    )
    body = paragraph("first") + outer + paragraph("") + box
    document = open_doc(body)
    assert [(p.place, p.text) for p in document.paragraphs] == [
        ("đoạn 1", "first"),
        ("bảng 1, hàng 1, ô 1, đoạn 1", "a1"),
        ("bảng 2, hàng 1, ô 1", "nested"),
        ("bảng 1, hàng 1, ô 1, đoạn 2", "a2"),
        ("bảng 1, hàng 1, ô 2", "b"),
        ("đoạn 2", ""),
        ("đoạn 3", "anchor"),
    ]
    assert [t.place for t in document.tables] == ["bảng 1", "bảng 2"]
    assert document.tables[1].rows[0].place == "bảng 2, hàng 1"
    boxed = document.paragraphs[-1].text_box_paragraphs
    assert [(p.place, p.text) for p in boxed] == [
        ("đoạn 3, khung chữ, đoạn 1", "box 1"),
        ("đoạn 3, khung chữ, đoạn 2", "box 2"),
    ]


def test_a_missing_optional_part_is_no_error() -> None:
    """No styles or theme part: defaults apply, as before."""
    document = Document(make_docx({"word/document.xml": document_xml(paragraph("chữ"))}))
    assert document.paragraphs[0].text == "chữ"
    assert document.theme.minor_font is None


def test_relationship_targets_resolve_relative_and_absolute(tmp_path) -> None:
    """A header reached through ``../word/…`` or ``/word/…`` is the same part."""
    section = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
        '<w:headerReference w:type="first" r:id="rIdHeader2"/></w:sectPr>'
    )
    header = (
        '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:hdr>"
    )
    data = make_docx(
        {
            "word/document.xml": document_xml(paragraph("x"), section),
            "word/header1.xml": header.format("một"),
            "word/header2.xml": header.format("hai"),
        }
    )
    rels = "word/_rels/document.xml.rels"
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    text = parts[rels].decode()
    assert 'Target="header1.xml"' in text and 'Target="header2.xml"' in text
    text = text.replace('Target="header1.xml"', 'Target="../word/./header1.xml"')
    text = text.replace('Target="header2.xml"', 'Target="/word/header2.xml"')
    parts[rels] = text.encode()
    path = tmp_path / "tieu_de.docx"
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    section = Document(path).sections[0]
    assert section.headers["default"].paragraphs[0].text == "một"
    assert section.headers["first"].paragraphs[0].text == "hai"
    assert section.headers["first"].paragraphs[0].place == "đầu trang (header2.xml), đoạn 1"
