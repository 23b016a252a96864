"""Where cells are and what a reader found in them, for every workbook reader (.xlsx, .ods).

An :class:`Area` is a rectangle of one sheet; :func:`parse_reference` reads one from the text
of a defined name (``'Thông tin'!$B$3``) and :func:`pick_name` chooses the one area a name
means among its definitions. A :class:`Cell` is one cell's value and where it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import NamedTuple

__all__ = [
    "COPIED_SHEET_HINT",
    "MAX_COL",
    "MAX_ROW",
    "VOLATILE",
    "AmbiguousNameError",
    "Area",
    "Cell",
    "MissingNameError",
    "NameLookupError",
    "TableInfo",
    "bounded_area",
    "cell_ref",
    "column_index_from_string",
    "deleted_cells",
    "get_column_letter",
    "parse_reference",
    "pick_name",
    "with_formula",
]

_REFERENCE = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^'!]+))!"
    r"(?:\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>[0-9]{1,7})"
    r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>[0-9]{1,7}))?"
    r"|\$?(?P<wc1>[A-Za-z]{1,3}):\$?(?P<wc2>[A-Za-z]{1,3})"  # whole columns: $A:$C
    r"|\$?(?P<wr1>[0-9]{1,7}):\$?(?P<wr2>[0-9]{1,7}))$"  # whole rows: $2:$9
)
_STRUCTURED = re.compile(r"^(?P<table>[^\[\]!]+)\[.*\]$")
#: A function call outside the quoted sheet names of a reference: ``OFFSET(``.
_FUNCTION = re.compile(r"^(?:'(?:[^']|'')*'|[^'])*?[A-Za-z][A-Za-z0-9_.]*\(")
#: Excel's grid: the last row and column a sheet can have.
MAX_ROW = 1_048_576
MAX_COL = 16_384


def column_index_from_string(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27 (upper-case letters)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


@lru_cache(maxsize=1024)
def get_column_letter(index: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Area:
    """A rectangle of cells on one sheet (rows and columns count from 1)."""

    sheet: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def is_cell(self) -> bool:
        """True when the area is a single cell."""
        return self.min_row == self.max_row and self.min_col == self.max_col

    def hides(self, row: int, col: int) -> bool:
        """True when this area, a merged block, hides the cell at ``row``, ``col``: inside
        it and not its first cell (Excel shows such a cell blank, whatever it holds)."""
        return (
            self.min_row <= row <= self.max_row
            and self.min_col <= col <= self.max_col
            and (row, col) != (self.min_row, self.min_col)
        )

    @cached_property  # (an area of a name or a table is made once for a batch)
    def ref(self) -> str:
        """``B3`` or ``A1:C6``."""
        first = cell_ref(self.min_row, self.min_col)
        return first if self.is_cell else f"{first}:{cell_ref(self.max_row, self.max_col)}"


class Cell(NamedTuple):
    """A cell's value and where it is. ``error`` is Excel's error text (``#REF!``);
    ``unsaved_formula`` is true for a formula whose result Excel never saved; ``damaged``
    for a cell whose stored value cannot be read (written so by a faulty program). A cell
    with an elapsed-time format (``[h]:mm:ss``) holds a ``datetime.timedelta``.

    A named tuple, not a data class: a workbook's cells are made by the thousand, and a
    tuple is made in a third of the time."""

    sheet: str
    ref: str
    value: object = None
    error: str | None = None
    unsaved_formula: bool = False
    damaged: bool = False
    #: The cell's number format code (``0.00%``, ``dd/mm/yyyy``; ``General`` by default).
    number_format: str = "General"
    #: True when the cell's row is hidden (by hand or by a filter).
    hidden_row: bool = False
    #: The formula, when it calls a function whose result changes with time (``TODAY()``,
    #: ``NOW()``, ``RAND()``): the value saved is that of the last calculation.
    volatile_formula: str | None = None


#: Functions whose result changes each time a spreadsheet calculates.
VOLATILE = re.compile(r"\b(?:TODAY|NOW|RAND|RANDBETWEEN)\s*\(", re.IGNORECASE)


def with_formula(cell: Cell | None, formula: str | None) -> Cell | None:
    """``cell``, marked when ``formula`` calls a function of :data:`VOLATILE`."""
    if cell is None or not formula or not VOLATILE.search(formula):
        return cell
    return cell._replace(volatile_formula=formula)


@dataclass(frozen=True)
class TableInfo:
    """An Excel table (Insert → Table): its name, where it is and its header texts."""

    name: str
    area: Area
    headers: tuple[str, ...]
    header_rows: int = 1
    totals_rows: int = 0

    @cached_property
    def data_area(self) -> Area:
        """The rows below the header, without a totals row."""
        a = self.area
        return Area(
            a.sheet,
            a.min_row + self.header_rows,
            a.min_col,
            a.max_row - self.totals_rows,
            a.max_col,
        )


class NameLookupError(LookupError):
    """A defined name is missing, ambiguous or does not point at cells (Vietnamese reason).

    ``cause``: what it has in common with the same error of other names, where one cause
    (a sheet renamed or deleted) breaks them all at once: ``("sheet", name)``, the sheet its
    reference names is not in the workbook; ``("deleted", "")``, it points at ``#REF!``.
    """

    def __init__(self, reason: str, cause: tuple[str, str] | None = None) -> None:
        super().__init__(reason)
        self.cause = cause


def deleted_cells() -> NameLookupError:
    """The error of a name whose cells were deleted (``#REF!``, as Excel and Calc write
    the names of a deleted sheet)."""
    return NameLookupError("tên trỏ tới ô đã bị xóa (#REF!)", ("deleted", ""))


class MissingNameError(NameLookupError):
    """The workbook does not define the name at all."""


class AmbiguousNameError(NameLookupError):
    """A defined name whose definitions point at different cells; ``places`` holds each
    area with the scopes naming it (``None`` for the whole workbook, else a sheet)."""

    def __init__(self, name: str, places: list[tuple[Area, list[str | None]]]) -> None:
        self.places = places
        shown = " và ".join(
            f"'{area.sheet}'!{area.ref} ("
            + ", ".join("toàn sổ" if s is None else f"trang '{s}'" for s in scopes)
            + ")"
            for area, scopes in places
        )
        super().__init__(f"tên '{name}' có ở {len(places)} nơi: {shown}")


#: Where a cell or a range is given a name, in Excel and in LibreOffice Calc.
DEFINE_NAME = (
    "Excel: Formulas → Define Name; LibreOffice Calc: Sheet → Named Ranges and Expressions → Define"
)
#: Where a name's cells or range are changed or the name deleted, in Excel and in Calc.
MANAGE_NAMES = (
    "Excel: Formulas → Name Manager; LibreOffice Calc: Sheet → Named Ranges and Expressions → "
    "Manage"
)
#: What to do when a sheet was copied and a name or a list now exists twice.
COPIED_SHEET_HINT = (
    "Sổ có tên (Name) hoặc bảng trùng nhau, thường do sao chép trang tính (Excel và "
    "LibreOffice đặt cho trang chép tên riêng, bảng chép tên mới như 'van_ban2', "
    "'van_ban_2'), nên không biết số liệu nào là đúng. Hãy xóa trang cũ; hoặc xóa tên thừa "
    "(Excel: Formulas → Name Manager; LibreOffice: Sheet → Named Ranges and Expressions → "
    "Manage) và bảng thừa, rồi đặt lại tên bảng còn lại"
)


def cell_ref(row: int, col: int) -> str:
    """``(3, 2)`` → ``B3``."""
    return f"{get_column_letter(col)}{row}"


@lru_cache(maxsize=4096)  # a batch's workbooks name the same cells
def parse_reference(text: str) -> Area:
    """``'Thông tin'!$B$3`` or ``DS!$A$1:$C$6`` → :class:`Area`.

    Raises :class:`NameLookupError` for ``#REF!``, several areas, constants and formulas.
    """
    text = text.strip().lstrip("=")
    if "#REF!" in text:
        raise deleted_cells()
    match = _REFERENCE.match(text)
    if not match:
        if _FUNCTION.search(text):  # a name growing with its list: =OFFSET(A1;0;0;COUNTA(A:A))
            raise NameLookupError(
                f"tên là một công thức ({text}), không trỏ tới một ô hay vùng cố định; hãy "
                f"dùng bảng (Excel: Insert → Table) hoặc đặt tên cho chính ô hay vùng "
                f"({DEFINE_NAME})"
            )
        if structured := _STRUCTURED.match(text):  # (a column's name may hold a comma)
            table = structured["table"]
            whole = text[len(table) :].lower() in ("[]", "[#all]", "[#data]")
            raise NameLookupError(
                f"tên trỏ tới bảng '{table}' ({text}), không tới ô; "
                + (
                    f"nếu đó là một danh sách, hãy xóa tên này ({MANAGE_NAMES}) "
                    f"và đổi tên bảng '{table}' thành chính tên này (Excel: Table Design → "
                    f"Table Name); hoặc "
                    if whole
                    else "hãy "
                )
                + f"đặt tên cho chính ô hoặc vùng ({DEFINE_NAME})"
            )
        if "," in text:
            raise NameLookupError(f"tên trỏ tới nhiều vùng ({text}), cần một ô hoặc một vùng")
        raise NameLookupError(f"tên không trỏ tới ô nào ({text})")
    sheet = match["quoted"].replace("''", "'") if match["quoted"] else match["bare"]
    if sheet.startswith("["):
        raise NameLookupError(
            f"tên trỏ tới một sổ Excel khác ({text}); hãy chép số liệu vào sổ này"
        )
    if match["wc1"]:
        c1, c2 = (column_index_from_string(match[g].upper()) for g in ("wc1", "wc2"))
        r1, r2 = 1, MAX_ROW
    elif match["wr1"]:
        c1, c2, r1, r2 = 1, MAX_COL, int(match["wr1"]), int(match["wr2"])
    else:
        c1, r1 = column_index_from_string(match["c1"].upper()), int(match["r1"])
        c2 = column_index_from_string(match["c2"].upper()) if match["c2"] else c1
        r2 = int(match["r2"]) if match["r2"] else r1
    return bounded_area(sheet, (r1, c1), (r2, c2), text)


def bounded_area(sheet: str, first: tuple[int, int], last: tuple[int, int], text: str) -> Area:
    """The area between two corners (row, column) in either order; one past the sheet's
    bounds is refused, quoting the reference ``text`` as the workbook wrote it."""
    (r1, c1), (r2, c2) = first, last
    if not (min(r1, r2) >= 1 and max(r1, r2) <= MAX_ROW and max(c1, c2) <= MAX_COL):
        raise NameLookupError(f"tên trỏ ra ngoài trang tính ({text})")
    return Area(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def pick_name(
    name: str,
    entries: Sequence[tuple[str | None, str, str]],
    parse: Callable[[str], Area],
    sheets: Collection[str],
) -> Area:
    """The one area defined name ``name`` means, from its definitions ``entries`` (scope
    sheet or ``None`` for the whole workbook, reference text, name as written).

    A name defined in several scopes that point at different cells is refused: Excel and
    Calc give a copied sheet names of its own, so after "copy the sheet, type the new
    figures" the workbook holds the old and the new figures under one name, and only the
    clerk knows which are meant. A definition that points nowhere (``#REF!`` after its
    sheet was deleted) does not count when another one is sound. Raises
    :class:`NameLookupError` (:class:`AmbiguousNameError` naming every place).
    """
    if not entries:
        raise MissingNameError(f"không có tên (Name) '{name}' trong sổ")
    if len(entries) == 1:  # the usual name: one definition
        return _on_sheet_named(parse(entries[0][1]), sheets, name)
    found: dict[Area, list[str | None]] = {}
    broken: list[NameLookupError] = []
    for scope, text, _ in entries:
        try:
            area = _on_sheet_named(parse(text), sheets, name)
        except NameLookupError as exc:
            broken.append(exc)
            continue
        found.setdefault(area, []).append(scope)
    if not found:
        raise broken[0]
    if len(found) == 1:
        return next(iter(found))
    raise AmbiguousNameError(name, list(found.items()))


def _on_sheet_named(area: Area, sheets: Collection[str], name: str) -> Area:
    """``area`` on the workbook's sheet its reference names, whatever the letter case
    (Excel and Calc find ``'thông tin'!B19`` on the sheet ``Thông tin``)."""
    if area.sheet in sheets:
        return area
    wanted = area.sheet.casefold()
    for sheet in sheets:
        if sheet.casefold() == wanted:
            return replace(area, sheet=sheet)
    raise NameLookupError(
        f"tên '{name}' trỏ tới trang tính '{area.sheet}' không có", ("sheet", area.sheet)
    )
