"""Property: any text, number or date in any field gives a valid report holding what the
cells held (after :mod:`bdt_docx.text`'s normalisation), or a BdtDocxError; nothing else.

Workbooks are the example with values written by openpyxl, text escaped the way Excel
stores it (``_xHHHH_``). A bounded sample of the reports is opened by LibreOffice in one
call (skipped without LibreOffice, except when ``CI=true``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import warnings
from pathlib import Path

import docx
import openpyxl
import pytest
from corpus.builders import EXAMPLE, TEMPLATE, named_cell
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from needs import require_libreoffice
from reading import text as report_text

from bdt_docx.api import fill_report
from bdt_docx.errors import BdtDocxError, BdtDocxWarning
from bdt_docx.filters import so
from bdt_docx.legacy import TCVN3, detect, repair, to_unicode
from bdt_docx.output import TEMP_PREFIX
from bdt_docx.template import prepare_template
from bdt_docx.text import clean_text

EXAMPLE_BYTES = EXAMPLE.read_bytes()
PREPARED = prepare_template(TEMPLATE)
#: Text fields the template prints as they are.
TEXT_FIELDS = ("han_che", "nguyen_nhan", "nguoi_ky", "chuc_vu_ky", "ten_day_du")
#: Reports kept for LibreOffice (bytes), at most SAMPLE_SIZE.
SAMPLE: list[bytes] = []
SAMPLE_SIZE = 8

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile("(_x[0-9A-Fa-f]{4}_)")


def excel_escape(text: str) -> str:
    """``text`` as Excel stores it: a literal ``_xHHHH_`` escaped, XML-illegal characters
    written as ``_xHHHH_``."""
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def expected_text(text: str) -> str:
    """What the report shows for a text cell: legacy encodings converted, then cleaned."""
    return clean_text(repair(text)[0])


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
vietnamese = st.text(
    st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíị ,.;\n")),
    max_size=80,
)
wild_numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
    st.none(),
)
wild_dates = st.one_of(st.text(max_size=12), st.integers(0, 100_000), st.none())


def mostly(valid: st.SearchStrategy[object], wild: st.SearchStrategy[object]) -> st.SearchStrategy:
    """Valid values five times in six, so that most examples make a report."""
    return st.integers(0, 5).flatmap(lambda pick: wild if pick == 3 else valid)


values = st.fixed_dictionaries(
    {
        **{name: mostly(vietnamese.filter(str.strip), texts) for name in TEXT_FIELDS},
        "tong_so_nguoi": mostly(st.integers(25, 10**6), wild_numbers),
        "so_nguoi_du_hoi_nghi": mostly(st.integers(0, 25), wild_numbers),
        "khoa_quoc_hoi": mostly(st.integers(1, 100), wild_numbers),
        "ngay_ban_hanh": mostly(st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)), wild_dates),
        "ngay_huong_dan_khen_thuong": mostly(
            st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)), wild_dates
        ),
    }
)


def make_workbook(path: Path, fields: dict[str, object], recipients: list[str]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(EXAMPLE_BYTES))
    for name, value in fields.items():
        sheet, ref = named_cell(book, name)
        book[sheet][ref] = excel_escape(value) if isinstance(value, str) else value
    recipients_sheet = book["Nơi nhận"]
    for row in range(5, 9):
        text = recipients[row - 5] if row - 5 < len(recipients) else None
        recipients_sheet.cell(row, 1).value = excel_escape(text) if text else None
    book.save(path)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=values,
    recipients=st.lists(mostly(vietnamese.filter(str.strip), texts), min_size=1, max_size=4),
)
def test_any_value_gives_a_report_or_a_bdt_docx_error(
    tmp_path_factory: pytest.TempPathFactory, fields: dict[str, object], recipients: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    workbook = folder / "so_lieu.xlsx"
    make_workbook(workbook, fields, recipients)
    out = folder / "out" / "bao_cao.docx"
    out.parent.mkdir()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BdtDocxWarning)
            report = fill_report(workbook, PREPARED, out)
    except BdtDocxError as exc:
        event(type(exc).__name__)
        assert str(exc).strip()
        assert list(out.parent.iterdir()) == []
        return
    event("report")
    assert [p.name for p in out.parent.iterdir()] == ["bao_cao.docx"]
    assert not any(p.name.startswith(TEMP_PREFIX) for p in out.parent.iterdir())
    docx.Document(str(report))
    text = report_text(report)
    for name in TEXT_FIELDS:
        shown = expected_text(str(fields[name]))
        if PREPARED.fields.values[name].upper:  # printed in capitals, as ND30 writes it
            shown = shown.upper()
        assert shown in text, name
    for recipient in recipients:
        shown = expected_text(recipient).rstrip(";.,").rstrip()
        assert shown in text
    if isinstance(fields["tong_so_nguoi"], int):
        assert f"/{so(fields['tong_so_nguoi'])} người" in text  # (1.000: ND30's point)
    if len(SAMPLE) < SAMPLE_SIZE:
        SAMPLE.append(report.read_bytes())


def _fixed_sample(folder: Path) -> list[bytes]:
    """Reports with hard values, for a LibreOffice run when the property test did not run."""
    hard = [
        {"han_che": "dòng 1\ndòng 2\tcột\u2028{{ x }} {_{ y }_}", "nguoi_ky": "Hà Văn Vui"},
        {"han_che": "Céng hoµ x· héi chñ nghÜa ViÖt Nam", "nguoi_ky": "Nông Thị A"},
        {"han_che": "Vie\u0302\u0323t " * 3000, "nguoi_ky": "B" * 500},
    ]
    reports = []
    for index, fields in enumerate(hard):
        workbook = folder / f"wb{index}.xlsx"
        make_workbook(workbook, fields, ["UBND tỉnh", "Lưu: VT"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BdtDocxWarning)
            reports.append(fill_report(workbook, PREPARED, folder / f"r{index}.docx").read_bytes())
    return reports


@pytest.mark.slow
def test_libreoffice_opens_a_sample(tmp_path: Path) -> None:
    soffice = require_libreoffice()
    reports = SAMPLE or _fixed_sample(tmp_path)
    names = []
    for index, data in enumerate(reports):
        path = tmp_path / f"mau_{index}.docx"
        path.write_bytes(data)
        names.append(path)
    result = subprocess.run(
        [
            str(soffice),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, names),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    for path in names:
        pdf = tmp_path / "pdf" / path.with_suffix(".pdf").name
        assert pdf.exists() and pdf.stat().st_size > 1000, (path, result.stderr[-500:])


_TO_TCVN3 = {letter: code for code, letter in TCVN3.items() if letter.islower()}


@settings(max_examples=200, deadline=None)
@given(text=vietnamese)
def test_unicode_vietnamese_is_never_taken_for_legacy(text: str) -> None:
    if any(ord(c) > 0xFF for c in text):  # ă, ơ, ư, đ, ạ…: only Unicode holds them
        assert detect(text) is None


@settings(max_examples=200, deadline=None)
@given(text=vietnamese)
def test_tcvn3_round_trip(text: str) -> None:
    """Vietnamese typed with a .VnTime font reads back as the same Unicode text."""
    typed = "".join(_TO_TCVN3.get(c, c) for c in text)
    # (Random letters are not always words, so a few read better as VNI: not asserted.)
    if detect(typed) == "tcvn3":
        assert to_unicode(typed, "tcvn3") == text


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(max_codepoint=0x7F)))
def test_ascii_is_never_legacy(text: str) -> None:
    assert detect(text) is None
