"""The field types of a description: how a value becomes a text, a whole number or a date.

:func:`convert` turns a raw value (a cell's, or one a program gave) into its field's type, or
raises :class:`ValueProblem` with the Vietnamese reason. ``bdt-docx init`` uses it too, to type
the examples of a field description.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import InvalidOperation
from typing import Any

from bdt_docx.filters import so
from bdt_docx.text import clean_text

__all__ = ["ValueProblem", "convert", "to_text"]

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
# A whole number typed as text: plain digits, or groups of three after "." or a space.
_INT_TEXT = re.compile(r"[+-]?(?:[0-9]{1,3}(?:([. \u00a0])[0-9]{3})(?:\1[0-9]{3})*|[0-9]+)")
#: Excel keeps 15 significant digits; a whole number beyond them is not what was typed.
_MAX_DIGITS = 15


class ValueProblem(ValueError):
    """A cell's value does not fit its type (the Vietnamese reason)."""


def _number(value: float) -> str:
    """A number as the clerk sees it in a message (``1.500,5``), whatever its size."""
    try:
        return so(value, 10)
    except InvalidOperation:  # nan, inf, or more digits than a Decimal keeps
        return f"{value:g}"


def to_text(value: object) -> str:
    """``value`` as the text of a text field (a whole float without its ``.0``)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else _number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))


def _to_integer(value: object) -> int:
    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        raise ValueProblem("cần một số nguyên")
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number) or abs(number) >= 10**_MAX_DIGITS:
            raise ValueProblem(f"cần một số nguyên, không phải số quá lớn {_number(number)}")
        shown = float(f"{number:.{_MAX_DIGITS}g}")  # what the cell shows: 24.999999999999996 → 25
        if not shown.is_integer():
            raise ValueProblem(f"cần một số nguyên, không phải số lẻ {_number(number)}")
        return int(shown)
    text = clean_text(str(value))
    if _INT_TEXT.fullmatch(text):
        digits = re.sub("[^0-9+-]", "", text)
        if len(digits.lstrip("+-")) > _MAX_DIGITS:
            raise ValueProblem(f"cần một số nguyên, không phải số quá lớn ({len(digits)} chữ số)")
        return int(digits)
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", text):
        raise ValueProblem(f"cần một số nguyên, không phải số lẻ {text}")
    shown = text if len(text) <= 60 else text[:60] + "…"
    raise ValueProblem(f"cần một số nguyên, không phải chữ '{shown}'")


def _to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueProblem(
            f"cần một ngày, không phải số {_number(value)}; hãy nhập ngày dạng dd/mm/yyyy"
        )
    if isinstance(value, (dt.time, dt.timedelta)):
        raise ValueProblem("cần một ngày, không phải giờ; hãy nhập ngày dạng dd/mm/yyyy")
    text = clean_text(str(value))
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueProblem(f"cần một ngày dạng dd/mm/yyyy, không phải '{text}'")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"ngày {text} không có thật") from exc


_CONVERTERS: dict[str, Callable[[object], Any]] = {
    "text": to_text,
    "integer": _to_integer,
    "date": _to_date,
}


def convert(value: object, type_: str) -> Any:
    """Convert a raw cell value to ``type_``; raise ``ValueError`` with a Vietnamese reason.

    Also used by ``bdt-docx init`` to type the examples of a field description.
    """
    return _CONVERTERS[type_](value)
