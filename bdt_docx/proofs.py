"""A proof, made once when a template is prepared, that a part's output is always XML.

:func:`always_well_formed` tells whether every rendering of a part is well-formed XML with
namespaces, whatever its conditions choose and however often its loops run, as long as
every value it prints is escaped text: then a report's part needs no strict parse
(:mod:`bdt_docx.render` still parses it when that does not hold for one rendering:
markup printed as it is, docxtpl's line and paragraph breaks resolved).

The proof writes a witness document: the part's fixed text, each printed value as a
mark, each condition and loop as marks around its branches (all of them, one after the
other), and reads it with expat, the strict parser of the rendered parts. It holds when
the witness is well-formed and

- it has no comment, instruction, CDATA or document type (so that every ``<`` of a report
  starts a tag);
- every value's mark lies in text or in an attribute value (not in a name or a namespace
  declaration), so escaped text of any length fits there: an entity left open before it,
  or a name it would extend, breaks the witness;
- no ``>`` follows a mark or a ``]`` (a value ending in ``]]`` would write ``]]>``, which
  XML forbids in text);
- every branch of a condition or loop starts and ends inside the same element, so that it
  closes what it opens and nothing else: any choice of branches and any number of loop
  rounds then nest the same elements under the same parents, with the same namespaces;
- the statements only print, choose, loop and set (``{% if %}``, ``{% for %}``,
  ``{% set x = … %}``): no macro, block, filter block or recursive loop whose output
  a value could hold; no value is a constant (Jinja writes those into the fixed text);
  the paragraph filter's output, escaped text with docxtpl's ``\\a``, is printed directly.

docxtpl's own steps after rendering remove a line feed before ``<w:p`` and the ``_`` of its
``{_{`` markers, which keeps XML well-formed.
"""

from __future__ import annotations

import re
from collections import Counter
from xml.parsers import expat

from jinja2 import nodes

from bdt_docx.tags.source import tree_nodes

__all__ = ["always_well_formed"]

# Private-use characters: XML text, but not in names, entities or numbers.
_VALUE, _START, _BRANCH, _END = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = re.compile("[\ue000-\ue003]")
_BEFORE_GT = re.compile("[\ue000-\ue003]>")


def always_well_formed(
    tree: nodes.Template, paragraph_filter: str, walked: list[nodes.Node] | None = None
) -> bool:
    """True when every rendering of ``tree`` whose values print as escaped text is
    well-formed XML (see the module's documentation). ``walked``: ``tree_nodes(tree)``,
    where the caller has it already."""
    witness: list[str] = []
    if not _write(tree.body, witness):
        return False
    if not _printed_directly(tree_nodes(tree) if walked is None else walked, paragraph_filter):
        return False
    text = "".join(witness)
    if "]>" in text or _BEFORE_GT.search(text):  # a value's ] could make ]]> there
        return False
    reading = _Reading()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = reading.start
    parser.EndElementHandler = reading.end
    parser.CharacterDataHandler = reading.text
    parser.StartCdataSectionHandler = parser.StartDoctypeDeclHandler = reading.refuse
    parser.CommentHandler = parser.ProcessingInstructionHandler = reading.refuse
    try:
        parser.Parse(text.encode("utf-8"), True)
    except (expat.ExpatError, UnicodeEncodeError):
        return False
    return reading.sound and reading.seen == Counter(_MARKS.findall(text)) and reading.nested()


def _write(body: list[nodes.Node], witness: list[str]) -> bool:
    """Write the witness of ``body``; False where a statement is not one the proof covers."""
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    if _MARKS.search(child.data):  # (a symbol font's private characters)
                        return False
                    witness.append(child.data)
                elif _constant(child):
                    return False
                else:
                    witness.append(_VALUE)
        elif isinstance(node, (nodes.If, nodes.For)) and not getattr(node, "recursive", False):
            branches = [node.body, *(elif_.body for elif_ in getattr(node, "elif_", ()))]
            witness.append(_START)
            for branch in [*branches, node.else_]:
                if not _write(branch, witness):
                    return False
                witness.append(_BRANCH)
            witness[-1] = _END
        elif not isinstance(node, nodes.Assign):
            return False
    return True


def _constant(node: nodes.Expr) -> bool:
    """True when Jinja computes ``node`` when compiling (its text joins the fixed text)."""
    try:
        node.as_const()
    except Exception:  # noqa: BLE001 (as Jinja does: anything raised leaves it to the rendering)
        return False
    return True


def _printed_directly(walked: list[nodes.Node], paragraph_filter: str) -> bool:
    """True when the paragraph filter's output is printed as it is, never worked on, in
    the nodes of a tree ``walked`` (:func:`tree_nodes`)."""
    printed: set[int] = set()  # (an output comes before what it prints, in one walk)
    for node in walked:
        if isinstance(node, nodes.Output):
            printed.update(map(id, node.nodes))
        elif (
            isinstance(node, nodes.Filter)
            and node.name == paragraph_filter
            and id(node) not in printed
        ):
            return False
    return True


class _Reading:
    """Where expat meets the marks of a witness: the marks in text and in attribute values
    (one in a namespace declaration is not counted), each statement mark with the element
    it is in (numbered in document order), and whether any mark is where it must not be
    (a statement's in an attribute value) or the witness has a comment, an instruction,
    CDATA or a document type."""

    def __init__(self) -> None:
        self.open = [0]
        self.count = 0
        self.statements: list[tuple[str, int]] = []
        self.seen: Counter[str] = Counter()
        self.sound = True

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.count += 1
        self.open.append(self.count)
        marks = _MARKS.findall("".join(attributes.values())) if attributes else None
        if marks:
            self.seen.update(marks)
            self.sound = self.sound and set(marks) <= {_VALUE}

    def end(self, name: str) -> None:
        self.open.pop()

    def text(self, data: str) -> None:
        for mark in _MARKS.findall(data):
            self.seen[mark] += 1
            if mark != _VALUE:
                self.statements.append((mark, self.open[-1]))

    def refuse(self, *_: object) -> None:
        self.sound = False

    def nested(self) -> bool:
        """True when each statement's marks are all in one element."""
        starts: list[int] = []
        for mark, element in self.statements:
            if mark == _START:
                starts.append(element)
            elif not starts or starts[-1] != element:
                return False
            elif mark == _END:
                starts.pop()
        return not starts
