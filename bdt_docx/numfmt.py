"""A cell's value as the cell shows it: its number format applied, Vietnamese separators.

A template without a field description prints each cell as text; a clerk expects the text
the cell shows: ``96,67%`` for 0.9667 formatted ``0.00%``, ``1.500.000 đ`` for 1500000
formatted ``#,##0 "đ"``, ``05`` for 5 formatted ``00``, ``12:00`` for noon formatted
``h:mm``. :func:`shown` applies the parts of Excel's number format language that office
workbooks use (sections, literals, digit placeholders, thousands, decimals, percent, dates
and times, elapsed times, conditions such as ``[<1000]``, literals between digits such as
``000-000``); fractions and scientific notation are shown as Excel's General format shows
the same number. Where it cannot be sure what the cell shows (a negative number under
conditions, literals among decimals), it raises :class:`UnknownFormat` rather than guess.
The decimal mark is ``,`` and the thousands mark ``.``, as Excel shows them on a Vietnamese
machine.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

__all__ = ["UnknownFormat", "month_first", "shown", "shows_day"]

_BRACKET = re.compile(r"\[(?!(?:h+|m+|s+)\])([^\]]*)\]", re.IGNORECASE)
_TOKEN = re.compile(
    r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|_.|\*.|(?P<ampm>AM/PM|A/P)'
    r"|(?P<elapsed>\[(?:h+|m+|s+)\])|(?P<code>yyyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d"
    r"|hh|h|ss|s|qq|q|\.0+)|(?P<other>.)",
    re.IGNORECASE,
)
_NUMBER_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|_.|\*.|(?P<other>.)')
_DIGITS = re.compile(r"[0#?]")
_CONDITION = re.compile(r"\[\s*(<=|>=|<>|<|>|=)\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*\]")
_EMPTY_PLACE = {"0": "0", "#": "", "?": " "}
_MONTHS = ["Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một"]
_MONTHS += ["Mười Hai"]
_WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
_SHORT_WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
#: Excel's formats of the machine's language, shown the Vietnamese way: the short date
#: (built-in format 14) and the short date with a time (built-in 22).
_MACHINE_FORMATS = {"mm-dd-yy": "dd/mm/yyyy", "m/d/yy h:mm": "dd/mm/yyyy h:mm"}


class UnknownFormat(ValueError):
    """The number format uses a part whose result :func:`shown` cannot be sure of; the
    message says which part, in Vietnamese."""


def shown(value: float | dt.datetime | dt.date | dt.time | dt.timedelta, code: str) -> str:
    """``value`` formatted with the number format ``code`` as Excel shows it in Vietnamese."""
    code = _MACHINE_FORMATS.get(code, code)
    if isinstance(value, dt.date) and not _has_date_codes(code):
        code = "dd/mm/yyyy"
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return _date(value, _sections(code)[0])
    if _has_date_codes(code):  # a number under a date format: the date it is, or as General
        return _general(value)
    sections = _sections(code)
    conditions = [_CONDITION.search(s) for s in sections[:2]]
    if any(conditions):
        return _number(value, _by_condition(value, sections, conditions))
    if value < 0 and len(sections) > 1:
        return _number(-value, sections[1]) if sections[1] else ""
    if value == 0 and len(sections) > 2:
        return _number(value, sections[2]) if sections[2] else ""
    if len(sections) > 1 and not sections[0]:
        return ""  # an empty section hides the value: ``;;;``
    return _number(value, sections[0])


def _by_condition(
    value: float, sections: tuple[str, ...], conditions: list[re.Match[str] | None]
) -> str:
    """The section a value is shown with when the first sections carry ``conditions``
    (``[<1000]0;[<1000000]0.0,"K";0.0,,"M"``), as Excel chooses it."""
    if value < 0:
        raise UnknownFormat("số âm trong định dạng có điều kiện")
    first, second = [*conditions, None][:2]
    if first and _holds(value, first):
        return sections[0]
    if second and _holds(value, second):
        return sections[1]
    if first and second and len(sections) > 2:
        return sections[2]
    if first and not second and len(sections) > 1:
        return sections[1]
    raise UnknownFormat("số không khớp điều kiện nào của định dạng")


def _holds(value: float, condition: re.Match[str]) -> bool:
    operator, bound = condition[1], float(condition[2])
    return {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "=": value == bound,
        "<>": value != bound,
    }[operator]


@lru_cache(maxsize=256)  # a batch's workbooks use the same few formats
def month_first(code: str) -> bool:
    """True when a date format puts the month before the day (``m/d/yyyy``, and Excel's
    short date, which is month first on a machine set to US format), the year not first:
    ``yyyy-mm-dd`` (what pandas writes) and East Asian ``yyyy/m/d`` are not US dates."""
    section = _BRACKET.sub("", _sections(code)[0])
    codes = [m["code"].lower() for m in _TOKEN.finditer(section) if m["code"]]
    order = [
        c[0]
        for i, c in enumerate(codes)
        if c[0] in "dy" or (c[0] == "m" and not _is_minute(codes, i))
    ]
    return (
        "m" in order
        and "d" in order
        and order.index("m") < order.index("d")
        and not ("y" in order and order.index("y") < order.index("m"))
    )


@lru_cache(maxsize=256)
def shows_day(code: str) -> bool:
    """False when a date format hides the day of the month (``mm/yyyy``, ``"tháng" m "năm"
    yyyy``, a time): the day stored then is one the clerk never saw (Excel stores ``6/2021``
    typed there as 1 June)."""
    if not _has_date_codes(code):
        return True
    section = _BRACKET.sub("", _sections(code)[0])
    return any(m["code"] and m["code"].lower() in ("d", "dd") for m in _TOKEN.finditer(section))


@lru_cache(maxsize=256)
def _sections(code: str) -> tuple[str, ...]:
    """The sections of a format (positive; negative; zero; text), ``;`` in quotes kept."""
    parts, current, quoted = [], "", False
    for char in code:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return (*parts, current)


@lru_cache(maxsize=256)
def _has_date_codes(code: str) -> bool:
    section = _BRACKET.sub("", _sections(code)[0])
    return any(
        (m["code"] and m["code"][0] != ".") or m["elapsed"] for m in _TOKEN.finditer(section)
    )


def _literal(match: re.Match[str]) -> str:
    """The text a non-digit token of a format shows."""
    if match["quoted"] is not None:
        return match["quoted"]
    if match["escaped"] is not None:
        return match["escaped"]
    text = match[0]
    if text.startswith("_"):
        return " "
    if text.startswith("*"):
        return ""
    return text


def _general(value: float) -> str:
    """Excel's General format: up to 11 characters, no thousands mark."""
    if value == int(value) and abs(value) < 1e11:
        return str(int(value))
    text = f"{value:.10g}" if abs(value) < 1e11 else f"{value:.5E}"
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        text = f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text.replace(".", ",")


def _number(value: float, section: str) -> str:
    section = _BRACKET.sub(lambda m: _currency(m[1]), section)
    if section.strip().lower() in ("general", "") or re.search(r"[eE][+-]|\?/|@", section):
        return _general(value)
    pieces = list(_NUMBER_TOKEN.finditer(section))
    layout = [m[0] if m["other"] is not None else "" for m in pieces]
    places = [i for i, text in enumerate(layout) if _DIGITS.match(text)]
    if not places:  # only text: the section shows it as it is
        return "".join(_literal(m) for m in pieces)
    first, last = places[0], places[-1]
    point = next((i for i in range(first, last + 2) if layout[i : i + 1] == ["."]), None)
    end = last if point is None else max(last, point)
    point = last + 1 if point is None else point
    if any(not _DIGITS.match(layout[i]) for i in range(point + 1, last + 1)):
        raise UnknownFormat("chữ xen giữa các chữ số thập phân")
    integer = range(first, point)
    fraction = "".join(layout[point + 1 : last + 1])
    scale = 100 ** layout.count("%")
    trailing = 0
    while end + 1 + trailing < len(layout) and layout[end + 1 + trailing] == ",":
        trailing += 1
    number = Decimal(repr(float(value))) * scale / (Decimal(1000) ** trailing)
    decimals_wanted = len(fraction)
    rounded = number.quantize(Decimal(1).scaleb(-decimals_wanted), rounding=ROUND_HALF_UP)
    whole, _, decimals = f"{abs(rounded):f}".partition(".")
    whole = whole.lstrip("0")
    if any(not _DIGITS.match(layout[i]) and layout[i] != "," for i in integer):
        whole = _interleaved(whole, [(layout[i], _literal(pieces[i])) for i in integer])
    else:
        whole = whole.rjust("".join(layout[i] for i in integer).count("0"), "0")
        if "," in layout[first:point] and whole:
            whole = f"{int(whole):,}".replace(",", ".")
    optional = decimals_wanted - fraction.count("0")
    if optional:
        decimals = decimals[: len(decimals) - optional] + decimals[-optional:].rstrip("0")
    digits = whole + ("," + decimals if decimals else "," if point <= end else "")
    sign = "-" if rounded < 0 else ""
    before = "".join(_literal(m) for m in pieces[:first])
    after = "".join(_literal(m) for m in pieces[end + 1 + trailing :])
    return f"{sign}{before}{digits}{after}"


def _interleaved(whole: str, slots: list[tuple[str, str]]) -> str:
    """The whole part of a number written into placeholders with text between them
    (``000-000``, ``0000 000 000``), filled from the right as Excel does; the leftmost
    placeholder takes every digit left over."""
    if any(place == "," for place, _ in slots):
        raise UnknownFormat("vừa có dấu phân cách hàng nghìn vừa có chữ xen giữa các chữ số")
    leftmost = next(i for i, (place, _) in enumerate(slots) if _DIGITS.match(place))
    out, rest = [], whole
    for index in range(len(slots) - 1, -1, -1):
        place, text = slots[index]
        if not _DIGITS.match(place):
            out.append(text)
        elif index == leftmost:
            out.append(rest or _EMPTY_PLACE[place])
            rest = ""
        else:
            out.append(rest[-1:] or _EMPTY_PLACE[place])
            rest = rest[:-1]
    return "".join(reversed(out))


def _currency(inner: str) -> str:
    """``[$đ-42A]`` → ``đ``; a locale block (``[$-42A]``) or a colour shows nothing."""
    symbol = inner[1:].split("-", 1)[0] if inner.startswith("$") else ""
    return f'"{symbol}"' if symbol else ""


def _date(value: dt.date | dt.time | dt.timedelta, section: str) -> str:
    section = _BRACKET.sub("", section)
    pieces = list(_TOKEN.finditer(section))
    twelve = any(m["ampm"] for m in pieces)
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        moment = dt.datetime(1900, 1, 1) + dt.timedelta(seconds=seconds % 86400)
    elif isinstance(value, dt.time):
        moment = dt.datetime.combine(dt.date(1900, 1, 1), value)
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, dt.datetime):
        moment, seconds = value, 0
    else:
        moment, seconds = dt.datetime.combine(value, dt.time()), 0
    out = []
    codes = [(m["code"] or m["elapsed"] or "").lower().strip("[]") or None for m in pieces]
    for index, match in enumerate(pieces):
        code = codes[index]
        if match["elapsed"]:
            unit = match["elapsed"][1].lower()
            amount = {"h": seconds // 3600, "m": seconds // 60, "s": seconds}[unit]
            out.append(str(amount).rjust(len(match["elapsed"]) - 2, "0"))
        elif match["ampm"]:
            out.append("SA" if moment.hour < 12 else "CH")
        elif code is None:
            out.append(_literal(match))
        elif code.startswith("."):
            digits = len(code) - 1
            out.append("," + f"{moment.microsecond / 1e6:.{digits}f}"[2:])
        elif code[0] == "m" and len(code) <= 2 and _is_minute(codes, index):
            out.append(f"{moment.minute:0{len(code)}d}")
        else:
            out.append(_date_part(code, moment, twelve))
    return "".join(out)


def _is_minute(codes: list[str | None], index: int) -> bool:
    """``m`` right after an hour or right before a second is minutes, not a month."""
    before = next((c for c in reversed(codes[:index]) if c), "")
    after = next((c for c in codes[index + 1 :] if c), "")
    return before.startswith("h") or after.startswith("s")


def _date_part(code: str, moment: dt.datetime, twelve: bool) -> str:
    letter, size = code[0], len(code)
    if letter == "y":
        return f"{moment.year % 100:02d}" if size <= 2 else f"{moment.year:04d}"
    if letter == "m":
        if size >= 4:
            return f"Tháng {_MONTHS[moment.month - 1]}"
        return f"Thg {moment.month}" if size == 3 else f"{moment.month:0{size}d}"
    if letter == "d":
        if size >= 4:
            return _WEEKDAYS[moment.weekday()]
        return _SHORT_WEEKDAYS[moment.weekday()] if size == 3 else f"{moment.day:0{size}d}"
    if letter == "q":  # Calc's quarter, as a Vietnamese Calc shows it
        quarter = (moment.month - 1) // 3 + 1
        return f"quý {quarter}" if size >= 2 else f"Q{quarter}"
    if letter == "h":
        hour = (moment.hour % 12 or 12) if twelve else moment.hour
        return f"{hour:0{size}d}"
    return f"{moment.second:0{size}d}"  # s, ss
