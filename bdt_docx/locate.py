"""Where each field of a template is in a workbook: a named cell, or a list's table or range.

:class:`Locator` finds them and records a problem (with what to do about it) for each one it
cannot find, or finds twice as a copied sheet leaves it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bdt_docx.cells import DEFINE_NAME, MissingNameError
from bdt_docx.errors import Problem
from bdt_docx.fields import Fields, FieldSpec
from bdt_docx.ods import OdsWorkbook
from bdt_docx.workbook import (
    COPIED_SHEET_HINT,
    MAX_ROW,
    AmbiguousNameError,
    Area,
    NameLookupError,
    TableInfo,
    Workbook,
)

__all__ = ["ListPlace", "Locator", "has_name", "is_block"]

#: What Excel and Calc add to the name of a copied table: ``van_ban2``, ``van_ban_2``.
_RENAMED = re.compile(r"_?\d+$")
#: How many rows under a list are looked at for rows typed outside it.
_BELOW_ROWS = 1000
#: The cells of a template's values found in an .xlsx whose defined names are the very object
#: of an earlier one's (:attr:`Workbook.defined_names`: its workbook part stored alike, as in
#: a batch of copies of one workbook) and whose sheets have the same names; kept only where
#: each was found without a problem, in one cell: (fields, names, sheets, value names) →
#: (fields, names, their cells). Bounded.
_FOUND: dict[tuple[int, int, tuple[str, ...], tuple[str, ...]], tuple[object, object, dict]] = {}
_KEPT_FINDINGS = 64


@dataclass
class ListPlace:
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


#: How many of the names broken by one cause are named in its problem.
_NAMES_SHOWN = 5


class Locator:
    """Finds the fields of ``fields`` in ``workbook``; what it cannot find goes to ``problems``."""

    def __init__(
        self, workbook: Workbook | OdsWorkbook, fields: Fields, problems: list[Problem]
    ) -> None:
        self.workbook = workbook
        self.fields = fields
        self.problems = problems
        #: The problems of names broken by one cause (see :meth:`tell_causes_once`).
        self._by_cause: dict[tuple[str, str], list[tuple[str, Problem]]] = {}

    def locate_values(self, specs: Mapping[str, FieldSpec]) -> dict[str, Area]:
        """The cell of each field of ``specs`` (by name) that :meth:`locate_value` finds."""
        workbook = self.workbook
        if not isinstance(workbook, Workbook):
            return self._locate_values(specs)
        names = workbook.defined_names
        key = (id(self.fields), id(names), tuple(workbook.sheets), tuple(specs))
        kept = _FOUND.get(key)
        if kept is not None and kept[0] is self.fields and kept[1] is names:
            return dict(kept[2])
        problems = len(self.problems)
        found = self._locate_values(specs)
        if len(self.problems) == problems and all(a.is_cell for a in found.values()):
            if len(_FOUND) >= _KEPT_FINDINGS:
                _FOUND.clear()
            _FOUND[key] = (self.fields, names, dict(found))
        return found

    def _locate_values(self, specs: Mapping[str, FieldSpec]) -> dict[str, Area]:
        found = {}
        for spec in specs.values():
            area = self.locate_value(spec)
            if area is not None:
                found[spec.name] = area
        return found

    def locate_value(self, spec: FieldSpec) -> Area | None:
        """The one cell (or merged cell) named ``spec.name``, or None after recording why not."""
        try:
            area = self.workbook.find_name(spec.name)
        except AmbiguousNameError as exc:
            first = exc.places[0][0]
            self._copied_sheet()
            self.problems.append(
                Problem(str(exc), spec.name, first.sheet, first.ref, code="name.ambiguous")
            )
            return None
        except NameLookupError as exc:
            hint = f" ({spec.label})" if spec.label != spec.name else ""
            reason = str(exc)
            if spec.name.lower() in self.workbook.tables():
                reason = f"'{spec.name}' là một bảng, nhưng mẫu cần một ô"
            self._add(
                Problem(
                    f"{reason}{hint}. Hãy chọn ô chứa giá trị rồi đặt tên '{spec.name}' "
                    f"({DEFINE_NAME})",
                    field=spec.name,
                    code="name.missing",
                ),
                exc,
            )
            return None
        if not area.is_cell and area not in self.workbook.merged(area.sheet):
            self.problems.append(
                Problem(
                    "tên trỏ tới nhiều ô, cần đúng một ô",
                    spec.name,
                    area.sheet,
                    area.ref,
                    code="name.not_one_cell",
                )
            )
            return None
        return area

    def locate_list(self, spec_name: str) -> ListPlace | None:
        """Where the list ``spec_name`` is (an Excel table, else a named range whose first row
        is its header), or None after recording why it cannot be used."""
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
                        code="list.copied",
                    )
                )
                return None
            header = None
            if table.header_rows:
                row = a.min_row + table.header_rows - 1
                header = Area(a.sheet, row, a.min_col, row, a.max_col)
            return ListPlace(spec_name, table.data_area, table.headers, header, _below(a), True)
        try:
            area = self.workbook.find_name(spec_name)
        except MissingNameError:
            self.problems.append(
                Problem(self._missing_list_reason(spec_name), field=spec_name, code="list.missing")
            )
            return None
        except NameLookupError as exc:  # the name is there, but not a block of cells
            code = "list.missing"
            if isinstance(exc, AmbiguousNameError):
                self._copied_sheet()
                code = "list.copied"
            self._add(Problem(str(exc), field=spec_name, code=code), exc)
            return None
        header = Area(area.sheet, area.min_row, area.min_col, area.min_row, area.max_col)
        data = Area(area.sheet, area.min_row + 1, area.min_col, area.max_row, area.max_col)
        return ListPlace(spec_name, data, None, header, _below(area), False)

    def _add(self, problem: Problem, error: NameLookupError) -> None:
        self.problems.append(problem)
        if error.cause is not None and problem.field is not None:
            self._by_cause.setdefault(error.cause, []).append((problem.field, problem))

    def tell_causes_once(self) -> None:
        """Where one cause broke several names (their sheet renamed or deleted), one problem
        says so, naming them, in place of theirs (a renamed sheet broke 23 names of the
        shipped template, each told apart in near the same words)."""
        for (kind, sheet), broken in self._by_cause.items():
            if len(broken) < 2:
                continue
            first = self.problems.index(broken[0][1])
            for _name, problem in broken:
                self.problems.remove(problem)
            names = [name for name, _problem in broken]
            shown = ", ".join(names[:_NAMES_SHOWN]) + (
                f" và {len(names) - _NAMES_SHOWN} tên khác" if len(names) > _NAMES_SHOWN else ""
            )
            if kind == "sheet":
                sheets = ", ".join(f"'{s}'" for s in self.workbook.sheets)
                told = Problem(
                    f"{len(names)} tên mẫu cần ({shown}) trỏ tới trang tính '{sheet}', mà sổ "
                    f"không có trang tính nào tên như vậy (sổ có: {sheets}). Nếu trang tính đã "
                    f"bị đổi tên, hãy đổi lại thành '{sheet}' (nhấp đúp vào tên trang tính); "
                    "nếu đã bị xóa, hãy chép lại trang tính đó từ sổ mẫu",
                    code="name.missing_sheet",
                )
            else:
                told = Problem(
                    f"{len(names)} tên mẫu cần ({shown}) trỏ tới ô đã bị xóa (#REF!), thường "
                    "vì trang tính chứa chúng đã bị xóa. Hãy chép lại trang tính đó từ sổ "
                    f"mẫu, hoặc đặt lại từng tên cho ô của nó ({DEFINE_NAME})",
                    code="name.deleted",
                )
            self.problems.insert(first, told)
        self._by_cause.clear()

    def _copied_sheet(self) -> None:
        """Say once what to do about names and lists that exist twice."""
        hint = Problem(COPIED_SHEET_HINT, code="workbook.copied_sheet")
        if hint not in self.problems:
            self.problems.insert(0, hint)

    def _renamed_copies(self, name: str) -> list[TableInfo]:
        """The tables named as Excel and Calc rename a copied table (``van_ban2``,
        ``van_ban_2``), unless the template asks for that name itself."""
        low = name.lower()
        found = [
            (key, t)
            for key, t in self.workbook.tables().items()
            if key.startswith(low) and _RENAMED.match(key, len(low))
        ]
        if not found:
            return []
        wanted = {n.lower() for n in (*self.fields.values, *self.fields.tables)}
        return [t for key, t in found if key not in wanted]

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
            f"dòng tiêu đề, Insert → Table, rồi đặt tên bảng là '{name}' (LibreOffice Calc: "
            f"chọn vùng đó, Sheet → Named Ranges and Expressions → Define, tên '{name}')"
        )
        if self.workbook.shown_as.suffix.lower() == ".xls":
            reason += (
                ". Tệp .xls (Excel 97-2003) không lưu được bảng (Table): hãy Lưu thành "
                f"(Save As) kiểu .xlsx trước, hoặc đặt tên ({DEFINE_NAME}) "
                f"'{name}' cho vùng danh sách kể cả dòng tiêu đề"
            )
        return reason


def has_name(workbook: Workbook | OdsWorkbook, name: str) -> bool:
    """True when ``workbook`` defines the name ``name``."""
    try:
        workbook.find_name(name)
    except NameLookupError:
        return False
    return True


def is_block(workbook: Workbook | OdsWorkbook, name: str) -> bool:
    """True when the name ``name`` of ``workbook`` spans more than one row (a list)."""
    try:
        area = workbook.find_name(name)
    except NameLookupError:
        return False
    return area.max_row > area.min_row
