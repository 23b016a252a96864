"""The trees of the tags most templates are made of, built without Jinja's parser.

Checking a template reads each of its tags with Jinja's parser
(:class:`~bdt_docx.tags.checks.Checker`), a few hundred microseconds each. Most tags are
plain: a value of names, attributes and filters (``{{ r.ngay|ngay_ngan }}``,
``{{ so|phan_tram(tong) }}``), a condition on one, compared at most once
(``{%p if so > 0 %}``, ``{%p elif ten|be_rong(13, true) < 30 %}``), a loop over one, an
``{% else %}``. :func:`plain_tree` builds the tree Jinja's parser gives such a tag, the same
nodes with the same fields, and leaves every other tag to the parser.
"""

from __future__ import annotations

import re

from jinja2 import nodes

__all__ = ["plain_tree"]

_NAME = "[A-Za-z_][A-Za-z0-9_]*"
_INT = "0|[1-9][0-9]*"
_ARGUMENT = f"(?:{_INT}|{_NAME})"
_CHAIN = rf"{_NAME}(?:\.{_NAME})*(?:\|{_NAME}(?:\((?:{_ARGUMENT}(?:, {_ARGUMENT})*)?\))?)*"
_EXPRESSION = rf"{_CHAIN}(?: (?:<=|>=|==|!=|<|>) (?:{_INT}|{_CHAIN}))?"
_PLAIN = re.compile(
    r"\{\{ (?P<value>" + _EXPRESSION + r") \}\}"
    r"|\{% if (?P<test>" + _EXPRESSION + r") %\}\{% endif %\}"
    r"|\{% if true %\}\{% elif (?P<elif>" + _EXPRESSION + r") %\}\{% endif %\}"
    r"|(?P<else>\{% if true %\}\{% else %\}\{% endif %\})"
    r"|\{% for (?P<target>" + _NAME + ") in (?P<iter>" + _CHAIN + r") %\}\{% endfor %\}"
)
_COMPARISON = re.compile(" (<=|>=|==|!=|<|>) ")
_OPERATORS = {"<": "lt", ">": "gt", "<=": "lteq", ">=": "gteq", "==": "eq", "!=": "ne"}
_CONSTANTS = {"true": True, "false": False, "none": None, "True": True, "False": False,
              "None": None}  # fmt: skip
# Names Jinja's parser reads as constants or operators: a tag naming one goes to it.
_KEYWORDS = frozenset({*_CONSTANTS, "not", "and", "or", "in", "is", "if", "else", "recursive"})


class _NotPlain(Exception):
    """A name in the tag that Jinja's parser reads as a keyword."""


def plain_tree(source: str) -> nodes.Template | None:
    """The tree Jinja's parser reads ``source`` (a tag as the checker wraps it) into,
    built without it, where the tag is plain (see the module's documentation); None for
    any other."""
    found = _PLAIN.fullmatch(source)
    if found is None:
        return None
    try:
        if found["value"] is not None:
            return nodes.Template([nodes.Output([_expression(found["value"])])])
        if found["test"] is not None:
            return nodes.Template([nodes.If(_expression(found["test"]), [], [], [])])
        if found["else"] is not None:
            return nodes.Template([nodes.If(nodes.Const(True), [], [], [])])
        if found["elif"] is not None:
            other = nodes.If(_expression(found["elif"]), [], [], [])
            return nodes.Template([nodes.If(nodes.Const(True), [], [other], [])])
        target = nodes.Name(_name(found["target"]), "store")
        return nodes.Template([nodes.For(target, _chain(found["iter"]), [], [], None, False)])
    except _NotPlain:
        return None


def _expression(text: str) -> nodes.Expr:
    left, *compared = _COMPARISON.split(text)
    if not compared:
        return _chain(left)
    operator, right = compared
    return nodes.Compare(_chain(left), [nodes.Operand(_OPERATORS[operator], _operand(right))])


def _operand(text: str) -> nodes.Expr:
    if text[0].isdigit():
        return nodes.Const(int(text))
    if text in _CONSTANTS:
        return nodes.Const(_CONSTANTS[text])
    return _chain(text)


def _chain(text: str) -> nodes.Expr:
    value, *filters = text.split("|")
    first, *attributes = value.split(".")
    node: nodes.Expr = nodes.Name(_name(first), "load")
    for attribute in attributes:
        node = nodes.Getattr(node, _name(attribute), "load")
    for call in filters:
        name, _, arguments = call.partition("(")
        values = arguments.rstrip(")").split(", ") if arguments.rstrip(")") else []
        args = [_operand(value) for value in values]
        node = nodes.Filter(node, _name(name), args, [], None, None)
    return node


def _name(text: str) -> str:
    if text in _KEYWORDS:
        raise _NotPlain(text)
    return text
