"""Values of several lines (Alt+Enter in a cell): a value filling a paragraph of its own
becomes one paragraph per line with that paragraph's formatting; inside running text a line
break ends the line without stretching it in a justified paragraph. Checked in the XML and
in the PDF LibreOffice lays out."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from needs import require_libreoffice
from reading import W, paragraph_text, part_xml, pdf_words

import bdt_docx
from bdt_docx import pdf

LEAD = "Mở đầu đoạn văn có một giá trị nhiều dòng ở giữa câu:"
TAIL = "rồi câu tiếp tục thêm vài chữ nữa cho dài ra đến cuối dòng thứ hai của đoạn văn này."
CONTEXT = {
    "ghi_chu": "một\nhai",
    "han_che": "Thứ nhất, tuyên truyền chưa đều;\nthứ hai, thời gian ngắn.",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template with both cases in justified paragraphs (built with python-docx), filled."""
    folder = tmp_path_factory.mktemp("nhieu_dong")
    document = docx.Document()
    running = document.add_paragraph(f"{LEAD} {{{{ ghi_chu }}}} {TAIL}")
    running.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    own = document.add_paragraph("{{ han_che }}")
    own.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    own.paragraph_format.first_line_indent = Cm(1.27)
    document.save(folder / "mau.docx")
    return bdt_docx.render_report(CONTEXT, folder / "mau.docx", folder / "bao_cao.docx")


def test_value_in_its_own_paragraph_becomes_paragraphs_with_its_formatting(report: Path):
    paragraphs = list(part_xml(report).find(f"{W}body").iter(f"{W}p"))
    texts = [paragraph_text(p) for p in paragraphs]
    assert texts[1:] == CONTEXT["han_che"].split("\n")
    for p in paragraphs[1:]:
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "both"
        assert p.find(f"{W}pPr/{W}ind").get(f"{W}firstLine") == "720"
    assert texts[0] == f"{LEAD} một\nhai {TAIL}"  # running text keeps its line break


def test_settings_keep_lines_before_a_break_unstretched(report: Path):
    compat = part_xml(report, "word/settings.xml").find(f"{W}compat")
    assert compat is not None and compat.find(f"{W}doNotExpandShiftReturn") is not None


@pytest.mark.slow
def test_pdf_shows_indented_lines_and_no_stretched_line(report: Path):
    require_libreoffice()
    words = pdf_words(pdf.convert_to_pdf(report))
    x = {text: x0 for x0, _, _, _, text in words}
    # Both lines of the value start at the paragraph's first-line indent (1.27 cm = 36 pt).
    left = x["Mở"]
    assert x["Thứ"] == pytest.approx(left + 36, abs=1)
    assert x["thứ"] == pytest.approx(left + 36, abs=1)
    # The line that ends with the break keeps normal word spacing: it stops well short of the
    # right margin instead of being stretched across the page.
    line = [w for w in words if w[1] == next(w[1] for w in words if w[4] == "một")]
    gaps = [b[0] - a[2] for a, b in pairwise(line)]
    assert line[-1][4] == "một" and max(gaps) < 5
    full = max(w[2] for w in words)
    assert line[-1][2] < full - 50
