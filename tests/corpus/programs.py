"""Workbooks for the shipped template as other programs write them: xlsxwriter, pandas.

Each builder writes the example's values (the field description's examples) the way a
script in an office would: named cells on one sheet, one Excel table per list, dates
formatted dd/mm/yyyy. ``formulas`` puts formulas where a script writer would, which these
programs save without computing (xlsxwriter writes 0 and asks Excel to recalculate).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter

from bdt_docx.fields import Fields
from bdt_docx.template import prepare_template

INFO = "Thông tin"


def shipped_fields() -> Fields:
    return prepare_template(None).fields


def _typed(value: Any, type_: str) -> Any:
    if type_ == "date" and isinstance(value, str):
        day, month, year = map(int, value.split("/"))
        return dt.datetime(year, month, day)
    return value


def xlsxwriter_workbook(path: Path, formulas: dict[str, str] | None = None) -> Path:
    """The example written by xlsxwriter; ``formulas`` maps a field to the formula typed
    in its cell instead of its value."""
    fields = shipped_fields()
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet(INFO)
    sheet.write_row(0, 0, ["Nội dung", "Giá trị"])
    for row, spec in enumerate(fields.values.values(), 1):
        sheet.write(row, 0, spec.label)
        value = _typed(spec.example, spec.type)
        if formulas and spec.name in formulas:
            sheet.write_formula(row, 1, formulas[spec.name])
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, 1, value, date)
        elif value is not None and value != "":
            sheet.write(row, 1, value)
        book.define_name(spec.name, f"='{INFO}'!$B${row + 1}")
    for spec in fields.tables.values():
        table_sheet = book.add_worksheet(spec.label[:31])
        rows = [
            [_typed(v, c.type) for v, c in zip(r, spec.columns, strict=True)] for r in spec.example
        ]
        rows = rows or [[None] * len(spec.columns)]
        for r, values in enumerate(rows, 1):
            for c, value in enumerate(values):
                if isinstance(value, dt.datetime):
                    table_sheet.write_datetime(r, c, value, date)
                elif value is not None:
                    table_sheet.write(r, c, value)
        table_sheet.add_table(
            0,
            0,
            len(rows),
            len(spec.columns) - 1,
            {"name": spec.name, "columns": [{"header": c.header} for c in spec.columns]},
        )
    book.close()
    return path


def pandas_workbook(path: Path, recipients: list[str]) -> Path:
    """The example with its recipients written by pandas (``DataFrame.to_excel`` through
    xlsxwriter): a text that starts with ``=`` becomes a formula, as pandas writes it."""
    import pandas as pd

    fields = shipped_fields()
    values = {spec.label: _typed(spec.example, spec.type) for spec in fields.values.values()}
    with pd.ExcelWriter(path, engine="xlsxwriter", date_format="dd/mm/yyyy",
                        datetime_format="dd/mm/yyyy") as writer:  # fmt: skip
        frame = pd.DataFrame({"Nội dung": list(values), "Giá trị": list(values.values())})
        frame.to_excel(writer, sheet_name=INFO, index=False)
        for row, spec in enumerate(fields.values.values(), 2):
            writer.book.define_name(spec.name, f"='{INFO}'!$B${row}")
        for spec in fields.tables.values():
            if spec.name == "noi_nhan":
                rows = [[r] for r in recipients]
            else:
                rows = [list(r) for r in spec.example] or [[None] * len(spec.columns)]
            frame = pd.DataFrame(
                [[_typed(v, c.type) for v, c in zip(r, spec.columns, strict=True)] for r in rows],
                columns=[c.header for c in spec.columns],
            )
            name = spec.label[:31]
            frame.to_excel(writer, sheet_name=name, index=False)
            writer.book.define_name(
                spec.name, f"='{name}'!$A$1:${chr(64 + len(spec.columns))}${len(rows) + 1}"
            )
    return path
