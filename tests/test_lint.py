"""``bdt-docx lint``: broken tags found, located and quoted; prepare_template refuses them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.builders import TEMPLATE, docx_template, example_copy
from corpus.regressions import with_body
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import TemplateSyntaxError
from jinja2.nodes import Node
from reading import text

from bdt_docx.api import fill_report
from bdt_docx.cli import main
from bdt_docx.errors import TemplateError
from bdt_docx.lint import Finding, lint_template
from bdt_docx.tags import tree_nodes
from bdt_docx.tags.plain import plain_tree
from bdt_docx.template import make_environment, prepare_template

CASES = {
    "unclosed": (["Xin {{ ten "], "broken-tag", "đoạn 1", "'{{' không có '}}'"),
    "across-paragraphs": (["Xin {{ ten", "}} nhé"], "broken-tag", "đoạn 1", "hai đoạn"),
    "odd-quotes": (["{{ a if b == «x» else c }}"], "quote", "đoạn 1", "dấu ngoặc"),
    "syntax": (["{{ a + }}"], "syntax", "đoạn 1", "sai cú pháp"),
    "bad-char": (["Số {{ a & b }} người"], "syntax", "đoạn 1", "ký tự '&' không dùng được"),
    "unclosed-block": (["{%p if a %}", "x"], "unbalanced", "đoạn 1", "thiếu {% endif %}"),
    "end-without-open": (["x {% endfor %}"], "unbalanced", "đoạn 1", "không có thẻ {% for %}"),
    "else-outside": (["a", "{%p else %}"], "unbalanced", "đoạn 2", "nằm ngoài khối"),
    "crossed-blocks": (
        ["{%p if a %}", "{%p for x in y %}", "{%p endif %}", "{%p endfor %}"],
        "unbalanced",
        "đoạn 2",
        "thiếu {% endfor %}",
    ),
    "mixed-kinds": (["{%p if a %}", "x {% endif %}"], "mixed-block", "đoạn 2", "cùng loại"),
    "p-with-text": (["Chữ {%p if a %}", "{%p endif %}"], "p-misuse", "đoạn 1", "một mình"),
    "tr-outside-table": (["{%tr for x in y %}", "{%tr endfor %}"], "tr-misuse", "đoạn 1", "bảng"),
    "unknown-filter": (["{{ ngay|ngay_dai }}"], "unknown-filter", "đoạn 1", "'ngay_dai'"),
    "unknown-test": (["{{ 1 if a is chan }}"], "unknown-test", "đoạn 1", "'chan'"),
    "dunder": (["{{ ''.__class__ }}"], "unsafe", "đoạn 1", "'__class__'"),
    "include": (["{% include 'x.docx' %}"], "unsupported", "đoạn 1", "include"),
    "private-column": (["{{ vb._id }}"], "unsafe", "đoạn 1", "'_id'"),
    "unknown-filter-in-loop": (
        ["{%p for r in ds|loc %}", "{{ r.ten }}", "{%p endfor %}"],
        "unknown-filter",
        "đoạn 1",
        "'loc'",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_broken_template_is_found_located_and_refused(tmp_path: Path, case: str) -> None:
    paragraphs, code, place, words = CASES[case]
    template = docx_template(tmp_path, paragraphs)
    findings = lint_template(template)
    assert findings, case
    first = next(f for f in findings if f.code == code)
    assert first.place == place and words in first.message
    assert first.text and first.text in " ".join(paragraphs)
    assert first.file == str(template)
    assert str(first).startswith(f"{place}: ") and f"«{first.text}»" in str(first)
    assert first.to_dict()["code"] == code
    assert not any(word in first.message for word in ("unexpected", "expected", " at "))
    with pytest.raises(TemplateError) as caught:
        prepare_template(template)
    assert place in str(caught.value) and "Traceback" not in str(caught.value)
    assert any(isinstance(p, Finding) and p.code == code for p in caught.value.problems)


def test_split_runs_that_docxtpl_merges_are_fine(tmp_path: Path) -> None:
    """Word splits a tag into runs when formatting changes inside it: docxtpl mends that."""
    template = docx_template(
        tmp_path, ["Xin {\0{ ten_\0co_quan }\0}", "{{ a|la_ma }}", "{{ p }} và {{ r }}"]
    )
    assert [f.code for f in lint_template(template)] == ["assumed", "untyped-filter"]
    prepare_template(template)


def test_a_value_a_number_s_or_a_date_s_filter_prints_is_said_without_a_description(
    tmp_path: Path, capsys
) -> None:
    """Found by a new-user run: ``{{ so_ho|so }}`` in a template without a description
    linted clean ("điền được"), then every workbook failed to fill with exit 4 ("bộ lọc so
    cần một số, nhận được '1250'"): read from a workbook, such a value is a text."""
    template = docx_template(
        tmp_path, ["Số hộ: {{ so_ho|so }}, ngày {{ ngay|ngay_ngan }}, {{ ten|upper }}"]
    )
    assert main(["lint", str(template)]) == 0
    err = capsys.readouterr().out
    assert (
        "cảnh báo: 'so_ho' được in qua bộ lọc so, bộ lọc cần một số; mẫu không có mô tả trường "
        "nên 'so_ho' đọc từ sổ Excel là chữ, và điền từ sổ Excel sẽ lỗi. Hãy viết mô tả trường "
        "cho mẫu (tệp .toml cùng tên bên cạnh mẫu), cho 'so_ho' type = \"integer\""
    ) in err
    assert "'ngay' được in qua bộ lọc ngay_ngan, bộ lọc cần một ngày" in err
    assert 'type = "date"' in err and "'ten'" not in err
    (tmp_path / "mau.toml").write_text(
        '[fields.so_ho]\ntype = "integer"\n[fields.ngay]\ntype = "date"\n[fields.ten]\n',
        encoding="utf-8",
    )
    assert "untyped-filter" not in {f.code for f in lint_template(template)}


def test_braces_in_prose_are_text_not_a_broken_tag(tmp_path: Path) -> None:
    """Jinja prints "{ {", a lone "}}" and "{ {ten} }" as they are: fill accepts them, so
    lint only warns."""
    template = docx_template(tmp_path, ["Tập hợp { {1, 2} } và }} nhé", "Xin { {ten} }"])
    findings = lint_template(template)
    assert {f.code for f in findings} == {"stray-close", "spaced-tag", "no-variables", "assumed"}
    assert not any(f.blocking for f in findings)
    report = fill_report(example_copy(tmp_path), template, tmp_path / "r.docx")
    assert "Tập hợp { {1, 2} } và }} nhé" in text(report)


@pytest.mark.parametrize(
    "tag",
    [
        "\uff5b\uff5b dia_danh \uff5d\uff5d",
        "{\uff5b dia_danh }}",
        "{{ dia_danh }\uff5d",
        "\uff5b% if dia_danh %}x{% endif %}",
    ],
)
def test_a_tag_typed_with_full_width_braces_is_refused(tmp_path: Path, tag: str) -> None:
    """Braces typed full-width (a Chinese or Japanese input method): Jinja does not read
    them, and the report printed '｛｛ dia_danh ｝｝' with exit 0 (lint only said the field
    was not used); the template is refused, the finding naming the braces."""
    template = docx_template(tmp_path, [f"Kính gửi: {tag}", "{{ dia_danh }}"])
    findings = [f for f in lint_template(template) if f.code == "full-width-tag"]
    assert len(findings) == 1 and findings[0].blocking, findings
    assert "dấu ngoặc nhọn toàn độ rộng" in findings[0].message
    with pytest.raises(TemplateError, match="toàn độ rộng"):
        fill_report(example_copy(tmp_path), template, tmp_path / "r.docx")
    assert not (tmp_path / "r.docx").exists()


def test_tables_headers_and_places(tmp_path: Path) -> None:
    template = docx_template(
        tmp_path,
        ["Mở đầu"],
        table=[
            ["Tên", "Hình thức"],
            ["{%tr for r in rows %}", ""],
            ["{{ r.ten }}", "{{ r.hinh_thuc|khong_co }}"],
            ["{%tr endfor %}", ""],
            ["{%tr if x %} chữ", ""],
        ],
        header="Số {{ so ",
    )
    found = {(f.code, f.place) for f in lint_template(template)}
    assert ("unknown-filter", "bảng 1, hàng 3, ô 2") in found
    assert ("tr-misuse", "bảng 1, hàng 5, ô 1") in found
    assert ("broken-tag", "đầu trang (header1.xml), đoạn 1") in found


def test_block_across_paragraphs_is_reported_but_usable(tmp_path: Path) -> None:
    template = docx_template(tmp_path, ["{% if a %} x", "y {% endif %}"])
    finding, assumed = lint_template(template)
    assert finding.code == "block-spans-paragraphs" and not finding.blocking
    assert assumed.note and "mỗi biến được coi là chữ bắt buộc" in assumed.message
    prepare_template(template)


def test_unknown_variable_against_the_field_description(tmp_path: Path) -> None:
    template = docx_template(
        tmp_path,
        ["Mở đầu", "{{ ten_co_quan }} và {{ ten_khong_co }}"],
        toml='[fields.ten_co_quan]\nlabel = "Tên"\n',
    )
    (finding,) = lint_template(template)
    assert (finding.code, finding.field, finding.place) == (
        "unknown-variable",
        "ten_khong_co",
        "đoạn 2",
    )
    with pytest.raises(TemplateError, match="ten_khong_co"):
        prepare_template(template)


def test_an_unknown_variable_says_what_to_do_and_the_name_it_may_be(tmp_path, capsys) -> None:
    """A tag typed in Word or Writer with a slip (Writer's autocorrect capitalises the first
    letter of a sentence: {{ Dia_danh }}) or a new one ({{ ghi_chu }}): the refusal names
    the field it may be and what to do (found by a new-user run: it said only that the
    description lacked it)."""
    from corpus.builders import rewrite_parts

    def edit(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        return data.replace(b"{{ dia_danh }}", b"{{ Dia_danh }} {{ ghi_chu }}", 1)

    template = rewrite_parts(TEMPLATE, tmp_path / "mau.docx", edit)
    assert main(["lint", str(template)]) == 7
    out = capsys.readouterr().out
    assert "mẫu dùng biến 'Dia_danh' nhưng mô tả trường không có (có phải 'dia_danh'?)" in out
    assert "mẫu dùng biến 'ghi_chu' nhưng mô tả trường không có: hãy sửa" in out
    assert "hoặc thêm trường 'ghi_chu' vào mô tả trường" in out
    # the command's words in the command (lint spoke the library's), the library's in it
    assert "bdt-docx fields -t MẪU.docx --embed MẪU.toml" in out and "embed_description" not in out
    with pytest.raises(TemplateError) as caught:
        prepare_template(template)
    assert "embed_description(mẫu, tệp .toml)" in str(caught.value) and "--" not in str(
        caught.value
    )


def test_shipped_template_is_clean() -> None:
    assert lint_template(TEMPLATE) == []


def test_render_refuses_a_broken_template_with_the_lint_message(tmp_path: Path) -> None:
    template = Path(shutil.copyfile(TEMPLATE, tmp_path / "mau.docx"))
    shutil.copyfile(TEMPLATE.with_suffix(".toml"), template.with_suffix(".toml"))
    out = tmp_path / "bao_cao.docx"
    broken = docx_template(tmp_path, ["Kính gửi {{ ten_co_quan "], name="hong.docx")
    with pytest.raises(TemplateError, match="đoạn 1: thẻ mở"):
        fill_report(example_copy(tmp_path), broken, out)
    assert not out.exists()
    assert fill_report(example_copy(tmp_path), template, out).exists()


def test_cli_lint_errors_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(TEMPLATE)]) == 0
    broken = docx_template(tmp_path, ["{{ a|khong_co }}", "{%p if a %}"])
    assert main(["lint", str(broken), "--json"]) == 7
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {f["code"] for f in data["findings"]} == {"unknown-filter", "unbalanced"}
    assert data["ok"] is False and data["code"] == 7
    assert {(e["code"], e["place"]) for e in data["errors"]} == {
        ("unknown-filter", "đoạn 1"),
        ("unbalanced", "đoạn 2"),
    }  # a macro reading errors, as after fill, sees what to fix
    not_docx = tmp_path / "x.docx"
    not_docx.write_bytes(b"not a zip")
    assert main(["lint", str(not_docx)]) == 4


def test_template_preparation_does_not_import_lint() -> None:
    """One tag analysis (bdt_docx.tags) below template.py; lint is a command over it."""
    code = "import sys, bdt_docx.template; print('bdt_docx.lint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "False"


def test_a_filled_report_given_as_a_template_is_said_to_have_no_tags(tmp_path: Path) -> None:
    """A report carries its template's field description: one given as the template is
    refused (``fill`` would copy its old figures), as ``fill`` refuses it."""
    report = fill_report(example_copy(tmp_path), TEMPLATE, tmp_path / "bao_cao.docx")
    (finding,) = lint_template(report)
    assert finding.blocking and "đây có lẽ là một báo cáo đã điền" in finding.message
    done = subprocess.run(
        [sys.executable, "-m", "bdt_docx", "lint", str(report)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 7 and "không có thẻ nào" in done.stdout + done.stderr
    assert lint_template(TEMPLATE) == []  # the shipped template uses its figures


def test_a_described_field_the_template_no_longer_uses_is_said(tmp_path: Path) -> None:
    """A paragraph with its tag deleted in Word: the figure is no longer printed, though the
    description still asks the workbook for it."""
    template = docx_template(
        tmp_path,
        ["Kính gửi {{ ten_co_quan }}"],
        toml='[fields.ten_co_quan]\nlabel = "Tên"\n[fields.han_che]\nlabel = "Hạn chế"\n',
    )
    (finding,) = lint_template(template)
    assert (finding.code, finding.field, finding.blocking) == ("unused-field", "han_che", False)
    assert "mẫu không dùng" in finding.message


def test_a_tag_in_a_paragraph_outside_the_text_flow_is_read_too(tmp_path: Path) -> None:
    """A paragraph the document model does not walk (in alternative content at body level,
    as a drawing's may be) still reaches Jinja, so its tags are checked and placed."""
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    body = (
        f'<mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="w14">'
        "<w:p><w:r><w:t>Xin {{ ten </w:t></w:r></w:p></mc:Choice></mc:AlternateContent>"
    )
    template = tmp_path / "mau.docx"
    template.write_bytes(with_body(body.encode())(TEMPLATE.read_bytes()))
    found = [(f.code, f.place) for f in lint_template(template) if f.blocking]
    assert found == [("broken-tag", "đoạn trong hình vẽ hay khung")]


LIST_DESCRIPTION = """
[tables.ds]
label = "Danh sách"
columns = [{ name = "ten", header = "Tên" }, { name = "so", header = "Số", type = "integer" }]
"""


def test_a_list_column_the_description_lacks_is_found_before_filling(tmp_path, capsys) -> None:
    """A template reading ``r.hinh_thuc`` of a list whose description has no such column was
    refused only when a workbook had rows (an earlier session's note); lint and fill now say
    it at once, at the tag, while a column read under ``|default`` stays optional."""
    template = docx_template(
        tmp_path,
        [
            "Danh sách:",
            "{% for r in ds %}{{ r.ten }}: {{ r.hinh_thuc }} "
            "({{ r.ghi_chu|default('') }}){% endfor %}",
        ],
        table=[["{%tr for r in ds %}"], ["{{ r['so'] }}"], ["{%tr endfor %}"]],
        toml=LIST_DESCRIPTION,
    )
    assert main(["lint", str(template), "--json"]) != 0
    result = json.loads(capsys.readouterr().out)
    (error,) = result["errors"]
    assert error["code"] == "unknown-column"
    assert "mẫu đọc cột 'hinh_thuc' của danh sách 'ds'" in error["message"]
    assert "các cột: ten, so" in error["message"]
    assert error["place"] == "đoạn 2"
    with pytest.raises(TemplateError, match="hinh_thuc"):
        prepare_template(template)


def test_the_columns_a_description_gives_are_read_freely(tmp_path) -> None:
    template = docx_template(
        tmp_path,
        ["{% for r in ds %}{{ r.ten }} {{ r['so'] }} {{ r.items() | length }}{% endfor %}"],
        toml=LIST_DESCRIPTION,
    )
    assert not [f for f in lint_template(template) if f.blocking]


_WORDS = st.one_of(
    st.sampled_from(["true", "None", "not", "in", "is", "if", "else", "loop", "_x"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,4}", fullmatch=True),
)
_VALUES = st.one_of(_WORDS, st.sampled_from(["0", "07", "13", "1_0", "2.5", "-1", "'a'"]))
_CALLS = st.lists(_VALUES, max_size=3).map(lambda args: f"({', '.join(args)})")
_FILTERS = st.lists(st.tuples(_WORDS, st.one_of(st.just(""), _CALLS)), max_size=2)
_CHAINS = st.tuples(st.lists(_WORDS, min_size=1, max_size=3), _FILTERS).map(
    lambda chain: ".".join(chain[0]) + "".join(f"|{name}{call}" for name, call in chain[1])
)
_EXPRESSIONS = st.tuples(
    _CHAINS, st.sampled_from(["", " < ", " >= ", " == ", " != ", " <> "]), _CHAINS | _VALUES
).map(lambda parts: parts[0] + (parts[1] + parts[2] if parts[1] else ""))
_SHAPES = (
    "{{{{ {} }}}}",
    "{{% if {} %}}{{% endif %}}",
    "{{% if true %}}{{% elif {} %}}{{% endif %}}",
    "{{% if true %}}{{% else %}}{{% endif %}}",
    "{{% for {} in {} %}}{{% endfor %}}",
)


@given(st.sampled_from(_SHAPES), _EXPRESSIONS, _WORDS)
def test_the_tags_read_without_jinja_are_read_as_jinja_reads_them(
    shape: str, expression: str, target: str
) -> None:
    source = shape.format(target, expression) if "for" in shape else shape.format(expression)
    try:
        expected = make_environment().parse(source)
    except TemplateSyntaxError:
        expected = None
    tree = plain_tree(source)
    assert tree is None or tree == expected, source
    if expected is not None:  # the tag's nodes, as the checker walks them: as Jinja does
        assert list(map(id, tree_nodes(expected))) == list(map(id, expected.find_all(Node)))


def test_comments_in_the_template_are_a_warning(tmp_path: Path) -> None:
    """A comment left in the template (Review → New Comment) goes into every report, where
    Word prints it beside the text: lint says so, naming the first, and the template fills."""
    from docx import Document

    document = Document(str(TEMPLATE))
    signer = next(
        p for t in document.tables for c in t._cells for p in c.paragraphs if "nguoi_ky" in p.text
    )
    document.add_comment(signer.runs, text="Kiểm tra lại tên người ký", author="Văn thư")
    template = tmp_path / "mau.docx"
    document.save(str(template))
    (finding,) = [f for f in lint_template(template) if f.code == "comments"]
    assert not finding.blocking and not finding.note
    assert finding.message.startswith("mẫu có 1 chú thích (Comment), như «Kiểm tra lại tên")
    assert "Delete All Comments" in finding.message
    assert not [f for f in lint_template(TEMPLATE) if f.code == "comments"]
