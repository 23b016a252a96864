"""The template built by ``tools/build_template.py``: deterministic, valid, lines sized to text."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

import bdt_docx
import bdt_docx.nd30 as nd30
from bdt_docx.docprops import embedded_description
from bdt_docx.filters import be_rong
from bdt_docx.package import Package

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bao_cao_bau_cu_2021.xlsx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_template", ROOT / "tools" / "build_template.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_template"] = module
    spec.loader.exec_module(module)
    return module


bt = _load_builder()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The built template with the shipped field description beside it."""
    path = bt.build(tmp_path_factory.mktemp("tpl") / "bao_cao.docx")
    shutil.copy(ROOT / "templates" / "bao_cao_thi_dua_bau_cu.toml", path.with_suffix(".toml"))
    return path


def render(path: Path, **changes) -> docx.Document:
    """Render the built template through the library, with the example's values changed."""
    context = bdt_docx.read_workbook(EXAMPLE) | changes
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        report = bdt_docx.render_report(context, path, Path(folder) / "r.docx")
        out.write(report.read_bytes())
    out.seek(0)
    return docx.Document(out)


def test_template_is_deterministic(tmp_path):
    a = bt.build(tmp_path / "a.docx").read_bytes()
    b = bt.build(tmp_path / "b.docx").read_bytes()
    assert a == b
    names = zipfile.ZipFile(tmp_path / "a.docx").namelist()
    assert names[0] == "[Content_Types].xml"
    assert "word/theme/theme1.xml" in names


def test_committed_template_is_the_builders_output(template):
    """Part by part (names, order, content): the zip's compressed bytes may differ with the
    zlib a Python is built with, what the parts say may not."""
    rebuild = "templates/bao_cao_thi_dua_bau_cu.docx is not what the builder makes: run "
    rebuild += "`python tools/build_template.py` and commit the template"
    with zipfile.ZipFile(template) as built, zipfile.ZipFile(bt.OUTPUT) as committed:
        assert committed.namelist() == built.namelist(), rebuild
        for name in built.namelist():
            assert committed.read(name) == built.read(name), f"{name}: {rebuild}"


def test_template_carries_its_field_description(template):
    """The description travels inside the .docx (custom document properties)."""
    with Package(template) as package:
        assert embedded_description(package) == bt.DESCRIPTION.read_text(encoding="utf-8")


def test_template_loads_and_has_no_schema_error(template):
    docx.Document(str(template))
    openxml_audit = pytest.importorskip("openxml_audit")
    result = openxml_audit.OpenXmlValidator().validate(template)
    assert result.errors == [], [e.description for e in result.errors]


def test_rendered_output_has_no_schema_error(template, tmp_path):
    openxml_audit = pytest.importorskip("openxml_audit")
    document = render(template)
    path = tmp_path / "out.docx"
    document.save(path)
    result = openxml_audit.OpenXmlValidator().validate(path)
    assert result.errors == [], [e.description for e in result.errors]


def test_agency_line_is_a_third_to_a_half_of_the_name():
    cap = bt.pt(bt.content_w(bt.HEADER_COLS[0]))
    limits = [limit for limit, _ in bt.AGENCY_LINES]
    assert limits[-1] is None and limits[:-1] == sorted(limits[:-1])
    least, most = nd30.SHORT_LINE
    width = 14.0
    while width <= cap:
        length = next(bt.pt(n) for limit, n in bt.AGENCY_LINES if limit is None or width < limit)
        assert least * width <= length <= most * width, (width, length)
        width += 0.25
    # and for the example name, through the filter the template uses
    w = be_rong("BAN DÂN TỘC", bt.AGENCY_SIZE, True)
    length = next(bt.pt(n) for limit, n in bt.AGENCY_LINES if limit is None or w < limit)
    assert least * w <= length <= most * w


def test_header_texts_fit():
    right = bt.pt(bt.content_w(bt.HEADER_COLS[1]))
    assert be_rong(nd30.QUOC_HIEU, bt.QUOC_HIEU_SIZE, True) <= right
    line = nd30.TIEU_NGU_LINE * be_rong(nd30.TIEU_NGU, bt.TIEU_NGU_SIZE, True)
    assert round(line * 20) == bt.TIEU_NGU_LINE
    widest = bt.pt(bt.TEXT_W)
    least, most = nd30.SHORT_LINE
    assert least * widest <= bt.pt(bt.TRICH_YEU_LINE) <= most * widest


def test_header_sizes_and_short_lines_as_in_the_official_sample(template):
    """Quốc hiệu 13, Tiêu ngữ 14, the date no larger than the Tiêu ngữ, thin (0.5 pt) lines."""
    document = render(template)
    quoc_hieu, tieu_ngu = document.tables[0].rows[0].cells[1].paragraphs[:2]
    date = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert (quoc_hieu.text, tieu_ngu.text) == (nd30.QUOC_HIEU, nd30.TIEU_NGU)
    assert all(r.font.size is None for p in (quoc_hieu, tieu_ngu, date) for r in p.runs)
    assert quoc_hieu.style.font.size.pt == 13 and tieu_ngu.style.font.size.pt == 14
    assert date.style.font.size.pt <= tieu_ngu.style.font.size.pt
    styles = etree.fromstring(zipfile.ZipFile(template).read("word/styles.xml"))
    line = styles.find(f".//{W}style[@{W}styleId='DuongKe']//{W}pBdr/{W}bottom")
    assert line.get(f"{W}sz") == "4"


def test_agency_line_chain_picks_the_right_variant(template, tmp_path):
    for name in [
        "BAN",
        "SỞ NỘI VỤ",
        "BAN DÂN TỘC",
        "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
        "BAN QUẢN LÝ KHU KINH TẾ TỈNH",
    ]:
        document = render(template, co_quan_ban_hanh=name)
        cell = document.tables[0].rows[0].cells[0]._tc
        lines = [
            p
            for p in cell.iter(W + "p")
            if p.find(f"{W}pPr/{W}pStyle[@{W}val='DuongKe']") is not None
        ]
        assert len(lines) == 1
        ind = lines[0].find(f"{W}pPr/{W}ind")
        length = (
            bt.content_w(bt.HEADER_COLS[0]) - int(ind.get(W + "left")) - int(ind.get(W + "right"))
        )
        width = min(be_rong(name, bt.AGENCY_SIZE, True), bt.pt(bt.content_w(bt.HEADER_COLS[0])))
        if width >= 14:
            least, most = nd30.SHORT_LINE
            assert least * width <= bt.pt(length) <= most * width, (name, width, length)
