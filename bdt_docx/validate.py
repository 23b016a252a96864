"""Stage 2: check a workbook against a template's fields and build the render context.

:func:`read_context` looks up every field of the contract (:mod:`bdt_docx.locate`), reads the
cells in one pass per sheet, converts each value to its type and checks its constraints
(:mod:`bdt_docx.checks`). It collects every problem and raises them together in one
:class:`~bdt_docx.WorkbookError`, each with its field, sheet and cell, so that a clerk fixes
the workbook in one round.

:func:`check_context` (in :mod:`bdt_docx.checks`) puts a context built by a program through
the same conversions and checks, and raises :class:`~bdt_docx.ContextError`.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import replace
from functools import lru_cache
from typing import Any

from bdt_docx.cells import MANAGE_NAMES
from bdt_docx.checks import Checker, check_context, is_blank
from bdt_docx.errors import BdtDocxWarning, Problem, WorkbookError
from bdt_docx.fields import Column, Fields, FieldSpec, TableSpec
from bdt_docx.fieldtypes import TEXT, FieldType, ValueProblem
from bdt_docx.locate import ListPlace, Locator, has_name, is_block
from bdt_docx.ods import OdsWorkbook
from bdt_docx.text import slug
from bdt_docx.workbook import Area, Cell, Workbook, cell_ref

__all__ = ["check_context", "read_context"]

#: Cell values a field type may take as the cell shows them (:meth:`FieldType.from_cell`).
_SHOWN = (int, float, dt.date, dt.time, dt.timedelta)


def _is_blank_cell(cell: Cell) -> bool:
    """A cell that holds nothing: no value, no error, no formula without its result."""
    return is_blank(cell.value) and not (cell.error or cell.damaged or cell.unsaved_formula)


def _first_row(area: Area) -> Area:
    """The first row of ``area``."""
    return Area(area.sheet, area.min_row, area.min_col, area.min_row, area.max_col)


#: The cells read, by sheet, row and column (:func:`_by_sheet`).
_Sheets = dict[str, dict[int, dict[int, Cell]]]


def _by_sheet(cells: dict[tuple[str, int, int], Cell]) -> _Sheets:
    """``cells`` by sheet, then row, then column."""
    sheets: _Sheets = {}
    for (sheet, row, col), cell in cells.items():
        rows = sheets.get(sheet)
        if rows is None:
            rows = sheets[sheet] = {}
        found = rows.get(row)
        if found is None:
            rows[row] = {col: cell}
        else:
            found[col] = cell
    return sheets


def _rows_inside(sheets: _Sheets, area: Area) -> dict[int, dict[int, Cell]]:
    """The cells read inside ``area``, by row then column (only rows that have cells)."""
    rows: dict[int, dict[int, Cell]] = {}
    low, high = area.min_col, area.max_col
    for row, found in sheets.get(area.sheet, {}).items():
        if area.min_row <= row <= area.max_row:
            inside = {col: cell for col, cell in found.items() if low <= col <= high}
            if inside:
                rows[row] = inside
    return rows


class _Reader(Checker):
    """One validation run over a workbook's cells."""

    blank = "ô trống"

    def __init__(self, workbook: Workbook | OdsWorkbook, fields: Fields) -> None:
        super().__init__(fields)
        self.workbook = workbook

    def cell_value(self, cells: dict, area: Area, spec: FieldSpec) -> Any:
        cell = cells.get((area.sheet, area.min_row, area.min_col))
        merge = self._merge_over(area) if cell is None else None
        place = _place(spec.name, area.sheet, area.ref)
        value = self.value(cell, place, spec.field_type, spec.required, spec.label, merge)
        if value.__class__ is str and (spec.text_rules or "\n" in value):  # (else: no call)
            return self.as_printed(value, place, spec)
        return value

    def _merge_over(self, area: Area) -> Area | None:
        """The merged block that hides the cell of ``area`` (a cell not its first)."""
        blocks = self.workbook.merged(area.sheet)
        return next((b for b in blocks if b.hides(area.min_row, area.min_col)), None)

    def value(
        self,
        cell: Cell | None,
        place: Problem,
        kind: FieldType,
        required: bool,
        label: str,
        merge: Area | None = None,
    ) -> Any:
        """The converted value of one cell at ``place`` (:func:`_place`), or None after
        recording a problem; ``merge``: the merged block that hides the cell, said with the
        problem."""
        if cell is None:
            raw = None
        elif cell.error or cell.damaged or cell.volatile_formula or cell.unsaved_formula:
            raw = self._formula_value(cell, place)
            if raw is None:
                return None
        else:
            raw = cell.value
        if merge is not None:
            first = cell_ref(merge.min_row, merge.min_col)
            place = replace(
                place,
                message=f"ô nằm trong vùng ô gộp {merge.ref}, nơi chỉ ô {first} giữ giá trị "
                "(hãy bỏ gộp ô: Excel Home → Merge & Center, LibreOffice Format → Merge and "
                "Unmerge Cells → Unmerge Cells; rồi nhập lại vào ô này); ",
            )
        if cell is not None and isinstance(raw, _SHOWN) and not isinstance(raw, bool):
            try:
                raw = kind.from_cell(raw, cell.number_format, place)
            except ValueProblem as exc:
                self.add(place, str(exc), code="value.invalid")
                return None
        return self.typed(raw, place, kind, required, label)

    def _formula_value(self, cell: Cell, place: Problem) -> Any:
        """What a cell holding an error, a damaged value or a formula gives: the time now
        for ``=TODAY()`` or ``=NOW()``, else None after recording why it cannot be read."""
        if cell.error:
            self.problems.append(
                Problem(
                    f"ô có lỗi Excel {cell.error}; hãy sửa công thức",
                    place.field,
                    place.sheet,
                    place.cell,
                    code="cell.error_value",
                )
            )
            return None
        if cell.damaged:
            self.problems.append(
                Problem(
                    "ô bị hỏng trong tệp (giá trị không đọc được); hãy nhập lại ô này trong "
                    "Excel rồi lưu",
                    place.field,
                    place.sheet,
                    place.cell,
                    code="cell.damaged",
                )
            )
            return None
        if cell.volatile_formula:
            now = _now(cell.volatile_formula)
            if now is not None:
                return now
            formula = cell.volatile_formula.removeprefix("of:").lstrip("=")
            self.problems.append(
                Problem(
                    f"ô có công thức ={formula} dùng hàm mà kết quả đổi theo ngày giờ (TODAY, "
                    "NOW, RAND): giá trị lưu trong sổ là của lần tính cuối, có thể không phải "
                    "hôm nay. Hãy gõ giá trị cụ thể vào ô",
                    place.field,
                    place.sheet,
                    place.cell,
                    code="cell.volatile_formula",
                )
            )
            return None
        self.problems.append(
            Problem(
                "ô có công thức mà sổ không lưu kết quả đã tính, hoặc kết quả lưu kèm "
                "không đáng tin (sổ do chương trình như xlsxwriter, pandas, openpyxl ghi "
                "ra và đánh dấu tính lại khi mở, hay Excel chưa tính lại), nên không biết "
                "ô hiện gì. Hãy mở sổ trong Excel, nhấn "
                "Ctrl+Alt+F9 để tính lại rồi lưu (LibreOffice Calc: Data → Calculate → "
                "Recalculate Hard, rồi lưu kiểu Excel 2007-365)",
                place.field,
                place.sheet,
                place.cell,
                code="cell.unsaved_formula",
            )
        )
        return None

    def _missing_column(
        self, where: ListPlace, spec: TableSpec, column: Column, headers: tuple[str, ...]
    ) -> None:
        """Refuse a list that lacks ``column``: its header renamed by the clerk, or, for a
        named range, a range that leaves out the header row (its first row is taken for it)."""
        found = ", ".join(f"'{h}'" for h in headers if h) or "không có"
        row = where.header_area  # (None: a table whose header row is hidden)
        if where.is_table:
            what = f"bảng '{spec.name}'"
            remedy = (
                f"cột đã bị đổi tên thì hãy gõ lại tiêu đề của nó trong dòng tiêu đề đúng là "
                f"'{column.header}', chưa có thì thêm cột ấy vào bảng"
            )
        else:
            what = f"vùng có tên '{spec.name}'"
            remedy = (
                "dòng đầu của vùng có tên là dòng tiêu đề: vùng chưa gồm dòng tiêu đề thì hãy "
                f"chọn lại vùng kể cả dòng đó ({MANAGE_NAMES}), còn cột đã bị đổi tên thì gõ "
                f"lại tiêu đề đúng là '{column.header}'"
            )
        self.problems.append(
            Problem(
                f"{what} thiếu cột '{column.header}' (các cột đang có: {found}): {remedy}",
                field=f"{spec.name}.{column.name}",
                sheet=where.data.sheet,
                cell=row.ref if row is not None else None,
                code="list.missing_column",
            )
        )

    def list_rows(self, sheets: _Sheets, where: ListPlace, spec: TableSpec) -> list[dict[str, Any]]:
        area = where.data
        headers = _headers(sheets, where)
        positions: dict[str, int] = {}
        for i, text in enumerate(headers):
            key, col = slug(text), area.min_col + i
            if key in positions and any(c.name == key for c in spec.columns):
                self._same_header(where, spec, positions[key], col, headers)
            positions.setdefault(key, col)
        self._rows_below(sheets, where, spec)
        columns: list[tuple[Column, int]] = []
        for column in spec.columns:
            if column.name not in positions:
                self._missing_column(where, spec, column, headers)
            else:
                columns.append((column, positions[column.name]))
        rows, hidden = [], []
        read = {col for _, col in columns}
        merges = [
            b
            for b in self.workbook.merged(area.sheet)
            if b.min_row <= area.max_row
            and area.min_row <= b.max_row
            and b.min_col <= area.max_col
            and area.min_col <= b.max_col
        ]
        kinds = [
            (column, col, f"{spec.name}.{column.name}", column.field_type, column.required)
            for column, col in columns
        ]
        for row, raw in sorted(_rows_inside(sheets, area).items()):
            # a row holding something only in a column the template does not read (an STT
            # numbered in advance down the spare rows) is not a row of data
            for col, c in raw.items():
                if (col in read or not read) and not _is_blank_cell(c):
                    break
            else:
                continue
            for c in raw.values():
                if c.hidden_row:
                    hidden.append(row)
                    break
            record = {}
            for column, col, field, kind, required in kinds:
                place = _cell_place(field, area.sheet, row, col)
                cell = raw.get(col)
                merge = _shown_merge(sheets, merges, row, col) if merges and cell is None else None
                # a row's cell that a merged block shows its first cell's value in is blank
                # to the reader: never left out silently, even where the column may be blank
                required = required or merge is not None
                value = self.value(cell, place, kind, required, column.header, merge)
                if value.__class__ is str and "\n" in value:
                    value = self.one_line(value, place, column.multiline)
                record[column.name] = column.trim(value)
            rows.append(record)
        if columns:
            self.check_length(rows, spec, _place(spec.name, area.sheet, area.ref))
        if hidden:
            _say_hidden_rows(spec.name, area, hidden)
        return rows

    def one_cell_list(self, where: ListPlace) -> None:
        """Refuse a single cell named for a list whose rows the template prints whole."""
        self.problems.append(
            Problem(
                f"'{where.name}' là một ô, mà mẫu lặp qua nó ({{% for … in {where.name} %}}) "
                f"để in từng giá trị: hãy đặt các giá trị vào một bảng một cột tên "
                f"'{where.name}' (Excel: Insert → Table; LibreOffice Calc: chọn vùng đó, "
                "Sheet → Named Ranges and Expressions → Define), mỗi dòng một giá trị",
                where.name,
                where.data.sheet,
                cell_ref(where.data.min_row - 1, where.data.min_col),
                code="list.missing",
            )
        )

    def whole_rows(
        self, rows: list[dict[str, Any]], where: ListPlace, spec: TableSpec
    ) -> list[Any]:
        """The values of a list whose rows the template prints whole: its one column's."""
        if len(spec.columns) == 1:
            return [row[spec.columns[0].name] for row in rows]
        headers = ", ".join(f"'{c.header}'" for c in spec.columns) or "không có"
        self.problems.append(
            Problem(
                f"mẫu in cả dòng của danh sách '{spec.name}' ({{{{ … }}}} của biến lặp, không "
                f"đọc cột nào), nên bảng '{spec.name}' cần đúng một cột (đang có: {headers}); "
                "hoặc sửa mẫu để in một cột của dòng, như {{ x.ten_cot }}",
                spec.name,
                where.data.sheet,
                where.data.ref,
                code="list.not_one_column",
            )
        )
        return []

    def _same_header(
        self, where: ListPlace, spec: TableSpec, first: int, second: int, headers: tuple[str, ...]
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
                code="list.duplicate_header",
            )
        )

    def _rows_below(self, sheets: _Sheets, where: ListPlace, spec: TableSpec) -> None:
        """Refuse rows typed right under a list, which the list does not cover."""
        if where.below is None:
            return
        rows = _rows_inside(sheets, where.below)
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
                code="list.rows_below",
            )
        )


def read_context(workbook: Workbook | OdsWorkbook, fields: Fields) -> dict[str, Any]:
    """The render context of ``workbook`` for a template with ``fields``.

    Values are typed (``int``, ``datetime.date``, NFC ``str``, ``None`` for an optional
    blank); lists are lists of dicts keyed by column. Raises :class:`WorkbookError` listing
    every problem found.
    """
    reader = _Reader(workbook, fields)
    locator = Locator(workbook, fields, reader.problems)
    value_specs = dict(fields.values)
    table_specs = dict(fields.tables)
    if fields.derived:  # a custom template's variable may be a list in the workbook
        for name in list(value_specs):
            if name.lower() in workbook.tables() or is_block(workbook, name):
                value_specs.pop(name)
                table_specs[name] = TableSpec(name, name, ())
            elif not value_specs[name].required and not has_name(workbook, name):
                value_specs.pop(name)  # guarded by |default or "is defined" in the template
    places = locator.locate_values(value_specs)
    lists = {}
    for name in table_specs:
        found = locator.locate_list(name)
        if (
            found is not None
            and name in fields.whole_rows
            and found.data.min_row > found.data.max_row
        ):
            reader.one_cell_list(found)  # (a workbook made by init before it made a table)
        elif found is not None:
            lists[name] = found
    locator.tell_causes_once()
    # of the rows under a list, first only the one right under it: the rows typed under a
    # list are read on only where it holds something (the spare rows are not read at all)
    under = {name: _first_row(found.below) for name, found in lists.items() if found.below}
    areas = list(places.values())
    areas += [a for found in lists.values() for a in (found.data, found.header_area) if a]
    areas += under.values()
    cells = workbook.fetch(areas)
    sheets = _by_sheet(cells)
    further = [
        lists[name].below
        for name, first in under.items()
        if not all(
            _is_blank_cell(c) for c in _rows_inside(sheets, first).get(first.min_row, {}).values()
        )
    ]
    if further:
        cells.update(workbook.fetch(further))
        sheets = _by_sheet(cells)
    context: dict[str, Any] = {}
    for name, area in places.items():
        context[name] = reader.cell_value(cells, area, value_specs[name])
    for name, found in lists.items():
        spec = table_specs[name]
        whole = name in fields.whole_rows
        if fields.derived or not spec.columns:  # derived: every column of the list, as text
            spec = _derived_table(sheets, found, spec, whole)
        context[name] = reader.list_rows(sheets, found, spec)
        if whole:  # rows printed whole: the values of its one column
            context[name] = reader.whole_rows(context[name], found, spec)
    reader.check_bounds(context, places)
    if reader.problems:
        raise WorkbookError(reader.problems, workbook.shown_as)
    _say_hidden_sheets(workbook, [*places.items(), *((n, f.data) for n, f in lists.items())])
    return context


@lru_cache(maxsize=4096)  # a batch's workbooks have their fields in the same cells
def _place(field: str, sheet: str, ref: str) -> Problem:
    """Where a value is, for the problems and warnings about it."""
    return Problem("", field, sheet, ref)


@lru_cache(maxsize=4096)  # and their lists in the same rows
def _cell_place(field: str, sheet: str, row: int, col: int) -> Problem:
    """The place of one cell (:func:`_place`)."""
    return _place(field, sheet, cell_ref(row, col))


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
                code="list.hidden_rows",
            )
        ),
        stacklevel=4,
    )


def _say_hidden_sheets(workbook: Workbook | OdsWorkbook, read: list[tuple[str, Area]]) -> None:
    """Say which of the fields ``read`` (name, area) come from a hidden sheet: a clerk who
    hid last period's sheet may think its figures left out, yet they go into the report."""
    hidden: dict[str, list[str]] = {}
    for name, area in read:
        if not workbook.sheets[area.sheet][1]:
            hidden.setdefault(area.sheet, []).append(name)
    for sheet, names in hidden.items():
        warnings.warn(
            BdtDocxWarning(
                Problem(
                    f"đang ẩn (Hide), mà số liệu của {', '.join(names)} lấy từ đó vẫn được "
                    "đưa vào báo cáo. Nếu đó là số liệu cũ, hãy hiện trang tính để xem lại "
                    "(Excel: chuột phải tên một trang tính → Unhide; LibreOffice Calc: Sheet "
                    "→ Show Sheet)",
                    sheet=sheet,
                    code="sheet.hidden",
                )
            ),
            stacklevel=3,
        )


def _headers(sheets: _Sheets, where: ListPlace) -> tuple[str, ...]:
    """The header texts of a list: the table's own, or the first row of a named range."""
    if where.headers is not None:
        return where.headers
    h = where.header_area
    assert h is not None
    row = sheets.get(h.sheet, {}).get(h.min_row, {})
    found = (row.get(col) for col in range(h.min_col, h.max_col + 1))
    return tuple(
        TEXT.convert(c.value) if c is not None and c.value is not None else "" for c in found
    )


def _shown_merge(sheets: _Sheets, merges: list[Area], row: int, col: int) -> Area | None:
    """The merged block of ``merges`` that hides the cell at ``row``, ``col`` and shows there
    its first cell's value (None when none does, or its first cell is blank)."""
    for block in merges:
        if block.hides(row, col):
            first = sheets.get(block.sheet, {}).get(block.min_row, {}).get(block.min_col)
            return block if first is not None and not _is_blank_cell(first) else None
    return None


def _derived_table(
    sheets: _Sheets, found: ListPlace, spec: TableSpec, whole: bool = False
) -> TableSpec:
    """A custom template's list: one optional text column per header, and the columns the
    template reads of its rows (``spec``'s) that no header gives, which the list then lacks
    (a list whose rows are printed whole reads none)."""
    columns = tuple(
        Column(slug(text), text, required=False) for text in _headers(sheets, found) if slug(text)
    )
    given = {column.name for column in columns}
    lacking = () if whole else tuple(c for c in spec.columns if c.name not in given)
    return TableSpec(spec.name, spec.label, columns + lacking)
