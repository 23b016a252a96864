"""What an .xlsx cell holds, read as Excel shows it.

:class:`CellReader` turns a sheet's ``<c>`` element into a :class:`~bdt_docx.cells.Cell`:
shared and inline strings (rich text, Excel's ``_xHHHH_`` escapes), numbers, booleans, errors,
ISO dates, and the number format of the cell's style, which tells a date or an elapsed time
from a number. The workbook's styles and shared strings are read the first time a cell needs
them, and only the shared strings that cells use are decoded.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from lxml import etree

from bdt_docx.cells import Cell, with_formula
from bdt_docx.package import parse_xml

__all__ = [
    "BUILTIN_FORMATS",
    "CALENDAR_MAC_1904",
    "CALENDAR_WINDOWS_1900",
    "CellReader",
    "from_excel",
    "is_date_format",
    "number_formats",
    "string_item",
    "unescape",
]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: A style index as cells store it (ASCII digits, at most nine).
_WHOLE = re.compile(r"[0-9]{1,9}")

# Excel's conventions, as openpyxl reads them. Written here because importing anything from
# openpyxl loads the whole package (and numpy): a third of a second at every start.
CALENDAR_WINDOWS_1900 = dt.datetime(1899, 12, 30)
CALENDAR_MAC_1904 = dt.datetime(1904, 1, 1)
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")
_QUOTED = re.compile(r'"[^"]*"')
_ELAPSED_CODE = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
#: What a cell's number format shows, besides a number.
_DATE, _ELAPSED = "date", "elapsed"
#: Built-in formats that show dates or times: Excel's (14–22, 45–47) and those of East Asian
#: Excel and WPS (27–36, 50–58).
_BUILTIN_DATE_IDS = {str(i) for i in (*range(14, 23), *range(27, 37), 45, 47, *range(50, 59))}
#: Excel's built-in number formats (the codes it does not write into styles.xml). 14 is the
#: short date of the machine's language (month first in the US); the East Asian dates are
#: given as short dates, their times as times.
BUILTIN_FORMATS = {
    "0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00",
    "9": "0%", "10": "0.00%", "11": "0.00E+00", "12": "# ?/?", "13": "# ??/??",
    "14": "mm-dd-yy", "15": "d-mmm-yy", "16": "d-mmm", "17": "mmm-yy", "18": "h:mm AM/PM",
    "19": "h:mm:ss AM/PM", "20": "h:mm", "21": "h:mm:ss", "22": "m/d/yy h:mm",
    **dict.fromkeys(map(str, (27, 28, 29, 30, 31, 36, *range(50, 59))), "yyyy-mm-dd"),
    "32": "h:mm", "33": "h:mm:ss", "34": "h:mm", "35": "h:mm:ss",
    "37": "#,##0 ;(#,##0)", "38": "#,##0 ;(#,##0)", "39": "#,##0.00;(#,##0.00)",
    "40": "#,##0.00;(#,##0.00)", "45": "mm:ss", "46": "[h]:mm:ss", "47": "mm:ss.0",
    "48": "##0.0E+0", "49": "@",
}  # fmt: skip
_FORMAT_LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def unescape(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (``_x000A_`` → a line break).

    A pair of escaped UTF-16 surrogates becomes the one character it encodes; a surrogate
    left alone (which no text can carry) becomes U+FFFD, as Excel shows it.
    """
    if "_x" not in text:
        return text
    decoded = _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)
    return decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def is_date_format(code: str) -> bool:
    """True when a number format shows a date or a time (its first section, literals and
    locale blocks left out)."""
    return _DATE_CODE.search(_FORMAT_LITERALS.sub("", code.split(";")[0])) is not None


def from_excel(number: float, epoch: dt.datetime) -> dt.datetime | dt.time:
    """An Excel serial date as a datetime (a time of day below 1), counting Excel's
    phantom 29 February 1900 in the Windows calendar."""
    day, fraction = divmod(number, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= number < 1 and diff.days == 0:
        return (dt.datetime.min + diff).time()
    if 0 < number < 60 and epoch == CALENDAR_WINDOWS_1900:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


def string_item(si: etree._Element) -> str:
    """The text of a shared or inline string: its plain text and rich text runs in order,
    phonetic guides left out."""
    if len(si) == 1:  # plain text, as most programs write it
        first = si[0]
        if _local_name(first) == "t":
            return unescape(first.text or "")
    texts = []
    for child in si:
        local = _local_name(child)
        if local == "t":
            texts.append(child.text or "")
        elif local == "r":
            texts += [t.text or "" for t in child if _local_name(t) == "t"]
    return unescape("".join(texts))


def _local_name(element: etree._Element) -> str | None:
    """An element's name without its namespace (``None`` for a comment)."""
    tag = element.tag
    return tag[tag.find("}") + 1 :] if isinstance(tag, str) else None


class CellReader:
    """Reads the ``<c>`` elements of one workbook's sheets.

    ``strings()`` gives the name and the bytes of the workbook's shared strings part, or
    ``None`` when it has none; ``styles()`` the number format of each cell style (see
    :func:`number_formats`); each is called the first time a cell needs it.
    ``recalc_on_load`` is the workbook's ``fullCalcOnLoad``: the values saved with its
    formulas are placeholders, not results.
    """

    def __init__(
        self,
        namespace: str,
        strings: Callable[[], tuple[str, bytes] | None],
        styles: Callable[[], tuple[tuple[str, str], ...]],
        epoch: dt.datetime,
        recalc_on_load: bool,
    ) -> None:
        self._namespace = namespace
        self._f, self._v, self._is, self._si, self._t = (
            f"{namespace}{t}" for t in ("f", "v", "is", "si", "t")
        )
        self._load_strings, self._load_styles = strings, styles
        self._epoch = epoch
        self._recalc_on_load = recalc_on_load
        self._strings: list[etree._Element] | None = None
        self._decoded: dict[int, str] = {}
        self._styles: tuple[tuple[str, str], ...] | None = None
        #: The styles looked up so far, by the index cells give.
        self._known_styles: dict[str, tuple[str, str]] = {}
        #: Style indexes known to be well formed (a cell with one of them and no value is blank).
        self._plain_styles: set[str] = set()

    @property
    def styles_read(self) -> bool:
        """Whether the styles were read (:meth:`blank` then reads nothing)."""
        return self._styles is not None

    def blank(self, c: etree._Element) -> bool:
        """Whether cell ``c`` holds nothing but a style (the spare rows under a list are
        such cells): what :meth:`read` reads as blank, told without building the cell."""
        if len(c) or c.get("t") == "inlineStr":
            return False
        style = c.get("s") or "0"
        if style not in self._plain_styles:
            try:
                self._style(style)
            except ValueError:  # a damaged style: read says so
                return False
            self._plain_styles.add(style)
        return True

    def read(self, sheet: str, ref: str, c: etree._Element, hidden: bool) -> Cell | None:
        """The cell ``c`` at ``ref`` of ``sheet`` (``hidden``: its row is hidden); ``None``
        when it is blank."""
        v = formula = si = None
        for child in c:  # one pass over its few children: <f>, <v>, <is>
            tag = child.tag
            if tag == self._v:
                v = child if v is None else v
            elif tag == self._f:
                formula = child if formula is None else formula
            elif tag == self._is:
                si = child if si is None else si
        try:
            cell = self._value(sheet, ref, hidden, c, v, formula is not None, si)
        except (ValueError, IndexError):  # a value no spreadsheet program writes
            return Cell(sheet, ref, damaged=True, hidden_row=hidden)
        return cell if formula is None else with_formula(cell, formula.text)

    def _value(
        self,
        sheet: str,
        ref: str,
        hidden: bool,
        c: etree._Element,
        v: etree._Element | None,
        formula: bool,
        si: etree._Element | None,
    ) -> Cell | None:
        kind = c.get("t", "n")
        text = v.text if v is not None else None
        index = c.get("s") or "0"
        code, style = self._known_styles.get(index) or self._style(index)
        if kind == "inlineStr":
            if si is None:
                return Cell(sheet, ref, hidden_row=hidden)
            if len(si) == 1 and (first := si[0]).tag == self._t:  # as most programs write it
                # (the cells of a sheet are made by the hundred: positional arguments)
                return Cell(
                    sheet, ref, unescape(first.text or ""), None, False, False, "General", hidden
                )
            return Cell(sheet, ref, string_item(si), hidden_row=hidden)
        value: object
        if formula:
            if self._recalc_on_load or v is None or (text is None and kind != "str"):
                return Cell(sheet, ref, unsaved_formula=True, hidden_row=hidden)
            if kind == "str" and not text:  # a formula whose result is "" (=IF(A1="";""))
                return Cell(sheet, ref, "", hidden_row=hidden)
        if text is None or text == "":
            return None
        if kind == "s":
            value = self._shared_string(int(text))
        elif kind == "str":
            value = unescape(text)
        elif kind == "b":
            value = text == "1"
        elif kind == "e":
            return Cell(sheet, ref, error=text, hidden_row=hidden)
        elif kind == "d":
            return Cell(sheet, ref, _iso_date(text), number_format=code, hidden_row=hidden)
        else:
            number = _number(text)
            if style == _ELAPSED:
                value = dt.timedelta(days=number)
            elif style == _DATE:
                try:
                    value = from_excel(number, self._epoch)
                except (OverflowError, ValueError):  # 20210609 typed into a date cell
                    return Cell(sheet, ref, number, hidden_row=hidden)
            else:
                value = number
            return Cell(sheet, ref, value, None, False, False, code, hidden)
        return Cell(sheet, ref, value, None, False, False, "General", hidden)

    def _shared_string(self, index: int) -> str:
        """Shared string ``index`` (decoded once); ``IndexError`` when there is none."""
        if index not in self._decoded:
            if self._strings is None:
                part = self._load_strings()
                self._strings = parse_xml(part[1], part[0]).findall(self._si) if part else []
            self._decoded[index] = string_item(self._strings[index])
        return self._decoded[index]

    def _style(self, index: str) -> tuple[str, str]:
        """The number format code of cell style ``index`` and what it shows (a date, an
        elapsed time or a number); ``ValueError`` for an index no program writes."""
        known = self._known_styles.get(index)
        if known is not None:
            return known
        if self._styles is None:
            self._styles = self._load_styles()
        if not _WHOLE.fullmatch(index):
            raise ValueError(index)
        position = int(index)
        found = self._styles[position] if position < len(self._styles) else ("General", "")
        self._known_styles[index] = found
        return found


def number_formats(root: etree._Element, m: str) -> tuple[tuple[str, str], ...]:
    """The number format code of each cell style of a styles part (``root``, in namespace
    ``m``) and what it shows (:func:`_format_kind`)."""
    custom = {
        f.get("numFmtId", ""): f.get("formatCode", "")
        for f in root.iterfind(f"{m}numFmts/{m}numFmt")
    }
    styles = []
    for xf in root.iterfind(f"{m}cellXfs/{m}xf"):
        fmt_id = xf.get("numFmtId", "0")
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
        styles.append((code, _format_kind(code, fmt_id)))
    return tuple(styles)


def _number(text: str) -> float:
    """A number as a sheet stores it (``25``, ``-1.5E-3``); ``ValueError`` for anything else
    (``NaN``, ``inf``, ``1_000``, a number too large for a float)."""
    number = float(text) if _NUMBER.fullmatch(text) else math.nan
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _iso_date(text: str) -> dt.datetime | dt.time:
    """A date stored as ISO 8601 text (``t="d"``): ``2021-06-09``, ``2021-06-09T08:00:00Z``,
    or a time of day alone (``12:30:00``); the time zone, if any, is left out as Excel
    shows the wall time written."""
    text = text.strip().removesuffix("Z").removesuffix("z")
    if re.fullmatch(r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?", text):
        return dt.time.fromisoformat(text)
    if len(text) > 40:
        raise ValueError(text)
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def _format_kind(code: str, fmt_id: str) -> str:
    """What a number format shows: an elapsed time (``[h]:mm:ss``), a date or time, or a
    number (``""``)."""
    first = _QUOTED.sub("", code.split(";")[0])
    if fmt_id == "46" or _ELAPSED_CODE.search(first):
        return _ELAPSED
    if fmt_id in _BUILTIN_DATE_IDS or is_date_format(code):
        return _DATE
    return ""
