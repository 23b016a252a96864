"""The tags of a template, read as Word and LibreOffice save them (used by fill and lint).

A template part goes through three steps, the same for ``fill`` and for ``lint``:

1. :func:`read_part` parses it and cleans what Word and LibreOffice put around and inside
   tags: tracked changes are accepted, proofing marks dropped, and every complete tag is
   gathered into one run (bookmarks, comment marks and field characters inside it go), with
   its curly quotes straightened; so a tag split by Word's runs, revision ids or spelling
   marks is the tag its author typed.
2. :func:`analyse_parts` walks the cleaned parts paragraph by paragraph and reports each tag
   that cannot work:

   - a tag broken by Word or by hand: ``{{`` without ``}}``, braces in different paragraphs,
     quotation marks Jinja does not read;
   - a tag that is not valid Jinja, and blocks that do not balance (``{% if %}`` without
     ``{% endif %}``, an ``{% else %}`` outside any block…);
   - docxtpl's ``{%p %}``, ``{%tr %}`` and ``{%tc %}`` misused: not alone in their
     paragraph, row or cell (the rest would be lost), outside a table, or a block opened
     with one kind and closed with another;
   - unknown filters and tests, attributes starting with ``_`` (a template may not run code).

   Each :class:`Finding` says where (``đoạn 12``, ``bảng 1, hàng 2, ô 1``, ``đầu trang``)
   and quotes the paragraph, in Vietnamese. A :attr:`Finding.blocking` finding makes
   :func:`~bdt_docx.template.prepare_template` refuse the template (``lint`` says the same).
3. :func:`jinja_source` turns the cleaned part into the Jinja source that is compiled:
   docxtpl's own ``patch_xml``, then the XML escapes inside tags (``&amp;``, ``&lt;``…)
   written as the characters Jinja reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, nodes
from lxml import etree

from bdt_docx.errors import Problem
from bdt_docx.filters import FILTERS
from bdt_docx.namespaces import NS, qn
from bdt_docx.package import PackageError, parse_xml

__all__ = [
    "Analysis",
    "CleanPart",
    "Finding",
    "analyse_parts",
    "jinja_message",
    "jinja_source",
    "read_part",
]

#: Findings that make a template unusable: prepare_template refuses it.
BLOCKING = frozenset(
    {
        "broken-tag",
        "syntax",
        "unbalanced",
        "mixed-block",
        "p-misuse",
        "tr-misuse",
        "tc-misuse",
        "quote",
        "unknown-filter",
        "unknown-test",
        "unsafe",
        "unsupported",
        "unknown-variable",
        "refused",
        "too-deep",
        "too-large",
    }
)
#: Findings that are information, not faults: the template fills as it is.
NOTES = frozenset({"tracked-changes", "assumed"})
_TAG = re.compile(r"\{\{(?P<expr>.*?)\}\}|\{%(?P<stmt>.*?)%\}|\{#(?P<comment>.*?)#\}", re.S)
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# "{ {ten} }": looks like a tag whose braces a space split; Jinja prints it as it is.
_SPACED = re.compile(r"\{\s+[{%]\s*[\w.]+\s*[}%]\s+\}")
# Quotation marks docxtpl does not straighten (it handles ‘ ’ “ ” itself).
_ODD_QUOTES = re.compile("[\u201a\u201b\u201e\u201f\u00ab\u00bb\u2039\u203a\u2032\u2033\uff02`]")
_SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_DOCXTPL_PREFIX = re.compile(r"^-?(p|tr|tc|r)\s")
_DOCXTPL_ONLY = frozenset({"vm", "hm", "colspan", "cellbg"})
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"})
_MIDDLE = {"elif": {"if"}, "else": {"if", "for"}}
#: Filters and tests that make the variable they apply to optional.
_GUARDS = frozenset({"default", "d", "defined", "undefined"})
_UNSUPPORTED = frozenset({"include", "import", "from", "extends"})
_PART_LABELS = (
    ("header", "đầu trang"),
    ("footer", "chân trang"),
    ("footnotes", "chú thích cuối trang"),
    ("endnotes", "chú thích cuối văn bản"),
    ("core", "thuộc tính tài liệu"),
)
_QUOTE_LENGTH = 120
# Limits on an (untrusted) template, far above what a real report needs (the largest of the
# real Word reports among tests/needs' shared files has a 450-row table), so that preparing
# any template takes bounded time; SECURITY.md states them.
#: Deepest nesting of blocks ({% if %}, {% for %}…) inside one another: Jinja compiles a
#: template to Python, whose compiler stops at 100 levels of indentation and 20 nested loops.
MAX_NESTING = 12
#: Most rows in one table of a template (its rows of data come from the workbook).
MAX_TABLE_ROWS = 5_000
#: Most cells in one row of a table: Word's own limit.
MAX_TABLE_COLUMNS = 63


@dataclass(frozen=True)
class Finding(Problem):
    """One thing wrong with a template's tags, where it is and the text around it.

    ``code`` names the kind (``broken-tag``, ``syntax``, ``unbalanced``, ``p-misuse``,
    ``unknown-filter``, ``unknown-variable``…); ``part`` is the package part
    (``word/document.xml``), ``place`` the paragraph as a person finds it (``đoạn 12``,
    ``bảng 1, hàng 2, ô 1``, ``đầu trang (header1.xml), đoạn 1``), ``text`` the paragraph's
    text around the tag; ``field`` is the variable concerned, if any.
    """

    code: str = "template"
    part: str | None = None
    place: str | None = None
    text: str | None = None

    @property
    def blocking(self) -> bool:
        """True when the template cannot be used until this is fixed."""
        return self.code in BLOCKING

    @property
    def note(self) -> bool:
        """True for information about the template (what was assumed or accepted)."""
        return self.code in NOTES

    def shown(self, hints: Mapping[str, str] | None = None) -> str:
        """The finding as a line: the place, the message, the text around the tag."""
        head = f"{self.place}: " if self.place else ""
        quote = f" — «{self.text}»" if self.text else ""
        return f"{head}{self.says(hints)}{quote}"


@dataclass(frozen=True)
class _Paragraph:
    """A paragraph of a part: where it is, its text, and the row and cell around it."""

    part: str
    place: str
    text: str
    row_text: str | None
    cell_text: str | None

    def quote(self, start: int = 0, end: int | None = None) -> str:
        """The text around ``start:end``, cut to a readable length."""
        end = len(self.text) if end is None else end
        if len(self.text) <= _QUOTE_LENGTH:
            return self.text
        margin = max(0, (_QUOTE_LENGTH - (end - start)) // 2)
        left, right = max(0, start - margin), min(len(self.text), end + margin)
        head = "…" if left else ""
        tail = "…" if right < len(self.text) else ""
        return head + self.text[left:right] + tail


@dataclass(frozen=True)
class _Tag:
    """One Jinja tag: its kind, docxtpl prefix, body (prefix and ``-`` removed) and where."""

    kind: str  # "expr", "stmt" or "comment"
    prefix: str  # "", "p", "tr", "tc" or "r"
    body: str
    paragraph: _Paragraph
    start: int
    end: int

    @property
    def keyword(self) -> str:
        return self.body.split(None, 1)[0] if self.body.split() else ""

    def show(self) -> str:
        """The tag as written (prefix kept), for messages."""
        prefix = f"{self.prefix} " if self.prefix else " "
        if self.kind == "expr":
            return f"{{{{{prefix}{self.body} }}}}"
        return f"{{%{prefix}{self.body} %}}"


@dataclass
class Analysis:
    """The findings about a template's parts, and where each variable is first used."""

    findings: list[Finding] = field(default_factory=list)
    uses: dict[str, _Tag] = field(default_factory=dict)
    #: Variables the template guards with ``|default(…)`` or ``is defined``: not required.
    optional: set[str] = field(default_factory=set)

    @property
    def blocking(self) -> list[Finding]:
        """The findings that make the template unusable."""
        return [f for f in self.findings if f.blocking]

    def add(self, code: str, message: str, tag: _Tag) -> None:
        """Record a finding at ``tag``, quoting the text around it."""
        self.findings.append(_finding(code, message, tag))

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` about variables, each placed at the variable's first use."""
        return [
            _finding("unknown-variable", p.message, self.uses[p.field], file=p.file, field=p.field)
            if p.field in self.uses
            else p
            for p in problems
        ]


def _finding(code: str, message: str, tag: _Tag, **extra: str | None) -> Finding:
    paragraph = tag.paragraph
    text = paragraph.quote(tag.start, tag.end)
    return Finding(
        message, code=code, part=paragraph.part, place=paragraph.place, text=text, **extra
    )


# -- walking the parts --------------------------------------------------------------------


def _part_label(part: str) -> str:
    name = part.rsplit("/", 1)[-1]
    for key, label in _PART_LABELS:
        if name.startswith(key):
            return f"{label} ({name})"
    return "" if part == "word/document.xml" else name


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _owned(p: etree._Element, *tags: str) -> list[etree._Element]:
    """The descendants of paragraph ``p`` with these tags that are not in a nested paragraph
    (a text box's)."""
    return [e for e in p.iter(*tags) if next(e.iterancestors(qn("w:p")), None) is p]


def _own_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in _owned(p, qn("w:t")))


class _Grid:
    """The tables, rows and cells of a part, numbered in one pass in document order.

    :attr:`number` gives a table's number in the part, a row's in its table and a cell's in
    its row; :attr:`size` a table's count of rows and a row's count of cells. Rows and cells
    may sit inside content controls (``w:sdt``), hence the walks to the nearest ancestor.
    """

    def __init__(self, root: etree._Element) -> None:
        self.number: dict[etree._Element, int] = {}
        self.size: dict[etree._Element, int] = {}
        tables = 0
        for element in root.iter(qn("w:tbl"), qn("w:tr"), qn("w:tc")):
            if element.tag == qn("w:tbl"):
                tables += 1
                self.number[element] = tables
                continue
            owner = next(element.iterancestors(_OWNER[element.tag]), None)
            if owner is not None:
                self.size[owner] = self.number[element] = self.size.get(owner, 0) + 1

    def place(self, cell: etree._Element) -> tuple[str, etree._Element | None]:
        """``bảng 1, hàng 2, ô 1`` for ``cell``, and the row it is in."""
        row = next(cell.iterancestors(qn("w:tr")), None)
        table = next(row.iterancestors(qn("w:tbl")), None) if row is not None else None
        where = [
            f"{label} {self.number.get(element, 0)}"
            for label, element in (("bảng", table), ("hàng", row), ("ô", cell))
            if element is not None
        ]
        return ", ".join(where), row

    def check_sizes(self, part: str, analysis: Analysis) -> None:
        """Tables past :data:`MAX_TABLE_ROWS` rows or :data:`MAX_TABLE_COLUMNS` cells in a
        row are refused."""
        for element, size in self.size.items():
            is_table = element.tag == qn("w:tbl")
            limit = MAX_TABLE_ROWS if is_table else MAX_TABLE_COLUMNS
            if size <= limit:
                continue
            table = element if is_table else next(element.iterancestors(qn("w:tbl")))
            where = f"bảng {self.number[table]}"
            if not is_table:
                where += f", hàng {self.number.get(element, 0)}"
            reason = (
                f"bảng có {size} hàng, quá giới hạn {limit} hàng của một mẫu: mẫu chỉ cần hàng "
                "tiêu đề và hàng {%tr for %}, các dòng do sổ Excel điền"
                if is_table
                else f"hàng có {size} ô, quá giới hạn {limit} ô (Word cũng không tạo được bảng "
                "rộng hơn)"
            )
            paragraph = _Paragraph(part, _join(_part_label(part), where), "", None, None)
            analysis.add("too-large", reason, _Tag("expr", "", "", paragraph, 0, 0))


_OWNER = {qn("w:tr"): qn("w:tbl"), qn("w:tc"): qn("w:tr")}


def _paragraphs(part: str, root: etree._Element, grid: _Grid) -> Iterator[_Paragraph]:
    """The paragraphs of a part in document order, tables and their cells included.

    A part without paragraphs (document properties) gives one paragraph per element text.
    Each row's and cell's text is read once: linear in the part's size.
    """
    label = _part_label(part)
    if root.find(".//w:p", NS) is None:
        for element in root.iter():
            if isinstance(element.tag, str) and element.text and element.text.strip():
                name = etree.QName(element).localname
                yield _Paragraph(part, _join(label, f"mục {name}"), element.text, None, None)
        return
    texts: dict[etree._Element, str] = {}  # rows' and cells' text, read once each
    totals: dict[etree._Element, int] = {}  # per cell: its paragraphs
    seen: dict[etree._Element, int] = {}  # per cell: its paragraphs met so far
    body_count = 0
    for p in root.iter(qn("w:p")):
        cells = list(p.iterancestors(qn("w:tc")))
        if not cells:
            body_count += 1
            yield _Paragraph(part, _join(label, f"đoạn {body_count}"), _own_text(p), None, None)
            continue
        for cell in cells:
            seen[cell] = seen.get(cell, 0) + 1
        cell = cells[0]
        where, row = grid.place(cell)
        if cell not in texts:
            texts[cell] = _text(cell)
            totals[cell] = sum(1 for _ in cell.iter(qn("w:p")))
        if totals[cell] > 1:
            where += f", đoạn {seen[cell]}"
        if row is not None and row not in texts:
            texts[row] = _text(row)
        row_text = texts[row] if row is not None else None
        yield _Paragraph(part, _join(label, where), _own_text(p), row_text, texts[cell])


def _join(label: str, where: str) -> str:
    return f"{label}, {where}" if label else where


def _tags(paragraph: _Paragraph, analysis: Analysis) -> list[_Tag]:
    """The tags of one paragraph; broken ones become findings."""
    text = paragraph.text
    for match in _SPACED.finditer(text):
        analysis.add(
            "spaced-tag",
            f"'{match[0]}' trông như thẻ có dấu ngoặc bị tách bởi khoảng trắng, nên được in "
            "ra nguyên như vậy; nếu là thẻ, hãy viết liền '{{', '{%', '}}', '%}'",
            _Tag("expr", "", match[0], paragraph, match.start(), match.end()),
        )
    tags, last = [], 0
    for match in _TAG.finditer(text):
        _strays(paragraph, text[last : match.start()], last, analysis)
        last = match.end()
        kind = match.lastgroup or "expr"
        raw = match[kind]
        # docxtpl's prefix sits right after the braces: "{%p if", not "{% p" nor "{{ p }}".
        found = _DOCXTPL_PREFIX.match(raw)
        prefix = found[1] if found else ""
        body = (raw[found.end() :] if found else raw).strip().strip("-").strip()
        tags.append(_Tag(kind, prefix, body, paragraph, match.start(), match.end()))
    _strays(paragraph, text[last:], last, analysis)
    return tags


def _strays(paragraph: _Paragraph, text: str, offset: int, analysis: Analysis) -> None:
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
            _Tag("expr", "", match[0], paragraph, offset + match.start(), offset + match.end()),
        )


# -- checking tags ------------------------------------------------------------------------


class _Checker:
    """Checks the tags of one part in order: syntax, blocks, docxtpl prefixes, names."""

    def __init__(self, env: Environment, analysis: Analysis) -> None:
        self.env = env
        self.analysis = analysis
        self.stack: list[_Tag] = []

    def tag(self, tag: _Tag) -> None:
        if tag.kind == "comment":
            return
        if _ODD_QUOTES.search(tag.body):
            self.analysis.add(
                "quote",
                "thẻ có dấu ngoặc kép/đơn kiểu trang trí mà Jinja không đọc được; hãy dùng "
                "dấu \" hoặc ' thường (tắt AutoFormat 'Straight quotes with smart quotes')",
                tag,
            )
            return
        self._prefix_place(tag)
        tree = self._parse(tag)
        if tree is not None:
            self._names(tree, tag)
        if tag.kind == "stmt":
            self._block(tag)

    def _parse(self, tag: _Tag) -> nodes.Template | None:
        body = tag.body.translate(_SMART_QUOTES)
        keyword = tag.keyword
        if tag.kind == "expr":
            source = f"{{{{ {body} }}}}"
        elif keyword in _UNSUPPORTED:
            self.analysis.add(
                "unsupported",
                f"thẻ '{keyword}' không được hỗ trợ: mẫu phải tự chứa mọi nội dung",
                tag,
            )
            return None
        elif keyword in _DOCXTPL_ONLY or keyword.startswith("end") or keyword == "raw":
            return None
        elif keyword in _BLOCKS or (keyword == "set" and "=" not in body):
            source = f"{{% {body} %}}{{% end{keyword} %}}"
        elif keyword in _MIDDLE:
            source = f"{{% if true %}}{{% {body} %}}{{% endif %}}"
        else:
            source = f"{{% {body} %}}"
        try:
            return self.env.parse(source)
        except TemplateSyntaxError as exc:
            reason = jinja_message(exc.message or "")
            self.analysis.add("syntax", f"thẻ {tag.show()} sai cú pháp: {reason}", tag)
            return None

    def _names(self, tree: nodes.Template, tag: _Tag) -> None:
        for node in tree.find_all((nodes.Filter, nodes.Test)):
            if node.name in _GUARDS and isinstance(node.node, nodes.Name):
                self.analysis.optional.add(node.node.name)
            known = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in known:
                is_filter = isinstance(node, nodes.Filter)
                self.analysis.add(
                    "unknown-filter" if is_filter else "unknown-test",
                    f"{'bộ lọc' if is_filter else 'phép thử'} '{node.name}' không có"
                    + (f" (các bộ lọc của bdt-docx: {', '.join(FILTERS)})" if is_filter else ""),
                    tag,
                )
            if isinstance(node, nodes.Filter) and node.name == "attr":
                self._attribute(_constant(node.args[0]) if node.args else None, tag)
        for node in tree.find_all(nodes.Getattr):
            self._attribute(node.attr, tag)
        for node in tree.find_all(nodes.Getitem):
            self._attribute(_constant(node.arg), tag)
        for node in tree.find_all(nodes.Name):
            if node.ctx == "load":
                self.analysis.uses.setdefault(node.name, tag)
                self._attribute(node.name, tag)

    def _attribute(self, name: object, tag: _Tag) -> None:
        if isinstance(name, str) and name.startswith("_"):
            self.analysis.add(
                "unsafe",
                f"thẻ dùng tên nội bộ '{name}': mẫu chỉ được in số liệu, không được chạy mã",
                tag,
            )

    def _prefix_place(self, tag: _Tag) -> None:
        """``{%p %}`` alone in its paragraph, ``{%tr %}`` in its row, ``{%tc %}`` in its cell."""
        p = tag.paragraph
        if tag.prefix == "p" and p.text.strip() != p.text[tag.start : tag.end].strip():
            self.analysis.add(
                "p-misuse",
                f"thẻ {tag.show()} phải nằm một mình trong đoạn: docxtpl thay cả đoạn bằng "
                "thẻ, chữ khác trong đoạn sẽ mất. Hãy tách thẻ ra một đoạn riêng",
                tag,
            )
        for prefix, container, code, label in (
            ("tr", p.row_text, "tr-misuse", "hàng của bảng"),
            ("tc", p.cell_text, "tc-misuse", "ô của bảng"),
        ):
            if tag.prefix != prefix:
                continue
            if container is None:
                self.analysis.add(code, f"thẻ {tag.show()} chỉ dùng được trong một {label}", tag)
            elif container.strip() != p.text[tag.start : tag.end].strip():
                self.analysis.add(
                    code,
                    f"thẻ {tag.show()} phải nằm một mình trong {label}: docxtpl thay cả "
                    f"{label} bằng thẻ, chữ khác trong đó sẽ mất",
                    tag,
                )

    def _block(self, tag: _Tag) -> None:
        keyword = tag.keyword
        if keyword in _BLOCKS or (keyword == "set" and "=" not in tag.body):
            self.stack.append(tag)
            if len(self.stack) == MAX_NESTING + 1:
                self.analysis.add(
                    "too-deep",
                    f"thẻ {tag.show()} mở khối thứ {MAX_NESTING + 1} lồng trong nhau, quá giới "
                    f"hạn {MAX_NESTING} tầng của một mẫu: báo cáo thật không cần nhiều tầng "
                    "{% if %}/{% for %} lồng nhau như vậy, và trình dịch mẫu có giới hạn số tầng",
                    tag,
                )
        elif keyword in _MIDDLE:
            top = self.stack[-1] if self.stack else None
            if top is None or top.keyword not in _MIDDLE[keyword]:
                self.analysis.add(
                    "unbalanced",
                    f"thẻ {tag.show()} nằm ngoài khối "
                    f"{' hoặc '.join(f'{{% {k} %}}' for k in sorted(_MIDDLE[keyword]))}",
                    tag,
                )
            else:
                self._same_kind(top, tag)
        elif keyword.startswith("end") and keyword[3:] in _BLOCKS | {"set"}:
            self._close(tag, keyword[3:])

    def _close(self, tag: _Tag, name: str) -> None:
        if not any(open_tag.keyword == name for open_tag in self.stack):
            self.analysis.add(
                "unbalanced", f"thẻ {tag.show()} không có thẻ {{% {name} %}} mở trước nó", tag
            )
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag.keyword == name:
                self._same_kind(open_tag, tag)
                return
            self._unclosed(open_tag, before=tag)

    def _unclosed(self, tag: _Tag, before: _Tag | None = None) -> None:
        where = f" trước thẻ {before.show()} ({before.paragraph.place})" if before else ""
        self.analysis.add(
            "unbalanced",
            f"thẻ {tag.show()} không được đóng{where}: thiếu {{% end{tag.keyword} %}}",
            tag,
        )

    def _same_kind(self, opener: _Tag, other: _Tag) -> None:
        """A block's tags must all be docxtpl paragraph/row/cell tags, or all inline."""
        inline = ("", "r")
        if (opener.prefix in inline) != (other.prefix in inline) or (
            opener.prefix not in inline and opener.prefix != other.prefix
        ):
            self.analysis.add(
                "mixed-block",
                f"thẻ {other.show()} và thẻ mở {opener.show()} ({opener.paragraph.place}) "
                "phải cùng loại: cùng là {%p …%}, cùng là {%tr …%}, hoặc cùng là {% …%}",
                other,
            )
        elif opener.prefix in inline and opener.paragraph is not other.paragraph:
            self.analysis.add(
                "block-spans-paragraphs",
                f"khối {opener.show()} ({opener.paragraph.place}) kết thúc ở đoạn khác; khi "
                "điền, các đoạn giữa hai thẻ sẽ bị nhập làm một. Hãy dùng {%p …%} trong các "
                "đoạn riêng",
                other,
            )

    def finish(self) -> None:
        while self.stack:
            self._unclosed(self.stack.pop(0))


def _constant(node: nodes.Node) -> object:
    return node.value if isinstance(node, nodes.Const) else None


# -- reading a part as Word and LibreOffice save it ---------------------------------------

# Deleted text goes, inserted text stays: tracked changes are accepted.
_DELETIONS = (qn("w:del"), qn("w:moveFrom"))
_INSERTIONS = (qn("w:ins"), qn("w:moveTo"))
_CHANGE_RECORDS = tuple(
    qn(f"w:{name}")
    for name in (
        "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "tcPrChange",
        "trPrChange", "tblGridChange", "numberingChange", "moveFromRangeStart",
        "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    )
)  # fmt: skip
_MARKS = (qn("w:proofErr"),)
# What may sit inside a tag besides its text: marks, and run content that is not text
# (field characters, tabs, breaks). A tag keeps none of them, as with docxtpl.
_INNER_MARKS = tuple(
    qn(f"w:{name}")
    for name in (
        "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart",
        "permEnd", "lastRenderedPageBreak", "fldChar", "instrText", "tab", "br", "cr", "sym",
        "noBreakHyphen", "softHyphen", "ptab",
    )
)  # fmt: skip
_PRESERVE = qn("xml:space")


@dataclass(frozen=True)
class CleanPart:
    """A rendered part, parsed and cleaned, and how many tracked changes it had."""

    name: str
    root: etree._Element
    changes: int


def read_part(name: str, data: bytes) -> CleanPart:
    """Parse part ``name`` (NFC throughout) and clean it as the module docstring says.

    Raises :class:`PackageError` for a part that is not UTF-8 or not well-formed XML.
    """
    try:
        xml = unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PackageError(f"phần {name} không phải UTF-8", name) from exc
    root = parse_xml(xml.encode("utf-8"), name)
    changes = _accept_changes(root)
    for mark in list(root.iter(*_MARKS)):
        _drop(mark)
    for p in list(root.iter(qn("w:p"))):
        _gather_tags(p)
    return CleanPart(name, root, changes)


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    for child in list(element):
        element.addprevious(child)
    _drop(element)


def _accept_changes(root: etree._Element) -> int:
    """Accept every tracked change in ``root``; the number of changes."""
    count = 0
    for element in list(root.iter(*_DELETIONS, *_INSERTIONS, *_CHANGE_RECORDS)):
        count += 1
        parent = element.getparent()
        holder = etree.QName(parent).localname if parent is not None else ""
        if holder == "trPr" and element.tag in _DELETIONS:
            _drop(parent.getparent())  # a deleted table row
        elif element.tag in _INSERTIONS and holder not in ("rPr", "trPr"):
            _unwrap(element)
        else:  # deleted content, or a mark on a paragraph mark, a row or a change record
            _drop(element)
    return count


def _gather_tags(p: etree._Element) -> None:
    """Put each complete tag of paragraph ``p`` in one run, with straight quotes.

    The text of a tag that Word spread over several runs moves into the run where the tag
    starts; what else is inside it (bookmarks, comment ranges, field characters, tabs)
    goes. Tags across paragraphs are left as they are, for the analysis to report.
    """
    texts = _owned(p, qn("w:t"))
    joined = "".join(t.text or "" for t in texts)
    spans = [m.span() for m in _TAG.finditer(joined)] if "{" in joined else []
    if not spans:
        return
    owner = [k for k, t in enumerate(texts) for _ in (t.text or "")]
    chars = list(joined)
    for start, end in spans:
        owner[start:end] = [owner[start]] * (end - start)
        chars[start:end] = joined[start:end].translate(_SMART_QUOTES)
    _drop_inner_marks(p, spans)
    new = [""] * len(texts)
    for k, char in zip(owner, chars, strict=True):
        new[k] += char
    for t, text in zip(texts, new, strict=True):
        if text == (t.text or ""):
            continue
        if text:
            t.text = text
            t.set(_PRESERVE, "preserve")
        else:
            _drop(t)


def _drop_inner_marks(p: etree._Element, spans: list[tuple[int, int]]) -> None:
    """Remove the marks and the run content other than text that sit strictly inside a tag
    of ``p``."""
    offset, inside, index = 0, [], 0  # spans are in order: one pass over both
    for element in p.iter():
        if next(element.iterancestors(qn("w:p")), None) is not p:
            continue
        if element.tag == qn("w:t"):
            offset += len(element.text or "")
        elif element.tag in _INNER_MARKS:
            while index < len(spans) and spans[index][1] <= offset:
                index += 1
            if index < len(spans) and spans[index][0] < offset:
                inside.append(element)
    for element in inside:
        _drop(element)


_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_IN_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_XML_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


#: The filter a paragraph's only tag goes through: its value's lines become paragraphs.
PARAGRAPH_FILTER = "bdt_docx_paragraphs"
_WHOLE_VALUE = re.compile(r"\s*\{\{(-?)(?![prc]\s|tr\s)((?:(?!\}\}|\{\{|\{%).)*?)(-?)\}\}\s*", re.S)


def jinja_source(part: CleanPart) -> str:
    """The Jinja source of a cleaned part: each paragraph on a line of its own.

    A paragraph whose only text is one ``{{ value }}`` prints it through
    :data:`PARAGRAPH_FILTER`, so that a value of several lines becomes one paragraph per line
    with this paragraph's formatting (indent, justification, spacing), not lines stretched
    by line breaks.
    """
    for p in part.root.iter(qn("w:p")):
        texts = [t for t in _owned(p, qn("w:t")) if t.text]
        found = _WHOLE_VALUE.fullmatch(texts[0].text or "") if len(texts) == 1 else None
        if found:
            left, body, right = found.groups()
            texts[0].text = f"{{{{{left} ({body.strip()})|{PARAGRAPH_FILTER} {right}}}}}"
    xml = _DECLARATION + etree.tostring(part.root, encoding="unicode")
    source = _IN_TAG.sub(_unescape, DocxTemplate.patch_xml(None, xml))
    return _PARAGRAPH_START.sub(r"\n<w:p\1", source)


def _unescape(match: re.Match[str]) -> str:
    text = match[0]
    for escaped, char in _XML_ESCAPES:
        text = text.replace(escaped, char)
    return text


#: Jinja's syntax messages, in Vietnamese (pattern → message; groups fill the message).
_JINJA_MESSAGES = (
    (r"unexpected char (.+?) at \d+", "ký tự {0} không dùng được trong thẻ"),
    (r"expected token (.+?), got (.+)", "thiếu {0} (gặp {1})"),
    (r"unexpected end of template.*", "thẻ hay khối chưa kết thúc"),
    (r"Encountered unknown tag (\S+).*", "lệnh {0} không có"),
    (r"unexpected (.+)", "{0} không đúng chỗ"),
    (r"expected an expression.*", "thiếu biểu thức"),
    (r"tag name expected", "thiếu tên lệnh sau '{{%'"),  # (braces doubled for format)
    (r"expected name or number", "thiếu tên hoặc số"),
)
_TOKEN_NAMES = {
    "'end of print statement'": "'}}'",
    "'end of statement block'": "'%}'",
    "'end of template'": "hết thẻ",
    "'name'": "một tên",
}


def jinja_message(message: str) -> str:
    """A Jinja syntax error message told in Vietnamese (never Jinja's English words)."""
    for pattern, text in _JINJA_MESSAGES:
        found = re.fullmatch(pattern, message.strip().rstrip("."), re.S)
        if found:
            return text.format(*(_TOKEN_NAMES.get(g, g) for g in found.groups()))
    return "cú pháp không đúng"


# -- entry points -------------------------------------------------------------------------


def _hidden_strays(part: CleanPart, analysis: Analysis) -> None:
    """Tag delimiters where Word shows no text (attribute values, text outside paragraphs):
    Jinja compiles them too, and an unclosed one would swallow the rest of the part (and
    make docxtpl's clean-up take time growing with the square of the part's size)."""
    label = _part_label(part.name)
    for element in part.root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        pieces = [(f"thuộc tính {etree.QName(key).localname} của <{name}>", value)
                  for key, value in element.attrib.items()]  # fmt: skip
        if element.text and (
            element.tag != qn("w:t") or next(element.iterancestors(qn("w:p")), None) is None
        ):
            pieces.append((f"mục {name}", element.text))
        for where, text in pieces:
            if "{" in text or "}" in text:
                _tags(_Paragraph(part.name, _join(label, where), text, None, None), analysis)


def analyse_parts(parts: Iterable[CleanPart], env: Environment) -> Analysis:
    """Check the tags of the cleaned ``parts`` against ``env``'s filters and tests."""
    analysis = Analysis()
    for part in parts:
        grid = _Grid(part.root)
        grid.check_sizes(part.name, analysis)
        checker = _Checker(env, analysis)
        for paragraph in _paragraphs(part.name, part.root, grid):
            for tag in _tags(paragraph, analysis):
                checker.tag(tag)
        checker.finish()
        _hidden_strays(part, analysis)
        if part.changes:
            analysis.findings.append(
                Finding(
                    f"mẫu còn {part.changes} thay đổi được theo dõi (Track Changes); khi điền, "
                    "các thay đổi được chấp nhận. Hãy chấp nhận chúng trong Word để mẫu "
                    "hiện đúng như báo cáo",
                    code="tracked-changes",
                    part=part.name,
                    place=_part_label(part.name) or None,
                )
            )
    return analysis
