"""Check a .docx report against the format of Nghị định 30/2020/NĐ-CP (Phụ lục I).

``check(path_or_bytes)`` reads the document with :mod:`bdt_docx.formatting` (effective
formatting, styles and theme fonts resolved) and runs every rule of :data:`RULES` on it.
Each rule is a small function that yields what it finds wrong; a rule that finds nothing
gives one "pass" finding. The :class:`CheckReport` lists every finding (rule id, verdict,
where, what was found, what is expected, in Vietnamese) and reads as text or as a dict
for JSON.

How the parts of the report are found:

* the header block is the first table of the body, before the title: its left column holds
  the agencies then ``Số: …``; its right column the Quốc hiệu, the Tiêu ngữ, then the place
  and date (found by their ``ngày … tháng … năm`` pattern);
* the title (tên loại) is the first paragraph after it whose text is all capitals;
* the trích yếu is the text under the title down to its short line (or, with no line, the
  first paragraph after the title);
* the body is the text paragraphs after it, down to the closing table (Nơi nhận on the
  left, the signature on the right): the first table after the title.

A file that is not a readable .docx (a .txt, an .xlsx, a damaged or encrypted zip) raises
:class:`DocumentError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bdt_docx.filters import be_rong, so
from bdt_docx.formatting import (
    Document,
    DocumentError,
    HeaderPart,
    Paragraph,
    Run,
    Table,
    twips_to_mm,
    twips_to_pt,
)

__all__ = [
    "RULES",
    "CheckReport",
    "DocumentError",
    "Finding",
    "Issue",
    "Layout",
    "Rule",
    "check",
]

PASS, FAIL, WARN = "pass", "fail", "warn"
_VERDICT_LABELS = {PASS: "ĐẠT", FAIL: "KHÔNG ĐẠT", WARN: "CẢNH BÁO"}

FONT = "Times New Roman"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
A4 = (11906, 16838)
#: Page margins in mm: side → (least, most).
MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
#: First-line indents allowed, in twips (1 cm, 1.27 cm), and the tolerance (0.5 mm).
INDENTS, INDENT_TOLERANCE = (567, 720), 28
MIN_PARAGRAPH_GAP = 120  # 6 pt in twips
#: Length of the short line under an agency name or a trích yếu, as a share of the text
#: (with a little slack), and how the report states it.
SHORT_LINE = (1 / 3 - 0.02, 1 / 2 + 0.02), "dài 1/3-1/2 dòng chữ"
#: Length of the line under the Tiêu ngữ, as a share of its text.
MOTTO_LINE = (0.9, 1.15), "dài bằng dòng chữ (0,9-1,15 lần)"
#: At most this many findings of one rule are listed; the rest are counted.
MAX_ISSUES_PER_RULE = 10
_MM_TOLERANCE = 0.1
_PT_TOLERANCE = 0.01

_ROMAN_HEADING = re.compile(r"^[IVXLC]+\.\s")
_ARABIC_HEADING = re.compile(r"^\d+\.\s")
_RULE_TEXT = re.compile(r"^[_\-\u2010\u2013\u2014.\u2026\s]{3,}$")
_NUMBER_START = re.compile(r"^số", re.IGNORECASE)
_NUMBER = re.compile(r"^Số:(?P<gap>\s*)(?P<number>\d*)\s*/(?P<code>\S*)$")
_DATE = re.compile(
    r"^(?P<place>[^,]+),\s*ngày\s+(?P<day>\d*)\s+tháng\s+(?P<month>\d*)\s+năm\s*(?P<year>\d*)$"
)


@dataclass(frozen=True)
class Issue:
    """Something a rule found wrong: ``verdict`` (``fail`` or ``warn``), the place, what was
    found and what the decree expects, in Vietnamese."""

    verdict: str
    where: str
    found: str
    expected: str


@dataclass(frozen=True)
class Finding:
    """The result of a rule at one place of the document.

    ``rule`` is the rule id (``trang.kho_giay``), ``title`` what it requires, ``verdict``
    ``pass``, ``fail`` or ``warn``; ``where``, ``found`` and ``expected`` are Vietnamese.
    """

    rule: str
    title: str
    verdict: str
    where: str
    found: str
    expected: str

    def to_dict(self) -> dict[str, str]:
        """The finding as a plain dict."""
        return asdict(self)

    def to_text(self) -> str:
        """One line: ``[KHÔNG ĐẠT] trang.le — lề trang: lề trái 25 mm (cần 30-35 mm)``."""
        head = f"[{_VERDICT_LABELS[self.verdict]}] {self.rule} — {self.title}"
        if self.verdict == PASS:
            return head
        return f"{head}\n    {self.where}: {self.found} (cần: {self.expected})"


@dataclass
class CheckReport:
    """Every finding of a check; :attr:`ok` when none is a failure."""

    file: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule failed (warnings allowed)."""
        return not self.failures

    @property
    def failures(self) -> list[Finding]:
        """The findings that are failures."""
        return [f for f in self.findings if f.verdict == FAIL]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are warnings."""
        return [f for f in self.findings if f.verdict == WARN]

    def failed_rules(self) -> set[str]:
        """Ids of the rules with at least one failure."""
        return {f.rule for f in self.failures}

    def to_text(self) -> str:
        """A readable Vietnamese report: a summary line, then one entry per finding."""
        verdict = "ĐẠT" if self.ok else "KHÔNG ĐẠT"
        lines = [
            f"Kiểm tra thể thức (Nghị định 30/2020/NĐ-CP): {self.file}",
            f"Kết quả: {verdict} — {len(self.failures)} lỗi, {len(self.warnings)} cảnh báo.",
            "",
        ]
        lines += [f.to_text() for f in self.findings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """``{"file", "ok", "findings": [...]}``, ready for :func:`json.dumps`."""
        return {"file": self.file, "ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class _Line:
    """A short line under a text: a paragraph border, a drawn line, or a row of underscores."""

    kind: str
    length: float  # points
    paragraph: Paragraph


class Layout:
    """The document and where its parts are: header table, title, trích yếu, body, closing."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.section = document.sections[0]
        blocks = document.blocks
        self.header_table = next((b for b in blocks if isinstance(b, Table)), None)
        start = blocks.index(self.header_table) + 1 if self.header_table else 0
        top = [b for b in blocks[start:] if isinstance(b, Paragraph)]
        self.title = next((p for p in top if _is_caps_title(p.shown_text)), None)
        after_title = top[top.index(self.title) + 1 :] if self.title else []
        self.trich_yeu, self.trich_yeu_line, body_start = _find_trich_yeu(self, after_title)
        self.closing_table = None
        if self.title is not None:
            later = blocks[blocks.index(self.title) + 1 :]
            self.closing_table = next((b for b in later if isinstance(b, Table)), None)
        end = blocks.index(self.closing_table) if self.closing_table else len(blocks)
        position = {id(block): i for i, block in enumerate(blocks)}
        self.body = [p for p in after_title[body_start:] if _has_text(p) and position[id(p)] < end]

    def available(self, paragraph: Paragraph) -> float:
        """Width in points a paragraph's lines may take (cell or page, less its indents)."""
        if paragraph.cell is not None:
            width = paragraph.cell.content_width
        else:
            width = self.section.text_width
        return twips_to_pt(width - paragraph.left_indent - paragraph.right_indent)

    def header_column(self, right: bool) -> list[Paragraph]:
        """Text paragraphs of the header table's left or right column, row by row."""
        if self.header_table is None:
            return []
        cells = [c for c in self.header_table.cells if (c.grid_start > 0) == right]
        return [p for c in cells for p in c.paragraphs if _has_text(p)]

    def header_paragraph(self, pattern: re.Pattern[str]) -> Paragraph | None:
        """The first paragraph of the header table whose text matches ``pattern``."""
        if self.header_table is None:
            return None
        paragraphs = [p for c in self.header_table.cells for p in c.paragraphs]
        return next((p for p in paragraphs if pattern.match(_clean(p.shown_text))), None)

    def line_below(self, paragraph: Paragraph) -> _Line | None:
        """The line under ``paragraph``: its own bottom border or drawing, or a border,
        drawing or row of underscores in the empty paragraphs right after it."""
        siblings = paragraph.cell.paragraphs if paragraph.cell else self.document.paragraphs
        following = siblings[siblings.index(paragraph) + 1 :]
        if paragraph.drawn_lines:
            return _Line("hình vẽ", max(paragraph.drawn_lines), paragraph)
        if paragraph.border_bottom is not None:
            return _Line("viền dưới đoạn", self.available(paragraph), paragraph)
        for other in following:
            text = other.text.strip()
            if text and _RULE_TEXT.match(text):
                return _Line("dòng ký tự gạch", 0.0, other)
            if text:
                break
            if other.drawn_lines:
                return _Line("hình vẽ", max(other.drawn_lines), other)
            if other.border_top is not None or other.border_bottom is not None:
                return _Line("viền đoạn", self.available(other), other)
        return None

    def text_width(self, paragraphs: Iterable[Paragraph]) -> float:
        """Width in points of the widest printed line, each capped at its available width."""
        return max((min(_widest_line(p), self.available(p)) for p in paragraphs), default=0.0)


def _find_trich_yeu(
    layout: Layout, after_title: Sequence[Paragraph]
) -> tuple[list[Paragraph], _Line | None, int]:
    """The trích yếu paragraphs, the line under them, and where the body starts."""
    lines: list[Paragraph] = []
    for index, paragraph in enumerate(after_title[:6]):
        if not _has_text(paragraph):
            continue
        if _ROMAN_HEADING.match(_clean(paragraph.text)):
            break
        lines.append(paragraph)
        line = layout.line_below(paragraph)
        if line is not None:
            owner = line.paragraph
            end = after_title.index(owner) + 1 if owner in after_title else index + 1
            return lines, line, end
    first = next((i for i, p in enumerate(after_title) if _has_text(p)), None)
    if first is None:
        return [], None, 0
    return [after_title[first]], None, first + 1


def _clean(text: str) -> str:
    """NFC-normalised text with non-breaking spaces as spaces and the ends stripped."""
    return unicodedata.normalize("NFC", text).replace("\xa0", " ").strip()


def _has_text(paragraph: Paragraph) -> bool:
    """Whether the paragraph prints words (not only spaces, nor a row of underscores)."""
    text = paragraph.text.strip()
    return bool(text) and not _RULE_TEXT.match(text)


def _is_caps_title(text: str) -> bool:
    text = _clean(text)
    return any(c.isalpha() for c in text) and text == text.upper() and len(text) <= 60


def _text_runs(paragraph: Paragraph) -> list[Run]:
    """The runs that print something other than spaces."""
    return [r for r in paragraph.runs if r.text.strip()]


def _widest_line(paragraph: Paragraph) -> float:
    """Width in points of the widest line of the paragraph as set (line breaks split)."""
    widest = current = 0.0
    for run in paragraph.runs:
        for i, piece in enumerate(run.shown_text.split("\n")):
            if i:
                widest, current = max(widest, current), 0.0
            current += be_rong(piece, run.size, run.bold, run.italic)
    return max(widest, current)


def _pt(value: float) -> str:
    return f"{so(value, 1)} pt"


def _where(paragraph: Paragraph, what: str = "") -> str:
    """``Quốc hiệu, đoạn 3 (bảng 1, hàng 1, ô 2)`` or ``đầu trang word/header1.xml, đoạn 1``."""
    place = f"đoạn {paragraph.index + 1}"
    if paragraph.cell is not None:
        cell = paragraph.cell
        place += f" (bảng {cell.table.index + 1}, hàng {cell.row.index + 1}, ô {cell.index + 1})"
    if paragraph.story.label != "document":
        place = f"đầu/chân trang {paragraph.story.label}, {place}"
    return f"{what}, {place}" if what else place


def _format_issues(
    paragraph: Paragraph,
    what: str,
    *,
    sizes: tuple[float, float] | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    upper: bool = False,
    align: str | None = None,
) -> Iterator[Issue]:
    """What is wrong with the size, weight, slant, case and alignment of a paragraph.

    ``bold``/``italic`` True: every printing run must have it; False: none may.
    """
    where = _where(paragraph, what)
    runs = _text_runs(paragraph)
    if sizes is not None:
        wrong = sorted({r.size for r in runs if not _within(r.size, sizes)})
        if wrong:
            found = ", ".join(_pt(s) for s in wrong)
            yield Issue(FAIL, where, f"cỡ chữ {found}", _size_range(sizes))
    for flag, name, value in (("bold", "đậm", bold), ("italic", "nghiêng", italic)):
        if value is None:
            continue
        if value and not all(getattr(r, flag) for r in runs):
            yield Issue(FAIL, where, f"có chữ không {name}", f"chữ {name}")
        if not value and any(getattr(r, flag) for r in runs):
            yield Issue(FAIL, where, f"có chữ {name}", f"chữ không {name}")
    text = _clean(paragraph.shown_text)
    if upper and text != text.upper():
        yield Issue(FAIL, where, f"«{text}» không in hoa", "chữ in hoa")
    if align is not None and paragraph.alignment != align:
        found = _ALIGN.get(paragraph.alignment, paragraph.alignment)
        yield Issue(FAIL, where, f"căn lề «{found}»", f"căn lề «{_ALIGN[align]}»")


_ALIGN = {"left": "trái", "center": "giữa", "right": "phải", "both": "đều hai bên"}


def _within(value: float, bounds: tuple[float, float], tolerance: float = _PT_TOLERANCE) -> bool:
    return bounds[0] - tolerance <= value <= bounds[1] + tolerance


def _size_range(sizes: tuple[float, float]) -> str:
    low, high = sizes
    return f"cỡ chữ {so(low)} pt" if low == high else f"cỡ chữ {so(low)}-{so(high)} pt"


def _missing(what: str, expected: str) -> Iterator[Issue]:
    """The element a rule is about is not in the document: a failure."""
    yield Issue(FAIL, "toàn văn bản", f"không tìm thấy {what}", expected)


def _unchecked(what: str, expected: str) -> Iterator[Issue]:
    """The rule cannot be checked because another rule's element is missing: a warning."""
    yield Issue(WARN, "toàn văn bản", f"không kiểm tra được vì không tìm thấy {what}", expected)


def _line_issues(
    line: _Line | None,
    what: str,
    text_width: float,
    share_range: tuple[tuple[float, float], str],
) -> Iterator[Issue]:
    """Whether ``line`` is a real line whose length is in ``share_range`` of ``text_width``
    (the bounds, and how to say them)."""
    ratio, wanted = share_range
    expected = f"đường kẻ liền {wanted}"
    if line is None:
        yield Issue(FAIL, what, "không có đường kẻ", expected)
        return
    where = _where(line.paragraph, what)
    if line.kind == "dòng ký tự gạch":
        yield Issue(FAIL, where, f"đường kẻ bằng ký tự «{line.paragraph.text.strip()}»", expected)
        return
    share = line.length / text_width if text_width else 0.0
    if not ratio[0] <= share <= ratio[1]:
        found = (
            f"{line.kind} dài {_pt(line.length)}, dòng chữ {_pt(text_width)} (tỉ lệ {so(share, 2)})"
        )
        yield Issue(FAIL, where, found, expected)


# --- the rules -----------------------------------------------------------------------------


def paper(layout: Layout) -> Iterator[Issue]:
    """Every section is A4 portrait."""
    for number, section in enumerate(layout.document.sections, 1):
        size = (section.page_width or 0, section.page_height or 0)
        portrait = section.orientation == "portrait"
        if any(abs(a - b) > 20 for a, b in zip(size, A4, strict=True)) or not portrait:
            found = f"{so(twips_to_mm(size[0]), 1)} x {so(twips_to_mm(size[1]), 1)} mm"
            found += "" if portrait else ", trang ngang"
            yield Issue(FAIL, f"mục {number}", f"khổ {found}", "A4 dọc 210 x 297 mm")


def margins(layout: Layout) -> Iterator[Issue]:
    """Page margins within the decree's ranges."""
    names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
    for number, section in enumerate(layout.document.sections, 1):
        for side, bounds in MARGINS.items():
            value = twips_to_mm(section.margin(side) or 0)
            if not _within(value, bounds, _MM_TOLERANCE):
                yield Issue(
                    FAIL,
                    f"mục {number}",
                    f"lề {names[side]} {so(value, 1)} mm",
                    f"lề {names[side]} {bounds[0]}-{bounds[1]} mm",
                )


def _all_paragraphs(layout: Layout) -> Iterator[Paragraph]:
    """The body's paragraphs, then those of every header and footer part (once each)."""
    yield from layout.document.paragraphs
    seen: set[str] = set()
    for section in layout.document.sections:
        for part in [*section.headers.values(), *section.footers.values()]:
            if part.name not in seen:
                seen.add(part.name)
                yield from part.paragraphs


def font_name(layout: Layout) -> Iterator[Issue]:
    """Times New Roman for every run with text (ASCII and other Latin text alike)."""
    for paragraph in _all_paragraphs(layout):
        fonts: set[str] = set()
        for run in _text_runs(paragraph):
            if any(ord(c) < 128 for c in run.text.strip()):
                fonts.add(run.font or "không đặt")
            if any(ord(c) >= 128 for c in run.text):
                fonts.add(run.font_hansi or "không đặt")
        wrong = sorted(fonts - {FONT})
        if wrong:
            yield Issue(FAIL, _where(paragraph), "phông " + ", ".join(wrong), FONT)


def font_colour(layout: Layout) -> Iterator[Issue]:
    """Black text (``auto`` or ``000000``) everywhere."""
    for paragraph in _all_paragraphs(layout):
        colours = {r.colour for r in _text_runs(paragraph)} - {"auto", "000000"}
        if colours:
            yield Issue(FAIL, _where(paragraph), "màu " + ", ".join(sorted(colours)), "màu đen")


def language(layout: Layout) -> Iterator[Issue]:
    """The document's default language is Vietnamese (a warning only)."""
    lang = layout.document.language
    if lang is None or lang.lower() != "vi-vn":
        found = "không đặt ngôn ngữ" if lang is None else f"ngôn ngữ {lang}"
        yield Issue(WARN, "mặc định của văn bản (docDefaults)", found, "vi-VN")


def _borderless_two_columns(table: Table | None, what: str) -> Iterator[Issue]:
    if table is None:
        yield from _missing(what, "bảng 2 cột không viền")
        return
    where = f"{what}, bảng {table.index + 1}"
    columns = max((sum(c.grid_span for c in row.cells) for row in table.rows), default=0)
    if columns != 2:
        yield Issue(FAIL, where, f"{columns} cột", "2 cột")
    edges = [e for e, b in table.borders.items() if b is not None]
    edges += [e for c in table.cells for e, b in c.borders.items() if b is not None]
    if edges:
        yield Issue(FAIL, where, "có viền: " + ", ".join(sorted(set(edges))), "không viền")


def header_table(layout: Layout) -> Iterator[Issue]:
    """The header block is a borderless two-column table before the title."""
    yield from _borderless_two_columns(layout.header_table, "phần đầu")


def _agencies(layout: Layout) -> tuple[list[Paragraph], list[Paragraph]]:
    """(cơ quan chủ quản, cơ quan ban hành) paragraphs of the header's left column."""
    left = [
        p
        for p in layout.header_column(right=False)
        if not _clean(p.text).startswith("Số") and not _DATE.match(_clean(p.text))
    ]
    return (left[:1], left[1:]) if len(left) >= 2 else ([], left)


def parent_agency(layout: Layout) -> Iterator[Issue]:
    """Cơ quan chủ quản: upper case, upright, not bold, 12-13 pt (may be absent)."""
    if layout.header_table is None:
        yield from _unchecked("phần đầu", "cơ quan chủ quản in hoa, không đậm")
    for p in _agencies(layout)[0]:
        yield from _format_issues(
            p, "cơ quan chủ quản", sizes=(12, 13), bold=False, italic=False, upper=True
        )


def issuing_agency(layout: Layout) -> Iterator[Issue]:
    """Cơ quan ban hành: upper case, bold, 12-13 pt."""
    issuers = _agencies(layout)[1]
    if not issuers:
        yield from _missing("tên cơ quan ban hành", "tên cơ quan ban hành ở cột trái phần đầu")
    for p in issuers:
        yield from _format_issues(p, "cơ quan ban hành", sizes=(12, 13), bold=True, upper=True)


def agency_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the issuing agency, 1/3 to 1/2 of its text."""
    issuers = _agencies(layout)[1]
    if not issuers:
        yield from _unchecked("tên cơ quan ban hành", f"đường kẻ liền {SHORT_LINE[1]}")
    else:
        line = layout.line_below(issuers[-1])
        yield from _line_issues(
            line, "dưới cơ quan ban hành", layout.text_width(issuers), SHORT_LINE
        )


def number(layout: Layout) -> Iterator[Issue]:
    """``Số: 05/BC-BDT``: leading zero below 10 (or blank), ký hiệu in capitals, 13 pt."""
    paragraph = layout.header_paragraph(_NUMBER_START)
    if paragraph is None:
        yield from _missing("số, ký hiệu", "«Số: 05/BC-BDT» ở cột trái phần đầu")
        return
    text, where = _clean(paragraph.shown_text), _where(paragraph, "số, ký hiệu")
    match = _NUMBER.match(text)
    if match is None:
        yield Issue(FAIL, where, f"«{text}»", "«Số: 05/BC-BDT» hoặc «Số:      /BC-BDT»")
    else:
        value = match["number"]
        if value and value != f"{int(value):02d}":
            yield Issue(FAIL, where, f"số «{value}»", f"số «{int(value):02d}»")
        if not value and not match["gap"]:
            yield Issue(FAIL, where, f"«{text}» không chừa chỗ ghi số", "«Số:      /BC-BDT»")
        code = match["code"]
        if not code or code != code.upper():
            yield Issue(FAIL, where, f"ký hiệu «{code}»", "ký hiệu in hoa, ví dụ BC-BDT")
    yield from _format_issues(paragraph, "số, ký hiệu", sizes=(13, 13), italic=False)


def _motto_lines(layout: Layout) -> tuple[Paragraph | None, Paragraph | None]:
    """(Quốc hiệu, Tiêu ngữ): the first two text paragraphs of the header's right column."""
    right = [p for p in layout.header_column(right=True) if not _DATE.match(_clean(p.text))]
    return (right[0] if right else None), (right[1] if len(right) > 1 else None)


def national_title(layout: Layout) -> Iterator[Issue]:
    """Quốc hiệu: the exact text, bold, 12-13 pt, on one line."""
    paragraph = _motto_lines(layout)[0]
    if paragraph is None:
        yield from _missing("Quốc hiệu", QUOC_HIEU)
        return
    where, text = _where(paragraph, "Quốc hiệu"), _clean(paragraph.shown_text)
    if text != QUOC_HIEU:
        yield Issue(FAIL, where, f"«{text}»", f"«{QUOC_HIEU}»")
    yield from _format_issues(paragraph, "Quốc hiệu", sizes=(12, 13), bold=True)
    width, room = _widest_line(paragraph), layout.available(paragraph)
    if width > room or "\n" in paragraph.text:
        found = f"dòng chữ dài {_pt(width)}, ô chỉ rộng {_pt(room)}: xuống dòng"
        yield Issue(FAIL, where, found, "Quốc hiệu trên một dòng")


def motto(layout: Layout) -> Iterator[Issue]:
    """Tiêu ngữ: ``Độc lập - Tự do - Hạnh phúc``, bold, 13-14 pt."""
    paragraph = _motto_lines(layout)[1]
    if paragraph is None:
        yield from _missing("Tiêu ngữ", TIEU_NGU)
        return
    text = _clean(paragraph.shown_text)
    if text != TIEU_NGU:
        yield Issue(FAIL, _where(paragraph, "Tiêu ngữ"), f"«{text}»", f"«{TIEU_NGU}»")
    yield from _format_issues(paragraph, "Tiêu ngữ", sizes=(13, 14), bold=True)


def motto_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the Tiêu ngữ, as long as its text."""
    paragraph = _motto_lines(layout)[1]
    if paragraph is None:
        yield from _unchecked("Tiêu ngữ", f"đường kẻ liền {MOTTO_LINE[1]}")
    else:
        line = layout.line_below(paragraph)
        width = layout.text_width([paragraph])
        yield from _line_issues(line, "dưới Tiêu ngữ", width, MOTTO_LINE)


def place_date(layout: Layout) -> Iterator[Issue]:
    """``Cao Bằng, ngày 09 tháng 6 năm 2021``: italic, 13-14 pt, leading zeros as the rule."""
    paragraph = layout.header_paragraph(_DATE)
    expected = "«Cao Bằng, ngày 09 tháng 6 năm 2021»"
    if paragraph is None:
        yield from _missing("địa danh, ngày tháng", expected)
        return
    where, match = _where(paragraph, "địa danh, ngày tháng"), _DATE.match(_clean(paragraph.text))
    assert match is not None
    place, day, month = match["place"].strip(), match["day"], match["month"]
    if not place[:1].isupper():
        yield Issue(FAIL, where, f"địa danh «{place}»", "địa danh viết hoa chữ đầu")
    if day and (day != f"{int(day):02d}" or not 1 <= int(day) <= 31):
        yield Issue(FAIL, where, f"ngày «{day}»", f"ngày «{int(day):02d}» (có số 0 khi dưới 10)")
    if month:
        good = f"{int(month):02d}" if int(month) <= 2 else str(int(month))
        if month != good or not 1 <= int(month) <= 12:
            yield Issue(
                FAIL, where, f"tháng «{month}»", f"tháng «{good}» (số 0 chỉ cho tháng 1, 2)"
            )
    yield from _format_issues(paragraph, "địa danh, ngày tháng", sizes=(13, 14), italic=True)


def title(layout: Layout) -> Iterator[Issue]:
    """Tên loại (``BÁO CÁO``): upper case, bold, centred, 13-14 pt."""
    if layout.title is None:
        yield from _missing("tên loại văn bản", "«BÁO CÁO» in hoa, đậm, căn giữa")
        return
    yield from _format_issues(
        layout.title, "tên loại", sizes=(13, 14), bold=True, upper=True, align="center"
    )


def abstract(layout: Layout) -> Iterator[Issue]:
    """Trích yếu: bold, centred, 13-14 pt."""
    if not layout.trich_yeu:
        yield from _missing("trích yếu", "trích yếu đậm, căn giữa, dưới tên loại")
    for p in layout.trich_yeu:
        yield from _format_issues(p, "trích yếu", sizes=(13, 14), bold=True, align="center")


def abstract_line(layout: Layout) -> Iterator[Issue]:
    """A solid line under the trích yếu, 1/3 to 1/2 of its widest line."""
    if not layout.trich_yeu:
        yield from _unchecked("trích yếu", f"đường kẻ liền {SHORT_LINE[1]}")
    else:
        width = layout.text_width(layout.trich_yeu)
        yield from _line_issues(layout.trich_yeu_line, "dưới trích yếu", width, SHORT_LINE)


def _is_heading(layout: Layout, paragraph: Paragraph) -> bool:
    """``I. …`` always; ``1. …`` when it is one line not ending a sentence (a khoản title)."""
    text = _clean(paragraph.text)
    if _ROMAN_HEADING.match(text):
        return True
    return (
        bool(_ARABIC_HEADING.match(text))
        and not text.endswith((".", ";"))
        and (_widest_line(paragraph) <= layout.available(paragraph))
    )


def _body_found(layout: Layout, primary: bool = False) -> Iterator[Issue]:
    """A failure (``primary``) or a warning when the body was not found."""
    if not layout.body:
        report = _missing if primary else _unchecked
        yield from report("phần nội dung", "các đoạn nội dung sau trích yếu")


def body_size(layout: Layout) -> Iterator[Issue]:
    """Body paragraphs in 13-14 pt."""
    yield from _body_found(layout, primary=True)
    for p in layout.body:
        yield from _format_issues(p, "nội dung", sizes=(13, 14))


def body_alignment(layout: Layout) -> Iterator[Issue]:
    """Body paragraphs (headings aside) justified."""
    yield from _body_found(layout)
    for p in layout.body:
        if not _is_heading(layout, p):
            yield from _format_issues(p, "nội dung", align="both")


def body_indent(layout: Layout) -> Iterator[Issue]:
    """First-line indent of 1 cm or 1.27 cm (± 0.5 mm), headings aside."""
    yield from _body_found(layout)
    for p in layout.body:
        indent = p.first_line_indent
        if _is_heading(layout, p) or any(abs(indent - i) <= INDENT_TOLERANCE for i in INDENTS):
            continue
        found = f"thụt đầu dòng {so(twips_to_mm(indent) / 10, 2)} cm"
        yield Issue(FAIL, _where(p, "nội dung"), found, "thụt đầu dòng 1 cm hoặc 1,27 cm")


def paragraph_spacing(layout: Layout) -> Iterator[Issue]:
    """At least 6 pt between body paragraphs (space after one plus space before the next)."""
    yield from _body_found(layout)
    for first, second in zip(layout.body, layout.body[1:], strict=False):
        same = first.style_id == second.style_id
        after = 0 if same and first.contextual_spacing else first.space_after
        before = 0 if same and second.contextual_spacing else second.space_before
        if after + before < MIN_PARAGRAPH_GAP:
            found = f"cách đoạn trước {_pt(twips_to_pt(after + before))}"
            yield Issue(FAIL, _where(second, "nội dung"), found, "cách đoạn tối thiểu 6 pt")


def line_spacing(layout: Layout) -> Iterator[Issue]:
    """Line spacing from single to 1.5 lines (exact heights judged against the font size)."""
    yield from _body_found(layout)
    for p in layout.body:
        spacing = p.line_spacing
        if spacing.rule == "auto":
            good = 1 - _PT_TOLERANCE <= spacing.value <= 1.5 + _PT_TOLERANCE
            found = f"giãn dòng {so(spacing.value, 2)} dòng"
        else:
            size = max((r.size for r in _text_runs(p)), default=13.0)
            good = size <= spacing.value <= size * 1.15 * 1.5 + 0.5
            found = f"giãn dòng {'chính xác' if spacing.rule == 'exact' else 'tối thiểu'} " + _pt(
                spacing.value
            )
        if not good:
            yield Issue(FAIL, _where(p, "nội dung"), found, "giãn dòng từ 1 đến 1,5 dòng")


def headings(layout: Layout) -> Iterator[Issue]:
    """``I. …`` headings upper case and bold; ``1. …`` khoản titles bold."""
    yield from _body_found(layout)
    for p in layout.body:
        text = _clean(p.text)
        if _ROMAN_HEADING.match(text):
            yield from _format_issues(p, "đề mục La Mã", bold=True, upper=True)
        elif _is_heading(layout, p):
            runs = _text_runs(p)
            if runs and not runs[0].bold:
                yield Issue(FAIL, _where(p, "tên khoản"), f"«{text[:40]}» không đậm", "chữ đậm")


def body_end(layout: Layout) -> Iterator[Issue]:
    """The body ends with ``./.``."""
    yield from _body_found(layout)
    if layout.body:
        last = layout.body[-1]
        text = _clean(last.text)
        if not text.endswith("./."):
            yield Issue(FAIL, _where(last, "cuối nội dung"), f"«…{text[-20:]}»", "kết thúc «./.»")


def closing_table(layout: Layout) -> Iterator[Issue]:
    """Nơi nhận and signature side by side in a borderless two-column table."""
    yield from _borderless_two_columns(layout.closing_table, "phần cuối")


def _closing_column(layout: Layout, right: bool) -> list[Paragraph]:
    if layout.closing_table is None:
        return []
    cells = [c for c in layout.closing_table.cells if (c.grid_start > 0) == right]
    return [p for c in cells for p in c.paragraphs if _has_text(p)]


def recipients_heading(layout: Layout) -> Iterator[Issue]:
    """``Nơi nhận:`` bold italic, 12 pt, at the left margin."""
    left = _closing_column(layout, right=False)
    if not left:
        yield from _missing("«Nơi nhận:»", "«Nơi nhận:» ở cột trái phần cuối")
        return
    heading, where = left[0], _where(left[0], "Nơi nhận")
    if _clean(heading.text) != "Nơi nhận:":
        yield Issue(FAIL, where, f"«{_clean(heading.text)}»", "«Nơi nhận:»")
    yield from _format_issues(heading, "Nơi nhận", sizes=(12, 12), bold=True, italic=True)
    if heading.alignment not in ("left", "both") or heading.left_indent > 0:
        yield Issue(FAIL, where, "không sát lề trái", "sát lề trái")


def recipients(layout: Layout) -> Iterator[Issue]:
    """Each recipient ``- …;`` on its own line, the last ending ``.``; 11 pt, upright."""
    names = _closing_column(layout, right=False)[1:]
    if not names:
        yield from _missing("danh sách nơi nhận", "«- UBND tỉnh;» … «- Lưu: VT.»")
    for i, p in enumerate(names):
        text = _clean(p.text)
        end = "." if i == len(names) - 1 else ";"
        if not text.startswith("- ") or not text.endswith(end):
            yield Issue(FAIL, _where(p, "nơi nhận"), f"«{text}»", f"«- …{end}»")
        yield from _format_issues(p, "nơi nhận", sizes=(11, 11), italic=False)


def signature(layout: Layout) -> Iterator[Issue]:
    """Quyền hạn and chức vụ upper, bold, centred; the signer's name bold, centred; 13-14 pt."""
    right = _closing_column(layout, right=True)
    if len(right) < 2:
        yield from _missing("phần ký", "chức vụ người ký và họ tên ở cột phải phần cuối")
        return
    for p in right[:-1]:
        yield from _format_issues(
            p, "quyền hạn, chức vụ", sizes=(13, 14), bold=True, upper=True, align="center"
        )
    name = right[-1]
    yield from _format_issues(name, "họ tên người ký", sizes=(13, 14), bold=True, align="center")


def _page_fields(part: HeaderPart | None) -> list[Paragraph]:
    """Paragraphs of ``part`` holding a ``PAGE`` field."""
    if part is None:
        return []
    return [p for p in part.paragraphs if any(_is_page(f) for f in p.fields)]


def _is_page(instruction: str) -> bool:
    return instruction.split()[:1] == ["PAGE"]


def first_page_number(layout: Layout) -> Iterator[Issue]:
    """No number on page 1: ``w:titlePg`` set and no PAGE field in the first-page header."""
    section = layout.section
    if not section.title_page:
        found = "trang đầu dùng chung đầu trang (không có titlePg)"
        yield Issue(FAIL, "mục 1", found, "trang đầu có đầu trang riêng, không số trang")
    elif _page_fields(section.headers.get("first")):
        yield Issue(FAIL, "đầu trang của trang đầu", "có số trang", "không đánh số trang đầu")


def page_number_format(layout: Layout) -> Iterator[Issue]:
    """A PAGE field in the default header, centred, 13-14 pt, upright."""
    section = layout.section
    paragraphs = _page_fields(section.headers.get("default"))
    if not paragraphs:
        in_footer = any(_page_fields(f) for f in section.footers.values())
        found = "số trang ở chân trang" if in_footer else "không có trường PAGE ở đầu trang"
        yield Issue(FAIL, "đầu trang mặc định", found, "số trang ở giữa đầu trang")
        return
    for p in paragraphs:
        runs = _text_runs(p) or p.runs
        if any(not _within(r.size, (13, 14)) for r in runs):
            found = "cỡ chữ " + ", ".join(sorted({_pt(r.size) for r in runs}))
            yield Issue(FAIL, _where(p, "số trang"), found, "cỡ chữ 13-14 pt")
        if any(r.italic for r in runs):
            yield Issue(FAIL, _where(p, "số trang"), "chữ nghiêng", "chữ đứng")
        if p.alignment != "center":
            align = _ALIGN.get(p.alignment, p.alignment)
            yield Issue(FAIL, _where(p, "số trang"), f"căn lề «{align}»", "căn giữa")


@dataclass(frozen=True)
class Rule:
    """A rule of the decree: its id, what it requires (Vietnamese), and its check."""

    id: str
    title: str
    check: Callable[[Layout], Iterable[Issue]]


#: Every rule, in the order of the document.
# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("trang.kho_giay", "Khổ giấy A4 (210 x 297 mm), trang dọc", paper),
    Rule("trang.le", "Lề trên, dưới 20-25 mm; trái 30-35 mm; phải 15-20 mm", margins),
    Rule("phong_chu.ten", "Phông chữ Times New Roman, kể cả đầu trang", font_name),
    Rule("phong_chu.mau", "Chữ màu đen", font_colour),
    Rule("ngon_ngu", "Ngôn ngữ của văn bản là tiếng Việt (vi-VN)", language),
    Rule("dau.bang", "Phần đầu là bảng 2 cột không viền", header_table),
    Rule("dau.co_quan_chu_quan", "Cơ quan chủ quản in hoa, đứng, không đậm, cỡ 12-13",
         parent_agency),
    Rule("dau.co_quan_ban_hanh", "Cơ quan ban hành in hoa, đậm, cỡ 12-13", issuing_agency),
    Rule("dau.duong_ke_co_quan", "Đường kẻ liền dưới cơ quan ban hành, dài 1/3-1/2 dòng chữ",
         agency_line),
    Rule("dau.so_ky_hieu", "Số, ký hiệu «Số: 05/BC-BDT», cỡ 13, chữ đứng", number),
    Rule("dau.quoc_hieu", f"Quốc hiệu «{QUOC_HIEU}» đậm, cỡ 12-13, trên một dòng",
         national_title),
    Rule("dau.tieu_ngu", f"Tiêu ngữ «{TIEU_NGU}» đậm, cỡ 13-14", motto),
    Rule("dau.duong_ke_tieu_ngu", "Đường kẻ liền dưới Tiêu ngữ, dài bằng dòng chữ", motto_line),
    Rule("dau.dia_danh_ngay", "Địa danh, ngày tháng nghiêng, cỡ 13-14, «ngày 09 tháng 6 năm …»",
         place_date),
    Rule("tieu_de.ten_loai", "Tên loại «BÁO CÁO» in hoa, đậm, căn giữa, cỡ 13-14", title),
    Rule("tieu_de.trich_yeu", "Trích yếu đậm, căn giữa, cỡ 13-14", abstract),
    Rule("tieu_de.duong_ke_trich_yeu", "Đường kẻ liền dưới trích yếu, dài 1/3-1/2 dòng chữ",
         abstract_line),
    Rule("noi_dung.co_chu", "Nội dung cỡ chữ 13-14", body_size),
    Rule("noi_dung.can_le", "Nội dung căn đều hai bên", body_alignment),
    Rule("noi_dung.thut_dau_dong", "Thụt đầu dòng 1 cm hoặc 1,27 cm", body_indent),
    Rule("noi_dung.khoang_cach_doan", "Cách đoạn tối thiểu 6 pt", paragraph_spacing),
    Rule("noi_dung.gian_dong", "Giãn dòng từ 1 đến 1,5 dòng", line_spacing),
    Rule("noi_dung.de_muc", "Đề mục «I.» in hoa, đậm; tên khoản «1.» đậm", headings),
    Rule("noi_dung.ket_thuc", "Nội dung kết thúc bằng «./.»", body_end),
    Rule("cuoi.bang", "Phần cuối là bảng 2 cột không viền", closing_table),
    Rule("cuoi.noi_nhan", "«Nơi nhận:» đậm nghiêng, cỡ 12, sát lề trái", recipients_heading),
    Rule("cuoi.danh_sach_nhan", "Mỗi nơi nhận một dòng «- …;», dòng cuối «.», cỡ 11, đứng",
         recipients),
    Rule("cuoi.chu_ky", "Quyền hạn, chức vụ in hoa đậm; họ tên đậm; căn giữa, cỡ 13-14",
         signature),
    Rule("so_trang.trang_dau", "Không đánh số trang đầu", first_page_number),
    Rule("so_trang.dinh_dang", "Số trang ở giữa đầu trang, cỡ 13-14, chữ đứng",
         page_number_format),
)
# fmt: on


def check(docx: str | Path | bytes) -> CheckReport:
    """Check a .docx (a path or its bytes) against every rule of :data:`RULES`.

    Raises :class:`DocumentError` (a :class:`~bdt_docx.errors.BdtDocxError`) when the file
    is not a readable .docx: not a zip, no Word body, a damaged, encrypted or oversized part,
    malformed XML or XML declaring a ``<!DOCTYPE``. ``DocumentError`` is defined in
    :mod:`bdt_docx.formatting`, which reads the file, and exported here.
    """
    document = Document(docx)
    layout = Layout(document)
    report = CheckReport(document.name)
    for rule in RULES:
        issues = list(rule.check(layout))
        if not issues:
            report.findings.append(Finding(rule.id, rule.title, PASS, "", "", ""))
            continue
        for issue in issues[:MAX_ISSUES_PER_RULE]:
            report.findings.append(Finding(rule.id, rule.title, **asdict(issue)))
        if len(issues) > MAX_ISSUES_PER_RULE:
            rest = len(issues) - MAX_ISSUES_PER_RULE
            worst = FAIL if any(i.verdict == FAIL for i in issues) else WARN
            report.findings.append(
                Finding(
                    rule.id,
                    rule.title,
                    worst,
                    "nhiều chỗ khác",
                    f"và {rest} chỗ khác",
                    issues[-1].expected,
                )
            )
    return report
