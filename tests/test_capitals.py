"""What Nghị định 30 writes in capitals (the agencies' names in the header, the ký hiệu, the
signer's authority and title) is put in capitals when it is read, where the description
says ``upper`` (the shipped one does for those five fields): a report made from a workbook
typed in lower case (by openpyxl, as a clerk's Excel stores it) passes ``bdt-docx check``,
and is the very report of one typed in capitals."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from reading import lines
from test_cli import last_json, run
from workbooks import EXAMPLE, TEMPLATE, edit_workbook, named_cell_ref

import bdt_docx
from bdt_docx.template import prepare_template

UPPER = {
    "co_quan_chu_quan": "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG",
    "co_quan_ban_hanh": "BAN DÂN TỘC",
    "ky_hieu": "BC-BDT",
    "quyen_han_ky": "KT. TRƯỞNG BAN",
    "chuc_vu_ky": "PHÓ TRƯỞNG BAN",
}
TYPED = {
    "co_quan_chu_quan": "Ủy ban nhân dân tỉnh Cao Bằng",
    "co_quan_ban_hanh": "Ban Dân tộc",
    "ky_hieu": "bc-bdt",
    "quyen_han_ky": "KT. Trưởng ban",
    "chuc_vu_ky": "Phó Trưởng ban",
}


def body(docx: Path) -> bytes:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml")


def test_a_workbook_typed_in_lower_case_gives_a_conforming_report(tmp_path):
    workbook = edit_workbook(tmp_path / "chu_thuong.xlsx", TYPED)
    filled = run("fill", str(workbook))
    assert filled.returncode == 0, filled.stderr
    report = workbook.with_suffix(".docx")
    shown = lines(report)
    for field in ("co_quan_chu_quan", "co_quan_ban_hanh", "quyen_han_ky", "chuc_vu_ky"):
        assert UPPER[field] in shown, field
    assert any(line.startswith("Số:") and line.endswith("/BC-BDT") for line in shown)
    assert "Ban Dân tộc" not in shown and "Phó Trưởng ban" not in shown

    checked = run("check", str(report), "--json")
    assert checked.returncode == 0, checked.stdout
    assert last_json(checked.stdout)["errors"] == []


def test_typed_in_lower_case_or_in_capitals_the_report_is_the_same(tmp_path):
    """The line under the agency's name is chosen by the width of the name as printed."""
    lower = edit_workbook(tmp_path / "thuong.xlsx", TYPED)
    upper = edit_workbook(tmp_path / "hoa.xlsx", UPPER)
    for workbook in (lower, upper):
        assert run("fill", str(workbook)).returncode == 0
    assert body(lower.with_suffix(".docx")) == body(upper.with_suffix(".docx"))


def test_the_shipped_description_says_which_fields_are_in_capitals():
    fields = prepare_template(TEMPLATE).fields
    assert {name for name, spec in fields.values.items() if spec.upper} == set(UPPER)


def test_a_program_s_context_is_put_in_capitals_too(tmp_path):
    context = {**bdt_docx.read_workbook(EXAMPLE), **TYPED}
    report = bdt_docx.render_report(context, output=tmp_path / "bao_cao.docx")
    assert UPPER["co_quan_ban_hanh"] in lines(report)


def test_a_place_typed_in_lower_case_is_refused_naming_the_cell(tmp_path):
    """Which letters of a place's name are capitals is the clerk's to say ("thành phố Hồ Chí
    Minh" is not "Thành Phố…"): a địa danh starting in lower case is refused, not guessed."""
    workbook = edit_workbook(tmp_path / "so_lieu.xlsx", {"dia_danh": "cao bằng"})
    result = run("fill", str(workbook), "--json")
    assert result.returncode == 3
    (error,) = last_json(result.stdout)["errors"]
    assert (error["field"], error["code"]) == ("dia_danh", "value.lower_case")
    assert (error["sheet"], error["cell"]) == named_cell_ref("dia_danh")
    assert "viết hoa chữ cái đầu" in error["message"] and "«cao bằng»" in error["message"]
    assert "(ví dụ: Cao Bằng)" in error["message"]
    assert not workbook.with_suffix(".docx").exists()

    for place in ("TP. Hồ Chí Minh", "Cao Bằng"):
        context = bdt_docx.read_workbook(edit_workbook(tmp_path / "b.xlsx", {"dia_danh": place}))
        assert context["dia_danh"] == place
    with pytest.raises(bdt_docx.ContextError) as caught:
        bdt_docx.render_report({**context, "dia_danh": "hà nội"}, output=tmp_path / "c.docx")
    assert [p.code for p in caught.value.problems] == ["value.lower_case"]


def test_fields_tells_what_the_description_says_of_lines_and_capitals():
    listed = {line.split()[0]: line for line in run("fields").stdout.splitlines()[2:]}
    assert "chữ, in hoa trong báo cáo — Cơ quan ban hành" in listed["co_quan_ban_hanh"]
    assert "chữ, viết hoa chữ đầu — Địa danh" in listed["dia_danh"]
    assert "chữ, có thể nhiều dòng (Alt+Enter) — Hạn chế" in listed["han_che"]
    assert "chữ — Họ và tên người ký" in listed["nguoi_ky"]
