"""Reading a produced .docx the way a reader sees it: its paragraphs' text, in order."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree
from needs import require_program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED = Path(__file__).parent / "data" / "ban_goc_bao_cao_2021.txt"
#: Lines of the header block that the seed's extraction lacks (they come from docs/nd30.md).
HEADER_ONLY = (
    "UBND TỈNH CAO BẰNG",
    "BAN DÂN TỘC",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
)


def part_xml(docx: Path, name: str = "word/document.xml") -> etree._Element:
    """A part of the package, parsed."""
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read(name))


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's text: tabs as tabs, line breaks as newlines."""
    out = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}tab":
            out.append("\t")
        elif node.get(f"{W}type") in (None, "textWrapping"):
            out.append("\n")
    return "".join(out)


def text(docx: Path) -> str:
    """The body's text: each paragraph on its own line, line breaks and tabs kept."""
    body = part_xml(docx).find(f"{W}body")
    return "\n".join(paragraph_text(p) for p in body.iter(f"{W}p"))


def lines(docx: Path) -> list[str]:
    """Every non-empty line of the body (tables included), white space collapsed."""
    return document_lines(part_xml(docx))


def document_lines(document: etree._Element | bytes) -> list[str]:
    """:func:`lines` of a parsed ``word/document.xml`` (or its bytes)."""
    root = etree.fromstring(document) if isinstance(document, bytes) else document
    body = root.find(f"{W}body")
    out = []
    for p in body.iter(f"{W}p"):
        for line in paragraph_text(p).split("\n"):
            text = " ".join(line.split())
            if text:
                out.append(text)
    return out


def seed_lines() -> list[str]:
    """The original report's lines, without its extraction artifacts.

    Its ``**`` bold markers go, and the sentence of 5.2 that a page break split is joined.
    """
    raw = [" ".join(x.replace("**", "").split()) for x in SEED.read_text("utf-8").splitlines()]
    out = [x for x in raw if x]
    for i, line in enumerate(out):
        if line.endswith("bầu cử đại biểu") and out[i + 1].startswith("Quốc hội"):
            out[i : i + 2] = [f"{line} {out[i + 1]}"]
            break
    return out


def allowed_slips(text: str) -> str:
    """The two slips of the original the report may make consistent."""
    return re.sub(r"2021 ?- ?2026", "2021 - 2026", text).replace("ban Dân tộc", "Ban Dân tộc")


def pdftotext(*args: str) -> str:
    """The output of ``pdftotext ARGS -`` (poppler; the test skips without it, except in CI)."""
    program = require_program("pdftotext", shutil.which("pdftotext"))
    result = subprocess.run([str(program), *args, "-"], capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def pdf_words(document: Path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """The words on ``page`` of a PDF as LibreOffice laid them out: (x0, y0, x1, y1, text)."""
    text = pdftotext("-f", str(page), "-l", str(page), "-bbox", str(document))
    return [(*map(float, m.groups()[:4]), m.group(5)) for m in _WORD.finditer(text)]
