"""Errors as data: each problem has a stable code (the table of docs/errors.md), each error
class its exit code, and the words are the shower's: the library's never name an option of
the command."""

from __future__ import annotations

import ast
import importlib
import io
import json
import pickle
import pkgutil
import re
import tokenize
from pathlib import Path

import pytest
from workbooks import edit_workbook

from bdt_docx import cli, errors
from bdt_docx.errors import (
    BdtDocxError,
    BdtDocxWarning,
    ContextError,
    ConversionError,
    DocumentError,
    MacroError,
    OutputError,
    Problem,
    TemplateError,
    WorkbookError,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bdt_docx"
DOC = (ROOT / "docs" / "errors.md").read_text("utf-8")
CLASSES = [
    WorkbookError,
    DocumentError,
    TemplateError,
    OutputError,
    ConversionError,
    ContextError,
    MacroError,
    BdtDocxError,
]


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _codes_in_the_package() -> set[str]:
    """Every dotted code the package gives a problem (``code="output.exists"``)."""
    found = set()
    for path in _sources():
        found |= set(re.findall(r'code="([a-z_]+(?:\.[a-z_]+)+)"', path.read_text("utf-8")))
    return found | {"unexpected"}


def _codes_in_the_table() -> set[str]:
    table = DOC.split("<!-- codes -->", 1)[1]
    return set(re.findall(r"^\| `([a-z_.]+)` \|", table, re.MULTILINE))


def test_every_code_given_is_in_the_table_and_every_one_listed_is_given():
    assert _codes_in_the_package() == _codes_in_the_table()


def test_the_tag_codes_a_template_is_refused_for_are_listed():
    from bdt_docx.tags.findings import BLOCKING

    listed = DOC.split("<!-- tag codes -->", 1)[1].split("<!-- end -->", 1)[0]
    assert set(re.findall(r"`([a-z-]+)`", listed)) == BLOCKING


@pytest.mark.parametrize("kind", CLASSES, ids=lambda kind: kind.__name__)
def test_each_error_class_has_its_exit_code_and_default_code_as_documented(kind):
    row = f"| `{kind.__name__}` | {kind.exit_code} | `{kind.default_code}` |"
    assert row in DOC
    problem = kind("sai").problems[0]
    assert problem.code == kind.default_code


def test_the_command_s_exit_codes_are_the_classes():
    assert [cli.EXIT_CODES[k] for k in ("workbook", "template", "output", "pdf")] == [3, 4, 5, 6]
    assert OutputError("x", code="output.exists").exit_code == 5
    assert ContextError("x").exit_code == 1


def test_a_code_given_to_the_error_goes_to_its_problems_not_over_their_own():
    error = WorkbookError(
        [Problem("a", code="workbook.blank"), Problem("b")], "so.xlsx", code="workbook.x"
    )
    assert [p.code for p in error.problems] == ["workbook.blank", "workbook.x"]
    assert [p.file for p in error.problems] == ["so.xlsx", "so.xlsx"]


def test_codes_survive_the_trip_from_a_worker():
    error = OutputError("tệp đã có", "a.docx", "sổ Excel", code="output.exists")
    back = pickle.loads(pickle.dumps(error))
    assert back.problems == error.problems and back.problems[0].code == "output.exists"
    assert str(back) == str(error)


def test_the_text_is_built_when_shown_with_the_shower_s_hints():
    error = OutputError("tệp đã có", "a.docx", code="output.exists")
    assert str(error) == (
        "Không ghi được báo cáo (a.docx): tệp đã có; cho overwrite=True để ghi đè, "
        "hoặc chọn tên khác"
    )
    assert error.shown(cli.HINTS).endswith(
        "tệp đã có; dùng --overwrite để ghi đè, hoặc chọn tên khác"
    )
    assert error.shown({}) == "Không ghi được báo cáo (a.docx): tệp đã có"
    assert error.problems[0].to_dict(cli.HINTS)["code"] == "output.exists"


def test_a_warning_without_a_code_gets_one():
    assert BdtDocxWarning(Problem("x")).problem.code == "warning"


def _all_subclasses(kind: type) -> set[type]:
    return {sub for child in kind.__subclasses__() for sub in {child, *_all_subclasses(child)}}


def test_every_error_class_lives_in_errors_py():
    for info in pkgutil.walk_packages([str(PACKAGE)], "bdt_docx."):
        if not info.name.endswith("__main__") and ".templates" not in info.name:
            importlib.import_module(info.name)
    homes = {(kind.__module__, kind.__name__) for kind in _all_subclasses(BdtDocxError)}
    assert {home for home in homes if home[0] != "bdt_docx.errors"} == set()


#: The command's options, which only the command may name in what it says.
_OPTIONS = re.compile(
    r"--(overwrite|pdf|json|result|embed|template|workbook|output|output-dir|jobs|example"
    r"|profile)\b"
)


def _messages(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings (nor comments)."""
    strings = []
    for token in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
        if token.type == tokenize.STRING and not token.string.lstrip("rbuf").startswith('"""'):
            strings.append(token.string)
    return strings


def test_the_library_never_speaks_of_the_command_s_options():
    command = {PACKAGE / "__main__.py", *(PACKAGE / "cli").rglob("*.py")}
    speaking = [
        (path.name, text)
        for path in _sources()
        if path not in command
        for text in _messages(path)
        if _OPTIONS.search(text)
    ]
    assert speaking == []


def test_the_api_hints_are_the_library_s():
    assert all("--" not in hint for hint in errors.HINTS.values())
    assert set(errors.HINTS) <= set(cli.HINTS)


def test_a_program_branches_on_the_codes_of_a_workbook_s_problems(tmp_path, capsys):
    workbook = edit_workbook(tmp_path / "w.xlsx", {"tong_so_nguoi": "abc", "ky_hieu": None})
    assert cli.main(["fill", str(workbook), "--json"]) == 3
    errors_ = json.loads(capsys.readouterr().out.splitlines()[-1])["errors"]
    codes = {e["field"]: e["code"] for e in errors_}
    assert codes["tong_so_nguoi"] == "value.invalid" and codes["ky_hieu"] == "value.blank"
    missing = tmp_path / "khong_co.xlsx"
    assert cli.main(["fill", str(missing), "--json"]) == 3
    (error,) = json.loads(capsys.readouterr().out.splitlines()[-1])["errors"]
    assert error["code"] == "workbook.not_found"
    batch = ["fill", str(missing), str(workbook), "-d", str(tmp_path / "out"), "--json"]
    assert cli.main(batch) == 3  # the same code when many workbooks are filled
    (error,) = json.loads(capsys.readouterr().out.splitlines()[-1])["errors"]
    assert error["code"] == "workbook.not_found"


def test_an_unknown_column_is_told_with_the_shower_s_words(tmp_path):
    from corpus.builders import docx_template

    from bdt_docx.api import render_report

    template = docx_template(tmp_path, ["{% for k in ds %}{{ k.hinh_thuc }}{% endfor %}"])
    with pytest.raises(TemplateError) as caught:
        render_report({"ds": [{"ten": "A"}]}, template, tmp_path / "r.docx")
    (problem,) = caught.value.problems
    assert problem.code == "template.unknown_column"
    assert "không có cột hay thuộc tính 'hinh_thuc'; tên cột trong thẻ" in str(caught.value)
    assert "bdt-docx" not in str(caught.value)
    assert "(bdt-docx fields liệt kê các cột)" in caught.value.shown(cli.HINTS)


def test_a_context_s_problems_never_speak_of_a_workbook(tmp_path):
    from bdt_docx.api import render_report

    context = {"tong_so_nguoi": "abc", "ky_hieu": None, "khen_thuong": 5}
    with pytest.raises(ContextError) as caught:
        render_report(context, output=tmp_path / "r.docx")
    text = str(caught.value)
    codes = {p.field: p.code for p in caught.value.problems}
    assert codes["tong_so_nguoi"] == "value.invalid" and codes["ky_hieu"] == "value.blank"
    assert codes["khen_thuong"] == "context.not_rows" and codes["nguoi_ky"] == "context.missing"
    assert not re.search(r"sổ|Excel|\bô\b|trang tính|--", text), text


_RAISED = {"Problem", *(kind.__name__ for kind in CLASSES), "BdtDocxWarning"}


def _is_text(node: ast.expr) -> bool:
    """A message written at the call (a literal, an f-string, or text joined with +)."""
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _is_place(node: ast.expr) -> bool:
    """A place the checks complete (``Problem("", field)``, ``Problem(f"dòng {n}: ", …)``):
    they give the code when they add the message."""
    last = node.values[-1] if isinstance(node, ast.JoinedStr) else node
    return isinstance(last, ast.Constant) and last.value in ("", ": ")


def test_every_message_written_in_the_package_comes_with_its_code():
    uncoded = []
    for path in _sources():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in _RAISED or any(k.arg == "code" for k in node.keywords):
                continue
            if _is_text(node.args[0]) and not _is_place(node.args[0]):
                uncoded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert uncoded == []


def test_an_error_s_repr_shows_its_problems():
    error = WorkbookError(Problem("ô trống", field="nguoi_ky", code="value.blank"), "so.xlsx")
    assert repr(error) == (
        "WorkbookError([Problem(message='ô trống', field='nguoi_ky', sheet=None, cell=None, "
        "file='so.xlsx', code='value.blank')], 'so.xlsx')"
    )
