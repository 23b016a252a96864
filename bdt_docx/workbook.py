"""Stage 1: read what a workbook's defined names and tables point at.

:class:`Workbook` reads an .xlsx/.xlsm package directly, and only what is asked of it: the
workbook part (sheets, defined names), the tables' definitions, the shared strings, the cell
styles (to tell dates from numbers) and, of each sheet, only the cells inside the areas a
caller :meth:`~Workbook.fetch`\\ es. It does not judge values: :mod:`bdt_docx.validate` does.

Values come back as Python values: ``str`` (Excel's ``_xHHHH_`` escapes decoded), ``float``,
``bool``, ``datetime.datetime`` for cells formatted as dates, ``None`` for blank cells; a
:class:`Cell` also says when it holds an Excel error (``#REF!``) or a formula whose result
was never saved.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from bdt_docx.errors import WorkbookError, os_reason
from bdt_docx.package import Package, PackageError

__all__ = ["Area", "Cell", "NameLookupError", "TableInfo", "Workbook", "parse_reference"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: The namespace of Excel's "Strict Open XML Spreadsheet" files.
_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_M = f"{{{_MAIN}}}"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFERENCE = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^'!]+))!"
    r"(?:\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>[0-9]{1,7})"
    r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>[0-9]{1,7}))?"
    r"|\$?(?P<wc1>[A-Za-z]{1,3}):\$?(?P<wc2>[A-Za-z]{1,3})"  # whole columns: $A:$C
    r"|\$?(?P<wr1>[0-9]{1,7}):\$?(?P<wr2>[0-9]{1,7}))$"  # whole rows: $2:$9
)
_STRUCTURED = re.compile(r"^(?P<table>[^\[\]!]+)\[.*\]$")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
#: A count or an index as parts store them (ASCII digits, at most nine).
_WHOLE = re.compile(r"[0-9]{1,9}")
#: Excel's grid: the last row and column a sheet can have.
MAX_ROW = 1_048_576
MAX_COL = 16_384
#: How much of a sheet's XML is parsed at a time.
_FEED_BYTES = 256 * 1024

# Excel's conventions, as openpyxl reads them. Written here because importing anything from
# openpyxl loads the whole package (and numpy): a third of a second at every start.
CALENDAR_WINDOWS_1900 = dt.datetime(1899, 12, 30)
CALENDAR_MAC_1904 = dt.datetime(1904, 1, 1)
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")
_QUOTED = re.compile(r'"[^"]*"')
_ELAPSED_CODE = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=[\"']([^\"']*)[\"']")
#: What a cell's number format shows, besides a number.
_DATE, _ELAPSED = "date", "elapsed"
#: Built-in formats that show dates or times: Excel's (14–22, 45–47) and those of East Asian
#: Excel and WPS (27–36, 50–58).
_BUILTIN_DATE_IDS = {str(i) for i in (*range(14, 23), *range(27, 37), 45, 47, *range(50, 59))}
#: Excel's built-in number formats (the codes it does not write into styles.xml). 14 is the
#: short date of the machine's language (month first in the US); the East Asian dates are
#: given as short dates, their times as times.
BUILTIN_FORMATS = {
    "0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00",
    "9": "0%", "10": "0.00%", "11": "0.00E+00", "12": "# ?/?", "13": "# ??/??",
    "14": "mm-dd-yy", "15": "d-mmm-yy", "16": "d-mmm", "17": "mmm-yy", "18": "h:mm AM/PM",
    "19": "h:mm:ss AM/PM", "20": "h:mm", "21": "h:mm:ss", "22": "m/d/yy h:mm",
    **dict.fromkeys(map(str, (27, 28, 29, 30, 31, 36, *range(50, 59))), "yyyy-mm-dd"),
    "32": "h:mm", "33": "h:mm:ss", "34": "h:mm", "35": "h:mm:ss",
    "37": "#,##0 ;(#,##0)", "38": "#,##0 ;(#,##0)", "39": "#,##0.00;(#,##0.00)",
    "40": "#,##0.00;(#,##0.00)", "45": "mm:ss", "46": "[h]:mm:ss", "47": "mm:ss.0",
    "48": "##0.0E+0", "49": "@",
}  # fmt: skip
_FORMAT_LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def column_index_from_string(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27 (upper-case letters)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def get_column_letter(index: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def unescape(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (``_x000A_`` → a line break).

    A pair of escaped UTF-16 surrogates becomes the one character it encodes; a surrogate
    left alone (which no text can carry) becomes U+FFFD, as Excel shows it.
    """
    if "_x" not in text:
        return text
    decoded = _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)
    return decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def is_date_format(code: str) -> bool:
    """True when a number format shows a date or a time (its first section, literals and
    locale blocks left out)."""
    return _DATE_CODE.search(_FORMAT_LITERALS.sub("", code.split(";")[0])) is not None


def from_excel(number: float, epoch: dt.datetime) -> dt.datetime | dt.time:
    """An Excel serial date as a datetime (a time of day below 1), counting Excel's
    phantom 29 February 1900 in the Windows calendar."""
    day, fraction = divmod(number, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= number < 1 and diff.days == 0:
        return (dt.datetime.min + diff).time()
    if 0 < number < 60 and epoch == CALENDAR_WINDOWS_1900:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


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

    @property
    def ref(self) -> str:
        """``B3`` or ``A1:C6``."""
        first = cell_ref(self.min_row, self.min_col)
        return first if self.is_cell else f"{first}:{cell_ref(self.max_row, self.max_col)}"


@dataclass(frozen=True)
class Cell:
    """A cell's value and where it is. ``error`` is Excel's error text (``#REF!``);
    ``unsaved_formula`` is true for a formula whose result Excel never saved; ``damaged``
    for a cell whose stored value cannot be read (written so by a faulty program). A cell
    with an elapsed-time format (``[h]:mm:ss``) holds a ``datetime.timedelta``."""

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
    return replace(cell, volatile_formula=formula)


@dataclass(frozen=True)
class TableInfo:
    """An Excel table (Insert → Table): its name, where it is and its header texts."""

    name: str
    area: Area
    headers: tuple[str, ...]
    header_rows: int = 1
    totals_rows: int = 0

    @property
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
    """A defined name is missing, ambiguous or does not point at cells (Vietnamese reason)."""


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


def parse_reference(text: str) -> Area:
    """``'Thông tin'!$B$3`` or ``DS!$A$1:$C$6`` → :class:`Area`.

    Raises :class:`NameLookupError` for ``#REF!``, several areas, constants and formulas.
    """
    text = text.strip().lstrip("=")
    if "#REF!" in text:
        raise NameLookupError("tên trỏ tới ô đã bị xóa (#REF!)")
    match = _REFERENCE.match(text)
    if not match:
        if "," in text:
            raise NameLookupError(f"tên trỏ tới nhiều vùng ({text}), cần một ô hoặc một vùng")
        if structured := _STRUCTURED.match(text):
            raise NameLookupError(
                f"tên trỏ tới bảng '{structured['table']}' ({text}), không tới ô; hãy đặt "
                "tên cho chính ô hoặc vùng (Formulas → Define Name)"
            )
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
    if not (min(r1, r2) >= 1 and max(r1, r2) <= MAX_ROW and max(c1, c2) <= MAX_COL):
        raise NameLookupError(f"tên trỏ ra ngoài trang tính ({text})")
    return Area(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def pick_name(
    name: str,
    entries: Sequence[tuple[str | None, str, str]],
    parse: Callable[[str], Area],
    sheets: Container[str],
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
        raise NameLookupError(f"không có tên (Name) '{name}' trong sổ")
    found: dict[Area, list[str | None]] = {}
    broken: list[NameLookupError] = []
    for scope, text, _ in entries:
        try:
            area = parse(text)
            if area.sheet not in sheets:
                raise NameLookupError(f"tên '{name}' trỏ tới trang tính '{area.sheet}' không có")
        except NameLookupError as exc:
            broken.append(exc)
            continue
        found.setdefault(area, []).append(scope)
    if not found:
        raise broken[0]
    if len(found) == 1:
        return next(iter(found))
    raise AmbiguousNameError(name, list(found.items()))


def _count(text: str, part: str, high: int) -> int:
    """A whole number from 0 to ``high`` stored in a part's XML (ASCII digits only);
    anything else means the part is damaged."""
    if _WHOLE.fullmatch(text) and int(text) <= high:
        return int(text)
    shown = text if len(text) <= 20 else text[:20] + "…"
    raise PackageError(f"phần {part} bị hỏng (số '{shown}')", part)


def _string_item(si: etree._Element) -> str:
    """The text of a shared or inline string: its plain text and rich text runs in order,
    phonetic guides left out."""
    texts = []
    for child in si:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "t":
            texts.append(child.text or "")
        elif local == "r":
            texts += [t.text or "" for t in child if etree.QName(t).localname == "t"]
    return unescape("".join(texts))


class Workbook:
    """An .xlsx or .xlsm workbook opened for reading by names and tables.

    Raises :class:`~bdt_docx.WorkbookError` with a clerk's explanation when the file is not a
    workbook this library can read (empty, not a zip, a Word file, an old .xls, encrypted).
    """

    def __init__(self, path: str | Path, shown_as: str | Path | None = None) -> None:
        #: The file read, and the file named in messages (the original of a converted one).
        self.path = Path(path)
        self.shown_as = Path(shown_as) if shown_as is not None else self.path
        self._package = self._open(self.path, self.shown_as)
        self._names_by_case: dict[str, str] | None = None
        try:
            with self._reading():
                self._read_structure()
        except WorkbookError:
            self._package.close()
            raise
        self._strings: list[str] | None = None
        self._styles: list[tuple[str, str]] | None = None
        #: Style indexes known to be well formed (a cell with one of them and no value is blank).
        self._plain_styles: set[str] = set()
        self._tables: dict[str, TableInfo] | None = None
        self._merged: dict[str, list[Area]] = {}

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._package.close()

    # -- opening --------------------------------------------------------------------------

    @staticmethod
    def _open(path: Path, shown_as: Path) -> Package:
        try:
            with path.open("rb") as stream:
                head = stream.read(8)
        except FileNotFoundError as exc:
            raise WorkbookError("không tìm thấy tệp", shown_as) from exc
        except IsADirectoryError as exc:
            raise WorkbookError("đây là một thư mục, không phải sổ Excel", shown_as) from exc
        except OSError as exc:
            raise WorkbookError(f"không mở được tệp ({os_reason(exc)})", shown_as) from exc
        if not head:
            raise WorkbookError("tệp rỗng (0 byte), không phải sổ Excel", shown_as)
        if head == _CFB_MAGIC:
            raise WorkbookError(_cfb_reason(path), shown_as)
        try:
            package = Package(path)
        except PackageError as exc:
            raise WorkbookError(
                "tệp không phải sổ Excel .xlsx/.xlsm (có thể là tệp CSV hoặc tệp khác bị đổi "
                "đuôi). Hãy mở nó trong Excel rồi Lưu thành (Save As) kiểu "
                "'Excel Workbook (*.xlsx)'",
                shown_as,
            ) from exc
        if "word/document.xml" in package.names:
            package.close()
            raise WorkbookError(
                "tệp là tài liệu Word (.docx) bị đổi đuôi, không phải sổ Excel", shown_as
            )
        return package

    def _read_structure(self) -> None:
        package = self._package
        office = [
            rel.target
            for rel in package.relationships("").values()
            if rel.type.endswith("/officeDocument")
        ]
        if not office:
            raise PackageError("không có phần sổ làm việc (workbook)")
        self._workbook_part = self._part_name(office[0])
        book = package.read_xml(self._workbook_part)
        namespace = etree.QName(book).namespace
        if etree.QName(book).localname != "workbook" or namespace not in (_MAIN, _STRICT_MAIN):
            raise PackageError(
                "phần chính không phải sổ làm việc Excel; hãy mở tệp trong Excel rồi Lưu "
                "thành (Save As) kiểu 'Excel Workbook (*.xlsx)'"
            )
        #: The namespace of the workbook's parts: transitional or Strict.
        self._m = f"{{{namespace}}}"
        rels = self._relationships(self._workbook_part)
        calc = book.find(f"{self._m}calcPr")
        #: Set by programs that write formulas without computing them (xlsxwriter, pandas,
        #: openpyxl): the values saved with formulas are placeholders, not results.
        self._recalc_on_load = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
        pr = book.find(f"{self._m}workbookPr")
        self._epoch = (
            CALENDAR_MAC_1904
            if pr is not None and pr.get("date1904") in ("1", "true")
            else CALENDAR_WINDOWS_1900
        )
        #: sheet name → (part path, visible)
        self.sheets: dict[str, tuple[str, bool]] = {}
        self._sheet_order: list[str] = []
        for sheet in book.iterfind(f"{self._m}sheets/{self._m}sheet"):
            name = sheet.get("name", "")
            rel_id = next((v for k, v in sheet.items() if k.endswith("}id")), "")
            target = rels.get(rel_id)
            if target:
                self.sheets[name] = (target[1], sheet.get("state", "visible") == "visible")
            self._sheet_order.append(name)
        #: lower-case defined name → list of (scope sheet or None, reference text, name)
        self._names: dict[str, list[tuple[str | None, str, str]]] = {}
        for item in book.iterfind(f"{self._m}definedNames/{self._m}definedName"):
            name = item.get("name", "")
            if name.startswith("_xlnm."):
                continue
            scope = item.get("localSheetId")
            sheet = None
            if scope is not None and scope.isdigit() and int(scope) < len(self._sheet_order):
                sheet = self._sheet_order[int(scope)]
            self._names.setdefault(name.lower(), []).append((sheet, item.text or "", name))
        self._rels = rels

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type's last word, target part), for ``part`` (empty when it has
        none). Targets are matched to the package's parts whatever their case, as Excel
        does (``xl/SharedStrings.xml``)."""
        return {
            rel_id: (rel.type.rsplit("/", 1)[-1], self._part_name(rel.target))
            for rel_id, rel in self._package.relationships(part).items()
        }

    def _part_name(self, target: str) -> str:
        """The package's own spelling of part ``target`` (part names ignore case)."""
        if target in self._package.names:
            return target
        if self._names_by_case is None:
            self._names_by_case = {name.lower(): name for name in self._package.names}
        return self._names_by_case.get(target.lower(), target)

    def _related(self, kind: str) -> str | None:
        """The workbook's part related as ``kind`` (``styles``, ``sharedStrings``)."""
        return next((target for k, target in self._rels.values() if k == kind), None)

    # -- names and tables -----------------------------------------------------------------

    def find_name(self, name: str) -> Area:
        """The area a defined name points at (see :func:`pick_name`).

        Raises :class:`NameLookupError` when it is missing, ambiguous or broken.
        """
        return pick_name(name, self._names.get(name.lower(), ()), parse_reference, self.sheets)

    def tables(self) -> dict[str, TableInfo]:
        """Every Excel table of the workbook, by lower-case name."""
        if self._tables is None:
            tables = {}
            with self._reading():
                for sheet, (part, _visible) in self.sheets.items():
                    for kind, target in self._relationships(part).values():
                        if kind == "table":
                            table = self._read_table(sheet, target)
                            tables[table.name.lower()] = table
            self._tables = tables
        return self._tables

    def _read_table(self, sheet: str, part: str) -> TableInfo:
        root = self._package.read_xml(part)
        name = root.get("displayName") or root.get("name", "")
        try:
            area = parse_reference(f"'{sheet}'!{root.get('ref', '')}")
        except NameLookupError as exc:
            raise PackageError(f"bảng '{name}' không có vùng hợp lệ", part) from exc
        headers = tuple(
            unescape(column.get("name", "")) for column in root.iterfind(f"{self._m}tableColumns/*")
        )
        width = area.max_col - area.min_col + 1
        if len(headers) != width:
            raise PackageError(
                f"bảng '{name}' có {len(headers)} cột nhưng vùng {area.ref} rộng {width} cột",
                part,
            )
        height = area.max_row - area.min_row + 1
        return TableInfo(
            name,
            area,
            headers,
            header_rows=_count(root.get("headerRowCount", "1"), part, height),
            totals_rows=_count(root.get("totalsRowCount", "0"), part, height),
        )

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn a damaged part met while reading into a clerk's :class:`WorkbookError`."""
        try:
            yield
        except PackageError as exc:
            raise WorkbookError(f"sổ Excel bị hỏng: {exc.reason}", self.shown_as) from exc

    # -- cells ----------------------------------------------------------------------------

    def fetch(self, areas: Iterable[Area]) -> dict[tuple[str, int, int], Cell]:
        """Read every cell inside ``areas``: ``(sheet, row, col)`` → :class:`Cell`.

        Each sheet concerned is read once; cells outside the areas are skipped. A blank cell
        inside an area is simply absent from the result.
        """
        by_sheet: dict[str, list[Area]] = {}
        for area in areas:
            by_sheet.setdefault(area.sheet, []).append(area)
        cells: dict[tuple[str, int, int], Cell] = {}
        with self._reading():
            for sheet, sheet_areas in by_sheet.items():
                cells.update(self._read_sheet(sheet, sheet_areas))
        return cells

    def merged(self, sheet: str) -> list[Area]:
        """The merged blocks of ``sheet`` (read once per sheet, and only when asked)."""
        if sheet not in self._merged:
            with self._reading():
                self._merged[sheet] = _merged_blocks(sheet, self._sheet_xml(sheet))
        return self._merged[sheet]

    def _sheet_xml(self, sheet: str) -> bytes:
        return self._package.read(self.sheets[sheet][0])

    def _read_sheet(self, sheet: str, areas: list[Area]) -> dict[tuple[str, int, int], Cell]:
        part = self.sheets[sheet][0]
        data = self._sheet_xml(sheet)
        if sheet not in self._merged:
            self._merged[sheet] = _merged_blocks(sheet, data)
        last_row = max(area.max_row for area in areas)
        cells = {}
        row_number = 0
        try:
            for row in _rows(data, self._m):
                row_number = _count(row.get("r", str(row_number + 1)), part, MAX_ROW)
                if row_number > last_row:
                    break
                spans = [
                    (a.min_col, a.max_col) for a in areas if a.min_row <= row_number <= a.max_row
                ]
                if spans and not self._blank_row(row):
                    hidden = row.get("hidden") in ("1", "true")
                    col = 0
                    for c in row.iterfind(f"{self._m}c"):
                        col = self._column(c.get("r"), col)
                        if any(low <= col <= high for low, high in spans) and not self._blank(c):
                            cell = self._cell(sheet, row_number, col, c)
                            if cell is not None:
                                cells[(sheet, row_number, col)] = (
                                    replace(cell, hidden_row=True) if hidden else cell
                                )
                row.clear(keep_tail=False)
        except etree.XMLSyntaxError as exc:
            raise PackageError(f"phần {part} bị hỏng ({exc.msg})", part) from exc
        _blank_under_merges(cells, self._merged[sheet], areas)
        return cells

    @staticmethod
    def _column(ref: str | None, previous: int) -> int:
        if ref:
            match = _CELL_REF.match(ref)
            if match:
                return column_index_from_string(match[1].upper())
        return previous + 1

    def _blank(self, c: etree._Element) -> bool:
        """Whether cell ``c`` holds nothing but a style (the spare rows under a list are
        such cells): what :meth:`_cell` reads as blank, told without building the cell."""
        if len(c) or c.get("t") == "inlineStr":
            return False
        style = c.get("s") or "0"
        if style not in self._plain_styles:
            try:
                self._style(style)
            except ValueError:  # a damaged style: _cell says so
                return False
            self._plain_styles.add(style)
        return True

    def _blank_row(self, row: etree._Element) -> bool:
        """Whether every cell of ``row`` is blank (:meth:`_blank`), told without placing
        each cell in its column: the spare rows under a list are such rows."""
        cell = f"{self._m}c"
        return all(c.tag != cell or self._blank(c) for c in row)

    def _cell(self, sheet: str, row: int, col: int, c: etree._Element) -> Cell | None:
        try:
            cell = self._cell_value(sheet, row, col, c)
        except (ValueError, IndexError):  # a value no spreadsheet program writes
            return Cell(sheet, cell_ref(row, col), damaged=True)
        return with_formula(cell, c.findtext(f"{self._m}f"))

    def _cell_value(self, sheet: str, row: int, col: int, c: etree._Element) -> Cell | None:
        kind = c.get("t", "n")
        v = c.find(f"{self._m}v")
        text = v.text if v is not None else None
        ref = cell_ref(row, col)
        code, style = self._style(c.get("s") or "0")
        if kind == "inlineStr":
            si = c.find(f"{self._m}is")
            return Cell(sheet, ref, _string_item(si) if si is not None else None)
        if c.find(f"{self._m}f") is not None:
            if self._recalc_on_load or v is None or (text is None and kind != "str"):
                return Cell(sheet, ref, unsaved_formula=True)
            if kind == "str" and not text:  # a formula whose result is "" (=IF(A1="";""))
                return Cell(sheet, ref, "")
        if text is None or text == "":
            return None
        if kind == "s":
            return Cell(sheet, ref, self._shared_strings()[int(text)])
        if kind == "str":
            return Cell(sheet, ref, unescape(text))
        if kind == "b":
            return Cell(sheet, ref, text == "1")
        if kind == "e":
            return Cell(sheet, ref, error=text)
        if kind == "d":
            return Cell(sheet, ref, _iso_date(text), number_format=code)
        number = _number(text)
        if style == _ELAPSED:
            return Cell(sheet, ref, dt.timedelta(days=number), number_format=code)
        if style == _DATE:
            try:
                return Cell(sheet, ref, from_excel(number, self._epoch), number_format=code)
            except (OverflowError, ValueError):  # 20210609 typed into a date cell
                return Cell(sheet, ref, number)
        return Cell(sheet, ref, number, number_format=code)

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            part = self._related("sharedStrings")
            self._strings = []
            if part is not None:
                root = self._package.read_xml(part)
                self._strings = [_string_item(si) for si in root.iterfind(f"{self._m}si")]
        return self._strings

    def _style(self, index: str) -> tuple[str, str]:
        """The number format code of cell style ``index`` and what it shows (a date, an
        elapsed time or a number); ``ValueError`` for an index no program writes."""
        if self._styles is None:
            self._styles = []
            part = self._related("styles")
            if part is not None:
                root = self._package.read_xml(part)
                custom = {
                    f.get("numFmtId", ""): f.get("formatCode", "")
                    for f in root.iterfind(f"{self._m}numFmts/{self._m}numFmt")
                }
                for xf in root.iterfind(f"{self._m}cellXfs/{self._m}xf"):
                    fmt_id = xf.get("numFmtId", "0")
                    code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
                    self._styles.append((code, _format_kind(code, fmt_id)))
        if not _WHOLE.fullmatch(index):
            raise ValueError(index)
        position = int(index)
        return self._styles[position] if position < len(self._styles) else ("General", "")


def _number(text: str) -> float:
    """A number as a sheet stores it (``25``, ``-1.5E-3``); ``ValueError`` for anything else
    (``NaN``, ``inf``, ``1_000``, a number too large for a float)."""
    number = float(text) if _NUMBER.fullmatch(text) else math.nan
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _iso_date(text: str) -> dt.datetime | dt.time:
    """A date stored as ISO 8601 text (``t="d"``): ``2021-06-09``, ``2021-06-09T08:00:00Z``,
    or a time of day alone (``12:30:00``); the time zone, if any, is left out as Excel
    shows the wall time written."""
    text = text.strip().removesuffix("Z").removesuffix("z")
    if re.fullmatch(r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?", text):
        return dt.time.fromisoformat(text)
    if len(text) > 40:
        raise ValueError(text)
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def _format_kind(code: str, fmt_id: str) -> str:
    """What a number format shows: an elapsed time (``[h]:mm:ss``), a date or time, or a
    number (``""``)."""
    first = _QUOTED.sub("", code.split(";")[0])
    if fmt_id == "46" or _ELAPSED_CODE.search(first):
        return _ELAPSED
    if fmt_id in _BUILTIN_DATE_IDS or is_date_format(code):
        return _DATE
    return ""


def _merged_blocks(sheet: str, data: bytes) -> list[Area]:
    """The merged blocks of a sheet's XML (they follow its cells, so they are found without
    parsing the cells again)."""
    after = max(data.rfind(b"sheetData"), 0)
    blocks = []
    for match in _MERGE_CELL.finditer(data, after):
        with suppress(NameLookupError, UnicodeDecodeError):  # a malformed block merges nothing
            blocks.append(parse_reference(f"'{sheet}'!{match[1].decode()}"))
    return blocks


def _blank_under_merges(
    cells: dict[tuple[str, int, int], Cell], blocks: list[Area], areas: list[Area]
) -> None:
    """Drop the cells a merged block hides (all but its first): Excel shows them blank."""
    near = [
        b
        for b in blocks
        if not b.is_cell
        and any(
            b.min_row <= a.max_row
            and a.min_row <= b.max_row
            and b.min_col <= a.max_col
            and a.min_col <= b.max_col
            for a in areas
        )
    ]
    if not near:
        return
    for key in list(cells):
        _sheet, row, col = key
        for b in near:
            if (
                b.min_row <= row <= b.max_row
                and b.min_col <= col <= b.max_col
                and (row, col) != (b.min_row, b.min_col)
            ):
                del cells[key]
                break


def _rows(data: bytes, namespace: str) -> Iterator[etree._Element]:
    """The ``<row>`` elements of a sheet's XML, parsed a slice at a time (a reader that stops
    early leaves the rest unparsed; faster than ``iterparse`` over a stream)."""
    parser = etree.XMLPullParser(
        events=("end",),
        tag=f"{namespace}row",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    for start in range(0, len(data), _FEED_BYTES):
        parser.feed(data[start : start + _FEED_BYTES])
        for _event, row in parser.read_events():
            yield row
    parser.close()


def _cfb_reason(path: Path) -> str:
    """Why an OLE compound file cannot be read: an encrypted workbook or an old .xls."""
    with path.open("rb") as stream:
        head = stream.read(1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in head:
        return (
            "sổ Excel được đặt mật khẩu. Hãy mở trong Excel, vào File → Info → Protect "
            "Workbook → Encrypt with Password, xóa mật khẩu rồi lưu lại"
        )
    return (
        "đây là tệp Excel 97-2003 (.xls). Hãy mở trong Excel và Lưu thành (Save As) kiểu "
        "'Excel Workbook (*.xlsx)', hoặc chuyển bằng LibreOffice: "
        "soffice --headless --convert-to xlsx TỆP.xls"
    )
