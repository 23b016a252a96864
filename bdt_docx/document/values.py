"""Reading WordprocessingML attribute values: lengths, integers, on/off, inherited settings.

The helpers every proxy of :mod:`bdt_docx.document` uses to read an element: :func:`w` names
a tag, :func:`integer` reads a number attribute safely (a malformed or absurd one is unusable,
never an error), :func:`on` an on/off element, :func:`first_attribute` and :func:`edge_of`
search the levels of the style hierarchy strongest first; and the two values several
proxies give: :class:`Border` and :class:`LineSpacing`. Lengths are in twips (1/20 pt) as in
the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from bdt_docx.namespaces import qn

#: Twips per point, EMU per point.
TWIPS_PER_PT = 20
EMU_PER_PT = 12700
#: Values of an on/off attribute that mean off (``w:val="0"``…).
OFF = frozenset({"0", "false", "off", "none"})
_NO_BORDER = {"nil", "none"}
_LOGICAL_EDGES = {"left": "start", "right": "end"}


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag: ``w("p")`` → ``{…/main}p``."""
    return qn(f"w:{tag}")


def twips_to_pt(twips: float) -> float:
    """Points in a length given in twips."""
    return twips / TWIPS_PER_PT


def twips_to_mm(twips: float) -> float:
    """Millimetres in a length given in twips."""
    return twips * 25.4 / 1440


def emu_to_pt(emu: float) -> float:
    """Points in a length given in English Metric Units (DrawingML)."""
    return emu / EMU_PER_PT


#: Largest magnitude an integer attribute may have; beyond it (``1e999``, ``inf``, a
#: 5,000-digit number) the attribute is treated as unusable, like a malformed one.
MAX_ATTRIBUTE = 10**9


def integer(value: str | None, default: int | None = None) -> int | None:
    """An integer attribute (``"567"``; Word also writes ``"567.0"``), or ``default`` when it
    is absent, malformed, not finite or beyond :data:`MAX_ATTRIBUTE`."""
    if value is None or len(value) > 32:
        return default
    try:
        number = float(value)
    except ValueError:
        return default
    return round(number) if abs(number) <= MAX_ATTRIBUTE else default


def on(element: etree._Element | None) -> bool | None:
    """The value of an on/off element (``<w:b/>`` is on), or None when it is absent."""
    if element is None:
        return None
    return element.get(w("val"), "true").lower() not in OFF


def child_of(element: etree._Element | None, tag: str) -> etree._Element | None:
    """The first ``w:tag`` child of ``element`` (None when either is missing)."""
    return None if element is None else element.find(w(tag))


def first_attribute(
    levels: Iterable[etree._Element], tag: str, *attrs: str
) -> tuple[str, str] | None:
    """The first of ``attrs`` set on a ``w:tag`` child, searching ``levels`` in order.

    Each attribute is inherited on its own (a style setting only ``w:after`` leaves
    ``w:before`` to the levels below). Within one level ``attrs`` are tried in order, so a
    theme font listed first beats the plain font of the same level. Returns the attribute's
    local name and value.
    """
    for level in levels:
        child = level.find(w(tag))
        if child is None:
            continue
        for name in attrs:
            value = child.get(w(name))
            if value is not None:
                return name, value
    return None


def edge_of(boxes: Iterable[etree._Element | None], edge: str) -> etree._Element | None:
    """The first element for ``edge`` among border or margin boxes, strongest first.

    ``boxes`` are ``w:pBdr``, ``w:tblBorders``, ``w:tblCellMar``… of successive levels
    (None where a level has none); ``left``/``right`` also match ``start``/``end``.
    """
    names = (edge, _LOGICAL_EDGES.get(edge, edge))
    for box in boxes:
        if box is None:
            continue
        for name in names:
            element = box.find(w(name))
            if element is not None:
                return element
    return None


def on_in(levels: Iterable[etree._Element], tag: str) -> bool | None:
    """The first on/off value of ``w:tag`` along ``levels``, or None when none sets it."""
    for level in levels:
        value = on(level.find(w(tag)))
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class Border:
    """One edge of a paragraph, table or cell border (``w:bottom`` of ``w:pBdr``…)."""

    style: str
    """``single``, ``double``, ``dotted``… (never ``nil`` or ``none``: those are no border)."""
    size: float
    """Width in points (``w:sz`` is in eighths of a point)."""
    colour: str
    """``auto`` or an RGB hex."""

    @classmethod
    def of(cls, element: etree._Element | None) -> Border | None:
        """The border an edge element draws, or None when it draws none."""
        if element is None or element.get(w("val"), "nil") in _NO_BORDER:
            return None
        return cls(
            element.get(w("val"), "single"),
            (integer(element.get(w("sz")), 0) or 0) / 8,
            element.get(w("color"), "auto"),
        )


@dataclass(frozen=True)
class LineSpacing:
    """Line spacing of a paragraph.

    ``rule`` ``auto``: ``value`` is a multiple of a single line (1.0, 1.15, 1.5);
    ``exact`` or ``atLeast``: ``value`` is a height in points.
    """

    value: float
    rule: str
