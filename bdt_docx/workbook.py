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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bdt_docx.errors import WorkbookError
from bdt_docx.package import Package, PackageError

__all__ = ["Area", "Cell", "NameLookupError", "TableInfo", "Workbook", "parse_reference"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_M = f"{{{_MAIN}}}"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFERENCE = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^'!]+))!"
    r"\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>[0-9]{1,7})"
    r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>[0-9]{1,7}))?$"
)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
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
    for a cell whose stored value cannot be read (written so by a faulty program)."""

    sheet: str
    ref: str
    value: object = None
    error: str | None = None
    unsaved_formula: bool = False
    damaged: bool = False


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
        raise NameLookupError(f"tên không trỏ tới ô nào ({text})")
    sheet = match["quoted"].replace("''", "'") if match["quoted"] else match["bare"]
    c1, r1 = column_index_from_string(match["c1"].upper()), int(match["r1"])
    c2 = column_index_from_string(match["c2"].upper()) if match["c2"] else c1
    r2 = int(match["r2"]) if match["r2"] else r1
    if not (min(r1, r2) >= 1 and max(r1, r2) <= MAX_ROW and max(c1, c2) <= MAX_COL):
        raise NameLookupError(f"tên trỏ ra ngoài trang tính ({text})")
    return Area(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _count(text: str, part: str, high: int) -> int:
    """A whole number from 0 to ``high`` stored in a part's XML (ASCII digits only);
    anything else means the part is damaged."""
    if re.fullmatch(r"[0-9]{1,9}", text) and int(text) <= high:
        return int(text)
    shown = text if len(text) <= 20 else text[:20] + "…"
    raise PackageError(f"phần {part} bị hỏng (số '{shown}')", part)


def _string_item(si: etree._Element) -> str:
    """The text of a shared or inline string (rich text runs joined, phonetics left out)."""
    direct = si.find(f"{_M}t")
    if direct is not None:
        return unescape(direct.text or "")
    return "".join(unescape(t.text or "") for t in si.iterfind(f"{_M}r/{_M}t"))


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
        try:
            with self._reading():
                self._read_structure()
        except WorkbookError:
            self._package.close()
            raise
        self._strings: list[str] | None = None
        self._date_styles: set[int] | None = None
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
            raise WorkbookError(f"không mở được tệp ({exc.strerror or exc})", shown_as) from exc
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
        self._workbook_part = office[0]
        book = package.read_xml(self._workbook_part)
        if book.tag != f"{_M}workbook":
            raise PackageError("tệp không phải sổ Excel (không có phần workbook)")
        rels = self._relationships(self._workbook_part)
        calc = book.find(f"{_M}calcPr")
        #: Set by programs that write formulas without computing them (xlsxwriter, pandas,
        #: openpyxl): the values saved with formulas are placeholders, not results.
        self._recalc_on_load = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
        pr = book.find(f"{_M}workbookPr")
        self._epoch = (
            CALENDAR_MAC_1904
            if pr is not None and pr.get("date1904") in ("1", "true")
            else CALENDAR_WINDOWS_1900
        )
        #: sheet name → (part path, visible)
        self.sheets: dict[str, tuple[str, bool]] = {}
        self._sheet_order: list[str] = []
        for sheet in book.iterfind(f"{_M}sheets/{_M}sheet"):
            name = sheet.get("name", "")
            target = rels.get(sheet.get(f"{{{_REL}}}id", ""))
            if target:
                self.sheets[name] = (target, sheet.get("state", "visible") == "visible")
            self._sheet_order.append(name)
        #: lower-case defined name → list of (scope sheet or None, reference text, name)
        self._names: dict[str, list[tuple[str | None, str, str]]] = {}
        for item in book.iterfind(f"{_M}definedNames/{_M}definedName"):
            name = item.get("name", "")
            if name.startswith("_xlnm.") or item.get("hidden") in ("1", "true"):
                continue
            scope = item.get("localSheetId")
            sheet = None
            if scope is not None and scope.isdigit() and int(scope) < len(self._sheet_order):
                sheet = self._sheet_order[int(scope)]
            self._names.setdefault(name.lower(), []).append((sheet, item.text or "", name))
        self._rels = rels

    def _relationships(self, part: str) -> dict[str, str]:
        """Relationship id → target part path, for ``part`` (empty when it has none)."""
        return {rel_id: rel.target for rel_id, rel in self._package.relationships(part).items()}

    # -- names and tables -----------------------------------------------------------------

    def find_name(self, name: str) -> Area:
        """The area a defined name points at (workbook scope, or the only sheet-scoped one).

        Raises :class:`NameLookupError` when it is missing, ambiguous or broken.
        """
        entries = self._names.get(name.lower())
        if not entries:
            raise NameLookupError(f"không có tên (Name) '{name}' trong sổ")
        scoped = [entry for entry in entries if entry[0] is None]
        if not scoped:
            if len(entries) > 1:
                sheets = ", ".join(f"'{sheet}'" for sheet, _, _ in entries)
                raise NameLookupError(
                    f"tên '{name}' chỉ có phạm vi trang tính và có ở nhiều trang ({sheets}); "
                    "hãy để lại một, hoặc đặt phạm vi Workbook"
                )
            scoped = entries
        area = parse_reference(scoped[0][1])
        if area.sheet not in self.sheets:
            raise NameLookupError(f"tên '{name}' trỏ tới trang tính '{area.sheet}' không có")
        return area

    def tables(self) -> dict[str, TableInfo]:
        """Every Excel table of the workbook, by lower-case name."""
        if self._tables is None:
            tables = {}
            with self._reading():
                for sheet, (part, _visible) in self.sheets.items():
                    for target in self._relationships(part).values():
                        if target.startswith("xl/tables/") or "/tables/" in target:
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
            unescape(column.get("name", "")) for column in root.iterfind(f"{_M}tableColumns/*")
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
            part = self.sheets[sheet][0]
            with self._reading():
                root = self._package.read_xml(part)
            blocks = []
            for m in root.iterfind(f"{_M}mergeCells/{_M}mergeCell"):
                with suppress(NameLookupError):  # a malformed block merges nothing
                    blocks.append(parse_reference(f"'{sheet}'!{m.get('ref', '')}"))
            self._merged[sheet] = blocks
        return self._merged[sheet]

    def _read_sheet(self, sheet: str, areas: list[Area]) -> dict[tuple[str, int, int], Cell]:
        part = self.sheets[sheet][0]
        data = self._package.read(part)
        last_row = max(area.max_row for area in areas)
        cells = {}
        row_number = 0
        try:
            for row in _rows(data):
                row_number = _count(row.get("r", str(row_number + 1)), part, MAX_ROW)
                if row_number > last_row:
                    break
                spans = [
                    (a.min_col, a.max_col) for a in areas if a.min_row <= row_number <= a.max_row
                ]
                if spans:
                    col = 0
                    for c in row.iterfind(f"{_M}c"):
                        col = self._column(c.get("r"), col)
                        if any(low <= col <= high for low, high in spans):
                            cell = self._cell(sheet, row_number, col, c)
                            if cell is not None:
                                cells[(sheet, row_number, col)] = cell
                row.clear(keep_tail=False)
        except etree.XMLSyntaxError as exc:
            raise PackageError(f"phần {part} bị hỏng ({exc.msg})", part) from exc
        return cells

    @staticmethod
    def _column(ref: str | None, previous: int) -> int:
        if ref:
            match = _CELL_REF.match(ref)
            if match:
                return column_index_from_string(match[1].upper())
        return previous + 1

    def _cell(self, sheet: str, row: int, col: int, c: etree._Element) -> Cell | None:
        try:
            return self._cell_value(sheet, row, col, c)
        except (ValueError, IndexError):  # a value no spreadsheet program writes
            return Cell(sheet, cell_ref(row, col), damaged=True)

    def _cell_value(self, sheet: str, row: int, col: int, c: etree._Element) -> Cell | None:
        kind = c.get("t", "n")
        v = c.find(f"{_M}v")
        text = v.text if v is not None else None
        ref = cell_ref(row, col)
        if kind == "inlineStr":
            si = c.find(f"{_M}is")
            return Cell(sheet, ref, _string_item(si) if si is not None else None)
        if c.find(f"{_M}f") is not None:
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
            return Cell(sheet, ref, dt.datetime.fromisoformat(text))
        number = _number(text)
        if int(c.get("s", "0")) in self._date_style_ids():
            try:
                return Cell(sheet, ref, from_excel(number, self._epoch))
            except (OverflowError, ValueError):  # 20210609 typed into a date cell
                return Cell(sheet, ref, number)
        return Cell(sheet, ref, number)

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            parts = [t for t in self._rels.values() if t.endswith("sharedStrings.xml")]
            self._strings = []
            if parts:
                root = self._package.read_xml(parts[0])
                self._strings = [_string_item(si) for si in root.iterfind(f"{_M}si")]
        return self._strings

    def _date_style_ids(self) -> set[int]:
        if self._date_styles is None:
            self._date_styles = set()
            parts = [t for t in self._rels.values() if t.endswith("styles.xml")]
            if parts:
                root = self._package.read_xml(parts[0])
                custom = {
                    int(f.get("numFmtId", "0")): f.get("formatCode", "")
                    for f in root.iterfind(f"{_M}numFmts/{_M}numFmt")
                }
                for index, xf in enumerate(root.iterfind(f"{_M}cellXfs/{_M}xf")):
                    fmt_id = int(xf.get("numFmtId", "0"))
                    code = custom.get(fmt_id, "")  # built-in dates: the ids below
                    if is_date_format(code) or 14 <= fmt_id <= 22 or 45 <= fmt_id <= 47:
                        self._date_styles.add(index)
        return self._date_styles


def _number(text: str) -> float:
    """A number as a sheet stores it (``25``, ``-1.5E-3``); ``ValueError`` for anything else
    (``NaN``, ``inf``, ``1_000``, a number too large for a float)."""
    number = float(text) if _NUMBER.fullmatch(text) else math.nan
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _rows(data: bytes) -> Iterator[etree._Element]:
    """The ``<row>`` elements of a sheet's XML, parsed a slice at a time (a reader that stops
    early leaves the rest unparsed; faster than ``iterparse`` over a stream)."""
    parser = etree.XMLPullParser(
        events=("end",),
        tag=f"{_M}row",
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
