"""Walking a cleaned template part and reporting each tag that cannot work.

:func:`analyse_parts` walks each part paragraph by paragraph with the document model
(:class:`~bdt_docx.document.Story`, so a finding names its paragraph as ``bdt-docx check``
does: ``đoạn 12``, ``bảng 1, hàng 2, ô 1``, ``đầu trang (header1.xml), đoạn 1``), finds the
tags of each paragraph and the tags broken by Word or by hand (``{{`` without ``}}``, braces
in different paragraphs, spaced braces), and hands the tags to
:class:`~bdt_docx.tags.checks.Checker`. Tag delimiters where Word shows no text (attribute
values, document properties) are read too, and tables past the limits are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from jinja2 import Environment
from lxml import etree

from bdt_docx.document import Story, part_label, place_in
from bdt_docx.namespaces import NS, qn
from bdt_docx.tags.checks import Checker
from bdt_docx.tags.cleaning import TAG, CleanPart, own_text, text_of
from bdt_docx.tags.findings import Analysis, Finding, Passage, Tag

__all__ = ["MAX_TABLE_COLUMNS", "MAX_TABLE_ROWS", "analyse_parts"]

# Limits on an (untrusted) template, far above what a real report needs (the largest of the
# real Word reports among tests/needs' shared files has a 450-row table); SECURITY.md states
# them.
#: Most rows in one table of a template (its rows of data come from the workbook).
MAX_TABLE_ROWS = 5_000
#: Most cells in one row of a table: Word's own limit.
MAX_TABLE_COLUMNS = 63
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# "{ {ten} }": looks like a tag whose braces a space split; Jinja prints it as it is.
_SPACED = re.compile(r"\{\s+[{%]\s*[\w.]+\s*[}%]\s+\}")
#: A tag's braces typed full-width (U+FF5B, U+FF5D: a Chinese or Japanese input method, or
#: text copied from one), alone or beside ASCII ones: Jinja does not read them.
_FULL_WIDTH = re.compile(r"[{\uff5b]\uff5b|\uff5b[{%#]|\uff5d[}\uff5d]|[}%#]\uff5d")
_DOCXTPL_PREFIX = re.compile(r"^-?(p|tr|tc|r)\s")
#: Where a paragraph the walk does not reach is said to be (one in a drawing's alternative
#: content outside any paragraph: Jinja reads it all the same).
_UNREACHED = "đoạn trong hình vẽ hay khung"


def _passages(part: CleanPart, analysis: Analysis) -> Iterator[Passage]:
    """The paragraphs of a part in document order, tables, cells and text boxes included,
    each named by its :attr:`~bdt_docx.document.Paragraph.place`.

    A part without paragraphs (document properties) gives one passage per element text.
    Each row's and cell's text is read once: linear in the part's size. A paragraph
    without braces, which holds no tag, broken or whole, is left out.
    """
    if part.root.find(".//w:p", NS) is None:
        for element in part.root.iter():
            if isinstance(element.tag, str) and element.text and element.text.strip():
                where = place_in(part.name, f"mục {etree.QName(element).localname}")
                yield Passage(part.name, where, element.text, None, None)
        return
    story = Story(part.root, part.name)
    _check_sizes(story, analysis)
    texts: dict[etree._Element, str] = {}  # rows' and cells' text, read once each
    reached = set()
    for paragraph in story.every_paragraph():
        reached.add(paragraph.element)
        text = own_text(paragraph.element)
        if not _braced(text):
            continue
        row_text = cell_text = None
        if paragraph.cell is not None:
            for element in (paragraph.cell.element, paragraph.cell.row.element):
                if element not in texts:
                    texts[element] = text_of(element)
            cell_text, row_text = texts[paragraph.cell.element], texts[paragraph.cell.row.element]
        yield Passage(part.name, paragraph.place, text, row_text, cell_text)
    for element in part.root.iter(qn("w:p")):
        if element not in reached and _braced(text := own_text(element)):
            yield Passage(part.name, place_in(part.name, _UNREACHED), text, None, None)


def _check_sizes(story: Story, analysis: Analysis) -> None:
    """Tables past :data:`MAX_TABLE_ROWS` rows or :data:`MAX_TABLE_COLUMNS` cells in a row
    are refused."""
    for table in story.tables:
        if len(table.rows) > MAX_TABLE_ROWS:
            reason = (
                f"bảng có {len(table.rows)} hàng, quá giới hạn {MAX_TABLE_ROWS} hàng của một "
                "mẫu: mẫu chỉ cần hàng tiêu đề và hàng {%tr for %}, các dòng do sổ Excel điền"
            )
            _too_large(story.part, table.place, reason, analysis)
        for row in table.rows:
            if len(row.cells) > MAX_TABLE_COLUMNS:
                reason = (
                    f"hàng có {len(row.cells)} ô, quá giới hạn {MAX_TABLE_COLUMNS} ô (Word cũng "
                    "không tạo được bảng rộng hơn)"
                )
                _too_large(story.part, row.place, reason, analysis)


def _too_large(part: str, where: str, reason: str, analysis: Analysis) -> None:
    analysis.add(
        "too-large", reason, Tag("expr", "", "", Passage(part, where, "", None, None), 0, 0)
    )


def _tags(paragraph: Passage, analysis: Analysis) -> list[Tag]:
    """The tags of one paragraph; broken ones become findings."""
    text = paragraph.text
    for match in _SPACED.finditer(text):
        analysis.add(
            "spaced-tag",
            f"'{match[0]}' trông như thẻ có dấu ngoặc bị tách bởi khoảng trắng, nên được in "
            "ra nguyên như vậy; nếu là thẻ, hãy viết liền '{{', '{%', '}}', '%}'",
            Tag("expr", "", match[0], paragraph, match.start(), match.end()),
        )
    if match := _FULL_WIDTH.search(text):  # (once a paragraph: its tag's two ends)
        analysis.add(
            "full-width-tag",
            f"'{match[0]}' là dấu ngoặc nhọn toàn độ rộng (của bộ gõ tiếng Trung, tiếng Nhật hay "
            "chữ chép từ đó), không phải '{' '}': thẻ không được đọc và được in ra nguyên như "
            "vậy. Hãy gõ lại dấu ngoặc của thẻ bằng bàn phím tiếng Anh (US)",
            Tag("expr", "", match[0], paragraph, match.start(), match.end()),
        )
    tags, last = [], 0
    for match in TAG.finditer(text):
        _strays(paragraph, text[last : match.start()], last, analysis)
        last = match.end()
        kind = match.lastgroup or "expr"
        raw = match[kind]
        # docxtpl's prefix sits right after the braces: "{%p if", not "{% p" nor "{{ p }}".
        found = _DOCXTPL_PREFIX.match(raw)
        prefix = found[1] if found else ""
        body = (raw[found.end() :] if found else raw).strip().strip("-").strip()
        tags.append(Tag(kind, prefix, body, paragraph, match.start(), match.end()))
    _strays(paragraph, text[last:], last, analysis)
    return tags


def _strays(paragraph: Passage, text: str, offset: int, analysis: Analysis) -> None:
    """Delimiters left outside any complete tag: a tag broken across paragraphs or cut."""
    for match in _STRAY.finditer(text):
        opening = match[0][0] == "{"
        closing = {"{{": "}}", "{%": "%}", "{#": "#}"}.get(match[0], match[0])
        reason = (
            f"thẻ mở '{match[0]}' không có '{closing}' trong cùng đoạn"
            if opening
            else f"thẻ đóng '{match[0]}' không có thẻ mở trong cùng đoạn"
        )
        analysis.add(
            "broken-tag" if opening else "stray-close",
            f"{reason}: thẻ bị cắt hoặc nằm trên hai đoạn. Hãy gõ lại cả thẻ trong một đoạn"
            + ("" if opening else " (nếu đó là chữ thường, nó được in ra như vậy)"),
            Tag("expr", "", match[0], paragraph, offset + match.start(), offset + match.end()),
        )


def _hidden_strays(part: CleanPart, analysis: Analysis) -> None:
    """Tag delimiters where Word shows no text (attribute values, text outside paragraphs):
    Jinja compiles them too, and an unclosed one would swallow the rest of the part (and
    make docxtpl's clean-up take time growing with the square of the part's size)."""
    text_tag = qn("w:t")
    for element in _BRACED(part.root):
        pieces = [(key, value) for key, value in element.attrib.items() if _braced(value)]
        text = element.text
        if (
            text
            and _braced(text)
            and (element.tag != text_tag or next(element.iterancestors(qn("w:p")), None) is None)
        ):
            pieces.append((None, text))
        for key, value in pieces:
            name = etree.QName(element).localname
            where = (
                f"thuộc tính {etree.QName(key).localname} của <{name}>" if key else f"mục {name}"
            )
            _tags(Passage(part.name, place_in(part.name, where), value, None, None), analysis)


#: The elements with braces in an attribute or a text (a superset of those to look at).
_BRACED = etree.XPath(
    '//*[@*[contains(., "{") or contains(., "}")] or text()[contains(., "{") or contains(., "}")]]'
)


def _braced(text: str) -> bool:
    """Whether ``text`` holds a brace, ASCII or full-width (:data:`_FULL_WIDTH`)."""
    return "{" in text or "}" in text or "\uff5b" in text or "\uff5d" in text


def analyse_parts(parts: Iterable[CleanPart], env: Environment) -> Analysis:
    """Check the tags of the cleaned ``parts`` against ``env``'s filters and tests."""
    analysis = Analysis()
    for part in parts:
        checker = Checker(env, analysis)
        for paragraph in _passages(part, analysis):
            for tag in _tags(paragraph, analysis):
                checker.tag(tag)
        checker.finish()
        _hidden_strays(part, analysis)
        if part.changes:
            analysis.findings.append(
                Finding(
                    f"mẫu còn {part.changes} thay đổi được theo dõi (Track Changes); khi điền, "
                    "các thay đổi được chấp nhận. Hãy chấp nhận chúng để mẫu hiện đúng như "
                    "báo cáo (Word: Review → Accept → Accept All Changes; LibreOffice Writer: "
                    "Edit → Track Changes → Accept All)",
                    code="tracked-changes",
                    part=part.name,
                    place=part_label(part.name) or None,
                )
            )
    return analysis
