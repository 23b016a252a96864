"""The checks every value goes through, whether it comes from a workbook or from a program.

:class:`Checker` holds them: the conversion to the field's type, the required and bound
checks, a list's least number of rows; it collects every problem instead of stopping at the
first. The workbook reader (:mod:`bdt_docx.validate`) builds on it; :func:`check_context` puts
a context built by a program through the same checks and raises
:class:`~bdt_docx.ContextError` (no workbook is involved).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, ClassVar

from bdt_docx.cells import Area
from bdt_docx.errors import ContextError, Problem
from bdt_docx.fields import Fields, FieldSpec, TableSpec
from bdt_docx.fieldtypes import FieldType, ValueProblem
from bdt_docx.text import clean_text

__all__ = ["Checker", "check_context", "is_blank"]


#: Why a line break is refused in a value that is not ``multiline``, and what to do.
LINE_BREAK = (
    "có chỗ xuống dòng (trong ô: Alt+Enter ở Excel, Ctrl+Enter ở LibreOffice Calc) mà mẫu in "
    "giá trị này trên một dòng, liền với câu chữ của nó: báo cáo sẽ bị ngắt dòng giữa câu. "
    "Hãy xóa chỗ xuống dòng (bấm vào ô, F2, xóa rồi gõ dấu cách); muốn chữ tự xuống dòng cho "
    "dễ đọc trong ô thì dùng Excel: Home → Wrap Text, LibreOffice Calc: Format → Cells → "
    "Alignment → Wrap text automatically"
)


def is_blank(value: object) -> bool:
    """True for a value that holds nothing: None, or a text of only spaces and controls."""
    if isinstance(value, str) and value.isprintable():  # no break nor control: spaces only
        return not value.strip()
    return value is None or (isinstance(value, str) and not clean_text(value))


class Checker:
    """One validation run's checks: it accumulates problems instead of stopping at the first."""

    #: How a blank required value is told.
    blank: ClassVar[str]

    def __init__(self, fields: Fields) -> None:
        self.fields = fields
        self.problems: list[Problem] = []

    def typed(
        self, raw: object, place: Problem, kind: FieldType, required: bool, label: str
    ) -> Any:
        """``raw`` as a value of type ``kind``, or None after recording a problem at ``place``
        (whose message, if any, opens the problem's)."""
        if is_blank(raw):
            if required:
                self.add(
                    place, f"{self.blank}, cần nhập {label} ({kind.label})", code="value.blank"
                )
            return None
        try:
            return kind.read(raw, place)
        except ValueProblem as exc:
            self.add(place, str(exc), code="value.invalid")
            return None

    def as_printed(self, value: str, place: Problem, spec: FieldSpec) -> str | None:
        """The text ``value`` of the field ``spec`` as the report prints it: in capitals
        where the description says ``upper``; None after recording a problem for a line
        break the field does not take (:meth:`one_line`) or, where it says
        ``initial_capital``, a first letter typed small."""
        if "\n" in value and self.one_line(value, place, spec.multiline) is None:
            return None
        # (a first character that is no letter, a digit, is not judged)
        if spec.initial_capital and value[:1].islower():
            example = f" (ví dụ: {spec.example})" if spec.example else ""
            self.add(
                place,
                f"{_in_sentence(spec.label)} cần viết hoa chữ cái đầu như tên riêng{example}, "
                f"không phải «{value}»: báo cáo theo Nghị định 30 in nó như vậy. Hãy sửa ô",
                code="value.lower_case",
            )
            return None
        return value.upper() if spec.upper else value

    def one_line(self, value: Any, place: Problem, multiline: bool) -> Any:
        """``value``; but a text with a line break where the description does not say the
        value may have several lines (``multiline``) is None after recording a problem: the
        template prints it inside a sentence or a line, which the break would cut. A
        template without a description takes its values as they are."""
        if multiline or not isinstance(value, str) or "\n" not in value or self.fields.derived:
            return value
        self.add(place, LINE_BREAK, code="value.line_break")
        return None

    def add(self, place: Problem, message: str, code: str) -> None:
        """Record a problem of ``code`` at ``place``."""
        self.problems.append(replace(place, message=place.message + message, code=code))

    def check_length(self, rows: list[dict[str, Any]], spec: TableSpec, place: Problem) -> None:
        """A list needs at least ``spec.min_rows`` rows."""
        if len(rows) < spec.min_rows:
            message = f"danh sách '{spec.label}' cần ít nhất {spec.min_rows} dòng"
            self.add(place, message, code="list.too_short")

    def check_bounds(self, context: dict[str, Any], places: Mapping[str, Area]) -> None:
        """Bounds of whole numbers: their own first, then against fields that passed theirs
        (``places``: the cell of each field, where there is one)."""
        specs = [s for s in self.fields.values.values() if isinstance(context.get(s.name), int)]
        valid = {}
        for spec in specs:
            value = context[spec.name]
            if spec.min is not None and value < spec.min:
                self._bound(
                    spec,
                    places.get(spec.name),
                    value,
                    "là số âm ({v}), cần từ 0 trở lên"
                    if spec.min == 0
                    else "{v} không được nhỏ hơn {m}",
                    spec.min,
                )
            elif spec.max is not None and value > spec.max:
                self._bound(
                    spec, places.get(spec.name), value, "{v} không được lớn hơn {m}", spec.max
                )
            else:
                valid[spec.name] = value
        for spec in specs:
            if spec.name not in valid:
                continue
            value = valid[spec.name]
            low, high = valid.get(spec.min_field or ""), valid.get(spec.max_field or "")
            if low is not None and value < low:
                self._bound(
                    spec,
                    places.get(spec.name),
                    value,
                    "{v} không được nhỏ hơn {label} ({m})",
                    low,
                    spec.min_field,
                )
            elif high is not None and value > high:
                self._bound(
                    spec,
                    places.get(spec.name),
                    value,
                    "{v} không được lớn hơn {label} ({m})",
                    high,
                    spec.max_field,
                )

    def _bound(
        self,
        spec: FieldSpec,
        place: Area | None,
        value: int,
        text: str,
        bound: int,
        other: str | None = None,
    ) -> None:
        label = _in_sentence(self.fields.values[other].label) if other else ""
        message = text.format(v=value, m=bound, label=label)
        where = (place.sheet, place.ref) if place is not None else (None, None)
        self.problems.append(Problem(message, spec.name, *where, code="value.out_of_range"))


def _in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter small, acronyms kept (``nhiệm kỳ HĐND``;
    ``HĐND tỉnh`` stays as it is)."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


#: What a value of a context may be: what a cell can hold (None is a blank).
_SCALARS = (str, int, float, dt.date, dt.time)


def _plain_number(value: object) -> object:
    """A number of another type (``Decimal``, ``Fraction``, NumPy's numbers) as the ``int``
    it is when whole, else as a ``float``, so that it is checked as a cell's number is
    (``Decimal("25")`` is 25; ``Decimal("25.5")`` is refused for a whole number)."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if hasattr(type(value), "__index__"):  # numbers.Integral, NumPy's integers
        try:
            return operator.index(value)  # type: ignore[arg-type]
        except TypeError:  # a NumPy array of a number or more: refused for its type
            return value
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return math.nan if value.is_nan() else float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


#: What no value is (pandas' NA, when pandas is not imported).
_NOTHING = object()


def _blanks(value: object, where: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """pandas' blanks in ``value`` (at ``where``), lists and dicts included: ``(where,
    "NaN")``, ``(where, "NaT")``, ``(where, "NA")``."""
    if isinstance(value, (float, dt.date)):
        if value != value:  # (NaN and NaT only)
            yield where, "NaN" if isinstance(value, float) else "NaT"
    elif value is getattr(sys.modules.get("pandas"), "NA", _NOTHING):  # (nullable columns)
        yield where, "NA"
    elif depth < 4 and isinstance(value, Mapping):
        for key, item in value.items():
            yield from _blanks(item, f"{where}.{key}", depth + 1)
    elif depth < 4 and isinstance(value, (list, tuple)):
        for number, item in enumerate(value, 1):
            yield from _blanks(item, f"{where}[{number}]", depth + 1)


class _ContextChecker(Checker):
    """The checks of :class:`Checker` on a context built by a program: no workbook, no cells.

    Each problem names its field (and, in a list, the row counted from 1).
    """

    blank = "chưa có giá trị"

    def read(self, context: Mapping[str, Any]) -> dict[str, Any]:
        if self.fields.derived:
            # A template without a description types nothing: its values go in as given,
            # as docxtpl takes them (numbers, lists, dicts, docxtpl's objects; not pandas'
            # blanks, which would print "nan"); only the variables it needs (not guarded by
            # |default or "is defined") must be there.
            for name, spec in self.fields.values.items():
                if spec.required:
                    self.present(context, name, spec.label, "giá trị")
            for name, table in self.fields.tables.items():
                self.present(context, name, table.label, "danh sách")
            for place, blank in self._pandas_blanks(context):
                self.add(
                    place,
                    f"giá trị là {blank} (giá trị trống của pandas), không in được vào báo cáo; "
                    "giá trị trống là None",
                    code="value.invalid",
                )
            return dict(context)
        value_specs = dict(self.fields.values)
        table_specs = dict(self.fields.tables)
        checked: dict[str, Any] = {}
        for name, spec in value_specs.items():
            if self.present(context, name, spec.label, spec.field_type.label):
                place = Problem("", name)
                value = self.scalar(
                    context[name], place, spec.field_type, spec.required, spec.label
                )
                if isinstance(value, str):
                    value = self.as_printed(value, place, spec)
                checked[name] = value
        for name, spec in table_specs.items():
            if self.present(context, name, spec.label, "danh sách"):
                checked[name] = self.rows(context[name], spec)
        self.check_bounds(checked, {})
        return checked

    def _pandas_blanks(self, context: Mapping[str, Any]) -> Iterator[tuple[Problem, str]]:
        """pandas' blanks (NaN, NaT, NA) where a template without a description prints them
        (``nan`` in a report): its variables, and its lists' columns it reads."""
        for name in self.fields.values.keys() & context.keys():
            yield from (
                (Problem("", where), blank) for where, blank in _blanks(context[name], name)
            )
        for name, table in self.fields.tables.items():
            rows = context.get(name)
            if name in self.fields.whole_rows or not isinstance(rows, (list, tuple)):
                yield from ((Problem("", where), blank) for where, blank in _blanks(rows, name))
                continue
            for number, row in enumerate(rows, 1):
                for column in table.columns if isinstance(row, Mapping) else ():
                    place = Problem(f"dòng {number}: ", f"{name}.{column.name}")
                    yield from ((place, blank) for _, blank in _blanks(row.get(column.name), ""))

    def present(self, context: Mapping[str, Any], name: str, label: str, kind: str) -> bool:
        if name in context:
            return True
        self.add(Problem("", name), f"thiếu trường này: {label} ({kind})", code="context.missing")
        return False

    def scalar(
        self, value: object, place: Problem, kind: FieldType, required: bool, label: str
    ) -> Any:
        value = _plain_number(value)
        if value is None or isinstance(value, _SCALARS):
            return self.typed(value, place, kind, required, label)
        message = f"cần {kind.label}, không phải kiểu {type(value).__name__}"
        self.add(place, message, code="context.wrong_type")
        return None

    def rows(self, value: object, spec: TableSpec) -> list[dict[str, Any]] | None:
        if not _is_rows(value):
            self.add(
                Problem("", spec.name),
                "cần một danh sách các dòng (list các dict, khóa là tên cột), không phải "
                f"kiểu {type(value).__name__}",
                code="context.not_rows",
            )
            return None
        rows = []
        for number, row in enumerate(value, 1):
            if not isinstance(row, Mapping):
                self.add(
                    Problem(f"dòng {number}: ", spec.name),
                    f"cần một dict (tên cột → giá trị), không phải kiểu {type(row).__name__}",
                    code="context.not_row",
                )
            elif not all(is_blank(v) for v in row.values()):
                rows.append(self.record(row, number, spec))
        self._misnamed_columns([row for row in value if isinstance(row, Mapping)], spec)
        self.check_length(rows, spec, Problem("", spec.name))
        return rows

    def _misnamed_columns(self, rows: list[Mapping[str, Any]], spec: TableSpec) -> None:
        """Rows that lack a required column and have columns the description does not know
        (a DataFrame's column named otherwise): said once, with the names it knows."""
        names = [column.name for column in spec.columns]
        unknown = sorted({str(key) for row in rows for key in row if key not in names})
        absent = [c.name for c in spec.columns if c.required and any(c.name not in r for r in rows)]
        if unknown and absent:
            self.add(
                Problem("", spec.name),
                f"các dòng có cột {', '.join(map(repr, unknown))} mà mô tả trường không có, và "
                f"thiếu cột {', '.join(map(repr, absent))}: tên cột phải đúng như mô tả trường "
                f"({', '.join(map(repr, names))})",
                code="context.unknown_column",
            )

    def record(self, row: Mapping[str, Any], number: int, spec: TableSpec) -> dict[str, Any]:
        record = {}
        for column in spec.columns:
            place = Problem(f"dòng {number}: ", f"{spec.name}.{column.name}")
            value = self.scalar(
                row.get(column.name), place, column.field_type, column.required, column.header
            )
            record[column.name] = column.trim(self.one_line(value, place, column.multiline))
        return record


def check_context(context: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """A context built by a program, checked as :func:`read_context` checks a workbook's.

    Every field of ``fields`` must be present; each value goes through the same conversion
    (``"25"`` → 25, ``"09/06/2021"`` → a date), required, bound and list checks, and a value
    of a type no cell can hold (a list for a number) is refused. Returns the typed context of
    the fields. Derived fields (a template without a description) only require the variables
    the template needs, and pass every value as given (but pandas' blanks, NaN, NaT and NA, where
    the template prints them). Raises :class:`ContextError` listing every problem, each
    naming its field.
    """
    reader = _ContextChecker(fields)
    checked = reader.read(context)
    if reader.problems:
        raise ContextError(reader.problems)
    return checked


def _is_rows(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))
