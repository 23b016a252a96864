"""Reading a template part as Word and LibreOffice save it: tracked changes accepted, tags whole.

:func:`read_part` parses a part (NFC throughout) and cleans what Word and LibreOffice put
around and inside tags: tracked changes are accepted, proofing marks dropped, and every
complete tag is gathered into one run (bookmarks, comment marks and field characters inside
it go), with its curly quotes straightened; so a tag split by Word's runs, revision ids or
spelling marks is the tag its author typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import islice

from lxml import etree

from bdt_docx.namespaces import qn
from bdt_docx.package import PackageError, parse_xml

__all__ = ["SMART_QUOTES", "TAG", "CleanPart", "own_text", "owned", "read_part", "text_of"]

#: A complete tag: ``{{ expression }}``, ``{% statement %}`` or ``{# comment #}``.
TAG = re.compile(r"\{\{(?P<expr>.*?)\}\}|\{%(?P<stmt>.*?)%\}|\{#(?P<comment>.*?)#\}", re.S)
#: The curly quotes Word types, as the straight ones Jinja reads.
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


_P, _T = qn("w:p"), qn("w:t")


def text_of(element: etree._Element) -> str:
    """All the text (``w:t``) inside ``element``, nested paragraphs' included."""
    return "".join(t.text or "" for t in element.iter(_T))


def owned(p: etree._Element, *tags: str) -> list[etree._Element]:
    """The descendants of paragraph ``p`` with these tags that are not in a nested paragraph
    (a text box's)."""
    if next(islice(p.iter(_P), 1, None), None) is None:  # (no nested paragraph: all are)
        return list(p.iter(*tags))
    return [e for e in p.iter(*tags) if next(e.iterancestors(_P), None) is p]


def own_text(p: etree._Element) -> str:
    """The text of paragraph ``p`` itself (its text boxes' excluded), as Jinja will see it."""
    return "".join(t.text or "" for t in owned(p, _T))


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
    for p in list(root.iter(_P)):
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
    if not any("{" in t.text for t in p.iter(_T) if t.text):
        return
    texts = owned(p, _T)
    joined = "".join(t.text or "" for t in texts)
    spans = [m.span() for m in TAG.finditer(joined)] if "{" in joined else []
    if not spans:
        return
    pieces, last = [], 0
    for start, end in spans:
        pieces += [joined[last:start], joined[start:end].translate(SMART_QUOTES)]
        last = end
    straight = "".join(pieces) + joined[last:]  # (one character for one)
    # Each text keeps its characters, less a tag's that started in an earlier one, plus
    # the whole of each tag that starts in it: where it starts and ends move to the end
    # of a tag they fall inside.
    bounds, offset, index = [], 0, 0  # (bounds and spans in order: one pass over both)
    split = False  # (a tag over several texts: only there can marks sit inside one)
    for t in texts:
        while index < len(spans) and spans[index][1] <= offset:
            index += 1
        inside = index < len(spans) and spans[index][0] < offset
        bounds.append(spans[index][1] if inside else offset)
        split = split or inside
        offset += len(t.text or "")
    bounds.append(len(joined))
    if split:
        _drop_inner_marks(p, spans)
    new = [straight[bounds[k] : bounds[k + 1]] for k in range(len(texts))]
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
    for element in p.iter(_T, *_INNER_MARKS):
        if next(element.iterancestors(_P), None) is not p:
            continue
        if element.tag == _T:
            offset += len(element.text or "")
        elif element.tag in _INNER_MARKS:
            while index < len(spans) and spans[index][1] <= offset:
                index += 1
            if index < len(spans) and spans[index][0] < offset:
                inside.append(element)
    for element in inside:
        _drop(element)
