"""Valid workbooks as other programs write them: Strict Open XML, East Asian date formats,
parts under other names, hidden and whole-column names, rich text, merged blocks, ISO dates.

Each is built from its XML parts here (the smallest package that shows the case), then read
with :class:`Workbook`; the values asserted are what Excel shows in the cells.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from bdt_docx.errors import WorkbookError
from bdt_docx.workbook import MAX_ROW, Area, NameLookupError, Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def build(
    path: Path,
    cells: str,
    *,
    names: str = "",
    styles: str = "",
    strings: str | None = None,
    strict: bool = False,
    parts: dict[str, str] | None = None,
    tail: str = "",
) -> Path:
    """An .xlsx with one sheet 'S' holding ``cells`` (``<row>`` elements), the defined names
    ``names``, the number formats and cell styles ``styles`` and the shared strings
    ``strings``. ``parts`` renames parts (usual name → name in the package)."""
    main, rel = (STRICT_MAIN, STRICT_REL) if strict else (MAIN, REL)
    where = {
        "workbook": "xl/workbook.xml",
        "sheet": "xl/worksheets/sheet1.xml",
        "styles": "xl/styles.xml",
        "sharedStrings": "xl/sharedStrings.xml",
        **(parts or {}),
    }
    members = {
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="r1" '
        f'Type="{rel}/officeDocument" Target="{where["workbook"]}"/></Relationships>',
        where["workbook"]: f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        f'<sheet name="S" sheetId="1" r:id="rS"/></sheets><definedNames>{names}'
        "</definedNames></workbook>",
        where["sheet"]: f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData>{tail}'
        "</worksheet>",
        where["styles"]: f'<styleSheet xmlns="{main}">{styles}</styleSheet>',
    }
    rels = [("rS", "worksheet", where["sheet"]), ("rY", "styles", where["styles"])]
    if strings is not None:
        members[where["sharedStrings"]] = f'<sst xmlns="{main}">{strings}</sst>'
        rels.append(("rT", "sharedStrings", where["sharedStrings"]))
    members["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PACKAGE_REL}">'
        + "".join(
            f'<Relationship Id="{i}" Type="{rel}/{kind}" Target="/{target}"/>'
            for i, kind, target in rels
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w") as package:
        for name, text in members.items():
            package.writestr(name, text)
    return path


def values(path: Path, ref: str = "A1:C3") -> dict[str, object]:
    """Cell reference → value, for the cells read in ``ref`` of sheet 'S'."""
    with Workbook(path) as workbook:
        first, last = ref.split(":")
        area = Area("S", int(first[1:]), ord(first[0]) - 64, int(last[1:]), ord(last[0]) - 64)
        return {cell.ref: cell.value for cell in workbook.fetch([area]).values()}


def styled(*codes: tuple[int, str | None]) -> str:
    """Cell styles 0.. with the number format ids (and custom codes) given."""
    custom = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{code}"/>' for i, code in codes if code is not None
    )
    xfs = "".join(f'<xf numFmtId="{i}"/>' for i, _ in codes)
    return f"<numFmts>{custom}</numFmts><cellXfs>{xfs}</cellXfs>"


def test_a_strict_open_xml_workbook_is_read(tmp_path):
    path = build(
        tmp_path / "strict.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>44356</v></c>'
        '<c r="C1" t="d"><v>2021-06-09T00:00:00</v></c></row>',
        names='<definedName name="ky_hieu">S!$A$1</definedName>',
        styles=styled((0, None), (14, None)),
        strings="<si><t>BC-BDT</t></si>",
        strict=True,
    )
    assert values(path) == {
        "A1": "BC-BDT",
        "B1": dt.datetime(2021, 6, 9),
        "C1": dt.datetime(2021, 6, 9),
    }
    with Workbook(path) as workbook:
        assert workbook.find_name("ky_hieu") == Area("S", 1, 1, 1, 1)


@pytest.mark.parametrize("fmt_id", [*range(27, 32), 36, *range(50, 59)])
def test_east_asian_builtin_date_formats_are_dates(tmp_path, fmt_id):
    path = build(
        tmp_path / "ea.xlsx",
        '<row r="1"><c r="A1" s="1"><v>44356</v></c></row>',
        styles=styled((0, None), (fmt_id, None)),
    )
    assert values(path) == {"A1": dt.datetime(2021, 6, 9)}


def test_parts_are_found_by_their_relationships_whatever_their_names_and_case(tmp_path):
    path = build(
        tmp_path / "moved.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>44356</v></c></row>',
        styles=styled((0, None), (165, "dd/mm/yyyy")),
        strings="<si><t>Sở Nội vụ</t></si>",
        parts={"styles": "xl/kieu/Kieu.xml", "sharedStrings": "xl/SharedStrings.xml"},
    )
    lowered = tmp_path / "lowered.xlsx"  # the relationship names the part in lower case
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(lowered, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"/xl/SharedStrings.xml", b"/xl/sharedstrings.xml")
            new.writestr(info.filename, data)
    assert values(lowered) == {"A1": "Sở Nội vụ", "B1": dt.datetime(2021, 6, 9)}


def test_hidden_and_whole_column_names_are_read(tmp_path):
    path = build(
        tmp_path / "names.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
        names='<definedName name="an" hidden="1">S!$A$1</definedName>'
        '<definedName name="ds">S!$A:$C</definedName>',
    )
    with Workbook(path) as workbook:
        assert workbook.find_name("an") == Area("S", 1, 1, 1, 1)
        assert workbook.find_name("ds") == Area("S", 1, 1, MAX_ROW, 3)


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("[1]Sheet1!$A$1", "sổ Excel khác"),
        ("'[so.xlsx]Sheet1'!$A$1", "sổ Excel khác"),
        ("van_ban[#All]", "bảng 'van_ban'"),
    ],
)
def test_names_that_point_elsewhere_say_where(tmp_path, reference, reason):
    path = build(
        tmp_path / "names.xlsx",
        "",
        names=f'<definedName name="x">{reference}</definedName>',
    )
    with Workbook(path) as workbook, pytest.raises(NameLookupError) as caught:
        workbook.find_name("x")
    assert reason in str(caught.value)


def test_elapsed_time_is_a_duration_not_a_date(tmp_path):
    path = build(
        tmp_path / "elapsed.xlsx",
        '<row r="1"><c r="A1" s="1"><v>10.63206018518518</v></c>'
        '<c r="B1" s="2"><v>1.5</v></c></row>',
        styles=styled((0, None), (164, "[h]:mm:ss"), (46, None)),
    )
    read = values(path)
    assert round(read["A1"].total_seconds()) == 255 * 3600 + 10 * 60 + 10
    assert read["B1"] == dt.timedelta(hours=36)


def test_cells_hidden_under_a_merged_block_are_blank(tmp_path):
    path = build(
        tmp_path / "merged.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Phòng A</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Phòng A</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>x</t></is></c></row>',
        tail='<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells>',
    )
    assert values(path) == {"A1": "Phòng A", "B2": "x"}


def test_rich_text_with_plain_text_before_its_runs_keeps_everything(tmp_path):
    path = build(
        tmp_path / "rich.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        strings="<si><t>Sở </t><r><rPr><b/></rPr><t>Nội vụ</t></r>"
        "<rPh sb='0' eb='1'><t>x</t></rPh></si>",
    )
    assert values(path) == {"A1": "Sở Nội vụ"}


def test_iso_dates_times_and_empty_styles(tmp_path):
    path = build(
        tmp_path / "iso.xlsx",
        '<row r="1"><c r="A1" t="d"><v>12:30:00</v></c>'
        '<c r="B1" t="d"><v>2021-06-09T00:00:00Z</v></c><c r="C1" s=""><v>25</v></c></row>',
    )
    assert values(path) == {
        "A1": dt.time(12, 30),
        "B1": dt.datetime(2021, 6, 9),
        "C1": 25.0,
    }


def test_an_xml_map_part_beside_the_tables_is_not_a_table(tmp_path):
    """Excel keeps the cells mapped to an XML schema in xl/tables/tableSingleCells1.xml,
    related to the sheet as tableSingleCells: not a table."""
    from corpus.builders import rewrite_parts
    from workbooks import EXAMPLE

    import bdt_docx

    rels = "xl/worksheets/_rels/sheet2.xml.rels"
    single = (
        b'<Relationship Id="rX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/tableSingleCells" Target="/xl/tables/tableSingleCells1.xml"/>'
    )
    part = (
        f'<singleXmlCells xmlns="{MAIN}"><singleXmlCell id="1" r="E1" connectionId="1">'
        '<xmlCellPr id="1" uniqueName="x"><xmlPr mapId="1" xpath="/a/b" xmlDataType="string"/>'
        "</xmlCellPr></singleXmlCell></singleXmlCells>"
    )
    workbook = rewrite_parts(
        EXAMPLE,
        tmp_path / "w.xlsx",
        lambda name, data: (
            data.replace(b"</Relationships>", single + b"</Relationships>")
            if name == rels
            else data
        ),
        [("xl/tables/tableSingleCells1.xml", part.encode())],
    )
    assert len(bdt_docx.read_workbook(workbook)["van_ban"]) == 2


def test_a_list_named_over_whole_columns_reads_its_rows(tmp_path):
    from bdt_docx.fields import Column, Fields, TableSpec
    from bdt_docx.validate import read_context

    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{text}</t></is></c></row>'
        for r, text in ((1, "Tên"), (2, "Sở Nội vụ"), (4, "Sở Tư pháp"))
    )
    path = build(
        tmp_path / "cols.xlsx",
        rows,
        names='<definedName name="ds" hidden="1">S!$A:$B</definedName>',
    )
    fields = Fields({}, {"ds": TableSpec("ds", "Danh sách", (Column("ten", "Tên"),))})
    with Workbook(path) as workbook:
        assert read_context(workbook, fields) == {
            "ds": [{"ten": "Sở Nội vụ"}, {"ten": "Sở Tư pháp"}]
        }


def test_a_long_list_with_unnumbered_rows_and_cells_is_read_whole(tmp_path):
    """A sheet longer than what is parsed at once (its rows are dropped as the parse goes),
    whose rows and cells some programs write without their numbers (``<row>``, ``<c>``): each
    one takes the number after the one before it."""
    from bdt_docx.fields import Column, Fields, TableSpec
    from bdt_docx.validate import read_context

    def row(number: int) -> str:
        text = f"<is><t>Đơn vị số {number} với một tên dài để sổ thật dài</t></is>"
        if number % 3 == 0:  # no row number, and a second cell without its column
            return f'<row><c t="inlineStr">{text}</c><c t="n"><v>{number}</v></c></row>'
        return (
            f'<row r="{number}"><c r="A{number}" t="inlineStr">{text}</c>'
            f'<c r="B{number}"><v>{number}</v></c><c r="C{number}" s="1"/></row>'
        )

    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Số</t></is></c></row>'
    )
    last = 6001
    cells = header + "".join(row(n) for n in range(2, last + 1))
    path = build(
        tmp_path / "long.xlsx",
        cells,
        names=f'<definedName name="ds">S!$A$1:$B${last}</definedName>',
        styles='<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="0"/></cellXfs>',
    )
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size > 512 * 1024
    columns = (Column("ten", "Tên"), Column("so", "Số", type="integer"))
    fields = Fields({}, {"ds": TableSpec("ds", "Danh sách", columns)})
    with Workbook(path) as workbook:
        rows = read_context(workbook, fields)["ds"]
    assert len(rows) == last - 1
    assert [r["so"] for r in rows] == list(range(2, last + 1))
    assert rows[-1]["ten"] == f"Đơn vị số {last} với một tên dài để sổ thật dài"


@pytest.mark.parametrize("odd_style", [False, True], ids=["styles as numbers", "an odd style"])
def test_a_damaged_styles_part_is_read_only_where_a_cell_needs_it(tmp_path, odd_style):
    # cells holding a style alone are skipped without the styles, unless the sheet has a
    # style not written as a number (then they are looked at, and the styles read)
    odd = '<row r="9"><c r="A9" s="x"/></row>' if odd_style else ""
    path = build(
        tmp_path / "w.xlsx",
        f'<row r="1"><c r="A1" s="1"/><c r="B1" s="2"/></row>{odd}',
        styles="<cellXfs><xf numFmtId='0'></cellXfs>",  # not well-formed
    )
    if not odd_style:
        assert values(path) == {}
        return
    with pytest.raises(WorkbookError) as caught:
        values(path)
    assert "styles.xml bị hỏng" in str(caught.value)
