"""Checking a part's tags in order: syntax, balanced blocks, docxtpl prefixes, names.

:class:`Checker` reports each tag that cannot work: a tag that is not valid Jinja, blocks
that do not balance (``{% if %}`` without ``{% endif %}``, an ``{% else %}`` outside any
block…), docxtpl's ``{%p %}``, ``{%tr %}`` and ``{%tc %}`` misused (not alone in their
paragraph, row or cell, outside a table, a block opened with one kind and closed with
another), unknown filters and tests, and attributes starting with ``_`` (a template may not
run code).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from jinja2 import Environment, TemplateSyntaxError, nodes

from bdt_docx.filters import FILTERS
from bdt_docx.tags.cleaning import SMART_QUOTES
from bdt_docx.tags.findings import Analysis, Tag
from bdt_docx.tags.plain import plain_tree
from bdt_docx.tags.source import GUARDS, jinja_message, tree_nodes

__all__ = ["MAX_NESTING", "Checker"]

# Limits on an (untrusted) template, far above what a real report needs, so that preparing
# any template takes bounded time; SECURITY.md states them.
#: Deepest nesting of blocks ({% if %}, {% for %}…) inside one another: Jinja compiles a
#: template to Python, whose compiler stops at 100 levels of indentation and 20 nested loops.
MAX_NESTING = 12
# Quotation marks docxtpl does not straighten (it handles ‘ ’ “ ” itself).
_ODD_QUOTES = re.compile("[\u201a\u201b\u201e\u201f\u00ab\u00bb\u2039\u203a\u2032\u2033\uff02`]")
_DOCXTPL_ONLY = frozenset({"vm", "hm", "colspan", "cellbg"})
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"})
_MIDDLE = {"elif": {"if"}, "else": {"if", "for"}}
_UNSUPPORTED = frozenset({"include", "import", "from", "extends"})


class Checker:
    """Checks the tags of one part in order: syntax, blocks, docxtpl prefixes, names."""

    def __init__(self, env: Environment, analysis: Analysis) -> None:
        self.env = env
        self.analysis = analysis
        self.stack: list[Tag] = []
        #: Each tag's source already parsed, with the nodes its names are checked by
        #: (:func:`_named`) or what is wrong in it (a template repeats its tags: the same
        #: name in many paragraphs).
        self.parsed: dict[str, _Named | str] = {}

    def tag(self, tag: Tag) -> None:
        """Check the next tag of the part."""
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
        named = self._parse(tag)
        if named is not None:
            self._names(named, tag)
        if tag.kind == "stmt":
            self._block(tag)

    def _parse(self, tag: Tag) -> _Named | None:
        body = tag.body.translate(SMART_QUOTES)
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
        parsed = self.parsed.get(source)
        if parsed is None:
            try:
                tree = plain_tree(source) or self.env.parse(source)
                parsed = self.parsed[source] = _named(tree)
            except TemplateSyntaxError as exc:
                parsed = self.parsed[source] = jinja_message(exc.message or "")
        if isinstance(parsed, str):
            self.analysis.add("syntax", f"thẻ {tag.show()} sai cú pháp: {parsed}", tag)
            return None
        return parsed

    def _names(self, named: _Named, tag: Tag) -> None:
        for node in named.filters:
            if node.name in GUARDS and isinstance(node.node, nodes.Name):
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
        for node in named.attributes:
            self._attribute(node.attr, tag)
            self.analysis.columns.setdefault(node.attr, tag)
        for node in named.items:
            self._attribute(_constant(node.arg), tag)
            if isinstance(_constant(node.arg), str):
                self.analysis.columns.setdefault(_constant(node.arg), tag)
        for node in named.names:
            if node.ctx == "load":
                self.analysis.uses.setdefault(node.name, tag)
                self._attribute(node.name, tag)

    def _attribute(self, name: object, tag: Tag) -> None:
        if isinstance(name, str) and name.startswith("_"):
            self.analysis.add(
                "unsafe",
                f"thẻ dùng tên nội bộ '{name}': mẫu chỉ được in số liệu, không được chạy mã",
                tag,
            )

    def _prefix_place(self, tag: Tag) -> None:
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

    def _block(self, tag: Tag) -> None:
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

    def _close(self, tag: Tag, name: str) -> None:
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

    def _unclosed(self, tag: Tag, before: Tag | None = None) -> None:
        where = f" trước thẻ {before.show()} ({before.paragraph.place})" if before else ""
        self.analysis.add(
            "unbalanced",
            f"thẻ {tag.show()} không được đóng{where}: thiếu {{% end{tag.keyword} %}}",
            tag,
        )

    def _same_kind(self, opener: Tag, other: Tag) -> None:
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
        """At the end of the part: every block still open is unclosed."""
        while self.stack:
            self._unclosed(self.stack.pop(0))


class _Named(NamedTuple):
    """The nodes of a tag's tree that name something, each kind in the tree's order."""

    filters: list[nodes.Filter | nodes.Test]
    attributes: list[nodes.Getattr]
    items: list[nodes.Getitem]
    names: list[nodes.Name]


def _named(tree: nodes.Template) -> _Named:
    """The filters and tests, attribute reads, item reads and names of ``tree``, read in
    one walk."""
    named = _Named([], [], [], [])
    for node in tree_nodes(tree):
        if isinstance(node, (nodes.Filter, nodes.Test)):
            named.filters.append(node)
        elif isinstance(node, nodes.Getattr):
            named.attributes.append(node)
        elif isinstance(node, nodes.Getitem):
            named.items.append(node)
        elif isinstance(node, nodes.Name):
            named.names.append(node)
    return named


def _constant(node: nodes.Node) -> object:
    return node.value if isinstance(node, nodes.Const) else None
