"""The template and the reports bdt_docx writes validate against the OOXML schema.

openxml-audit in strict mode (Office 2019) checks schema, semantics and its Word app-compat
rules; every finding, warning or error, fails. (The template has a minimal theme part with
Times New Roman fonts, so strict mode's required-theme rule holds too.)
"""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest
from corpus.builders import TEMPLATE, edited_workbook, example_copy, with_values

from bdt_docx.api import fill_report
from bdt_docx.errors import BdtDocxWarning

openxml_audit = pytest.importorskip("openxml_audit")


def findings(path: Path) -> list[str]:
    """Every finding of openxml-audit (errors and warnings, app-compat rules included)."""
    result = openxml_audit.OpenXmlValidator().validate(path)
    return [f"{e.id}: {e.description}" for e in result.errors]


def test_template_has_no_schema_finding() -> None:
    assert findings(TEMPLATE) == []


VARIATIONS: dict[str, dict[str, object]] = {
    "example": {},
    "empty-optional": {"so_van_ban": None, "ngay_ban_hanh": None, "quyen_han_ky": None},
    "no-candidate": {"so_nguoi_ung_cu": 0, "so_nguoi_di_bau_cu": 20},
    "long-name": {"co_quan_ban_hanh": "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP VÀ KHU KINH TẾ TỈNH"},
    "hostile-text": {
        "han_che": "dòng 1\ndòng 2\tcột <w:p> & {{ x }} {_{ y }_} _x000B_",
        "nguyen_nhan": "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
    },
    "long-text": {"han_che": "Công chức thực hiện tốt nhiệm vụ. " * 900},
}


@pytest.mark.parametrize("name", VARIATIONS)
def test_report_has_no_schema_finding(tmp_path: Path, name: str) -> None:
    changes = VARIATIONS[name]
    workbook = with_values(tmp_path, changes) if changes else example_copy(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BdtDocxWarning)
        report = fill_report(workbook, TEMPLATE, tmp_path / "bao_cao.docx")
    assert findings(report) == []


def test_lists_filled_and_emptied(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        for row in (5, 6):
            for col in (1, 2, 3):
                book["Văn bản đã ban hành"].cell(row, col).value = None
        book["Đề nghị khen thưởng"]["A5"] = "Phòng Chính sách"
        book["Đề nghị khen thưởng"]["B5"] = "Giấy khen"

    report = fill_report(edited_workbook(tmp_path, edit), TEMPLATE, tmp_path / "r.docx")
    assert findings(report) == []
