"""The Jinja source of a cleaned template part, the lists it loops over, and Jinja's syntax
messages in Vietnamese.

:func:`jinja_source` turns a part cleaned by :func:`~bdt_docx.tags.cleaning.read_part` into
the Jinja source that is compiled: docxtpl's own ``patch_xml`` (less its passes that cannot
change the part: :mod:`~bdt_docx.tags.patching`), then the XML escapes inside tags
(``&amp;``, ``&lt;``…) written as the characters Jinja reads.
"""

from __future__ import annotations

import re

from jinja2 import nodes
from lxml import etree

from bdt_docx.namespaces import qn
from bdt_docx.tags.cleaning import CleanPart, owned
from bdt_docx.tags.patching import patch_xml

__all__ = [
    "GUARDS",
    "PARAGRAPH_FILTER",
    "jinja_message",
    "jinja_source",
    "list_columns",
    "tree_nodes",
    "whole_row_loops",
]

#: Filters and tests that make the variable they apply to optional.
GUARDS = frozenset({"default", "d", "defined", "undefined"})
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
        texts = [t for t in owned(p, qn("w:t")) if t.text]
        found = _WHOLE_VALUE.fullmatch(texts[0].text or "") if len(texts) == 1 else None
        if found:
            left, body, right = found.groups()
            texts[0].text = f"{{{{{left} ({body.strip()})|{PARAGRAPH_FILTER} {right}}}}}"
    xml = _DECLARATION + etree.tostring(part.root, encoding="unicode")
    source = _IN_TAG.sub(_unescape, patch_xml(xml))
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


def list_columns(tree: nodes.Template) -> dict[str, tuple[str, ...]]:
    """The variables a part loops over as lists of rows (``{%tr for r in ds %}``), each with
    the columns its rows are read by inside the loop (``r.ten``, ``r["so"]``), in the
    order the template first reads them.

    A template without a field description gets these as lists (``bdt-docx fields`` lists
    them, ``bdt-docx init`` makes their tables); one with a description is refused when it
    reads a column the description does not give. A loop over plain values has no columns;
    a column read only under ``|default`` or ``is defined``, or a method called on a row
    (``r.items()``), is not one.
    """
    found: dict[str, dict[str, None]] = {}
    for loop in tree_nodes(tree):
        if not isinstance(loop, nodes.For):
            continue
        if not (isinstance(loop.iter, nodes.Name) and isinstance(loop.target, nodes.Name)):
            continue
        columns = found.setdefault(loop.iter.name, {})
        inside = tree_nodes(loop)
        skipped = {
            id(n.node)
            for n in inside
            if isinstance(n, (nodes.Filter, nodes.Test)) and n.name in GUARDS
        }
        skipped |= {id(call.node) for call in inside if isinstance(call, nodes.Call)}
        for node in inside:
            if not isinstance(node, (nodes.Getattr, nodes.Getitem)) or id(node) in skipped:
                continue
            if isinstance(node.node, nodes.Name) and node.node.name == loop.target.name:
                key = node.attr if isinstance(node, nodes.Getattr) else None
                if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                    key = node.arg.value
                if isinstance(key, str):
                    columns[key] = None
    return {name: tuple(columns) for name, columns in found.items() if columns}


def whole_row_loops(tree: nodes.Template) -> set[str]:
    """The variables a part loops over printing each row whole (``{% for x in ds %}{{ x }}``):
    a list of plain values, such as a list of recipients, not of rows read by column."""
    found = set()
    for loop in tree_nodes(tree):
        if not (
            isinstance(loop, nodes.For)
            and isinstance(loop.iter, nodes.Name)
            and isinstance(loop.target, nodes.Name)
        ):
            continue
        target = loop.target.name
        if any(
            isinstance(node, nodes.Output)
            and any(isinstance(n, nodes.Name) and n.name == target for n in node.nodes)
            for node in tree_nodes(loop)
        ):
            found.add(loop.iter.name)
    return found


def tree_nodes(node: nodes.Node) -> list[nodes.Node]:
    """Every node under ``node``, in the order of :meth:`jinja2.nodes.Node.find_all`.

    Jinja's own walk hands each node up through one generator per level of the tree: a
    part's tree, some ten levels deep, takes it four times as long as this list.
    """
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        children: list[nodes.Node] = []
        for field in current.fields:
            value = getattr(current, field, None)
            if isinstance(value, list):
                children += [item for item in value if isinstance(item, nodes.Node)]
            elif isinstance(value, nodes.Node):
                children.append(value)
        stack += reversed(children)
    return found[1:]
