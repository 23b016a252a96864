"""A new workbook for a template, ready for a clerk to fill (``bdt-docx init``).

Built from the template's field description: a sheet with one labelled row per value (the
named cell beside its Vietnamese label, a hint after it), then one sheet per list holding an
Excel table with its headers and :data:`SPARE_ROWS` bordered blank rows (LibreOffice Calc does
not grow a list when a row is typed under it, so the rows to type into are already inside and
visibly so). Whole numbers and dates get Excel data validation; date cells
are formatted ``dd/mm/yyyy`` so that an English-locale Excel does not read 09/06 as
6 September. With ``example=True`` the original report's values are filled in.

A list's sheet is titled by the list's label, made acceptable to Excel (no ``/ \\ ? * [ ] :``,
at most 31 characters, unique whatever the case); the Excel table inside keeps the list's
name, which is what bdt_docx looks for.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from bdt_docx.errors import Problem, TemplateError
from bdt_docx.fields import Column, Fields, FieldSpec, TableSpec
from bdt_docx.fieldtypes import FieldType
from bdt_docx.output import check_destination, write_bytes

__all__ = ["VALUES_SHEET", "new_workbook"]

#: The sheet holding the single values.
VALUES_SHEET = "Thông tin"
#: Longest sheet title Excel accepts.
MAX_SHEET_TITLE = 31
_TITLE_FORBIDDEN = re.compile(r"[/\\?*\[\]:]")
#: Excel reserves this sheet title (for change tracking).
_RESERVED_TITLES = {"history"}
#: Blank rows each list of a new workbook has below its example rows.
SPARE_ROWS = 50
_FONT = "Times New Roman"
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def new_workbook(
    output: str | Path, fields: Fields, *, example: bool = False, overwrite: bool = False
) -> Path:
    """Write a new workbook for ``fields`` at ``output`` (atomically) and return its path."""
    output = Path(output)
    check_destination(output, overwrite)
    if example:
        _check_examples(fields)
    book = Workbook()
    sheet = book.active
    sheet.title = VALUES_SHEET
    _values_sheet(book, sheet, fields, example)
    for spec in fields.tables.values():
        _list_sheet(book, spec, example)
    return write_bytes(_to_bytes(book), output, overwrite=overwrite)


def _check_examples(fields: Fields) -> None:
    """Refuse example values that do not fit their type, naming the description's field.

    A :class:`~bdt_docx.TemplateError` on the description (.toml) lists them all.
    """
    problems: list[Problem] = []

    def check(value: Any, kind: FieldType, name: str, where: str) -> None:
        try:
            _typed(value, kind)
        except ValueError as exc:
            problems.append(
                Problem(
                    f"giá trị mẫu (example) {where}không dùng được: {exc}",
                    name,
                    code="description.example_value",
                )
            )

    for spec in fields.values.values():
        check(spec.example, spec.field_type, spec.name, "")
    for table in fields.tables.values():
        for number, row in enumerate(table.example, 1):
            if len(row) != len(table.columns):
                problems.append(
                    Problem(
                        f"dòng mẫu (example) {number} có {len(row)} giá trị nhưng danh sách có "
                        f"{len(table.columns)} cột",
                        table.name,
                        code="description.example_row",
                    )
                )
                continue
            for column, value in zip(table.columns, row, strict=True):
                check(
                    value, column.field_type, table.name, f"ở dòng {number}, cột '{column.header}' "
                )
    if problems:
        raise TemplateError(problems, fields.source)


def _sheet_title(label: str, taken: Collection[str]) -> str:
    """A sheet title Excel accepts for ``label``, different from every title in ``taken``.

    The characters Excel forbids (``/ \\ ? * [ ] :``) become ``-``, control characters and
    runs of spaces a single space, leading and trailing apostrophes go; the title is cut to
    :data:`MAX_SHEET_TITLE` characters and, when another sheet already has it (Excel ignores
    case), numbered: ``Danh sách (2)``.
    """
    text = _TITLE_FORBIDDEN.sub("-", label)
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    base = text[:MAX_SHEET_TITLE].strip().strip("'").strip() or "Danh sách"
    used = {title.casefold() for title in taken} | _RESERVED_TITLES
    title, number = base, 1
    while title.casefold() in used:
        number += 1
        suffix = f" ({number})"
        title = base[: MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
    return title


def _to_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typed(value: Any, kind: FieldType) -> Any:
    if value is None or value == "":
        return None
    return kind.convert(value)


def _values_sheet(book: Workbook, sheet: Worksheet, fields: Fields, example: bool) -> None:
    title = fields.title or "Số liệu báo cáo"
    sheet["A1"] = title.upper()
    sheet["A1"].font = Font(name=_FONT, bold=True, size=13)
    sheet["A2"] = (
        "Điền cột 'Giá trị' (ô nền vàng). Các danh sách ở các trang tính bên cạnh. "
        "Không đổi tên các ô và bảng: bdt-docx tìm số liệu theo tên."
    )
    sheet["A2"].font = Font(name=_FONT, italic=True, size=11)
    for col, text in enumerate(("Nội dung", "Giá trị", "Hướng dẫn", "Tên ô"), 1):
        cell = sheet.cell(4, col, text)
        cell.font = Font(name=_FONT, bold=True, size=12)
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
    row = 5
    for spec in fields.values.values():
        _value_row(book, sheet, row, spec, example)
        row += 1
    for letter, width in zip("ABCD", (42, 48, 44, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    _print_setup(sheet)


def _value_row(book: Workbook, sheet: Worksheet, row: int, spec: FieldSpec, example: bool) -> None:
    label = sheet.cell(row, 1, spec.label + ("" if spec.required else " (có thể để trống)"))
    value = sheet.cell(row, 2, _typed(spec.example, spec.field_type) if example else None)
    hint = sheet.cell(row, 3, spec.hint or spec.field_type.label)
    name = sheet.cell(row, 4, spec.name)
    for cell in (label, value, hint, name):
        cell.font = Font(name=_FONT, size=12, color="666666" if cell is name else None)
        cell.border = _BOX
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    value.fill = _INPUT_FILL
    _format_input(sheet, value.coordinate, spec.field_type, spec.min, spec.max, spec.label)
    reference = f"'{sheet.title}'!${value.column_letter}${row}"
    book.defined_names[spec.name] = DefinedName(spec.name, attr_text=reference)


def _format_input(
    sheet: Worksheet, ref: str, kind: FieldType, low: int | None, high: int | None, label: str
) -> None:
    """Number format and data validation of an input cell (or a column range) of type ``kind``."""
    if kind.number_format is not None:
        for row in sheet[ref] if ":" in ref else ((sheet[ref],),):
            for cell in row:
                cell.number_format = kind.number_format
    arguments = kind.validation(low, high, label)
    if arguments is None:
        return
    check = DataValidation(**arguments)
    check.errorTitle = "Giá trị không hợp lệ"
    check.showErrorMessage = True
    check.allow_blank = True
    check.add(ref)
    sheet.add_data_validation(check)


def _list_sheet(book: Workbook, spec: TableSpec, example: bool) -> None:
    sheet = book.create_sheet(_sheet_title(spec.label, book.sheetnames))
    sheet["A1"] = spec.label.upper()
    sheet["A1"].font = Font(name=_FONT, bold=True, size=13)
    sheet["A2"] = spec.hint
    sheet["A2"].font = Font(name=_FONT, italic=True, size=11)
    sheet["A3"] = (
        "Nhập vào các dòng có kẻ ô (đó là danh sách). Cần thêm dòng thì chèn dòng bên trong "
        "danh sách (chuột phải → Chèn dòng), đừng gõ ngay bên dưới."
    )
    sheet["A3"].font = Font(name=_FONT, italic=True, size=11, color="666666")
    first = 4
    for col, column in enumerate(spec.columns, 1):
        cell = sheet.cell(first, col, column.header)
        cell.font = Font(name=_FONT, bold=True, size=12)
        cell.border = _BOX
    rows = [list(r) for r in spec.example] if example else []
    # Spare blank rows inside the list (a blank row is no row), bordered so that a clerk
    # sees where the list ends: LibreOffice Calc does not grow a list typed under it.
    rows += [[None] * len(spec.columns)] * SPARE_ROWS
    for offset, values in enumerate(rows, 1):
        for col, (column, value) in enumerate(zip(spec.columns, values, strict=True), 1):
            cell = sheet.cell(first + offset, col, _typed(value, column.field_type))
            cell.font = Font(name=_FONT, size=12)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = _BOX
    last = first + len(rows)
    ref = f"A{first}:{get_column_letter(len(spec.columns))}{last}"
    table = Table(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    for col, column in enumerate(spec.columns, 1):
        _column_setup(sheet, col, column, first + 1, last)
    sheet.freeze_panes = f"A{first + 1}"
    _print_setup(sheet)


def _column_setup(sheet: Worksheet, col: int, column: Column, top: int, bottom: int) -> None:
    letter = get_column_letter(col)
    sheet.column_dimensions[letter].width = column.field_type.column_width
    _format_input(
        sheet, f"{letter}{top}:{letter}{bottom}", column.field_type, None, None, column.header
    )


def _print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
