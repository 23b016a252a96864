"""What a template needs, and what a workbook has of it (``bdt-docx fields``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bdt_docx.api import read_workbook
from bdt_docx.cells import DEFINE_NAME
from bdt_docx.cli.outcome import HINTS
from bdt_docx.errors import Problem, WorkbookError
from bdt_docx.fields import FieldSpec
from bdt_docx.template import prepare_template

__all__ = ["describe_fields"]


def describe_fields(
    template: str | Path | None, workbook: str | Path | None = None
) -> tuple[list[str], list[dict[str, Any]], list[Problem]]:
    """Lines to print, one record per field, and the workbook's problems (if a workbook).

    Each record has ``name``, ``kind`` (``value`` or ``table``), ``type`` (or the columns),
    ``label``, ``required`` and, with a workbook, ``status``: ``ok``, or the problem's text.
    """
    prepared = prepare_template(template)
    fields = prepared.fields
    problems: list[Problem] = []
    if workbook is not None:
        try:
            read_workbook(workbook, prepared)
        except WorkbookError as exc:
            problems = exc.problems
    by_field: dict[str | None, list[Problem]] = {}
    for problem in problems:
        key = problem.field.split(".")[0] if problem.field else None
        by_field.setdefault(key, []).append(problem)

    records: list[dict[str, Any]] = []
    lines = [
        f"{fields.origin()}.",
        f"Giá trị (mỗi giá trị một ô có đặt tên — {DEFINE_NAME}):",
    ]
    for spec in fields.values.values():
        record = {
            "name": spec.name,
            "kind": "value",
            "type": spec.type,
            "label": spec.label,
            "required": spec.required,
        }
        optional = "" if spec.required else ", có thể để trống"
        optional += _text_rules(spec)
        line = f"  {spec.name:<28} {spec.field_type.label}{optional} — {spec.label}"
        lines.append(line + _status(record, by_field, workbook is not None))
        records.append(record)
    if fields.tables:
        lines.append(
            "Danh sách (mỗi danh sách một bảng Excel — Insert → Table; LibreOffice Calc: "
            "vùng có tên — Sheet → Named Ranges and Expressions → Define):"
        )
    for table in fields.tables.values():
        columns = [{"name": c.name, "header": c.header, "type": c.type} for c in table.columns]
        record = {
            "name": table.name,
            "kind": "table",
            "columns": columns,
            "label": table.label,
            "required": True,
        }
        headers = ", ".join(f"'{c.header}' ({c.field_type.label})" for c in table.columns)
        line = f"  {table.name:<28} cột: {headers} — {table.label}"
        lines.append(line + _status(record, by_field, workbook is not None))
        records.append(record)
    if workbook is not None:
        lines.append(
            f"Sổ {workbook}: " + (f"{len(problems)} lỗi cần sửa." if problems else "đủ và đúng.")
        )
        lines += [f"  - {p.shown(HINTS)}" for p in problems if p.field is None]  # the file
    return lines, records, problems


def _status(record: dict[str, Any], by_field: dict[str, list[Problem]], checked: bool) -> str:
    if not checked or None in by_field:  # unchecked, or the workbook could not be read
        return ""
    found = by_field.get(record["name"])
    record["status"] = "ok" if not found else "; ".join(p.shown(HINTS) for p in found)
    return "  [có]" if not found else f"  [LỖI: {record['status']}]"


def _text_rules(spec: FieldSpec) -> str:
    """What the description says of a text's lines and letter case, as ``fields`` tells it."""
    rules = [
        said
        for said, rule in (
            (", có thể nhiều dòng (Alt+Enter)", spec.multiline),
            (", in hoa trong báo cáo", spec.upper),
            (", viết hoa chữ đầu", spec.initial_capital),
        )
        if rule
    ]
    return "".join(rules)
