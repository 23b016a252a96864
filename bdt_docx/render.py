"""Stage 4: render a prepared template with a context into the parts of a new .docx.

Rendering follows docxtpl step for step (Jinja, then docxtpl's own listing resolution that
turns a line break in a value into ``<w:br/>``), so that a report's ``word/document.xml``
is the XML plain ``DocxTemplate.render`` would give for the same context and environment.
Each rendered part is then known to be well-formed XML, from the proof made when its
template was prepared (:mod:`bdt_docx.proofs`) where that covers the rendering, or
checked by a strict parser (expat, or lxml where the part's tables are rebuilt): a template
whose output is not well-formed XML is refused here, before anything is written; tables
whose rows no longer fit their column grid (after
``{%tc for %}`` loops and merges) get the grid docxtpl would rebuild. docxtpl's
``RichText``, ``RichTextParagraph`` and ``Listing`` print their XML as in docxtpl; its other
objects (``InlineImage``, ``Subdoc``) are refused, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import repeat
from typing import Any
from xml.parsers import expat

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaError
from lxml import etree

from bdt_docx.errors import ContextError, Problem, TemplateError
from bdt_docx.grids import fit_grids
from bdt_docx.output import Member, Rendered
from bdt_docx.package import PackageError, parse_xml, refuse_doctype
from bdt_docx.template import (
    DOCXTPL_MARKUP,
    RAW_PRINTS,
    Part,
    PreparedTemplate,
    docxtpl_object,
    paragraph_at,
    unsupported_object,
    without_paragraph_breaks,
)

__all__ = ["render_parts", "resolve_listing"]

_PARAGRAPH_START = re.compile(r"<w:p[ >]")
_LISTING_CHARACTERS = re.compile("[\t\a\n\f]")
#: How docxtpl's ``resolve_listing`` finds a paragraph.
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')
#: A bookmark's or a comment's anchor: its kind (``bookmark``, ``comment``), start or end
#: (``Start``, ``RangeStart``, ``Reference``…) and id.
_ANCHOR = re.compile(
    r'<w:(bookmark|comment)(Start|End|RangeStart|RangeEnd|Reference)\b[^>]*?\bw:id="([^"]*)"[^>]*/>'
)
_DEPTH = 4  # how deep into lists and dicts docxtpl objects are looked for
_PLAIN = (str, int, float, dt.date, type(None))
_DOCXTPL_ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))


def render_parts(template: PreparedTemplate, context: Mapping[str, Any]) -> list[Member | Rendered]:
    """The parts of the report, in the template's order: the parts without tags as they
    were compressed once when the template was prepared, the rendered ones to be compressed
    where the report is written (:class:`~bdt_docx.output.Rendered`).

    ``context`` is one already checked against the template's fields (``read_context`` or
    ``check_context``), so it holds every variable the template needs. Raises
    :class:`ContextError` when it holds a docxtpl object that cannot go in a report, and
    :class:`TemplateError` when the template fails while rendering or gives broken XML.
    """
    if not _plain(context.values()):
        unsupported = [
            Problem(unsupported_object(kind), field=name, code="context.docxtpl_object")
            for name, kind in _objects(context)
            if kind not in DOCXTPL_MARKUP
        ]
        if unsupported:
            raise ContextError(unsupported)
    return [
        part.member or Rendered.of(part.info, _render_part(template, part, context))
        for part in template.parts
    ]


def _render_part(template: PreparedTemplate, part: Part, context: Mapping[str, Any]) -> bytes:
    assert part.compiled is not None, "a part without tags is copied, not rendered"
    first = RAW_PRINTS.count
    try:
        stepped = _render(part, context)
    # The template's own code runs here: a type or arithmetic error in it ({{ ten + 1 }},
    # a filter given text instead of a date), a macro calling itself without end, is the
    # template's fault, told as such.
    except (JinjaError, TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        raise TemplateError(_runtime_problem(part, exc), template.path) from exc
    markup = RAW_PRINTS.count != first
    listed, changes = _resolve_listing(stepped)
    xml = _renumber_drawings(listed) if part.drawings or markup else listed
    if part.anchors or markup:
        xml = _anchors_once(xml)
    data = xml.encode("utf-8")
    try:
        if part.fit_grids:
            if fit_grids(root := parse_xml(data, part.info.filename)):
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        elif markup or not _proven(part, listed, changes):
            _check_well_formed(data, part.info.filename)
    except PackageError as exc:
        raise TemplateError(
            f"mẫu sinh ra XML hỏng trong {part.info.filename} ({exc.reason}); hãy kiểm tra "
            "các thẻ {%p %}, {%tr %} và thẻ nằm giữa các định dạng",
            template.path,
            code="template.broken_xml",
        ) from exc
    return data


def _render(part: Part, context: Mapping[str, Any]) -> str:
    """The part rendered by Jinja, then as docxtpl leaves it before resolving listings: the
    line feed put before each paragraph removed, ``{_{``-style markers turned into braces.

    A compact template (:attr:`~bdt_docx.template.Part.original`) has no line feed to
    remove unless a value holds one or ends in one before a paragraph; only then is the
    part rendered again as docxtpl renders it (the values' own effects, if any, twice).
    """
    xml = part.compiled.render(context)  # type: ignore[union-attr]
    if part.original is None:
        xml = without_paragraph_breaks(xml)
    elif _line_feed_before_paragraph(xml):
        xml = without_paragraph_breaks(part.original().render(context))
    if "_" in xml:  # (every marker holds one)
        for marker, brace in _DOCXTPL_ESCAPES:
            xml = xml.replace(marker, brace)
    return xml


def _line_feed_before_paragraph(xml: str) -> bool:
    """True when a line feed in ``xml`` comes right before ``<w:p`` or ``<w:p>``."""
    at = xml.find("\n")
    while at >= 0:
        if xml.startswith(("<w:p ", "<w:p>"), at + 1):
            return True
        at = xml.find("\n", at + 1)
    return False


def _proven(part: Part, listed: str, changes: list[tuple[str, str]] | None) -> bool:
    """True when a part that printed no markup is well-formed XML without parsing it all.

    Its template proved that every rendering printing escaped text only is
    (:attr:`~bdt_docx.template.Part.well_formed`); the paragraph filter's line breaks
    (``\\a``, which is not a character of XML) are all gone; and each paragraph docxtpl's
    listing resolution changed was one whole paragraph, without namespace declarations of
    its own, and is whole XML still (a fragment parsed alone): put in its place, it keeps
    the part whole. Renumbering drawings changes digits.
    """
    return (
        part.well_formed
        and changes is not None
        and "\a" not in listed
        and all(_replaceable(before, after) for before, after in changes)
    )


def _replaceable(before: str, after: str) -> bool:
    """True when the paragraph ``before`` is one whole element (its bells, which docxtpl
    turned into paragraph breaks, aside) whose prefixes are bound outside it, and
    ``after`` is well-formed XML made of what it holds."""
    return "xmlns" not in before and _fragment(before.replace("\a", " ")) and _fragment(after)


def _fragment(xml: str) -> bool:
    """True when ``xml`` is well-formed XML content (elements and text; its prefixes, bound
    by the part around it, are not looked up)."""
    try:
        expat.ParserCreate().Parse(f"<_>{xml}</_>".encode(), True)
    except expat.ExpatError:
        return False
    return True


def _check_well_formed(data: bytes, part: str) -> None:
    """Refuse a rendered part that is not well-formed XML with namespaces, as Word would.

    Expat (a conforming XML parser: tags, characters, entities, unbound or undeclared
    prefixes, duplicate attributes) checks it without building a tree, in about two thirds
    of lxml's time; a part it refuses is parsed by lxml too, so that the reason given is the
    one :func:`~bdt_docx.package.parse_xml` gives.
    """
    refuse_doctype(data, part)
    checker = expat.ParserCreate(namespace_separator=" ")
    try:
        checker.Parse(data, True)
    except expat.ExpatError as exc:
        parse_xml(data, part)
        raise PackageError(f"phần {part} bị hỏng ({exc})", part) from exc


def _plain(values: Iterable[object], depth: int = 1) -> bool:
    """True when ``values`` (at ``depth`` in a context) are text, numbers, dates and lists
    and dicts of them, as a workbook's context always is: then :func:`_objects` finds
    nothing in them, and need not be asked (it names every item it passes)."""
    for value in values:
        if isinstance(value, _PLAIN):
            continue
        kind = type(value)
        if depth >= _DEPTH or not (
            _plain(value.values(), depth + 1)
            if kind is dict
            else kind is list and _plain(value, depth + 1)
        ):
            return False
    return True


def _objects(value: object, name: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """docxtpl's objects in a context (``(where, class name)``), lists and dicts included."""
    if isinstance(value, _PLAIN):
        return
    kind = docxtpl_object(value)
    if kind is not None:
        yield name, kind
    elif depth < _DEPTH and isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(item, _PLAIN):  # (most are: no generator made for them)
                yield from _objects(item, f"{name}.{key}" if name else str(key), depth + 1)
    elif depth < _DEPTH and isinstance(value, (list, tuple)):
        for index, item in enumerate(value, 1):
            if not isinstance(item, _PLAIN):
                yield from _objects(item, f"{name}[{index}]", depth + 1)


def resolve_listing(xml: str) -> str:
    """docxtpl's ``resolve_listing``, run only on the paragraphs it would change."""
    return _resolve_listing(xml)[0]


def _resolve_listing(xml: str) -> tuple[str, list[tuple[str, str]] | None]:
    """:func:`resolve_listing`'s text, and the paragraphs it changed (each before and
    after), or None where it resolved the rest of the part at once.

    docxtpl rewrites tab, bell, line-feed and form-feed characters inside the paragraphs
    that its expression ``_PARAGRAPH`` matches, scanning the part from its start, one
    paragraph at a time, and leaves a paragraph without any of them as it is. Each of its
    matches ends at the first ``</w:p>`` after the paragraph's start tag, so that its scan
    restarts right after any ``</w:p>`` (unless a ``<w:p `` start tag that is never closed
    by ``>`` swallows it: the rest of the part is then resolved as docxtpl does). This
    finds, for each such character, the match that holds it from the last ``</w:p>``
    before it, and gives the same bytes without the expressions running over the whole
    part.
    """
    first = _PARAGRAPH_START.search(xml)
    found = _next_listing_character(xml, first.start()) if first else -1
    if found < 0:
        return xml, []
    pieces, changes, done, scan = [], [], 0, 0  # docxtpl's scan passes through ``scan``
    while found >= 0:
        close = xml.rfind("</w:p>", scan, found)
        if close >= 0:
            if _in_start_tag(xml, close):
                rest = _PARAGRAPH.sub(_resolve_paragraph, xml[scan:])
                return "".join([*pieces, xml[done:scan], rest]), None
            scan = close + len("</w:p>")
        paragraph = _PARAGRAPH.search(xml, scan)
        if paragraph is None:
            break
        if paragraph.start() <= found:
            resolved = _resolve_paragraph(paragraph)
            if resolved != paragraph[0]:
                changes.append((paragraph[0], resolved))
            pieces += (xml[done : paragraph.start()], resolved)
            done = scan = paragraph.end()
        else:  # outside every paragraph, as are those before the next one
            scan = paragraph.start()
        found = _next_listing_character(xml, scan)
    pieces.append(xml[done:])
    return "".join(pieces), changes


def _next_listing_character(xml: str, start: int) -> int:
    """Where the first tab, bell, line feed or form feed from ``start`` is (or -1)."""
    return min((i for i in map(xml.find, "\t\a\n\f", repeat(start)) if i >= 0), default=-1)


def _in_start_tag(xml: str, close: int) -> bool:
    """True when the ``>`` of the ``</w:p>`` at ``close`` may end a ``<w:p `` start tag
    before it (XML that is not well-formed: a start tag with ``<`` inside)."""
    previous = xml.rfind(">", 0, close + len("</w:p"))
    return xml.find("<w:p ", previous + 1, close + len("</w:")) >= 0


def _resolve_paragraph(match: re.Match[str]) -> str:
    paragraph = match[0]
    if _LISTING_CHARACTERS.search(paragraph) is None:
        return paragraph
    return DocxTemplate.resolve_listing(None, paragraph)


def _anchors_once(xml: str) -> str:
    """Each bookmark and comment anchor once: a loop copies them with their ids (a
    ``_GoBack`` or ``_Ref`` bookmark, a comment, inside a repeated paragraph or row), and an
    id used twice is invalid (Word may repair the report); the first copy is kept."""
    seen: set[tuple[str, str, str]] = set()

    def first(match: re.Match[str]) -> str:
        key = (match[1], match[2], match[3])
        if key in seen:
            return ""
        seen.add(key)
        return match[0]

    return _ANCHOR.sub(first, xml)


def _renumber_drawings(xml: str) -> str:
    """Give every drawing a unique id, as docxtpl does (loops copy them)."""
    counter = iter(range(1001, 1_000_000_000))
    return _DOCPR_ID.sub(lambda m: f"{m[1]}{next(counter)}{m[2]}", xml)


def _runtime_problem(part: Part, exc: Exception) -> Problem:
    """Where a render error happened: the part, the paragraph and the text around it."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == part.info.filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    detail = paragraph_at(part.source, line) if line and part.source else ""
    message = f"lỗi khi điền mẫu ({part.info.filename}{detail}): {_reason(exc)}"
    if _NO_ATTRIBUTE.search(str(exc)):  # the hints say where the columns are listed
        return Problem(message, code="template.unknown_column")
    return Problem(message, code="template.render_failed")


_NO_ATTRIBUTE = re.compile(r"has no attribute '(?P<name>[^']+)'")
_UNDEFINED_NAME = re.compile(r"'(?P<name>[^']+)' is undefined")


def _reason(exc: Exception) -> str:
    """What went wrong, in Vietnamese: the filters' own messages as they are, Jinja's and
    Python's told in a Vietnamese sentence (their words kept for the IT staff)."""
    if isinstance(exc, RecursionError):
        return "macro gọi lại chính nó không dừng"
    if match := _NO_ATTRIBUTE.search(str(exc)):
        return f"không có cột hay thuộc tính '{match['name']}'"
    if match := _UNDEFINED_NAME.search(str(exc)):
        return f"không có biến '{match['name']}'"
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None and tb.tb_frame.f_globals.get("__name__") == "bdt_docx.filters":
        return str(exc)
    return f"phép tính hay bộ lọc không dùng được với giá trị này (Python: {exc})"
