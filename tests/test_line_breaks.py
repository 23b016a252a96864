"""A line break typed in a cell (Alt+Enter in Excel, Ctrl+Enter in Calc) where the
template prints the value inside a sentence or a line: refused, naming the cell and what to
do, since the report's sentence would break in the middle. Only the values the description
marks ``multiline`` (the shipped template's ``han_che`` and ``nguyen_nhan``, paragraphs of
their own) take line breaks. Workbooks are written by openpyxl, which stores a line break as
Excel does (a line feed in the shared string)."""

from __future__ import annotations

import pytest
from reading import paragraph_text, part_xml
from test_cli import last_json, run
from workbooks import EXAMPLE, TEMPLATE, edit_workbook, named_cell_ref

import bdt_docx
from bdt_docx.fields import Fields
from bdt_docx.template import prepare_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_a_line_break_inside_a_sentence_is_refused_naming_the_cell(tmp_path):
    workbook = edit_workbook(
        tmp_path / "so_lieu.xlsx",
        {"ten_day_du": "Ban Dân tộc tỉnh\nCao Bằng", "nguoi_ky": "Hà Văn\nVui"},
    )
    result = run("fill", str(workbook), "--json")
    assert result.returncode == 3
    errors = last_json(result.stdout)["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("ten_day_du", "value.line_break"), ("nguoi_ky", "value.line_break"),
    ]  # fmt: skip
    for error in errors:
        assert (error["sheet"], error["cell"]) == named_cell_ref(error["field"])
        assert "Alt+Enter ở Excel, Ctrl+Enter ở LibreOffice Calc" in error["message"]
        assert "ngắt dòng giữa câu" in error["message"]
        assert (
            "Home → Wrap Text" in error["message"] and "Wrap text automatically" in error["message"]
        )
    assert not workbook.with_suffix(".docx").exists()


def test_a_line_break_in_a_list_cell_is_refused_too(tmp_path):
    workbook = edit_workbook(
        tmp_path / "so_lieu.xlsx", tables={"noi_nhan": [["UBND tỉnh\nSở Nội vụ"], ["Lưu: VT"]]}
    )
    with pytest.raises(bdt_docx.WorkbookError) as caught:
        bdt_docx.read_workbook(workbook)
    (problem,) = caught.value.problems
    assert (problem.field, problem.sheet, problem.code) == (
        "noi_nhan.noi_nhan", "Nơi nhận", "value.line_break",
    )  # fmt: skip
    assert problem.cell == "A5"


def test_the_multiline_values_keep_their_lines_as_paragraphs(tmp_path):
    lines = ["Thứ nhất, tuyên truyền chưa đều.", "Thứ hai, thời gian ngắn."]
    workbook = edit_workbook(tmp_path / "so_lieu.xlsx", {"han_che": "\n".join(lines)})
    report = bdt_docx.fill_report(workbook)
    texts = [paragraph_text(p) for p in part_xml(report).iter(f"{{{W}}}p")]
    start = texts.index(lines[0])
    assert texts[start : start + 2] == lines


def test_a_program_s_context_is_held_to_the_same_rule(tmp_path):
    context = bdt_docx.read_workbook(EXAMPLE)
    with pytest.raises(bdt_docx.ContextError) as caught:
        bdt_docx.render_report({**context, "dia_danh": "Cao\nBằng"}, output=tmp_path / "a.docx")
    assert [(p.field, p.code) for p in caught.value.problems] == [("dia_danh", "value.line_break")]
    context["nguyen_nhan"] = "Một.\nHai."
    bdt_docx.render_report(context, output=tmp_path / "b.docx")


def test_the_shipped_description_marks_the_paragraphs_of_their_own_multiline():
    fields = prepare_template(TEMPLATE).fields
    assert {n for n, spec in fields.values.items() if spec.multiline} == {"han_che", "nguyen_nhan"}
    assert not any(c.multiline for t in fields.tables.values() for c in t.columns)


def test_a_description_may_let_a_column_have_several_lines(tmp_path):
    description = tmp_path / "mau.toml"
    description.write_text(
        '[tables.ds]\nlabel = "Danh sách"\ncolumns = [{ name = "ten", header = "Tên", '
        'type = "text", multiline = true }]\n',
        encoding="utf-8",
    )
    (column,) = Fields.load(description).tables["ds"].columns
    assert column.multiline
