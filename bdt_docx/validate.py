"""Stage 2: check a workbook against a template's fields and build the render context.

:func:`read_context` looks up every field of the contract, reads the cells in one pass per
sheet, converts each value to its type and checks its constraints. It collects every problem
and raises them together in one :class:`~bdt_docx.WorkbookError`, each with its field, sheet
and cell, so that a clerk fixes the workbook in one round.

:func:`check_context` puts a context built by a program through the same conversions and
checks, and raises :class:`~bdt_docx.ContextError` (no workbook is involved).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from bdt_docx.errors import BdtDocxWarning, ContextError, Problem, WorkbookError
from bdt_docx.fields import TYPE_LABELS, Column, Fields, FieldSpec, TableSpec
from bdt_docx.filters import so
from bdt_docx.legacy import ENCODING_LABELS, repair
from bdt_docx.numfmt import month_first, shown, shows_day
from bdt_docx.ods import OdsWorkbook
from bdt_docx.text import clean_text, slug
from bdt_docx.workbook import (
    COPIED_SHEET_HINT,
    MAX_ROW,
    AmbiguousNameError,
    Area,
    Cell,
    NameLookupError,
    TableInfo,
    Workbook,
    cell_ref,
)

__all__ = ["check_context", "convert", "read_context"]

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
# A whole number typed as text: plain digits, or groups of three after "." or a space.
_INT_TEXT = re.compile(r"[+-]?(?:[0-9]{1,3}(?:([. \u00a0])[0-9]{3})(?:\1[0-9]{3})*|[0-9]+)")
#: Cell values a text field takes as the cell shows them (its number format applied).
_SHOWN = (int, float, dt.date, dt.time, dt.timedelta)
#: Excel keeps 15 significant digits; a whole number beyond them is not what was typed.
_MAX_DIGITS = 15
_RENAMED = r"^{name}_?\d+$"
#: How many rows under a list are looked at for rows typed outside it.
_BELOW_ROWS = 1000


class ValueProblem(ValueError):
    """A cell's value does not fit its type (the Vietnamese reason)."""


def _number(value: float) -> str:
    """A number as the clerk sees it in a message (``1.500,5``), whatever its size."""
    try:
        return so(value, 10)
    except InvalidOperation:  # nan, inf, or more digits than a Decimal keeps
        return f"{value:g}"


def _to_text(value: object) -> str:
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
    "text": _to_text,
    "integer": _to_integer,
    "date": _to_date,
}


def convert(value: object, type_: str) -> Any:
    """Convert a raw cell value to ``type_``; raise ``ValueError`` with a Vietnamese reason.

    Also used by ``bdt-docx init`` to type the examples of a field description.
    """
    return _CONVERTERS[type_](value)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _is_blank_cell(cell: Cell) -> bool:
    """A cell that holds nothing: no value, no error, no formula without its result."""
    return _is_blank(cell.value) and not (cell.error or cell.damaged or cell.unsaved_formula)


def _rows_inside(cells: dict, area: Area) -> dict[int, dict[int, Cell]]:
    """The cells read inside ``area``, by row then column (only rows that have cells)."""
    rows: dict[int, dict[int, Cell]] = {}
    for (sheet, row, col), cell in cells.items():
        if (
            sheet == area.sheet
            and area.min_row <= row <= area.max_row
            and area.min_col <= col <= area.max_col
        ):
            rows.setdefault(row, {})[col] = cell
    return rows


@dataclass
class _List:
    """Where a list sits: its header cells, its data rows and the rows right below it."""

    name: str
    data: Area
    headers: tuple[str, ...] | None  # None: read from the first row of ``header_area``
    header_area: Area | None
    #: The rows right under the list (its totals row included), where a clerk may have
    #: typed rows the list does not cover; None when the list reaches the sheet's end.
    below: Area | None
    is_table: bool


def _below(area: Area) -> Area | None:
    """The rows under ``area`` that are looked at for rows typed outside the list."""
    if area.max_row >= MAX_ROW:
        return None
    last = min(MAX_ROW, area.max_row + _BELOW_ROWS)
    return Area(area.sheet, area.max_row + 1, area.min_col, last, area.max_col)


class _Reader:
    """One validation run: it accumulates problems instead of stopping at the first."""

    #: How a blank required value is told.
    blank = "ô trống"

    def __init__(self, workbook: Workbook | OdsWorkbook, fields: Fields) -> None:
        self.workbook = workbook
        self.fields = fields
        self.problems: list[Problem] = []

    # -- locating -------------------------------------------------------------------------

    def locate_value(self, spec: FieldSpec) -> Area | None:
        try:
            area = self.workbook.find_name(spec.name)
        except AmbiguousNameError as exc:
            first = exc.places[0][0]
            self._copied_sheet()
            self.problems.append(Problem(str(exc), spec.name, first.sheet, first.ref))
            return None
        except NameLookupError as exc:
            hint = f" ({spec.label})" if spec.label != spec.name else ""
            reason = str(exc)
            if spec.name.lower() in self.workbook.tables():
                reason = f"'{spec.name}' là một bảng, nhưng mẫu cần một ô"
            self.problems.append(
                Problem(
                    f"{reason}{hint}. Hãy chọn ô chứa giá trị rồi đặt tên '{spec.name}' "
                    "(Formulas → Define Name)",
                    field=spec.name,
                )
            )
            return None
        if not area.is_cell and area not in self.workbook.merged(area.sheet):
            self.problems.append(
                Problem("tên trỏ tới nhiều ô, cần đúng một ô", spec.name, area.sheet, area.ref)
            )
            return None
        return area

    def locate_list(self, spec_name: str) -> _List | None:
        table = self.workbook.tables().get(spec_name.lower())
        if table is not None:
            a = table.area
            if copies := self._renamed_copies(spec_name):
                places = " và ".join(f"'{t.name}' ('{t.area.sheet}'!{t.area.ref})" for t in copies)
                self._copied_sheet()
                self.problems.append(
                    Problem(
                        f"ngoài bảng '{table.name}' ('{a.sheet}'!{a.ref}) còn có bảng {places}",
                        spec_name,
                        a.sheet,
                        a.ref,
                    )
                )
                return None
            header = None
            if table.header_rows:
                row = a.min_row + table.header_rows - 1
                header = Area(a.sheet, row, a.min_col, row, a.max_col)
            return _List(spec_name, table.data_area, table.headers, header, _below(a), True)
        try:
            area = self.workbook.find_name(spec_name)
        except NameLookupError:
            self.problems.append(Problem(self._missing_list_reason(spec_name), field=spec_name))
            return None
        header = Area(area.sheet, area.min_row, area.min_col, area.min_row, area.max_col)
        data = Area(area.sheet, area.min_row + 1, area.min_col, area.max_row, area.max_col)
        return _List(spec_name, data, None, header, _below(area), False)

    def _copied_sheet(self) -> None:
        """Say once what to do about names and lists that exist twice."""
        hint = Problem(COPIED_SHEET_HINT)
        if hint not in self.problems:
            self.problems.insert(0, hint)

    def _renamed_copies(self, name: str) -> list[TableInfo]:
        """The tables named as Excel and Calc rename a copied table (``van_ban2``,
        ``van_ban_2``), unless the template asks for that name itself."""
        pattern = _RENAMED.format(name=re.escape(name.lower()))
        wanted = {n.lower() for n in (*self.fields.values, *self.fields.tables)}
        return [
            t
            for key, t in self.workbook.tables().items()
            if re.match(pattern, key) and key not in wanted
        ]

    def _missing_list_reason(self, name: str) -> str:
        renamed = [t.name for t in self._renamed_copies(name)]
        if renamed:
            return (
                f"không có bảng '{name}'; có bảng '{renamed[0]}' — Excel đã đổi tên bảng khi "
                f"sao chép trang tính. Hãy đổi tên bảng lại thành '{name}' "
                "(Table Design → Table Name)"
            )
        reason = (
            f"không có bảng (Table) hay vùng có tên '{name}'. Hãy chọn vùng danh sách kể cả "
            f"dòng tiêu đề, Insert → Table, rồi đặt tên bảng là '{name}'"
        )
        if self.workbook.shown_as.suffix.lower() == ".xls":
            reason += (
                ". Tệp .xls (Excel 97-2003) không lưu được bảng (Table): hãy Lưu thành "
                "(Save As) kiểu .xlsx trước, hoặc đặt tên (Formulas → Define Name) "
                f"'{name}' cho vùng danh sách kể cả dòng tiêu đề"
            )
        return reason

    # -- reading --------------------------------------------------------------------------

    def cell_value(self, cells: dict, area: Area, spec: FieldSpec) -> Any:
        cell = cells.get((area.sheet, area.min_row, area.min_col))
        return self.value(
            cell, area.sheet, area.ref, spec.name, spec.type, spec.required, spec.label
        )

    def value(
        self,
        cell: Cell | None,
        sheet: str,
        ref: str,
        field: str,
        type_: str,
        required: bool,
        label: str,
    ) -> Any:
        """The converted value of one cell, or None after recording a problem."""
        if cell is not None and cell.error:
            self.problems.append(
                Problem(f"ô có lỗi Excel {cell.error}; hãy sửa công thức", field, sheet, ref)
            )
            return None
        if cell is not None and cell.damaged:
            self.problems.append(
                Problem(
                    "ô bị hỏng trong tệp (giá trị không đọc được); hãy nhập lại ô này trong "
                    "Excel rồi lưu",
                    field,
                    sheet,
                    ref,
                )
            )
            return None
        now = _now(cell.volatile_formula) if cell is not None else None
        if now is None and cell is not None and cell.volatile_formula:
            formula = cell.volatile_formula.removeprefix("of:").lstrip("=")
            self.problems.append(
                Problem(
                    f"ô có công thức ={formula} dùng hàm mà kết quả đổi theo ngày giờ (TODAY, "
                    "NOW, RAND): giá trị lưu trong sổ là của lần tính cuối, có thể không phải "
                    "hôm nay. Hãy gõ giá trị cụ thể vào ô",
                    field,
                    sheet,
                    ref,
                )
            )
            return None
        if now is None and cell is not None and cell.unsaved_formula:
            self.problems.append(
                Problem(
                    "ô có công thức mà sổ không lưu kết quả đã tính, hoặc kết quả lưu kèm "
                    "không đáng tin (sổ do chương trình như xlsxwriter, pandas, openpyxl ghi "
                    "ra và đánh dấu tính lại khi mở, hay Excel chưa tính lại), nên không biết "
                    "ô hiện gì. Hãy mở sổ trong Excel, nhấn "
                    "Ctrl+Alt+F9 để tính lại rồi lưu (LibreOffice Calc: Data → Calculate → "
                    "Recalculate Hard, rồi lưu kiểu Excel 2007-365)",
                    field,
                    sheet,
                    ref,
                )
            )
            return None
        raw = now if now is not None else cell.value if cell is not None else None
        place = Problem("", field, sheet, ref)
        if cell is not None and isinstance(raw, _SHOWN) and not isinstance(raw, bool):
            if type_ == "text":  # the text the cell shows: 96,67%, 1.500.000 đ, 05, 12:00
                raw = shown(raw, cell.number_format)
            elif type_ == "date" and isinstance(raw, dt.datetime):
                if not shows_day(cell.number_format):
                    self.add(
                        place,
                        f"ô chỉ hiện «{shown(raw, cell.number_format)}», không có ngày trong "
                        "tháng, nên không biết ngày nào; hãy gõ ngày đủ và định dạng ô "
                        "dd/mm/yyyy (Format Cells → Date)",
                    )
                    return None
                _say_month_first(raw, cell.number_format, place)
        return self.typed(raw, place, type_, required, label)

    def typed(self, raw: object, place: Problem, type_: str, required: bool, label: str) -> Any:
        """``raw`` converted to ``type_``, or None after recording a problem at ``place``
        (whose message, if any, opens the problem's)."""
        if _is_blank(raw):
            if required:
                self.add(place, f"{self.blank}, cần nhập {label} ({TYPE_LABELS[type_]})")
            return None
        if type_ == "text" and isinstance(raw, str):
            raw = _from_legacy(raw, place)
        try:
            return convert(raw, type_)
        except ValueProblem as exc:
            self.add(place, str(exc))
            return None

    def add(self, place: Problem, message: str) -> None:
        """Record a problem at ``place``."""
        self.problems.append(replace(place, message=place.message + message))

    def list_rows(self, cells: dict, where: _List, spec: TableSpec) -> list[dict[str, Any]]:
        area = where.data
        headers = _headers(cells, where)
        positions: dict[str, int] = {}
        for i, text in enumerate(headers):
            key, col = slug(text), area.min_col + i
            if key in positions and any(c.name == key for c in spec.columns):
                self._same_header(where, spec, positions[key], col, headers)
            positions.setdefault(key, col)
        self._rows_below(cells, where, spec)
        columns: list[tuple[Column, int]] = []
        for column in spec.columns:
            if column.name not in positions:
                found = ", ".join(f"'{h}'" for h in headers if h) or "không có"
                self.problems.append(
                    Problem(
                        f"bảng '{spec.name}' thiếu cột '{column.header}' (các cột đang có: "
                        f"{found})",
                        field=f"{spec.name}.{column.name}",
                        sheet=area.sheet,
                    )
                )
            else:
                columns.append((column, positions[column.name]))
        rows, hidden = [], []
        for row, raw in sorted(_rows_inside(cells, area).items()):
            if all(_is_blank_cell(c) for c in raw.values()):
                continue
            if any(c.hidden_row for c in raw.values()):
                hidden.append(row)
            record = {}
            for column, col in columns:
                value = self.value(
                    raw.get(col),
                    area.sheet,
                    cell_ref(row, col),
                    f"{spec.name}.{column.name}",
                    column.type,
                    column.required,
                    column.header,
                )
                if isinstance(value, str) and column.strip_end:
                    value = value.rstrip(column.strip_end).rstrip()
                record[column.name] = value
            rows.append(record)
        if columns:
            self.check_length(rows, spec, Problem("", spec.name, area.sheet, area.ref))
        if hidden:
            _say_hidden_rows(spec.name, area, hidden)
        return rows

    def _same_header(
        self, where: _List, spec: TableSpec, first: int, second: int, headers: tuple[str, ...]
    ) -> None:
        """Two columns of a list whose headers give the same key: which one is meant?"""
        start = where.data.min_col
        shown = f"'{headers[first - start]}' và '{headers[second - start]}'"
        h = where.header_area
        places = (
            f"ô {cell_ref(h.min_row, first)} và {cell_ref(h.min_row, second)}"
            if h is not None
            else f"cột {first - start + 1} và {second - start + 1}"
        )
        self.problems.append(
            Problem(
                f"danh sách '{spec.label}' có hai cột cùng tiêu đề {shown} ({places}); hãy "
                "đổi tên một cột để biết cột nào là số liệu",
                spec.name,
                where.data.sheet,
                h.ref if h is not None else None,
            )
        )

    def _rows_below(self, cells: dict, where: _List, spec: TableSpec) -> None:
        """Refuse rows typed right under a list, which the list does not cover."""
        if where.below is None:
            return
        rows = _rows_inside(cells, where.below)
        last = where.below.min_row - 1
        while last + 1 in rows and not all(_is_blank_cell(c) for c in rows[last + 1].values()):
            last += 1
        if last < where.below.min_row:
            return
        a = where.below
        found = Area(a.sheet, a.min_row, a.min_col, last, a.max_col)
        span = f"dòng {a.min_row}" if last == a.min_row else f"các dòng {a.min_row}–{last}"
        if where.is_table:
            extend = (
                "Excel: chọn một ô trong bảng → Table Design → Resize Table, chọn lại vùng "
                f"kể cả {span}; LibreOffice Calc: Data → Define Range, chọn tên "
                f"'{spec.name}' rồi chọn lại vùng (Range) kể cả {span}"
            )
        else:
            extend = (
                "Excel: Formulas → Name Manager, sửa vùng (Refers to) của tên "
                f"'{spec.name}' cho bao cả {span}; LibreOffice Calc: Sheet → Named Ranges "
                "and Expressions → Manage (Ctrl+F3), sửa vùng của tên đó"
            )
        self.problems.append(
            Problem(
                f"{span} ngay dưới danh sách '{spec.label}' có số liệu nhưng nằm ngoài danh "
                f"sách (danh sách chỉ đến dòng {a.min_row - 1}), nên sẽ bị bỏ khỏi báo cáo. "
                f"Hãy mở rộng danh sách: {extend}. Lần sau, chèn dòng bên trong danh sách "
                "(chuột phải vào một dòng của danh sách → Insert/Chèn dòng). Nếu các dòng "
                "này không thuộc danh sách, hãy để một dòng trống giữa chúng và danh sách",
                spec.name,
                a.sheet,
                found.ref,
            )
        )

    def check_length(self, rows: list[dict[str, Any]], spec: TableSpec, place: Problem) -> None:
        """A list needs at least ``spec.min_rows`` rows."""
        if len(rows) < spec.min_rows:
            self.add(place, f"danh sách '{spec.label}' cần ít nhất {spec.min_rows} dòng")

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
        label = self.fields.values[other].label.lower() if other else ""
        message = text.format(v=value, m=bound, label=label)
        where = (place.sheet, place.ref) if place is not None else (None, None)
        self.problems.append(Problem(message, spec.name, *where))


def read_context(workbook: Workbook | OdsWorkbook, fields: Fields) -> dict[str, Any]:
    """The render context of ``workbook`` for a template with ``fields``.

    Values are typed (``int``, ``datetime.date``, NFC ``str``, ``None`` for an optional
    blank); lists are lists of dicts keyed by column. Raises :class:`WorkbookError` listing
    every problem found.
    """
    reader = _Reader(workbook, fields)
    value_specs = dict(fields.values)
    table_specs = dict(fields.tables)
    if fields.derived:  # a custom template's variable may be a list in the workbook
        for name in list(value_specs):
            if name.lower() in workbook.tables() or _is_block(workbook, name):
                value_specs.pop(name)
                table_specs[name] = TableSpec(name, name, ())
            elif not value_specs[name].required and not _has_name(workbook, name):
                value_specs.pop(name)  # guarded by |default or "is defined" in the template
    places = {}
    for spec in value_specs.values():
        area = reader.locate_value(spec)
        if area is not None:
            places[spec.name] = area
    lists = {}
    for name in table_specs:
        found = reader.locate_list(name)
        if found is not None:
            lists[name] = found
    areas = list(places.values())
    areas += [
        a for found in lists.values() for a in (found.data, found.header_area, found.below) if a
    ]
    cells = workbook.fetch(areas)
    context: dict[str, Any] = {}
    for name, area in places.items():
        context[name] = reader.cell_value(cells, area, value_specs[name])
    for name, found in lists.items():
        spec = table_specs[name]
        if not spec.columns:  # derived: every column of the list, as text
            spec = _derived_table(cells, found, spec)
        context[name] = reader.list_rows(cells, found, spec)
    reader.check_bounds(context, places)
    if reader.problems:
        raise WorkbookError(reader.problems, workbook.shown_as)
    return context


#: What a value of a context may be: what a cell can hold (None is a blank).
_SCALARS = (str, int, float, dt.date, dt.time)


def _plain_number(value: object) -> object:
    """A number of another type (``Decimal``, ``Fraction``, NumPy's numbers) as the ``int``
    it is when whole, else as a ``float``, so that it is checked as a cell's number is
    (``Decimal("25")`` is 25; ``Decimal("25.5")`` is refused for a whole number)."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if hasattr(type(value), "__index__"):  # numbers.Integral, NumPy's integers
        return operator.index(value)  # type: ignore[arg-type]
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return math.nan if value.is_nan() else float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


class _ContextReader(_Reader):
    """The checks of :class:`_Reader` on a context built by a program: no workbook, no cells.

    Each problem names its field (and, in a list, the row counted from 1).
    """

    blank = "chưa có giá trị"

    def __init__(self, fields: Fields) -> None:  # no workbook: only the checks are shared
        self.fields = fields
        self.problems = []

    def read(self, context: Mapping[str, Any]) -> dict[str, Any]:
        if self.fields.derived:
            # A template without a description types nothing: its values go in as given,
            # as docxtpl takes them (numbers, lists, dicts, docxtpl's objects); only the
            # variables it needs (not guarded by |default or "is defined") must be there.
            for name, spec in self.fields.values.items():
                if spec.required:
                    self.present(context, name, spec.label, "giá trị")
            return dict(context)
        value_specs = dict(self.fields.values)
        table_specs = dict(self.fields.tables)
        checked: dict[str, Any] = {}
        for name, spec in value_specs.items():
            if self.present(context, name, spec.label, TYPE_LABELS[spec.type]):
                checked[name] = self.scalar(
                    context[name], Problem("", name), spec.type, spec.required, spec.label
                )
        for name, spec in table_specs.items():
            if self.present(context, name, spec.label, "danh sách"):
                checked[name] = self.rows(context[name], spec)
        self.check_bounds(checked, {})
        return checked

    def present(self, context: Mapping[str, Any], name: str, label: str, kind: str) -> bool:
        if name in context:
            return True
        self.add(Problem("", name), f"thiếu trường này: {label} ({kind})")
        return False

    def scalar(self, value: object, place: Problem, type_: str, required: bool, label: str) -> Any:
        value = _plain_number(value)
        if value is None or isinstance(value, _SCALARS):
            return self.typed(value, place, type_, required, label)
        self.add(place, f"cần {TYPE_LABELS[type_]}, không phải kiểu {type(value).__name__}")
        return None

    def rows(self, value: object, spec: TableSpec) -> list[dict[str, Any]] | None:
        if not _is_rows(value):
            self.add(
                Problem("", spec.name),
                "cần một danh sách các dòng (list các dict, khóa là tên cột), không phải "
                f"kiểu {type(value).__name__}",
            )
            return None
        rows = []
        for number, row in enumerate(value, 1):
            if not isinstance(row, Mapping):
                self.add(
                    Problem(f"dòng {number}: ", spec.name),
                    f"cần một dict (tên cột → giá trị), không phải kiểu {type(row).__name__}",
                )
            elif not all(_is_blank(v) for v in row.values()):
                rows.append(self.record(row, number, spec))
        self.check_length(rows, spec, Problem("", spec.name))
        return rows

    def record(self, row: Mapping[str, Any], number: int, spec: TableSpec) -> dict[str, Any]:
        record = {}
        for column in spec.columns:
            place = Problem(f"dòng {number}: ", f"{spec.name}.{column.name}")
            value = self.scalar(
                row.get(column.name), place, column.type, column.required, column.header
            )
            if isinstance(value, str) and column.strip_end:
                value = value.rstrip(column.strip_end).rstrip()
            record[column.name] = value
        return record


def check_context(context: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """A context built by a program, checked as :func:`read_context` checks a workbook's.

    Every field of ``fields`` must be present; each value goes through the same conversion
    (``"25"`` → 25, ``"09/06/2021"`` → a date), required, bound and list checks, and a value
    of a type no cell can hold (a list for a number) is refused. Returns the typed context of
    the fields. Derived fields (a template without a description) only require the variables
    the template needs, and pass every value as given. Raises :class:`ContextError` listing
    every problem, each naming its field.
    """
    reader = _ContextReader(fields)
    checked = reader.read(context)
    if reader.problems:
        raise ContextError(reader.problems)
    return checked


def _is_rows(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _now(formula: str | None) -> dt.datetime | None:
    """What a cell whose whole formula is ``TODAY()`` or ``NOW()`` shows when opened now:
    the value saved with it is that of the day the workbook was last calculated."""
    only = re.fullmatch(r"(?:of:)?=?\s*(TODAY|NOW)\s*\(\s*\)\s*", formula or "", re.IGNORECASE)
    if only is None:
        return None
    if only[1].upper() == "TODAY":
        return dt.datetime.combine(dt.date.today(), dt.time())
    return dt.datetime.now().replace(microsecond=0)


def _say_hidden_rows(name: str, area: Area, rows: list[int]) -> None:
    """Say that rows of list ``name`` are hidden (by hand or by a filter) yet reported."""
    shown = ", ".join(map(str, rows))
    warnings.warn(
        BdtDocxWarning(
            Problem(
                f"danh sách '{name}' có dòng đang ẩn (dòng {shown}), do ẩn dòng hay do lọc "
                "(Filter); dòng ẩn vẫn được đưa vào báo cáo. Nếu không muốn, hãy xóa dòng đó "
                "khỏi danh sách",
                name,
                area.sheet,
                Area(area.sheet, rows[0], area.min_col, rows[0], area.max_col).ref,
            )
        ),
        stacklevel=4,
    )


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
                    "Nếu ngày gõ vào khác ngày này, hãy định dạng ô dd/mm/yyyy (Format Cells "
                    "→ Custom) rồi gõ lại",
                )
            ),
            stacklevel=4,
        )


def _from_legacy(text: str, where: Problem) -> str:
    """``text`` in Unicode; a cell typed in TCVN3 or VNI is converted, with a warning."""
    fixed, encoding = repair(text)
    if encoding is not None:
        shown = clean_text(fixed)
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        warnings.warn(
            BdtDocxWarning(
                replace(
                    where,
                    message=f"chữ được gõ bằng bảng mã cũ {ENCODING_LABELS[encoding]}, đã "
                    f"chuyển sang Unicode: «{shown}». Hãy kiểm tra, rồi sửa ô trong sổ sang "
                    "Unicode (Unikey: Công cụ chuyển mã)",
                )
            ),
            stacklevel=4,
        )
    return fixed


def _has_name(workbook: Workbook | OdsWorkbook, name: str) -> bool:
    try:
        workbook.find_name(name)
    except NameLookupError:
        return False
    return True


def _is_block(workbook: Workbook | OdsWorkbook, name: str) -> bool:
    try:
        area = workbook.find_name(name)
    except NameLookupError:
        return False
    return area.max_row > area.min_row


def _headers(cells: dict, where: _List) -> tuple[str, ...]:
    """The header texts of a list: the table's own, or the first row of a named range."""
    if where.headers is not None:
        return where.headers
    h = where.header_area
    assert h is not None
    found = (cells.get((h.sheet, h.min_row, col)) for col in range(h.min_col, h.max_col + 1))
    return tuple(_to_text(c.value) if c is not None and c.value is not None else "" for c in found)


def _derived_table(cells: dict, found: _List, spec: TableSpec) -> TableSpec:
    """A custom template's list: one optional text column per header."""
    columns = tuple(
        Column(slug(text), text, required=False) for text in _headers(cells, found) if slug(text)
    )
    return TableSpec(spec.name, spec.label, columns)
