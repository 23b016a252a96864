"""The field description of a template: what its workbook must provide.

A template ``X.docx`` may have ``X.toml`` beside it (see the shipped
``bao_cao_thi_dua_bau_cu.toml`` for the format). Validation, ``bdt-docx init`` and
``bdt-docx fields`` read it. A template without one gets :meth:`Fields.for_variables`:
every variable it uses is a required text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from bdt_docx.errors import Problem, TemplateError

__all__ = ["Column", "FieldSpec", "Fields", "TableSpec", "description_path"]

FieldType = Literal["text", "integer", "date"]
TYPES: tuple[str, ...] = ("text", "integer", "date")
#: How each type is named to a clerk.
TYPE_LABELS = {"text": "chữ", "integer": "số nguyên", "date": "ngày (dd/mm/yyyy)"}


@dataclass(frozen=True)
class FieldSpec:
    """One value of the contract, found by an Excel defined name."""

    name: str
    label: str
    type: FieldType = "text"
    required: bool = True
    min: int | None = None
    max: int | None = None
    min_field: str | None = None
    max_field: str | None = None
    multiline: bool = False
    hint: str = ""
    example: Any = None


@dataclass(frozen=True)
class Column:
    """A column of a list: its key (the slug of its header), header text and type."""

    name: str
    header: str
    type: FieldType = "text"
    required: bool = True
    strip_end: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A list of the contract, found by an Excel table or a named range with a header row."""

    name: str
    label: str
    columns: tuple[Column, ...]
    min_rows: int = 0
    hint: str = ""
    example: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True)
class Fields:
    """Everything a template needs from a workbook, in the order of its description."""

    values: dict[str, FieldSpec] = field(default_factory=dict)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    title: str = ""
    #: True when the template had no description and these were derived from its variables.
    derived: bool = False

    @classmethod
    def load(cls, path: str | Path) -> Fields:
        """Read a field description (TOML); a malformed one is a :class:`TemplateError`."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"không đọc được mô tả trường ({exc})", path) from exc
        except tomllib.TOMLDecodeError as exc:
            raise TemplateError(f"mô tả trường sai cú pháp TOML: {exc}", path) from exc
        try:
            return cls._from_data(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise TemplateError(f"mô tả trường không hợp lệ: {exc}", path) from exc

    @classmethod
    def _from_data(cls, data: dict[str, Any]) -> Fields:
        values = {}
        for name, spec in data.get("fields", {}).items():
            if spec.get("type", "text") not in TYPES:
                raise ValueError(f"{name}: kiểu '{spec['type']}' không có")
            values[name] = FieldSpec(name=name, **{"label": name, **spec})
        tables = {}
        for name, spec in data.get("tables", {}).items():
            spec = dict(spec)
            columns = tuple(Column(**column) for column in spec.pop("columns"))
            if any(column.type not in TYPES for column in columns):
                raise ValueError(f"{name}: kiểu cột không có")
            example = tuple(tuple(row) for row in spec.pop("example", ()))
            tables[name] = TableSpec(
                name=name, columns=columns, example=example, **{"label": name, **spec}
            )
        return cls(values, tables, title=data.get("template", {}).get("title", ""))

    @classmethod
    def for_variables(cls, variables: set[str]) -> Fields:
        """The contract of a template without a description: each variable a required text."""
        specs = {name: FieldSpec(name=name, label=name) for name in sorted(variables)}
        return cls(specs, {}, derived=True)

    def names(self) -> set[str]:
        """Every name of the contract (values and tables)."""
        return set(self.values) | set(self.tables)

    def check_covers(self, variables: set[str], template: str | Path) -> None:
        """Refuse a template that uses a variable its description does not provide."""
        missing = sorted(variables - self.names())
        if missing:
            raise TemplateError(
                [
                    Problem(f"mẫu dùng biến '{name}' nhưng mô tả trường không có", field=name)
                    for name in missing
                ],
                template,
            )


def description_path(template: str | Path) -> Path:
    """Where the field description of ``template`` lives: beside it, ending in ``.toml``."""
    return Path(template).with_suffix(".toml")
