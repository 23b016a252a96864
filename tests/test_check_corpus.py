"""``check`` on real documents saved by Word (``shared/real/nd30``, read in place).

18 originals with a person's verdict on the errors an earlier checker printed, 16 of them
with their true violations fixed, and 48 copies of the fixed ones with one fault each.
The figures come from ``tools/check_corpus.py``, the command the README gives.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from needs import shared_real

from bdt_docx.checker import check

ROOT = Path(__file__).resolve().parent.parent


sys.path.insert(0, str(ROOT / "tools"))
import check_corpus as tool  # noqa: E402 - the command the README gives


@pytest.fixture(scope="module")
def corpus() -> Path:
    return shared_real("nd30")


@pytest.fixture(scope="module")
def figures(corpus):
    return tool.measure(corpus)


def test_errors_are_true_violations(figures) -> None:
    assert figures.ratio("precision") >= 0.95, tool.report(figures, listing=True)


def test_true_violations_are_found(figures) -> None:
    assert figures.ratio("recall") >= 0.90, tool.report(figures, listing=True)


def test_every_injected_fault_is_caught(figures) -> None:
    assert figures.missed_faults == [], tool.report(figures, listing=True)


def test_fixed_documents_have_no_error_but_one_short_line(figures) -> None:
    # d07's agency line is 23 pt under a 122 pt name (0,19 of it, visibly short on the
    # printed page); the person judging the corpus did not fix it.
    wrong = [(doc, e.rule) for doc, e in figures.false_positives]
    assert wrong == [("d07", "dau.duong_ke_co_quan")], tool.report(figures, listing=True)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("d01_baocao_cchc2025", "Báo cáo"),
        ("d03_totrinh_bc_cchc", "Tờ trình"),
        ("d04_kehoach_cchc_2630", "Kế hoạch"),
        ("d05_thongbao_ketluan", "Thông báo"),
        ("d06_congvan_mohinh_cchc", "Công văn"),
        ("d08_qd_dieule_cgc", "Quyết định"),
        ("d14_congvan_kinhphi", "Công văn"),
        ("d18_nghidinh_30_2020", "Nghị định"),
    ],
)
def test_the_kind_is_recognised_and_said(corpus, name, kind) -> None:
    report = check(corpus / "original" / f"{name}.docx")
    assert report.kind == kind
    assert f"Loại văn bản: {kind} (nhận ra từ " in report.to_text()


def test_a_cong_van_is_judged_as_a_cong_van(corpus) -> None:
    report = check(corpus / "fixed" / "d06.docx")
    assert report.ok, report.to_text()
    skipped = {f.rule: f.found for f in report.findings if f.verdict == "skip"}
    assert skipped["tieu_de.ten_loai"] == "Công văn không có tên loại"
    number = next(f for f in report.findings if f.rule == "dau.so_ky_hieu")
    assert "«Số: 05/UBND-NC»" in number.title and "BC-BDT" not in report.to_text()


def test_a_document_without_header_block_says_so(corpus) -> None:
    report = check(corpus / "original" / "d17_congdien_vpcp.docx")
    assert report.failed_rules() == {"trang.le"}  # the left margin of 25 mm
    header = next(f for f in report.findings if f.rule == "dau.bang")
    assert header.verdict == "warn" and header.found.startswith("không tìm thấy phần đầu")


def test_each_place_has_its_own_expected_value(corpus) -> None:
    report = check(corpus / "original" / "d01_baocao_cchc2025.docx")
    margins = [f for f in report.failures if f.rule == "trang.le"]
    assert ("mục 2", "lề dưới 4,9 mm", "lề dưới 20-35 mm (trang ngang)") in {
        (f.where, f.found, f.expected) for f in margins
    }
    paper = [f.found for f in report.failures if f.rule == "trang.kho_giay"]
    assert paper and all(p == "khổ Letter 215,9 x 279,4 mm" for p in paper)
