"""The field types, in one registry: what a description's ``type = "…"`` may name.

Each type is one :class:`FieldType` object in :data:`TYPES`, and knows everything the package
does with it: its name in a description (:mod:`bdt_docx.fields` accepts only registered
names), how it is told to a clerk (``bdt-docx fields``, the hint of ``bdt-docx init``,
messages), how a value from a cell or from a program becomes it (:mod:`bdt_docx.validate`,
:mod:`bdt_docx.checks`), and how its input cells look in a new workbook (number format,
column width, data validation: :mod:`bdt_docx.scaffold`). A new type is one subclass here,
registered with :func:`register`; no other module names a type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from abc import ABC, abstractmethod
from dataclasses import replace
from decimal import InvalidOperation
from typing import Any, ClassVar

from bdt_docx.errors import BdtDocxWarning, Problem
from bdt_docx.filters import so
from bdt_docx.legacy import ENCODING_LABELS, repair
from bdt_docx.numfmt import UnknownFormat, month_first, shown, shows_day
from bdt_docx.text import clean_text

__all__ = ["DATE", "INTEGER", "TEXT", "TYPES", "Date", "FieldType", "ValueProblem", "register"]

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
# A whole number typed as text: plain digits, or groups of three after "." or a space (the
# first group not starting with 0: 0.025 is no thousands).
_INT_TEXT = re.compile(r"[+-]?(?:[1-9][0-9]{0,2}(?:([. \u00a0])[0-9]{3})(?:\1[0-9]{3})*|[0-9]+)")
#: Excel keeps 15 significant digits; a whole number beyond them is not what was typed.
_MAX_DIGITS = 15
#: Where a cell's number format is changed, in Excel and in LibreOffice Calc.
_FORMAT_CELLS = "Excel: Format Cells → Number; LibreOffice Calc: Format → Cells → Numbers"
#: How a cell is made to show a plain number, in Excel and in LibreOffice Calc.
_AS_NUMBER = (
    "Excel: Format Cells → Number → General; LibreOffice Calc: Format → Cells → Numbers → "
    "Number, General"
)
#: How a cell is made to show a date day first, in Excel and in LibreOffice Calc.
_DAY_FIRST = (
    "Excel: Format Cells → Custom, gõ dd/mm/yyyy; LibreOffice Calc: Format → Cells → "
    "Numbers, Format code DD/MM/YYYY"
)
#: How a program's missing value is told (pandas puts NaN or NaT for each blank).
_PANDAS_BLANK = "{} (giá trị trống của pandas); giá trị trống là None"


class ValueProblem(ValueError):
    """A cell's value does not fit its type (the Vietnamese reason)."""


def _number(value: float) -> str:
    """A number as the clerk sees it in a message (``1.500,5``), whatever its size."""
    try:
        return so(value, 10)
    except InvalidOperation:  # nan, inf, or more digits than a Decimal keeps
        return f"{value:g}"


class FieldType(ABC):
    """A kind of value a field or a list's column holds; subclasses are the types.

    A subclass sets :attr:`name` and :attr:`label` and implements :meth:`convert`; the other
    methods and attributes have defaults that suit a type typed as text.
    """

    #: The name a description gives it: ``type = "integer"``.
    name: ClassVar[str]
    #: How it is told to a clerk: ``bdt-docx fields``, the hint of ``bdt-docx init``, messages.
    label: ClassVar[str]
    #: Width (characters) of a list's column of this type in a new workbook.
    column_width: ClassVar[int] = 60
    #: Number format of its input cells in a new workbook (None: Excel's General).
    number_format: ClassVar[str | None] = None

    @abstractmethod
    def convert(self, value: object) -> Any:
        """``value`` (a cell's, a program's, or a description's example) as this type.

        Raises :class:`ValueProblem` with the Vietnamese reason when it does not fit.
        """

    def read(self, value: object, place: Problem) -> Any:
        """``value``, not blank, from a workbook or a program's context, as this type;
        warnings about it name ``place``. :meth:`convert` unless the type says more."""
        return self.convert(value)

    def from_cell(self, value: object, number_format: str, place: Problem) -> object:
        """What a cell holding a number, a date or a time (``value``, shown with
        ``number_format``) gives to :meth:`read`: the value itself unless the type takes
        what the cell shows. Raises :class:`ValueProblem` when the cell cannot be taken."""
        return value

    def validation(self, low: int | None, high: int | None, label: str) -> dict[str, str] | None:
        """The data validation of its input cells in a new workbook, as the arguments of
        openpyxl's ``DataValidation`` (``error`` is the message Excel shows), or None;
        ``low`` and ``high`` are the field's bounds, ``label`` names it."""
        return None


#: Every field type, by the name a description gives it, in the order they are listed.
TYPES: dict[str, FieldType] = {}


def register(field_type: FieldType) -> FieldType:
    """Add ``field_type`` to :data:`TYPES` (replacing a type of the same name); returns it."""
    TYPES[field_type.name] = field_type
    return field_type


class _Text(FieldType):
    name = "text"
    label = "chữ"

    def convert(self, value: object) -> str:
        """``value`` as a text (a whole float without its ``.0``, a datetime as its date)."""
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            if math.isnan(value):  # a program's blank (pandas), never the text "nan"
                raise ValueProblem("cần chữ, không phải " + _PANDAS_BLANK.format("NaN"))
            return str(int(value)) if value.is_integer() else _number(value)
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y")
        return clean_text(str(value))

    def read(self, value: object, place: Problem) -> str:
        """Text typed in TCVN3 or VNI is converted to Unicode, with a warning."""
        if isinstance(value, str):  # (plain ASCII is never a legacy encoding's)
            return clean_text(value if value.isascii() else _from_legacy(value, place))
        return self.convert(value)

    def from_cell(self, value: object, number_format: str, place: Problem) -> object:
        """The text the cell shows: 96,67%, 1.500.000 đ, 05, 12:00; a format whose result is
        not certain is refused rather than guessed."""
        try:
            return shown(value, number_format)
        except UnknownFormat as exc:
            raise ValueProblem(
                f"ô dùng định dạng số «{number_format}» ({exc}) nên không chắc ô hiện gì. "
                f"Hãy đổi định dạng ô ({_FORMAT_CELLS}), hoặc gõ chữ đúng như muốn in"
            ) from None


class _Integer(FieldType):
    name = "integer"
    label = "số nguyên"
    column_width = 12

    def convert(self, value: object) -> int:
        """A number or digits as a whole number, as the cell shows it."""
        if type(value) is float and value.is_integer() and abs(value) < 10**_MAX_DIGITS:
            return int(value)  # the usual cell: shown as it is
        if isinstance(value, bool):
            raise ValueProblem(f"cần một số nguyên, không phải giá trị {str(value).upper()}")
        if isinstance(value, (dt.date, dt.time, dt.timedelta)):
            raise ValueProblem("cần một số nguyên, không phải ngày hay giờ")
        if isinstance(value, (int, float)):
            number = float(value)
            if math.isnan(number):
                raise ValueProblem("cần một số nguyên, không phải giá trị không là số (NaN)")
            if not math.isfinite(number) or abs(number) >= 10**_MAX_DIGITS:
                raise ValueProblem(f"cần một số nguyên, không phải số quá lớn {_number(number)}")
            as_shown = float(f"{number:.{_MAX_DIGITS}g}")  # 24.999999999999996 shows as 25
            if not as_shown.is_integer():
                raise ValueProblem(f"cần một số nguyên, không phải số lẻ {_number(number)}")
            return int(as_shown)
        text = clean_text(str(value))
        if _INT_TEXT.fullmatch(text):
            digits = re.sub("[^0-9+-]", "", text)
            if len(digits.lstrip("+-")) > _MAX_DIGITS:
                raise ValueProblem(
                    f"cần một số nguyên, không phải số quá lớn ({len(digits)} chữ số)"
                )
            return int(digits)
        if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", text):
            raise ValueProblem(f"cần một số nguyên, không phải số lẻ {text}")
        quoted = text if len(text) <= 60 else text[:60] + "…"
        if numbered := re.match(r"([0-9]+)\s*/\s*[^\W\d_]", text):  # a number and symbol
            raise ValueProblem(
                f"cần một số nguyên, không phải chữ '{quoted}': chỉ gõ số ({numbered[1]}), "
                "phần sau dấu / là ký hiệu, nằm ở ô riêng"
            )
        raise ValueProblem(f"cần một số nguyên, không phải chữ '{quoted}'")

    def from_cell(self, value: object, number_format: str, place: Problem) -> object:
        """A count typed into a cell formatted as a date or time is refused saying what the
        cell shows (Excel shows 25 there as 25/01/1900); so is a number with a fraction that
        the cell shows otherwise (25,4 formatted ``0`` shows 25, 0,96 formatted ``0%`` 96%),
        and a whole number the cell shows as a percentage (1 formatted ``0%``, as Excel
        stores 100% typed, shows 100%)."""
        if type(value) is float and "%" in number_format and value.is_integer():
            try:
                shows = shown(value, number_format).strip()
            except UnknownFormat:
                return value
            if "%" in shows:
                raise ValueProblem(
                    f"cần một số nguyên, không phải tỷ lệ phần trăm {shows} (ô định dạng phần "
                    f"trăm); hãy đổi định dạng ô thành số ({_AS_NUMBER}) rồi gõ lại số"
                )
        if isinstance(value, (dt.date, dt.time, dt.timedelta)):
            shows = shown(value, number_format)
            raise ValueProblem(
                f"cần một số nguyên, nhưng ô định dạng ngày giờ nên hiện «{shows}»; hãy đổi "
                f"định dạng ô thành số ({_AS_NUMBER}) rồi gõ lại số"
            )
        if (
            type(value) is float
            and not value.is_integer()  # the usual cell: a whole number
            and number_format.lower() != "general"
            and not float(f"{value:.{_MAX_DIGITS}g}").is_integer()
        ):
            try:
                shows = shown(value, number_format).strip()
            except UnknownFormat:
                return value
            if shows != _number(value):
                raise ValueProblem(
                    f"cần một số nguyên, không phải số lẻ {_number(value)} (ô hiện «{shows}» do "
                    "định dạng số của ô); hãy gõ lại số nguyên"
                )
        return value

    def validation(self, low: int | None, high: int | None, label: str) -> dict[str, str]:
        """A whole number from ``low`` (0 when unset), up to ``high`` when set."""
        low = 0 if low is None else low
        error = f"{label}: cần một số nguyên từ {low}" + (f" đến {high}" if high else "")
        check = {"type": "whole", "operator": "greaterThanOrEqual", "formula1": str(low)}
        if high is not None:
            check |= {"operator": "between", "formula2": str(high)}
        return check | {"error": error}


class Date(dt.date):
    """A date field's value: a :class:`datetime.date` that prints as ``dd/mm/yyyy``, as the
    cell showed it, where a template prints it without a filter (``{{ ngay }}``); the
    filters (``ngay_day_du``, ``ngay_ngan``) take it as any date."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"


class _Date(FieldType):
    name = "date"
    label = "ngày dạng dd/mm/yyyy"
    column_width = 14
    number_format = "dd/mm/yyyy"

    def convert(self, value: object) -> Date:
        """A date, or a text ``dd/mm/yyyy``; a datetime gives its date."""
        if isinstance(value, dt.date):
            if value != value:  # pandas' NaT, a date that is not there
                raise ValueProblem("cần một ngày, không phải " + _PANDAS_BLANK.format("NaT"))
            return Date(value.year, value.month, value.day)
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
        if year < 1900:  # (09/06/0021 typed for 2021: no date a cell of Excel can hold)
            raise ValueProblem(
                f"ngày {text} có năm {match[3]}, trước năm 1900; hãy gõ năm đủ bốn chữ số"
            )
        try:
            return Date(year, month, day)
        except ValueError as exc:
            raise ValueProblem(f"ngày {text} không có thật") from exc

    def from_cell(self, value: object, number_format: str, place: Problem) -> object:
        """A date cell must show the day of the month; one formatted month first is told."""
        if isinstance(value, dt.datetime):
            if not shows_day(number_format):
                raise ValueProblem(
                    f"ô chỉ hiện «{shown(value, number_format)}», không có ngày trong "
                    "tháng, nên không biết ngày nào; hãy gõ ngày đủ và định dạng ô "
                    f"dd/mm/yyyy ({_DAY_FIRST})"
                )
            _say_month_first(value, number_format, place)
        return value

    def validation(self, low: int | None, high: int | None, label: str) -> dict[str, str]:
        """Any date."""
        return {
            "type": "date",
            "operator": "greaterThan",
            "formula1": "1",
            "error": f"{label}: cần một ngày dạng dd/mm/yyyy",
        }


TEXT = register(_Text())
INTEGER = register(_Integer())
DATE = register(_Date())


def _say_month_first(date: dt.datetime, code: str, where: Problem) -> None:
    """Say which date was read from a cell formatted month first (a machine set to US
    format stores 09/06 typed there as 6 September), when day and month could swap."""
    if date.day <= 12 and date.day != date.month and month_first(code):
        warnings.warn(
            BdtDocxWarning(
                replace(
                    where,
                    message=f"đã đọc ngày {date:%d/%m/%Y} (ngày {date.day} tháng "
                    f"{date.month} năm {date.year}); ô định dạng tháng trước ngày (kiểu Mỹ). "
                    f"Nếu ngày gõ vào khác ngày này, hãy định dạng ô dd/mm/yyyy ({_DAY_FIRST}) "
                    "rồi gõ lại",
                    code="value.month_first",
                )
            ),
            stacklevel=5,
        )


def _from_legacy(text: str, where: Problem) -> str:
    """``text`` in Unicode; a cell typed in TCVN3 or VNI is converted, with a warning."""
    fixed, encoding = repair(text)
    if encoding is not None:
        quoted = clean_text(fixed)
        quoted = quoted if len(quoted) <= 60 else quoted[:60] + "…"
        warnings.warn(
            BdtDocxWarning(
                replace(
                    where,
                    message=f"chữ được gõ bằng bảng mã cũ {ENCODING_LABELS[encoding]}, đã "
                    f"chuyển sang Unicode: «{quoted}». Hãy kiểm tra, rồi sửa ô trong sổ sang "
                    "Unicode (Unikey: Công cụ chuyển mã)",
                    code="value.legacy_encoding",
                )
            ),
            stacklevel=5,
        )
    return fixed
