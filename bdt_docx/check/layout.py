"""Where the parts of the document are: header table, title, trích yếu, body, closing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bdt_docx.check.common import (
    ROMAN_HEADING,
    RULE_TEXT,
    ShortLine,
    clean,
    has_text,
    is_caps_title,
    widest_line,
)
from bdt_docx.formatting import Document, Paragraph, Table, twips_to_pt


class Layout:
    """The document and where its parts are: header table, title, trích yếu, body, closing."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.section = document.sections[0]
        blocks = document.blocks
        self.header_table = next((b for b in blocks if isinstance(b, Table)), None)
        start = blocks.index(self.header_table) + 1 if self.header_table else 0
        top = [b for b in blocks[start:] if isinstance(b, Paragraph)]
        self.title = next((p for p in top if is_caps_title(p.shown_text)), None)
        after_title = top[top.index(self.title) + 1 :] if self.title else []
        self.trich_yeu, self.trich_yeu_line, body_start = _find_trich_yeu(self, after_title)
        self.closing_table = None
        if self.title is not None:
            later = blocks[blocks.index(self.title) + 1 :]
            self.closing_table = next((b for b in later if isinstance(b, Table)), None)
        end = blocks.index(self.closing_table) if self.closing_table else len(blocks)
        position = {id(block): i for i, block in enumerate(blocks)}
        self.body = [p for p in after_title[body_start:] if has_text(p) and position[id(p)] < end]

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
        return [p for c in cells for p in c.paragraphs if has_text(p)]

    def header_paragraph(self, pattern: re.Pattern[str]) -> Paragraph | None:
        """The first paragraph of the header table whose text matches ``pattern``."""
        if self.header_table is None:
            return None
        paragraphs = [p for c in self.header_table.cells for p in c.paragraphs]
        return next((p for p in paragraphs if pattern.match(clean(p.shown_text))), None)

    def line_below(self, paragraph: Paragraph) -> ShortLine | None:
        """The line under ``paragraph``: its own bottom border or drawing, or a border,
        drawing or row of underscores in the empty paragraphs right after it."""
        siblings = paragraph.cell.paragraphs if paragraph.cell else self.document.paragraphs
        following = siblings[siblings.index(paragraph) + 1 :]
        if paragraph.drawn_lines:
            return ShortLine("hình vẽ", max(paragraph.drawn_lines), paragraph)
        if paragraph.border_bottom is not None:
            return ShortLine("viền dưới đoạn", self.available(paragraph), paragraph)
        for other in following:
            text = other.text.strip()
            if text and RULE_TEXT.match(text):
                return ShortLine("dòng ký tự gạch", 0.0, other)
            if text:
                break
            if other.drawn_lines:
                return ShortLine("hình vẽ", max(other.drawn_lines), other)
            if other.border_top is not None or other.border_bottom is not None:
                return ShortLine("viền đoạn", self.available(other), other)
        return None

    def text_width(self, paragraphs: Iterable[Paragraph]) -> float:
        """Width in points of the widest printed line, each capped at its available width."""
        return max((min(widest_line(p), self.available(p)) for p in paragraphs), default=0.0)


def _find_trich_yeu(
    layout: Layout, after_title: Sequence[Paragraph]
) -> tuple[list[Paragraph], ShortLine | None, int]:
    """The trích yếu paragraphs, the line under them, and where the body starts."""
    lines: list[Paragraph] = []
    for index, paragraph in enumerate(after_title[:6]):
        if not has_text(paragraph):
            continue
        if ROMAN_HEADING.match(clean(paragraph.text)):
            break
        lines.append(paragraph)
        line = layout.line_below(paragraph)
        if line is not None:
            owner = line.paragraph
            end = after_title.index(owner) + 1 if owner in after_title else index + 1
            return lines, line, end
    first = next((i for i, p in enumerate(after_title) if has_text(p)), None)
    if first is None:
        return [], None, 0
    return [after_title[first]], None, first + 1
