"""The template built by ``tools/build_template.py``: valid, and renders the original report."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bdt_docx.filters import FILTERS, be_rong

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "ban_goc_bao_cao_2021.txt"
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
    return bt.build(tmp_path_factory.mktemp("tpl") / "bao_cao.docx")


def example_context() -> dict:
    spec = tomllib.loads((ROOT / "templates" / "bao_cao_thi_dua_bau_cu.toml").read_text("utf-8"))

    def value(kind: str, raw):
        if kind == "date" and isinstance(raw, str):
            return dt.datetime.strptime(raw, "%d/%m/%Y").date()
        return raw

    ctx = {name: value(f["type"], f.get("example")) for name, f in spec["fields"].items()}
    for name, table in spec["tables"].items():
        columns = table["columns"]
        ctx[name] = [
            {c["name"]: value(c["type"], cell) for c, cell in zip(columns, row, strict=True)}
            for row in table["example"]
        ]
    return ctx


def render(path: Path, **changes) -> docx.Document:
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    ctx = example_context() | changes
    tpl = DocxTemplate(str(path))
    tpl.render(ctx, env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    out.seek(0)
    return docx.Document(out)


def texts(document: docx.Document) -> list[str]:
    """Paragraph texts of the body and its tables, in document order, whitespace collapsed."""
    out = []
    for child in document.element.body.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            paragraphs = [child] if child.tag == W + "p" else child.iter(W + "p")
            for p in paragraphs:
                text = " ".join("".join(t.text or "" for t in p.iter(W + "t")).split())
                if text:
                    out.append(text)
    return out


def seed_paragraphs() -> list[str]:
    lines = [" ".join(x.replace("**", "").split()) for x in SEED.read_text("utf-8").splitlines()]
    lines = [x for x in lines if x]
    for i, line in enumerate(lines):  # the page break inside the 5.2 sentence
        if line.endswith("bầu cử đại biểu") and lines[i + 1].startswith("Quốc hội"):
            lines[i : i + 2] = [line + " " + lines[i + 1]]
            break
    return [normalise(x) for x in lines]


def normalise(text: str) -> str:
    text = re.sub(r"2021 ?- ?2026", "2021 - 2026", text)
    return text.replace("ban Dân tộc", "Ban Dân tộc")


HEADER_ONLY = {
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "UBND TỈNH CAO BẰNG",
    "BAN DÂN TỘC",
}


def test_template_is_deterministic(tmp_path):
    a = bt.build(tmp_path / "a.docx").read_bytes()
    b = bt.build(tmp_path / "b.docx").read_bytes()
    assert a == b
    names = zipfile.ZipFile(tmp_path / "a.docx").namelist()
    assert names[0] == "[Content_Types].xml"
    assert not any("theme" in n for n in names)


def test_template_loads_and_has_no_schema_error(template):
    docx.Document(str(template))
    openxml_audit = pytest.importorskip("openxml_audit")
    result = openxml_audit.OpenXmlValidator().validate(template)
    # Only the strict-mode "theme relationship missing" check may fire: the template has
    # deliberately no theme part (no theme fonts, Times New Roman everywhere).
    errors = [e for e in result.errors if e.id != "Sem_MissingRelationshipType"]
    assert errors == [], [e.description for e in errors]


def test_rendered_example_is_the_seed(template, tmp_path):
    got = [normalise(x) for x in texts(render(template)) if x not in HEADER_ONLY]
    assert got == seed_paragraphs()


def test_rendered_output_has_no_schema_error(template, tmp_path):
    openxml_audit = pytest.importorskip("openxml_audit")
    document = render(template)
    path = tmp_path / "out.docx"
    document.save(path)
    result = openxml_audit.OpenXmlValidator().validate(path)
    errors = [e for e in result.errors if e.id != "Sem_MissingRelationshipType"]
    assert errors == [], [e.description for e in errors]


def test_variations(template):
    ctx = example_context()
    got = texts(
        render(
            template,
            so_nguoi_ung_cu=0,
            so_nguoi_di_bau_cu=29,
            tong_so_nguoi=30,
            so_nguoi_du_hoi_nghi=30,
            van_ban=[],
            noi_nhan=[{"noi_nhan": "UBND tỉnh"}],
            khen_thuong=[
                {"ten_tap_the_ca_nhan": "Phòng Chính sách", "hinh_thuc_khen_thuong": "Giấy khen"},
                {"ten_tap_the_ca_nhan": "Ông Nông Văn A", "hinh_thuc_khen_thuong": "Bằng khen"},
            ],
            quyen_han_ky="",
            so_van_ban=5,
        )
    )
    joined = "\n".join(got)
    assert (
        "Ban Dân tộc không có công chức tham gia ứng cử Đại biểu Hội đồng nhân dân các cấp "
        "nhiệm kỳ 2021 - 2026." in got
    )
    assert "đã lựa chọn" not in joined
    assert (
        "Công chức và người lao động Ban Dân tộc thực hiện quyền công dân, kết quả 96,67% "
        "(29/30 người) tham gia bầu cử." in got
    )
    assert "với số lượng 30/30 người tham gia (đạt 100%)" in joined
    assert "Đã ban hành văn bản đôn đốc" not in joined
    assert "quan tâm và chỉ đạo sát sao." in joined
    assert any(
        x.endswith("được cấp ủy và chính quyền Ban Dân tộc quan tâm và chỉ đạo sát sao.")
        for x in got
    )
    assert any(x.endswith("Ban Dân tộc đề nghị khen thưởng các tập thể, cá nhân sau:") for x in got)
    i = next(i for i, x in enumerate(got) if x.endswith("cá nhân sau:"))
    assert got[i + 1 : i + 3] == ["- Phòng Chính sách: Giấy khen;", "- Ông Nông Văn A: Bằng khen."]
    j = got.index("Nơi nhận:")
    assert got[j + 1 : j + 4] == ["- UBND tỉnh.", "PHÓ TRƯỞNG BAN", "Hà Văn Vui"]
    assert "Số: 05/BC-BDT" in got
    assert ctx["ten_day_du"] in got[j - 1]


def test_one_van_ban(template):
    ctx = example_context()
    got = "\n".join(texts(render(template, van_ban=ctx["van_ban"][:1])))
    assert (
        "sát sao. Ban đã ban hành văn bản số 201/BDT-TTrTT ngày 09/4/2021 về việc đôn đốc "
        "triển khai Kế hoạch thông tin, tuyên truyền bầu cử ở vùng đồng bào dân tộc thiểu "
        "số.\n"
    ) in got


def test_agency_line_is_a_third_to_a_half_of_the_name():
    cap = bt.pt(bt.content_w(bt.HEADER_COLS[0]))
    limits = [limit for limit, _ in bt.AGENCY_LINES]
    assert limits[-1] is None and limits[:-1] == sorted(limits[:-1])
    width = 30.0
    while width <= cap:
        length = next(bt.pt(n) for limit, n in bt.AGENCY_LINES if limit is None or width < limit)
        assert width / 3 <= length <= width / 2, (width, length)
        width += 0.25
    # and for the example name, through the filter the template uses
    w = be_rong("BAN DÂN TỘC", 13, True)
    length = next(bt.pt(n) for limit, n in bt.AGENCY_LINES if limit is None or w < limit)
    assert w / 3 <= length <= w / 2


def test_header_texts_fit():
    right = bt.pt(bt.content_w(bt.HEADER_COLS[1]))
    assert be_rong(bt.QUOC_HIEU, 12, True) <= right
    assert round(be_rong(bt.TIEU_NGU, 13, True) * 20) == bt.TIEU_NGU_LINE
    widest = bt.pt(bt.TEXT_W)
    assert widest / 3 <= bt.pt(bt.TRICH_YEU_LINE) <= widest / 2


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
        width = min(be_rong(name, 13, True), bt.pt(bt.content_w(bt.HEADER_COLS[0])))
        if width >= 30:
            assert width / 3 <= bt.pt(length) <= width / 2, (name, width, length)
