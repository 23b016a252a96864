"""A context built by a script: checked as a workbook is, refused naming the field.

And the arguments of every public function: a wrong type is a ``TypeError`` that names the
function and the argument, never an error from deep inside.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from docx_factory import document_xml, make_docx, paragraph
from docxtpl import DocxTemplate, InlineImage
from reading import lines
from workbooks import EXAMPLE, TEMPLATE, edit_workbook

import bdt_docx
from bdt_docx import ContextError, WorkbookError
from bdt_docx.checker import check


@pytest.fixture(scope="module")
def context() -> dict:
    return bdt_docx.read_workbook(EXAMPLE)


def context_problems(context: dict, tmp_path: Path, **changes) -> list:
    tmp_path.mkdir(exist_ok=True)
    out = tmp_path / "r.docx"
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report(context | changes, output=out)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    return caught.value.problems


def test_more_voters_than_staff_is_refused_not_printed(context, tmp_path):
    """Today's bug: 99 voters of 25 printed "396% (99/25 người)"."""
    out = tmp_path / "r.docx"
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report(context | {"so_nguoi_di_bau_cu": 99}, output=out)
    error = caught.value
    assert not isinstance(error, WorkbookError) and isinstance(error, bdt_docx.BdtDocxError)
    assert str(error) == (
        "Lỗi trong dữ liệu điền báo cáo: so_nguoi_di_bau_cu: 99 không được lớn hơn "
        "tổng số công chức, người lao động (25)"
    )
    assert "sổ Excel" not in str(error) and not out.exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tong_so_nguoi", "hai mươi"),
        ("so_nguoi_du_hoi_nghi", 2.5),
        ("so_nguoi_ung_cu", -1),
        ("so_nguoi_di_bau_cu", 26),
        ("tong_so_nguoi", 0),
        ("nhiem_ky_den", 2020),
        ("ngay_ban_hanh", "31/02/2021"),
        ("ngay_ban_hanh", "09/06/0021"),  # found by a new-user run: printed "năm 21"
        ("ngay_huong_dan_khen_thuong", "tháng tư"),
        ("ngay_ban_hanh", 20210609),
        ("nguoi_ky", "   "),
    ],
)
def test_a_bad_value_gets_the_workbooks_message(context, tmp_path, name, value):
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(edit_workbook(tmp_path / "w.xlsx", {name: value}))
    (from_workbook,) = caught.value.problems
    (from_context,) = context_problems(context, tmp_path / "out", **{name: value})
    assert from_context.field == from_workbook.field == name
    assert (from_context.sheet, from_context.cell, from_context.file) == (None, None, None)
    # A blank is a blank value, not a blank cell; every other word is the workbook's.
    assert from_context.message == from_workbook.message.replace("ô trống", "chưa có giá trị")


def test_values_are_converted_as_a_workbooks_cells_are(context, tmp_path):
    changes = {"so_nguoi_di_bau_cu": "24", "ngay_ban_hanh": "10/06/2021", "so_van_ban": 12.0}
    out = bdt_docx.render_report(context | changes, output=tmp_path / "r.docx")
    text = "\n".join(lines(out))
    assert "(24/25 người)" in text
    assert "ngày 10 tháng 6 năm 2021" in text
    assert "Số: 12/BC-BDT" in text


def test_a_lone_surrogate_in_a_programs_text_prints_as_a_replacement_character(context, tmp_path):
    # a string built from UTF-16 halves: one alone, one pair (an emoji)
    changes = {"nguoi_ky": "Nguyễn \ud800Văn \ud83d\ude00"}
    out = bdt_docx.render_report(context | changes, output=tmp_path / "r.docx")
    assert "Nguyễn \ufffdVăn \U0001f600" in "\n".join(lines(out))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"tong_so_nguoi": [25]}, "tong_so_nguoi", "cần số nguyên, không phải kiểu list"),
        (
            {"ngay_ban_hanh": {"d": 9}},
            "ngay_ban_hanh",
            "cần ngày dạng dd/mm/yyyy, không phải kiểu dict",
        ),
        ({"van_ban": "201/BDT"}, "van_ban", "cần một danh sách các dòng"),
        ({"van_ban": [("1/BDT", "09/04/2021", "x")]}, "van_ban", "dòng 1: cần một dict"),
        (
            {"van_ban": [{"so_ky_hieu": "1/BDT", "ngay": "30/02/2021", "trich_yeu": "x"}]},
            "van_ban.ngay",
            "dòng 1: ngày 30/02/2021 không có thật",
        ),
        (
            {"van_ban": [{"ngay": dt.date(2021, 4, 9), "trich_yeu": "x"}]},
            "van_ban.so_ky_hieu",
            "dòng 1: chưa có giá trị, cần nhập Số, ký hiệu (chữ)",
        ),
        ({"noi_nhan": []}, "noi_nhan", "cần ít nhất 1 dòng"),
    ],
)
def test_a_wrong_type_or_row_names_its_field(context, tmp_path, changes, field, words):
    (problem,) = context_problems(context, tmp_path, **changes)
    assert problem.field == field
    assert words in problem.message


def test_a_missing_field_is_named_with_its_label(context, tmp_path):
    partial = {k: v for k, v in context.items() if k not in ("nguoi_ky", "van_ban")}
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report(partial, output=tmp_path / "r.docx")
    assert [str(p) for p in caught.value.problems] == [
        "nguoi_ky: thiếu trường này: Họ và tên người ký (chữ)",
        "van_ban: thiếu trường này: Văn bản đã ban hành (danh sách)",
    ]


def test_blank_rows_are_skipped_and_every_problem_is_listed(context, tmp_path):
    rows = [{"noi_nhan": "UBND tỉnh"}, {"noi_nhan": "  "}, {"noi_nhan": None}]
    out = bdt_docx.render_report(context | {"noi_nhan": rows}, output=tmp_path / "r.docx")
    got = lines(out)
    assert got[got.index("Nơi nhận:") + 1 : got.index("Nơi nhận:") + 3] == [
        "- UBND tỉnh.",
        "KT. TRƯỞNG BAN",
    ]
    problems = context_problems(context, tmp_path / "x", tong_so_nguoi="?", nguoi_ky=None)
    assert [p.field for p in problems] == ["tong_so_nguoi", "nguoi_ky"]


def test_dir_lists_the_public_api_before_it_is_imported():
    names = dir(bdt_docx)
    assert set(bdt_docx.__all__) <= set(names)
    assert {"fill_report", "render_report", "ContextError", "__version__"} <= set(names)
    assert names == sorted(names)


def test_one_workbook_given_as_a_string_is_one_workbook(tmp_path):
    workbook = edit_workbook(tmp_path / "a.xlsx", {})
    result = bdt_docx.fill_reports(str(workbook), TEMPLATE, tmp_path / "out")
    assert result.ok and result.reports == [tmp_path / "out" / "a.docx"]
    assert bdt_docx.find_workbooks(str(workbook)) == [workbook]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: bdt_docx.fill_report(None), "fill_report(): 'xlsx' cần một đường dẫn"),
        (lambda: bdt_docx.fill_report(b"a.xlsx"), "'xlsx' cần một đường dẫn"),
        (lambda: bdt_docx.fill_report(EXAMPLE, 3), "fill_report(): 'template' cần"),
        (lambda: bdt_docx.fill_report(EXAMPLE, output=5), "'output' cần một đường dẫn"),
        (lambda: bdt_docx.fill_report(EXAMPLE, overwrite="no"), "'overwrite' cần True hoặc False"),
        (
            lambda: bdt_docx.fill_report(EXAMPLE, pdf="yes"),
            "'pdf' cần True hoặc False, không phải str",
        ),
        (lambda: bdt_docx.read_workbook(42), "read_workbook(): 'xlsx' cần một đường dẫn"),
        (lambda: bdt_docx.read_workbook(EXAMPLE, ["mau.docx"]), "'template' cần"),
        (lambda: bdt_docx.render_report(None), "render_report(): 'context' cần một dict"),
        (lambda: bdt_docx.render_report([("a", 1)]), "'context' cần một dict"),
        (lambda: bdt_docx.render_report({}, output=7), "render_report(): 'output' cần"),
        (lambda: bdt_docx.fill_reports(5), "fill_reports(): 'workbooks' cần một đường dẫn"),
        (lambda: bdt_docx.fill_reports([EXAMPLE, 5]), "'workbooks[1]' cần một đường dẫn"),
        (lambda: bdt_docx.fill_reports([EXAMPLE], jobs="2"), "'jobs' cần một số nguyên (0"),
        (lambda: bdt_docx.fill_reports([EXAMPLE], output_dir=3), "'output_dir' cần một đường dẫn"),
        (lambda: bdt_docx.find_workbooks(None), "find_workbooks(): 'paths' cần"),
        (
            lambda: check(None),
            "check(): 'docx' cần một đường dẫn hoặc nội dung tệp (bytes)",
        ),
        (lambda: bdt_docx.prepare_template(3), "prepare_template(): 'template' cần một đường dẫn"),
    ],
)
def test_a_wrong_argument_type_is_named(call, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError) as caught:
        call()
    assert words in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_check_stays_the_function_whatever_is_imported_first():
    """The checker's package has its own name: importing one of its modules (as the
    command does) never turns ``bdt_docx.check`` into a module."""
    code = (
        "import bdt_docx.checker.report, bdt_docx\n"
        "from bdt_docx.checker import check\n"
        "assert bdt_docx.check is check and callable(bdt_docx.check), bdt_docx.check\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_dir_lists_only_the_public_api():
    names = {name for name in dir(bdt_docx) if not name.startswith("__")}
    assert names == set(bdt_docx.__all__) - {"__version__"}


def test_jobs_zero_means_every_core_as_on_the_command_line(tmp_path):
    result = bdt_docx.fill_reports([EXAMPLE], TEMPLATE, tmp_path / "out", jobs=0)
    assert result.ok and result.reports == [tmp_path / "out" / EXAMPLE.with_suffix(".docx").name]


def test_negative_jobs_is_refused_naming_the_argument(tmp_path):
    with pytest.raises(ValueError, match=r"fill_reports\(\): 'jobs' cần số tiến trình từ 1"):
        bdt_docx.fill_reports([EXAMPLE], TEMPLATE, tmp_path / "out", jobs=-2)
    assert list(tmp_path.iterdir()) == []


class _NumpyLikeInteger:
    """What NumPy's integers offer: ``__index__``."""

    def __index__(self) -> int:
        return 24


def test_decimal_and_numpy_integers_are_whole_numbers(context, tmp_path):
    out = bdt_docx.render_report(
        context
        | {
            "tong_so_nguoi": Decimal("25"),
            "so_nguoi_du_hoi_nghi": Decimal("25.00"),
            "so_nguoi_di_bau_cu": _NumpyLikeInteger(),
        },
        output=tmp_path / "r.docx",
    )
    assert any("96% (24/25 người)" in line for line in lines(out))


def test_a_numpy_array_for_a_number_is_refused_naming_the_field(context, tmp_path):
    """Found by an API run: a NumPy array of one number given for a whole number (a
    DataFrame column's ``.values``) ended in NumPy's TypeError "only integer scalar arrays
    can be converted to a scalar index" from inside, not a ContextError naming the field."""
    np = pytest.importorskip("numpy")
    (problem,) = context_problems(context, tmp_path, so_nguoi_di_bau_cu=np.array([24]))
    assert problem.field == "so_nguoi_di_bau_cu"
    assert problem.message == "cần số nguyên, không phải kiểu ndarray"


def test_pandas_blanks_are_refused_not_printed_as_nan(context, tmp_path):
    """Found by a new-user run: a context taken from a pandas DataFrame, whose blank cells
    are NaN and NaT, printed "nan" as the signer's title and a commendation, and a NaT date
    ended in a TypeError from inside (a blank is None)."""
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(  # the form of a commendation not yet decided: a blank cell
        io.StringIO("ten_tap_the_ca_nhan,hinh_thuc_khen_thuong\nPhòng Tổng hợp,\n")
    )
    problems = context_problems(
        context,
        tmp_path,
        quyen_han_ky=float("nan"),
        ngay_ban_hanh=pd.NaT,
        khen_thuong=frame.to_dict("records"),
    )
    assert [(p.field, p.message) for p in problems] == [
        (
            "ngay_ban_hanh",
            "cần một ngày, không phải NaT (giá trị trống của pandas); giá trị trống là None",
        ),
        (
            "quyen_han_ky",
            "cần chữ, không phải NaN (giá trị trống của pandas); giá trị trống là None",
        ),
        (
            "khen_thuong.hinh_thuc_khen_thuong",
            "dòng 1: cần chữ, không phải NaN (giá trị trống của pandas); giá trị trống là None",
        ),
    ]


def test_a_fractional_decimal_is_refused_naming_the_field(context, tmp_path):
    (problem,) = context_problems(context, tmp_path, tong_so_nguoi=Decimal("25.5"))
    assert problem.field == "tong_so_nguoi"
    assert problem.message == "cần một số nguyên, không phải số lẻ 25,5"


def test_a_list_a_template_loops_over_is_asked_of_the_context(tmp_path):
    """A template without a description looping over ``ds``: a context without it is a
    ContextError naming every missing field (found by a regression run: it had become a
    TemplateError about the template, and with no ``ten`` either, only ``ten`` was named)."""
    from corpus.builders import docx_template

    template = docx_template(
        tmp_path,
        ["Tên: {{ ten }}", "{% for r in ds %}{{ r.cot }}{% endfor %}"],
    )
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report({}, template, tmp_path / "r.docx")
    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("ten", "context.missing"),
        ("ds", "context.missing"),
    ]
    assert not (tmp_path / "r.docx").exists()
    report = bdt_docx.render_report(
        {"ten": "A", "ds": [{"cot": "x"}]}, template, tmp_path / "r.docx"
    )
    assert report.exists()


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([{"a": "x"}, {"a": "IMAGE"}], "rows[2].a"),
        ([{"a": "x", "b": [1, "IMAGE"]}], "rows[1].b[2]"),
        ([{"a": ("x", "IMAGE")}], "rows[1].a[2]"),
        ([{"a": "x"}, "IMAGE"], "rows[2]"),
    ],
)
def test_a_docxtpl_image_deep_in_a_list_is_refused_naming_where(tmp_path, rows, where):
    """Rows of plain values and a docxtpl object among them (a template without a field
    description takes the context as docxtpl does): refused, naming where it is."""
    template = tmp_path / "mau.docx"
    template.write_bytes(
        make_docx({"word/document.xml": document_xml(paragraph("{{ rows|length }}"))})
    )
    image = InlineImage(DocxTemplate(str(template)), str(tmp_path / "anh.png"))

    def placed(value):
        if value == "IMAGE":
            return image
        if isinstance(value, dict):
            return {key: placed(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(placed(item) for item in value)
        return value

    out = tmp_path / "bao_cao.docx"
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report({"rows": placed(rows)}, template, out)
    assert [(p.field, p.code) for p in caught.value.problems] == [(where, "context.docxtpl_object")]
    assert "InlineImage" in str(caught.value) and not out.exists()
    # the same rows without it are rendered
    report = bdt_docx.render_report({"rows": rows[:1]}, template, out)
    assert report.exists()


def test_pandas_blanks_are_refused_by_a_template_without_a_description(tmp_path):
    """Found by an API run: with a docxtpl template of one's own (no field description), a
    context taken from a pandas DataFrame printed its blanks as "nan" and "NaT" in the
    report, with no error; a column the template does not read may stay blank."""
    pd = pytest.importorskip("pandas")
    template = tmp_path / "mau.docx"
    body = paragraph("Chức vụ: {{ chuc_vu }}") + paragraph(
        "{% for r in ds %}[{{ r.ten }}]{% endfor %}"
    )
    template.write_bytes(make_docx({"word/document.xml": document_xml(body)}))
    frame = pd.read_csv(io.StringIO("ten,ghi_chu\nPhòng Tổng hợp,\n,\n"))  # (blanks: NaN)
    out = tmp_path / "bao_cao.docx"
    context = {"chuc_vu": pd.NaT, "ds": frame.to_dict("records")}
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report(context, template, out)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        (
            "chuc_vu",
            "giá trị là NaT (giá trị trống của pandas), không in được vào báo cáo; giá trị "
            "trống là None",
        ),
        (
            "ds.ten",
            "dòng 2: giá trị là NaN (giá trị trống của pandas), không in được vào báo cáo; "
            "giá trị trống là None",
        ),
    ]
    assert not out.exists()
    context = {"chuc_vu": "Trưởng ban", "ds": frame.fillna({"ten": "Văn phòng"}).to_dict("records")}
    assert lines(bdt_docx.render_report(context, template, out)) == [
        "Chức vụ: Trưởng ban",
        "[Phòng Tổng hợp][Văn phòng]",
    ]


def test_pandas_na_of_a_nullable_column_is_refused_by_a_template_without_a_description(tmp_path):
    """Found by an API run: a DataFrame's nullable column (``Int64``, ``string``; what
    ``convert_dtypes()`` gives) has ``pd.NA`` for a blank (in its rows as ``itertuples``
    gives them), printed as "<NA>" in the report."""
    pd = pytest.importorskip("pandas")
    template = tmp_path / "mau.docx"
    body = paragraph("{% for r in ds %}[{{ r.ten }}: {{ r.so }}]{% endfor %}")
    template.write_bytes(make_docx({"word/document.xml": document_xml(body)}))
    frame = pd.DataFrame({"ten": ["Xã A", "Xã B"], "so": [3, None]}).convert_dtypes()
    out = tmp_path / "bao_cao.docx"
    rows = [row._asdict() for row in frame.itertuples(index=False)]
    with pytest.raises(ContextError) as caught:
        bdt_docx.render_report({"ds": rows}, template, out)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        (
            "ds.so",
            "dòng 2: giá trị là NA (giá trị trống của pandas), không in được vào báo cáo; "
            "giá trị trống là None",
        ),
    ]
    assert not out.exists()


def test_a_column_named_otherwise_is_said_with_the_names_known(context, tmp_path):
    """Found by an API run: rows from a DataFrame whose column was named otherwise
    (``noinhan``) were told only "chưa có giá trị" for each row, not which name was wrong."""
    rows = [{"noinhan": "UBND tỉnh", "ghi_chu": ""}, {"noinhan": "Lưu: VT"}]
    problems = context_problems(context, tmp_path, noi_nhan=rows)
    (said,) = [p for p in problems if p.code == "context.unknown_column"]
    assert (said.field, said.message) == (
        "noi_nhan",
        "các dòng có cột 'ghi_chu', 'noinhan' mà mô tả trường không có, và thiếu cột "
        "'noi_nhan': tên cột phải đúng như mô tả trường ('noi_nhan')",
    )
