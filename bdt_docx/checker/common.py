"""What the rules share: the decree's values, text patterns and how an issue is worded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import bdt_docx.nd30 as nd30
from bdt_docx.checker.report import FAIL, SKIP, WARN, Issue
from bdt_docx.document import Paragraph, Run, Table
from bdt_docx.filters import be_rong, so

# The decree's numbers (docs/nd30.md) come from nd30; what follows is how strictly they
# are measured on a saved document.
FONT, QUOC_HIEU, TIEU_NGU, A4 = nd30.FONT, nd30.QUOC_HIEU, nd30.TIEU_NGU, nd30.A4
#: Page margins in mm: side → (least, most).
MARGINS = nd30.MARGINS_MM
#: First-line indents allowed, in twips (1 cm, 1.27 cm), and the tolerance (0.5 mm).
INDENTS, INDENT_TOLERANCE = nd30.FIRST_LINE_INDENTS, 28
MIN_PARAGRAPH_GAP = nd30.MIN_PARAGRAPH_GAP
#: Length of the short line under an agency name or a trích yếu, as a share of the text
#: (with a little slack: 0.305-0.52), and how the report states it.
SHORT_LINE = (nd30.SHORT_LINE[0] - 0.0283, nd30.SHORT_LINE[1] + 0.02), "dài 1/3-1/2 dòng chữ"
#: Length of the line under the Tiêu ngữ, as a share of its text.
MOTTO_LINE = (
    (nd30.TIEU_NGU_LINE - 0.1, nd30.TIEU_NGU_LINE + 0.15),
    "dài bằng dòng chữ (0,9-1,15 lần)",
)
MM_TOLERANCE = 0.1
PT_TOLERANCE = 0.01


def span(bounds: tuple[float, float]) -> str:
    """``12-13`` as the rules write a range (``13`` when both ends are one value)."""
    low, high = bounds
    return so(low) if low == high else f"{so(low)}-{so(high)}"


#: The rules of the body as the report states them (N30-3.4).
INDENT_RULE = "thụt đầu dòng từ {} cm đến {} cm".format(
    *(so(twips / nd30.TWIPS_PER_MM / 10) for twips in nd30.FIRST_LINE_INDENTS)
)
GAP_RULE = f"cách đoạn tối thiểu {so(nd30.MIN_PARAGRAPH_GAP / 20)} pt"
SPACING_RULE = "giãn dòng từ {} đến {} dòng".format(*map(so, nd30.LINE_SPACING))

ROMAN_HEADING = re.compile(r"^[IVXLC]+\.\s")
ARABIC_HEADING = re.compile(r"^\d+\.\s")
RULE_TEXT = re.compile(r"^[_\-\u2010\u2013\u2014.\u2026\s]{3,}$")
NUMBER = re.compile(r"^Số:(?P<gap>\s*)(?P<number>\d*)\s*/(?P<code>\S*)$")
DATE = re.compile(
    r"^(?P<place>[^,]+),\s*ngày\s+(?P<day>\d*)\s+tháng\s+(?P<month>\d*)\s+năm\s*(?P<year>\d*)$"
)


@dataclass(frozen=True)
class ShortLine:
    """A short line under a text: a paragraph border, a drawn line, or a row of underscores."""

    kind: str
    length: float
    """Length in points."""
    paragraph: Paragraph
    """The paragraph that holds it (or holds the shape)."""


def clean(text: str) -> str:
    """NFC-normalised text with non-breaking spaces as spaces and the ends stripped."""
    return unicodedata.normalize("NFC", text).replace("\xa0", " ").strip()


def has_text(paragraph: Paragraph) -> bool:
    """Whether the paragraph prints words (not only spaces, nor a row of underscores)."""
    text = paragraph.text.strip()
    return bool(text) and not RULE_TEXT.match(text)


def fold(text: str) -> str:
    """Upper case, NFC, single spaces and the old accent placement "HOÀ" as "HÒA"."""
    return " ".join(clean(text).upper().replace("HOÀ", "HÒA").split())


def is_caps(text: str) -> bool:
    """Whether ``text`` has letters and all of them are capitals."""
    text = clean(text)
    return any(c.isalpha() for c in text) and text == text.upper()


def small_int(digits: str, limit: int = 10**6) -> int | None:
    """The value of a string of digits from the text, or None when it is empty or longer
    than a real number of the kind could be (a 5,000-digit "day" is no day)."""
    if not digits or len(digits) > len(str(limit)):
        return None
    value = int(digits)
    return value if value <= limit else None


def text_runs(paragraph: Paragraph) -> list[Run]:
    """The runs that print something other than spaces."""
    return [r for r in paragraph.runs if r.text.strip()]


@dataclass(frozen=True)
class Piece:
    """One printed line of a paragraph (the text between two line breaks) and its runs."""

    paragraph: Paragraph
    runs: tuple[Run, ...]
    text: str
    """The line's text as printed, cleaned (:func:`clean`)."""


def pieces(paragraph: Paragraph) -> list[Piece]:
    """The lines of ``paragraph`` split at its line breaks; a run that holds a break
    belongs to the lines on both sides of it."""
    lines: list[tuple[list[Run], list[str]]] = [([], [])]
    for run in paragraph.runs:
        for i, part in enumerate(run.shown_text.split("\n")):
            if i:
                lines.append(([], []))
            if part.strip():
                lines[-1][0].append(run)
            lines[-1][1].append(part)
    return [Piece(paragraph, tuple(runs), clean("".join(text))) for runs, text in lines]


def whole(paragraph: Paragraph) -> Piece:
    """The whole paragraph as one piece."""
    return Piece(paragraph, tuple(text_runs(paragraph)), clean(paragraph.shown_text))


def widest_line(target: Paragraph | Piece) -> float:
    """Width in points of the widest printed line (line breaks split, ends stripped)."""
    lines = pieces(target) if isinstance(target, Paragraph) else [target]
    widest = 0.0
    for line in lines:
        runs = line.runs or (None,)
        first = runs[0]
        size, bold, italic = (
            (13.0, False, False) if first is None else (first.size, first.bold, first.italic)
        )
        widest = max(widest, be_rong(line.text, size, bold, italic))
    return widest


def pt_text(value: float) -> str:
    """A length in points as the report writes it: ``12,5 pt``."""
    return f"{so(value, 1)} pt"


def locate(paragraph: Paragraph, what: str = "") -> str:
    """``Quốc hiệu, bảng 1, hàng 1, ô 2, đoạn 1`` or ``đầu trang (header1.xml), đoạn 1``:
    the paragraph's :attr:`~bdt_docx.document.Paragraph.place`, as ``lint`` names it too."""
    return f"{what}, {paragraph.place}" if what else paragraph.place


def format_issues(
    target: Paragraph | Piece,
    what: str,
    *,
    sizes: tuple[float, float] | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    upper: bool = False,
    align: str | None = None,
) -> Iterator[Issue]:
    """What is wrong with the size, weight, slant, case and alignment of a paragraph, or of
    one of its lines.

    ``bold``/``italic`` True: every printing run must have it; False: none may.
    """
    line = whole(target) if isinstance(target, Paragraph) else target
    paragraph = line.paragraph
    where = locate(paragraph, what)
    runs = list(line.runs)
    if sizes is not None:
        wrong = sorted({r.size for r in runs if not within(r.size, sizes)})
        if wrong:
            found = ", ".join(pt_text(s) for s in wrong)
            yield Issue(FAIL, where, f"cỡ chữ {found}", size_range(sizes))
    for flag, name, value in (("bold", "đậm", bold), ("italic", "nghiêng", italic)):
        if value is None:
            continue
        wrong = [r for r in runs if getattr(r, flag) != value]
        if wrong:
            shown = ", ".join(_quote(r.shown_text) for r in wrong[:3])
            shown += ", …" if len(wrong) > 3 else ""
            found = f"có chữ {'không ' if value else ''}{name}: {shown}"
            yield Issue(FAIL, where, found, f"chữ {'' if value else 'không '}{name}")
    text = line.text
    if upper and text != text.upper():
        yield Issue(FAIL, where, f"«{text}» không in hoa", "chữ in hoa")
    if align is not None and paragraph.alignment != align:
        found = ALIGN_NAMES.get(paragraph.alignment, paragraph.alignment)
        yield Issue(FAIL, where, f"căn lề «{found}»", f"căn lề «{ALIGN_NAMES[align]}»")


def _quote(text: str, limit: int = 40) -> str:
    """``«text»``, cleaned, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return f"«{text[:limit]}…»" if len(text) > limit else f"«{text}»"


ALIGN_NAMES = {"left": "trái", "center": "giữa", "right": "phải", "both": "đều hai bên"}


def within(value: float, bounds: tuple[float, float], tolerance: float = PT_TOLERANCE) -> bool:
    """Whether ``value`` lies in ``bounds`` (least, most), give or take ``tolerance``."""
    return bounds[0] - tolerance <= value <= bounds[1] + tolerance


def size_range(sizes: tuple[float, float]) -> str:
    """The font sizes expected, as the report writes them: ``cỡ chữ 13-14 pt``."""
    low, high = sizes
    return f"cỡ chữ {so(low)} pt" if low == high else f"cỡ chữ {so(low)}-{so(high)} pt"


def missing(what: str, expected: str) -> Iterator[Issue]:
    """The element a rule is about is not in the document: a failure."""
    yield Issue(FAIL, "toàn văn bản", f"không tìm thấy {what}", expected)


def skipped(reason: str) -> Iterator[Issue]:
    """The rule does not apply to this document, for ``reason``."""
    yield Issue(SKIP, "toàn văn bản", reason, "")


def unchecked(what: str, expected: str) -> Iterator[Issue]:
    """The rule cannot be checked because another rule's element is missing: a warning."""
    yield Issue(WARN, "toàn văn bản", f"không kiểm tra được vì không tìm thấy {what}", expected)


def line_issues(
    line: ShortLine | None,
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
    where = locate(line.paragraph, what)
    if line.kind == "dòng ký tự gạch":
        yield Issue(FAIL, where, f"đường kẻ bằng ký tự «{line.paragraph.text.strip()}»", expected)
        return
    share = line.length / text_width if text_width else 0.0
    if not ratio[0] <= share <= ratio[1]:
        length, text = pt_text(line.length), pt_text(text_width)
        found = f"{line.kind} dài {length}, dòng chữ {text} (tỉ lệ {so(share, 2)})"
        yield Issue(FAIL, where, found, expected)


def borderless_two_columns(table: Table | None, what: str) -> Iterator[Issue]:
    """A table of two columns side by side (merged grid columns count as one) that draws no
    border (an inside border with nothing to divide draws nothing)."""
    if table is None:
        yield from missing(what, "bảng 2 cột không viền")
        return
    where = f"{what}, {table.place}"
    columns = max(
        (
            sum(1 for c in row.cells if c.paragraphs and any(map(has_text, c.paragraphs)))
            for row in table.rows
        ),
        default=0,
    )
    if columns != 2:
        yield Issue(FAIL, where, f"{columns} cột", "2 cột")
    silent = {"insideH"} if len(table.rows) < 2 else set()
    silent |= {"insideV"} if columns < 2 else set()
    edges = _drawn_edges(table) - silent
    if edges:
        yield Issue(FAIL, where, "có viền: " + ", ".join(sorted(edges)), "không viền")


#: A cell's logical sides (``w:start``, ``w:end``) as the physical ones of a left-to-right table.
_CELL_SIDES = {"start": "left", "end": "right"}


def _drawn_edges(table: Table) -> set[str]:
    """The edges ``table`` draws. Each side of a cell shows the cell's own border
    (``w:tcBorders``) where the cell sets that side, ``nil`` included, and otherwise the
    table's border there (its outer edge, or ``insideH``/``insideV`` between cells): a table
    of style ``TableGrid`` whose every cell sets its four sides ``nil``, as LibreOffice
    saves a borderless table, draws nothing."""
    own_edges = table.borders
    drawn: set[str] = set()
    last_row = len(table.rows) - 1
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            own = {_CELL_SIDES.get(side, side): b for side, b in cell.borders.items()}
            sides = {
                "top": "top" if r == 0 else "insideH",
                "bottom": "bottom" if r == last_row else "insideH",
                "left": "left" if c == 0 else "insideV",
                "right": "right" if c == len(row.cells) - 1 else "insideV",
            }
            for side, edge in sides.items():
                if side not in own and own_edges.get(edge) is not None:
                    drawn.add(edge)
            drawn |= {side for side, b in own.items() if b is not None}  # diagonals too
    return drawn
