"""Where the parts of the document are, and which kind of document it is.

* The header block is the first table (nested ones included) holding the Quốc hiệu or a
  "Số:" line. Its cells are read as two columns by where they sit on the grid, so merged
  grid columns and ``w:gridBefore`` do not matter. The left column holds the agency (one name
  on two lines, "ỦY BAN NHÂN DÂN / TỈNH …", stays one agency), "Số: …" and, in a Công văn,
  the "V/v …" trích yếu; the right column the Quốc hiệu, the Tiêu ngữ (also when a line
  break puts both in one paragraph) and the place and date.
* The kind is the tên loại under the header block (``BÁO CÁO``), else the kind named by the
  ký hiệu (``TTr-SNV``), else a Công văn when the header holds "V/v …" or a ký hiệu that names
  no kind (:mod:`bdt_docx.checker.kinds`).
* The text after the header block is read as one flow of paragraphs, those of one-cell
  tables included (a trích yếu in a frame). The trích yếu follows the tên loại down to its
  short line; the body runs from there to the closing block: the table whose left column
  starts with "Nơi nhận" (nested tables included), or else the first table of two columns
  after the body. A "Kính gửi" block is set apart from the body.
* A short line under a text is a paragraph border, a drawn line, or a row of underscores.
  Lines drawn as shapes are anchored wherever Word put them, often in the next paragraph or
  the next row of the same column, so the line under an element is the first one found in
  its column from that element on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bdt_docx.checker.common import (
    DATE,
    NUMBER,
    QUOC_HIEU,
    RULE_TEXT,
    Piece,
    ShortLine,
    clean,
    fold,
    has_text,
    is_caps,
    pieces,
    widest_line,
)
from bdt_docx.checker.kinds import CONG_VAN, UNKNOWN, Kind, by_code, by_title, in_capitals
from bdt_docx.document import Cell, Document, Paragraph, Table, twips_to_pt

#: The first line of an agency name that goes on in the next line (``ỦY BAN NHÂN DÂN`` /
#: ``TỈNH LÂM ĐỒNG``): Vietnamese administrative levels.
_LEVELS = re.compile(r"^(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\b")
_KINH_GUI = re.compile(r"^kính gửi", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^nơi nhận", re.IGNORECASE)
_VV = re.compile(r"^v/v\b", re.IGNORECASE)


def _column_right(cell: Cell) -> bool:
    """Whether a cell sits in the right half of its table's grid."""
    total = sum(cell.table.grid) or 1
    start = sum(cell.table.grid[: cell.grid_start])
    middle = start + sum(cell.table.grid[cell.grid_start : cell.grid_start + cell.grid_span]) / 2
    return middle > total / 2 if cell.table.grid else cell.index > 0


def _tables_in(table: Table, tables: Sequence[Table]) -> list[Table]:
    """``table`` and the tables nested in it, in document order."""
    inside = {id(t.element) for t in [table]}
    inside |= {id(e) for e in table.element.iter(table.element.tag)}
    return [t for t in tables if id(t.element) in inside]


class Layout:
    """The document, its kind, and where its parts are."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.section = document.sections[0]
        blocks = document.blocks
        self.header_table = self._find_header(blocks)
        self.left: list[Paragraph] = []
        self.right: list[Paragraph] = []
        if self.header_table is not None:
            for cell in self.header_table.cells:
                column = self.right if _column_right(cell) else self.left
                column.extend(cell.paragraphs)
        self._read_header()
        start = blocks.index(self._header_block) + 1 if self._header_block is not None else 0
        self.closing_table = self._find_closing(blocks[start:])
        end = len(blocks)
        if self.closing_table is not None:
            owner = next(b for b in blocks if isinstance(b, Table) and self._holds(b))
            end = blocks.index(owner)
        flow = self._flow(blocks[start:end])
        self.kind, self.kind_reason = self._recognise(flow)
        self.title = self._find_title(flow)
        after = flow[flow.index(self.title) + 1 :] if self.title is not None else flow
        self.trich_yeu, self.trich_yeu_line, after = self._find_trich_yeu(after)
        self.kinh_gui = self._find_kinh_gui(after)
        self.body = [p for p in after if has_text(p) and p not in self.kinh_gui]
        self._read_closing()

    # --- the header block ------------------------------------------------------------------

    def _find_header(self, blocks: Sequence[Paragraph | Table]) -> Table | None:
        """The first table (nested ones included) holding the Quốc hiệu or "Số:"."""
        self._header_block: Paragraph | Table | None = None
        for block in blocks[:12]:
            if not isinstance(block, Table):
                continue
            for table in _tables_in(block, self.document.tables):
                texts = [fold(p.text) for c in table.cells for p in c.paragraphs]
                if any("CỘNG HÒA XÃ HỘI" in t or t.startswith("SỐ:") for t in texts):
                    self._header_block = block
                    return table
        return None

    def _read_header(self) -> None:
        left = [p for p in self.left if has_text(p)]
        self.number = next((p for p in left if NUMBER.match(clean(p.shown_text))), None)
        if self.number is None:
            self.number = next((p for p in left if fold(p.text).startswith("SỐ")), None)
        self.vv = [p for p in left if _VV.match(clean(p.text))]
        if self.vv:  # a trích yếu of two lines goes on in the paragraphs after "V/v"
            self.vv += left[left.index(self.vv[0]) + 1 :]
        names = [p for p in left if p is not self.number and p not in self.vv]
        names = [p for p in names if not DATE.match(clean(p.text))]
        names = [p for p in names if self.number is None or left.index(p) < left.index(self.number)]
        lines = [piece for p in names for piece in pieces(p)]
        self.parent: list[Piece] = []
        self.issuer: list[Piece] = list(lines)
        if len(lines) >= 2 and not _LEVELS.match(fold(lines[1].text)):
            self.parent, self.issuer = lines[:1], lines[1:]
        right = [piece for p in self.right if has_text(p) for piece in pieces(p)]
        self.date = next((p for p in right if DATE.match(p.text)), None)
        if self.date is None:
            self.date = next((p for p in pieces_of(left) if DATE.match(p.text)), None)
        right = [p for p in right if p is not self.date]
        self.quoc_hieu: list[Piece] = []
        joined = ""
        for piece in right:
            if not QUOC_HIEU.startswith(fold(f"{joined} {piece.text}".strip())):
                break
            self.quoc_hieu.append(piece)
            joined = f"{joined} {piece.text}".strip()
        rest = right[len(self.quoc_hieu) :]
        if not self.quoc_hieu and right:
            self.quoc_hieu, rest = right[:1], right[1:]
        self.tieu_ngu = rest[0] if rest else None

    # --- title, trích yếu, body -----------------------------------------------------------

    def _flow(self, blocks: Sequence[Paragraph | Table]) -> list[Paragraph]:
        """The paragraphs after the header block: top-level ones and those of one-cell tables."""
        flow: list[Paragraph] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                flow.append(block)
            elif all(len(row.cells) == 1 for row in block.rows):
                flow.extend(p for c in block.cells for p in c.paragraphs)
        return flow

    def _recognise(self, flow: Sequence[Paragraph]) -> tuple[Kind, str]:
        for paragraph in [p for p in flow if has_text(p)][:3]:
            kind = by_title(paragraph.shown_text)
            if kind is not None:
                return kind, f"tên loại «{clean(paragraph.shown_text)}»"
        match = NUMBER.match(clean(self.number.shown_text)) if self.number else None
        code = match["code"] if match else ""
        kind = by_code(code) if code else None
        if kind is not None:
            return kind, f"ký hiệu «{code}»"
        if self.vv:
            return CONG_VAN, f"trích yếu «{clean(self.vv[0].text)[:40]}»"
        if code:
            return CONG_VAN, f"ký hiệu «{code}» không có tên loại"
        return UNKNOWN, "không nhận ra loại văn bản"

    def _find_title(self, flow: Sequence[Paragraph]) -> Paragraph | None:
        if not self.kind.has("ten_loai"):
            return None
        texts = [p for p in flow if has_text(p)][:3]
        found = next((p for p in texts if by_title(p.shown_text)), None)
        if found is None:
            found = next((p for p in texts if is_caps(p.shown_text) and len(p.text) < 60), None)
        return found

    def _find_trich_yeu(
        self, after: Sequence[Paragraph]
    ) -> tuple[list[Paragraph], ShortLine | None, list[Paragraph]]:
        """The trích yếu paragraphs, the line under them, and the paragraphs after it."""
        if self.title is None:
            return [], None, list(after)
        lines: list[Paragraph] = []
        for index, paragraph in enumerate(after[:6]):
            if has_text(paragraph):
                if paragraph.alignment != "center" and lines:
                    break
                lines.append(paragraph)
            line = self.line_below(paragraph, after[index + 1 : index + 2], stop_at_text=True)
            if lines and line is not None:
                end = after.index(line.paragraph) + 1 if line.paragraph in after else index + 1
                return lines, line, list(after[end:])
        first = next((i for i, p in enumerate(after) if has_text(p)), None)
        if first is None:
            return [], None, []
        return [after[first]], None, list(after[first + 1 :])

    def _find_kinh_gui(self, after: Sequence[Paragraph]) -> list[Paragraph]:
        """ "Kính gửi: …" and the recipients listed under it, before the body."""
        texts = [p for p in after if has_text(p)]
        start = next((i for i, p in enumerate(texts[:4]) if _KINH_GUI.match(clean(p.text))), None)
        if start is None:
            return []
        block = [texts[start]]
        for paragraph in texts[start + 1 :]:
            if not clean(paragraph.text).startswith(("-", "+", "•")):
                break
            block.append(paragraph)
        return block

    # --- the closing block ------------------------------------------------------------------

    def _find_closing(self, blocks: Sequence[Paragraph | Table]) -> Table | None:
        tables = [
            t for b in blocks if isinstance(b, Table) for t in _tables_in(b, self.document.tables)
        ]
        starts = {}
        for table in tables:
            left = [p for c in table.cells if not _column_right(c) for p in c.paragraphs]
            starts[id(table)] = [clean(p.text) for p in left if has_text(p)][:3]
            if any(_NOI_NHAN.match(text) for text in starts[id(table)]):
                return table
        # no "Nơi nhận": the first small two-column table that is not a "Kính gửi" block
        return next(
            (
                t
                for t in tables
                if len(t.grid) == 2
                and len(t.rows) <= 3
                and not any(_KINH_GUI.match(text) for text in starts[id(t)])
            ),
            None,
        )

    def _holds(self, block: Table) -> bool:
        return self.closing_table is not None and any(
            t is self.closing_table for t in _tables_in(block, self.document.tables)
        )

    def _read_closing(self) -> None:
        self.noi_nhan: Piece | None = None
        self.recipients: list[list[Piece]] = []
        self.signature: list[Paragraph] = []
        if self.closing_table is None:
            return
        left, right = [], []
        for cell in self.closing_table.cells:
            (right if _column_right(cell) else left).extend(
                p for p in cell.paragraphs if has_text(p)
            )
        lines = pieces_of(left)
        if lines and _NOI_NHAN.match(lines[0].text):
            self.noi_nhan, lines = lines[0], lines[1:]
        for line in lines:  # a recipient may wrap onto the next paragraph
            previous = self.recipients[-1][-1].text if self.recipients else ""
            if (
                self.recipients
                and not line.text.startswith("-")
                and not previous.endswith((";", "."))
            ):
                self.recipients[-1].append(line)
            else:
                self.recipients.append([line])
        self.signature = [p for p in right if not clean(p.text).startswith(("(", "["))]

    @property
    def example(self) -> str:
        """A số, ký hiệu as this document should write it: its own ký hiệu, in capitals
        (:func:`~bdt_docx.checker.kinds.in_capitals`), with a number."""
        match = NUMBER.match(clean(self.number.shown_text)) if self.number else None
        if match and match["code"]:
            return f"Số: 05/{in_capitals(match['code'])}"
        return self.kind.example_number()

    # --- measures ---------------------------------------------------------------------------

    def available(self, paragraph: Paragraph) -> float:
        """Width in points a paragraph's lines may take (cell or page, less its indents)."""
        if paragraph.cell is not None:
            width = paragraph.cell.content_width
        else:
            width = self.section.text_width
        return twips_to_pt(width - paragraph.left_indent - paragraph.right_indent)

    def column_after(self, paragraph: Paragraph) -> list[Paragraph]:
        """The paragraphs of the header column holding ``paragraph``, from it on."""
        for column in (self.left, self.right):
            if paragraph in column:
                return column[column.index(paragraph) :]
        return [paragraph]

    def line_below(
        self, paragraph: Paragraph, following: Iterable[Paragraph], stop_at_text: bool = False
    ) -> ShortLine | None:
        """The first short line in ``paragraph`` or ``following``: a drawn line, a paragraph
        border (under ``paragraph``, or on an empty paragraph), a row of underscores.
        ``stop_at_text``: look no further than the first paragraph with words."""
        if paragraph.drawn_lines:
            return ShortLine("hình vẽ", max(paragraph.drawn_lines), paragraph)
        if paragraph.border_bottom is not None:
            return ShortLine("viền dưới đoạn", self.available(paragraph), paragraph)
        for other in following:
            text = other.text.strip()
            if text and RULE_TEXT.match(text):
                return ShortLine("dòng ký tự gạch", 0.0, other)
            if other.drawn_lines:
                return ShortLine("hình vẽ", max(other.drawn_lines), other)
            if not text and (other.border_top is not None or other.border_bottom is not None):
                return ShortLine("viền đoạn", self.available(other), other)
            if text and stop_at_text:
                break
        return None

    def text_width(self, lines: Iterable[Piece]) -> float:
        """Width in points of the widest printed line, each capped at its available width."""
        return max((min(widest_line(p), self.available(p.paragraph)) for p in lines), default=0.0)


def pieces_of(paragraphs: Iterable[Paragraph]) -> list[Piece]:
    """The printed lines of ``paragraphs`` that hold words."""
    return [piece for p in paragraphs if has_text(p) for piece in pieces(p) if piece.text]
