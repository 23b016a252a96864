"""The field description of a template: what its workbook must provide.

A description is TOML (see the shipped ``bao_cao_thi_dua_bau_cu.toml`` for the format). It
travels inside the template, as custom document properties (:mod:`bdt_docx.docprops`), so a
copy of a template renamed or moved still has it. A ``X.toml`` beside ``X.docx`` takes precedence
(it is how a description is written and tried). Validation, ``bdt-docx init`` and
``bdt-docx fields`` read it. A template with neither gets :meth:`Fields.for_variables`:
every variable it uses is a required text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from bdt_docx.errors import Problem, TemplateError, os_reason
from bdt_docx.fieldtypes import TEXT, TYPES, FieldType

__all__ = [
    "Column",
    "FieldSpec",
    "Fields",
    "TableSpec",
    "description_path",
]

#: What a TOML value may be for each kind of key of a description (checked by
#: :meth:`Fields.load`): ``str``, ``bool``, ``int`` (not a boolean), a list, or a single value.
_TEXT, _FLAG, _WHOLE, _LIST, _SCALAR = "text", "flag", "whole", "list", "scalar"
_FIELD_KEYS = {
    "label": _TEXT, "type": _TEXT, "required": _FLAG, "min": _WHOLE, "max": _WHOLE,
    "min_field": _TEXT, "max_field": _TEXT, "multiline": _FLAG, "upper": _FLAG,
    "initial_capital": _FLAG, "hint": _TEXT, "example": _SCALAR,
}  # fmt: skip
_TABLE_KEYS = {
    "label": _TEXT, "columns": _LIST, "min_rows": _WHOLE, "hint": _TEXT, "example": _LIST,
}  # fmt: skip
_COLUMN_KEYS = {
    "name": _TEXT, "header": _TEXT, "type": _TEXT, "required": _FLAG, "strip_end": _TEXT,
    "strip_start": _TEXT, "multiline": _FLAG,
}  # fmt: skip
_EXPECTED = {
    _TEXT: "chữ (trong dấu nháy)",
    _FLAG: "true hoặc false",
    _WHOLE: "số nguyên",
    _LIST: "danh sách [ … ]",
    _SCALAR: "một giá trị (chữ, số hoặc ngày)",
}


@dataclass(frozen=True)
class FieldSpec:
    """One value of the contract, found by an Excel defined name."""

    name: str
    label: str
    #: The name of its type in :data:`~bdt_docx.fieldtypes.TYPES`.
    type: str = TEXT.name
    required: bool = True
    min: int | None = None
    max: int | None = None
    min_field: str | None = None
    max_field: str | None = None
    #: The value may hold line breaks (a paragraph of its own that becomes several); a text
    #: of a field that is not multiline is refused with one (:meth:`Checker.one_line`).
    multiline: bool = False
    #: The report prints the text in capitals, as Nghị định 30 writes it (an agency's name
    #: in the header, a ký hiệu, the signer's authority): what is typed is put in capitals
    #: (``str.upper``, right for NFC Vietnamese) when it is read.
    upper: bool = False
    #: The text starts with a capital letter, as a place's name does (Nghị định 30's địa
    #: danh): one typed starting in lower case is refused, naming the cell (what to capitalise
    #: in a name is the clerk's to say: "thành phố Hồ Chí Minh" is not "Thành Phố…").
    initial_capital: bool = False
    hint: str = ""
    example: Any = None
    #: Whether its text is checked or changed beyond its line breaks (``upper``,
    #: ``initial_capital``), worked out once.
    text_rules: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text_rules", self.upper or self.initial_capital)

    @property
    def field_type(self) -> FieldType:
        """Its type (:mod:`bdt_docx.fieldtypes`)."""
        return TYPES[self.type]


@dataclass(frozen=True)
class Column:
    """A column of a list: its key (the slug of its header), header text and type."""

    name: str
    header: str
    #: The name of its type in :data:`~bdt_docx.fieldtypes.TYPES`.
    type: str = TEXT.name
    required: bool = True
    strip_end: str = ""
    strip_start: str = ""
    #: As :attr:`FieldSpec.multiline`.
    multiline: bool = False

    @property
    def field_type(self) -> FieldType:
        """Its type (:mod:`bdt_docx.fieldtypes`)."""
        return TYPES[self.type]

    def trim(self, value: object) -> object:
        """A text without the characters the description strips from its ends (a recipient
        typed ``- UBND tỉnh;`` is ``UBND tỉnh``: the template writes its own dash and ``;``)."""
        if isinstance(value, str):
            if self.strip_end:
                value = value.rstrip(self.strip_end).rstrip()
            if self.strip_start:
                value = value.lstrip(self.strip_start).lstrip()
        return value


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
    #: Of a derived contract, the lists the template prints each row of whole
    #: (``{% for x in ds %}{{ x }}``): lists of plain values, one column in a workbook.
    whole_rows: frozenset[str] = frozenset()
    #: The description (.toml) these were read from, or the template that holds them;
    #: None when built otherwise.
    source: Path | None = field(default=None, compare=False)
    #: True when the description was read from inside the template.
    embedded: bool = field(default=False, compare=False)

    @classmethod
    def load(cls, path: str | Path) -> Fields:
        """Read a field description (TOML); a malformed one is a :class:`TemplateError`."""
        return cls.load_text(path)[0]

    @classmethod
    def load_text(cls, path: str | Path) -> tuple[Fields, str]:
        """:meth:`load`, with the description's text as read (to store it as it is)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else "không phải chữ UTF-8"
            raise TemplateError(
                f"không đọc được mô tả trường ({reason})", path, code="description.unreadable"
            ) from exc
        return cls.parse(text, path), text

    @classmethod
    def parse(cls, text: str, source: Path, embedded: bool = False) -> Fields:
        """Read a field description from its TOML ``text``; errors name ``source``.

        Every entry is checked before use: ``[fields.X]`` and ``[tables.X]`` must be tables
        with known keys of the right types, a list's ``columns`` a non-empty list of tables
        each with a ``name`` and a ``header``, and its ``example`` a list of rows with one
        value per column. The error names ``source`` (the .toml file, or the template that
        holds the description) and lists every malformed entry.
        """
        where = "mô tả trường lưu trong mẫu" if embedded else "mô tả trường"
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise TemplateError(
                f"{where} sai cú pháp TOML{_toml_place(str(exc))}: {exc}",
                source,
                code="description.toml_syntax",
            ) from exc
        problems = _problems(data)
        if problems:
            raise TemplateError(problems, source)
        try:
            fields = cls._from_data(data)
        except (KeyError, TypeError, ValueError) as exc:  # pragma: no cover - checked above
            raise TemplateError(
                f"{where} không hợp lệ: {exc}", source, code="description.invalid"
            ) from exc
        return replace(fields, source=source, embedded=embedded)

    @classmethod
    def _from_data(cls, data: dict[str, Any]) -> Fields:
        values = {}
        for name, spec in data.get("fields", {}).items():
            if spec.get("type", TEXT.name) not in TYPES:
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
    def for_variables(
        cls,
        variables: set[str],
        optional: frozenset[str] = frozenset(),
        lists: Mapping[str, Iterable[str]] | None = None,
        whole_rows: Iterable[str] = (),
    ) -> Fields:
        """The contract of a template without a description: each variable a text, required
        unless the template guards it (``optional``: ``|default``, ``is defined``); a
        variable the template loops over reading columns of its rows (``lists``: ``ds`` with
        ``["ten", "so"]`` for ``{%tr for r in ds %}…{{ r.ten }}…{{ r.so }}``) is a list of
        text columns; a variable it loops over printing each row whole (``whole_rows``:
        ``{% for x in ds %}{{ x }}``) is a list of one text column, whose rows are its values."""
        tables = {
            name: TableSpec(name, name, tuple(Column(c, c, required=False) for c in cols))
            for name, cols in sorted((lists or {}).items())
            if name in variables and name not in optional
        }
        whole = frozenset(whole_rows) & variables - optional - tables.keys()
        tables |= {name: TableSpec(name, name, (Column(name, name),)) for name in sorted(whole)}
        specs = {
            name: FieldSpec(name=name, label=name, required=name not in optional)
            for name in sorted(variables)
            if name not in tables
        }
        return cls(specs, tables, derived=True, whole_rows=whole)

    def origin(self) -> str:
        """Where these fields come from, or what is assumed without a description (for a clerk)."""
        if self.derived:
            return (
                "Mẫu không có mô tả trường (trong tệp mẫu hay tệp .toml cùng tên bên cạnh): "
                "mỗi biến được coi là chữ bắt buộc (trừ biến dùng với |default hay is defined), "
                "biến được lặp bằng {% for %} để đọc cột, hay trùng tên một bảng trong sổ, "
                "là danh sách"
            )
        if self.embedded:
            return "Mô tả trường: lưu trong tệp mẫu"
        return f"Mô tả trường: {self.source}"

    def names(self) -> set[str]:
        """Every name of the contract (values and tables)."""
        return set(self.values) | set(self.tables)

    def check_covers(
        self,
        variables: set[str],
        template: str | Path,
        lists: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """Refuse a template that uses a variable its description does not provide, or reads
        a column of a list (``lists``: the columns read of each list's rows, as
        :func:`~bdt_docx.tags.list_columns` finds them) that the list is not given."""
        known = self.names()
        problems = [
            Problem(_unknown_variable(name, known), field=name, code="template.unknown_variable")
            for name in sorted(variables - known)
        ]
        problems += _unknown_columns(self.tables, lists or {})
        if problems:
            raise TemplateError(problems, template)


def _unknown_variable(name: str, known: Collection[str]) -> str:
    """Why a template's variable ``name`` is refused, with the field it may be (a slip in
    Word or Writer: ``Dia_danh``, ``dia_dan``) and what to do."""
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.8)
    maybe = f" (có phải '{close[0]}'?)" if close else ""
    return (
        f"mẫu dùng biến '{name}' nhưng mô tả trường không có{maybe}: hãy sửa hay xóa thẻ đó "
        f"trong mẫu, hoặc thêm trường '{name}' vào mô tả trường (tệp .toml cạnh mẫu)"
    )


def _unknown_columns(
    tables: Mapping[str, TableSpec], lists: Mapping[str, Iterable[str]]
) -> list[Problem]:
    problems = []
    for name, columns in lists.items():
        table = tables.get(name)
        known = [column.name for column in table.columns] if table is not None else []
        for column in columns:
            if known and column not in known:
                problems.append(
                    Problem(
                        f"mẫu đọc cột '{column}' của danh sách '{name}' nhưng mô tả trường "
                        f"không có cột này (các cột: {', '.join(known)})",
                        field=f"{name}.{column}",
                        code="template.unknown_column",
                    )
                )
    return problems


def _toml_place(message: str) -> str:
    """Where the TOML parser stopped, in Vietnamese (its own words follow, in English)."""
    found = re.search(r"line (\d+), column (\d+)", message)
    if found:
        return f" ở dòng {found[1]}, cột {found[2]}"
    return " ở cuối tệp" if "end of document" in message else ""


def _kind(value: object) -> str:
    """What a TOML value is, as a clerk would say it."""
    if isinstance(value, bool):
        return f"giá trị {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"số {value}"
    if isinstance(value, str):
        return f"chữ '{value}'"
    if isinstance(value, dict):
        return "một bảng"
    if isinstance(value, list):
        return "một danh sách"
    return f"giá trị {value}"


def _fits(value: object, kind: str) -> bool:
    if kind == _TEXT:
        return isinstance(value, str)
    if kind == _FLAG:
        return isinstance(value, bool)
    if kind == _WHOLE:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _LIST:
        return isinstance(value, list)
    return isinstance(value, (str, int, float, dt.date, dt.time))  # bool is an int


def _entry_problems(
    where: str, spec: object, keys: dict[str, str], field_name: str
) -> list[Problem]:
    """What is wrong with one entry (a table of ``keys``); ``where`` names it in the .toml."""
    if not isinstance(spec, dict):
        return [
            Problem(
                f"mục {where} phải là một bảng (các dòng khóa = giá trị), ở đây là {_kind(spec)}",
                field=field_name,
                code="description.not_table",
            )
        ]
    problems = []
    for key, value in spec.items():
        if key not in keys:
            known = ", ".join(keys)
            problems.append(
                Problem(
                    f"mục {where} có khóa lạ '{key}' (các khóa dùng được: {known})",
                    field_name,
                    code="description.unknown_key",
                )
            )
        elif not _fits(value, keys[key]):
            problems.append(
                Problem(
                    f"mục {where}: '{key}' phải là {_EXPECTED[keys[key]]}, ở đây là {_kind(value)}",
                    field_name,
                    code="description.wrong_value",
                )
            )
        elif key == "type" and value not in TYPES:
            problems.append(
                Problem(
                    f"mục {where}: kiểu '{value}' không có (dùng: {', '.join(TYPES)})",
                    field_name,
                    code="description.unknown_type",
                )
            )
    return problems


def _table_problems(name: str, spec: dict[str, Any]) -> list[Problem]:
    """What is wrong with the columns and example rows of ``[tables.name]``."""
    where = f"[tables.{name}]"
    columns = spec.get("columns")
    if columns is None or columns == []:
        return [
            Problem(
                f"mục {where} cần 'columns': danh sách có ít nhất một cột",
                name,
                code="description.no_columns",
            )
        ]
    if not isinstance(columns, list):
        return []  # reported by _entry_problems
    problems = []
    for number, column in enumerate(columns, 1):
        column_where = f"{where}, cột {number}"
        found = _entry_problems(column_where, column, _COLUMN_KEYS, name)
        problems += found
        if not found:
            problems += [
                Problem(
                    f"mục {column_where} thiếu khóa '{key}'", name, code="description.missing_key"
                )
                for key in ("name", "header")
                if key not in column
            ]
    rows = spec.get("example", [])
    if problems or not isinstance(rows, list):
        return problems
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list):
            problems.append(
                Problem(
                    f"mục {where}: dòng mẫu {number} phải là danh sách [ … ] một giá trị mỗi "
                    f"cột, ở đây là {_kind(row)}",
                    name,
                    code="description.example_row",
                )
            )
        elif len(row) != len(columns):
            problems.append(
                Problem(
                    f"mục {where}: dòng mẫu {number} có {len(row)} giá trị nhưng bảng có "
                    f"{len(columns)} cột",
                    name,
                    code="description.example_row",
                )
            )
        else:
            problems += [
                Problem(
                    f"mục {where}: dòng mẫu {number}, giá trị {index} phải là "
                    f"{_EXPECTED[_SCALAR]}, ở đây là {_kind(value)}",
                    name,
                    code="description.example_row",
                )
                for index, value in enumerate(row, 1)
                if not _fits(value, _SCALAR)
            ]
    return problems


def _problems(data: dict[str, Any]) -> list[Problem]:
    """Every malformed entry of a parsed description (empty when it is well formed)."""
    problems = []
    sections = {}
    for section in ("template", "fields", "tables"):
        value = data.get(section, {})
        if isinstance(value, dict):
            sections[section] = value
        else:
            problems.append(
                Problem(
                    f"mục [{section}] phải là một bảng, ở đây là {_kind(value)}",
                    code="description.not_table",
                )
            )
    title = sections.get("template", {}).get("title", "")
    if not isinstance(title, str):
        problems.append(
            Problem(
                f"mục [template]: 'title' phải là chữ, ở đây là {_kind(title)}",
                code="description.wrong_value",
            )
        )
    for name, spec in sections.get("fields", {}).items():
        problems += _entry_problems(f"[fields.{name}]", spec, _FIELD_KEYS, name)
    for name, spec in sections.get("tables", {}).items():
        found = _entry_problems(f"[tables.{name}]", spec, _TABLE_KEYS, name)
        problems += found or _table_problems(name, spec)
    return problems


def description_path(template: str | Path) -> Path:
    """Where the field description of ``template`` lives: beside it, ending in ``.toml``."""
    return Path(template).with_suffix(".toml")
