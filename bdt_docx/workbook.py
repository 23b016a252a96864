"""Stage 1: read what a workbook's defined names and tables point at.

:class:`Workbook` reads an .xlsx/.xlsm package directly, and only what is asked of it: the
workbook part (sheets, defined names), the tables' definitions, the shared strings, the cell
styles (to tell dates from numbers) and, of each sheet, only the cells inside the areas a
caller :meth:`~Workbook.fetch`\\ es. It does not judge values: :mod:`bdt_docx.validate` does.

A sheet is parsed by libxml2 only as far as the rows wanted, where its rows after them can be
told apart for sure (so the spare rows under a list are not parsed), and a slice at a time
when it is long, the rows already read dropped as the parse goes on. Python visits the rows,
and only the cells of the rows inside the areas: a named cell is found by its place in its
row where programs write it there.

Values come back as Python values: ``str`` (Excel's ``_xHHHH_`` escapes decoded), ``float``,
``bool``, ``datetime.datetime`` for cells formatted as dates, ``None`` for blank cells; a
:class:`Cell` also says when it holds an Excel error (``#REF!``) or a formula whose result
was never saved (:mod:`bdt_docx.cellvalues` reads them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache, partial
from pathlib import Path

from lxml import etree

from bdt_docx.bookpart import SAVE_AS_XLSX, read_book
from bdt_docx.cells import (
    COPIED_SHEET_HINT,
    MAX_COL,
    MAX_ROW,
    AmbiguousNameError,
    Area,
    Cell,
    NameLookupError,
    TableInfo,
    cell_ref,
    column_index_from_string,
    parse_reference,
    pick_name,
)
from bdt_docx.cellvalues import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    CellReader,
    number_formats,
    unescape,
)
from bdt_docx.errors import WorkbookError, os_reason
from bdt_docx.package import Package, PackageError, parse_xml

# What the tests and the other readers import from here, besides the reader itself.
__all__ = [
    "COPIED_SHEET_HINT",
    "MAX_COL",
    "MAX_ROW",
    "AmbiguousNameError",
    "Area",
    "Cell",
    "NameLookupError",
    "TableInfo",
    "Workbook",
    "cell_ref",
    "parse_reference",
]

#: The largest workbook read into memory at once (a larger one is read part by part).
_READ_WHOLE = 16 * 1024 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
#: How much of a sheet's XML is parsed at a time.
_FEED_BYTES = 256 * 1024
#: How much of a sheet's XML must follow the rows wanted for a parse to stop before it.
_CUT_WORTH = 2048
_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=[\"']([^\"']*)[\"']")
#: A cell's style attribute that is not an index (``s="x5"``): a sheet with one has its blank
#: cells looked at too, so that such a cell is said damaged. (Anything unusual in a style
#: attribute matches; a false alarm only costs time.)
_ODD_STYLE = re.compile(rb"""s(?<=\ss)\s*=\s*(?:"(?![0-9]{0,9}")|'(?![0-9]{0,9}'))""")


def _count(text: str, part: str, high: int) -> int:
    """A whole number from 0 to ``high`` stored in a part's XML (ASCII digits only);
    anything else means the part is damaged."""
    if text.isdigit() and text.isascii() and len(text) <= 9 and int(text) <= high:
        return int(text)
    shown = text if len(text) <= 20 else text[:20] + "…"
    raise PackageError(f"phần {part} bị hỏng (số '{shown}')", part)


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
            with open(path, "rb") as stream:  # a workbook of the usual size is read at once
                small = os.fstat(stream.fileno()).st_size <= _READ_WHOLE
                whole = stream.read() if small else None
                head = whole[:8] if whole is not None else stream.read(8)
        except FileNotFoundError as exc:
            raise WorkbookError("không tìm thấy tệp", shown_as, code="workbook.not_found") from exc
        except IsADirectoryError as exc:
            raise WorkbookError(
                "đây là một thư mục, không phải sổ Excel", shown_as, code="workbook.is_folder"
            ) from exc
        except OSError as exc:
            raise WorkbookError(
                f"không mở được tệp ({os_reason(exc)})", shown_as, code="workbook.unopenable"
            ) from exc
        if not head:
            raise WorkbookError(
                "tệp rỗng (0 byte), không phải sổ Excel", shown_as, code="workbook.empty"
            )
        if head == _CFB_MAGIC:
            raise WorkbookError(_cfb_reason(path), shown_as, code="workbook.encrypted_or_xls")
        try:
            package = Package(whole if whole is not None else path)
        except PackageError as exc:
            if head.startswith(b"PK"):  # a zip that cannot be read: cut short or damaged
                raise WorkbookError(
                    "sổ Excel bị hỏng hoặc chưa chép hết (không đọc được tệp nén .xlsx). Hãy "
                    "chép lại tệp từ nơi gốc (USB, thư điện tử), hoặc mở nó trong Excel (Excel "
                    "đề nghị sửa) rồi lưu lại",
                    shown_as,
                    code="workbook.damaged",
                ) from exc
            raise WorkbookError(
                "tệp không phải sổ Excel .xlsx/.xlsm (có thể là tệp CSV hoặc tệp khác bị đổi "
                f"đuôi). Hãy {SAVE_AS_XLSX}",
                shown_as,
                code="workbook.not_xlsx",
            ) from exc
        if "word/document.xml" in package.names:
            package.close()
            raise WorkbookError(
                "tệp là tài liệu Word (.docx) bị đổi đuôi, không phải sổ Excel",
                shown_as,
                code="workbook.is_docx",
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
        workbook_part = office[0]
        if workbook_part.lower().endswith(".bin"):  # Save As → Excel Binary Workbook
            raise WorkbookError(
                f"sổ lưu dạng Excel Binary Workbook (.xlsb), không đọc được; hãy {SAVE_AS_XLSX}",
                self.shown_as,
                code="workbook.not_xlsx",
            )
        m, date1904, recalc, sheets, self._names = package.made_from(
            workbook_part, "workbook", read_book
        )
        #: The namespace of the workbook's parts: transitional or Strict.
        self._m = m
        rels = package.relationships(workbook_part)
        #: The workbook's related parts by kind (``styles``, ``sharedStrings``): the first.
        self._related: dict[str, str] = {}
        for rel in reversed(rels.values()):
            self._related[rel.type.rsplit("/", 1)[-1]] = rel.target
        calendar = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        # recalc: set by programs that write formulas without computing them (xlsxwriter,
        # pandas, openpyxl): the values saved with formulas are placeholders.
        self._cells = CellReader(
            m, self._shared_strings, self._number_formats, calendar, recalc_on_load=recalc
        )
        #: sheet name → (part path, visible)
        self.sheets: dict[str, tuple[str, bool]] = {
            name: (rels[rel_id].target, visible)
            for name, rel_id, visible in sheets
            if rel_id in rels
        }

    def _shared_strings(self) -> tuple[str, bytes] | None:
        """The name and bytes of the workbook's shared strings (``None`` when it has none)."""
        part = self._related.get("sharedStrings")
        return (part, self._package.read(part)) if part is not None else None

    def _number_formats(self) -> tuple[tuple[str, str], ...]:
        """The number format of each cell style (none without a styles part)."""
        part = self._related.get("styles")
        if part is None:
            return ()
        return self._package.made_from(part, f"styles{self._m}", partial(number_formats, m=self._m))

    # -- names and tables -----------------------------------------------------------------

    @property
    def defined_names(self) -> dict[str, list[tuple[str | None, str, str]]]:
        """The defined names: lower-case name → its definitions (scope sheet or None,
        reference text, name as written). Not to be changed: one object serves every
        workbook whose workbook part is stored alike (:meth:`Package.made_from`)."""
        return self._names

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
                    for rel in self._package.relationships(part).values():
                        if rel.type.rsplit("/", 1)[-1] == "table":
                            table = self._read_table(sheet, rel.target)
                            tables[table.name.lower()] = table
            self._tables = tables
        return self._tables

    def _read_table(self, sheet: str, part: str) -> TableInfo:
        m = self._m
        return self._package.made_from(
            part, f"table{m}'{sheet}'", partial(_table_info, m=m, sheet=sheet, part=part)
        )

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn a damaged part met while reading into a clerk's :class:`WorkbookError`."""
        try:
            yield
        except PackageError as exc:
            raise WorkbookError(
                f"sổ Excel bị hỏng: {exc.reason}", self.shown_as, code="workbook.damaged"
            ) from exc

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
        end = _rows_end(data, last_row)
        # whether the sheet has a style not written as an index: then a cell without a value
        # is looked at too, else skipped (looked for when it matters: a cell holding only a
        # well-formed style, as the spare rows' cells do, is skipped either way, once the
        # styles are read, which looking at it would read)
        every_cell = None
        scan = _SheetScan(data, self._m, part)
        cells = {}
        for row_number, row, spans in scan.rows(end, last_row, _RowSpans(areas).at):
            hidden = row.get("hidden") in ("1", "true")
            for col, c in scan.cells(row, spans):
                if not len(c):
                    if self._cells.styles_read and self._cells.blank(c):
                        continue
                    if every_cell is None:
                        every_cell = _ODD_STYLE.search(data, 0, end) is not None
                    if not every_cell or self._cells.blank(c):
                        continue
                cell = self._cells.read(sheet, cell_ref(row_number, col), c, hidden)
                if cell is not None:
                    cells[(sheet, row_number, col)] = cell
        _blank_under_merges(cells, self._merged[sheet], areas)
        return cells


def _table_info(root: etree._Element, m: str, sheet: str, part: str) -> TableInfo:
    """The table that table part ``part`` (``root``) defines on ``sheet``."""
    name = root.get("displayName") or root.get("name", "")
    headers = tuple(
        unescape(column.get("name", "")) for column in root.iterfind(f"{m}tableColumns/*")
    )
    try:
        area = parse_reference(f"'{sheet}'!{root.get('ref', '')}")
    except NameLookupError as exc:
        raise PackageError(f"bảng '{name}' không có vùng hợp lệ", part) from exc
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


class _SheetScan:
    """The rows of a sheet's XML and their cells, parsed a slice at a time.

    libxml2 builds the rows; Python only meets the rows, and the cells of the rows it asks
    for. The rows read are dropped after each slice, so a long sheet is never whole in
    memory, and a reader that stops early leaves the rest unparsed.
    """

    def __init__(self, data: bytes, namespace: str, part: str) -> None:
        self._data = data
        self._part = part
        self._row, self._c = f"{namespace}row", f"{namespace}c"
        self._sheet_data = f"{namespace}sheetData"
        #: The number of the last row met.
        self._last = 0

    def rows(
        self, end: int, last_row: int, spans_at: Callable[[int], list[tuple[int, int]] | None]
    ) -> Iterator[tuple[int, etree._Element, list[tuple[int, int]]]]:
        """``(row number, row, columns wanted)`` of the sheet's rows in which ``spans_at``
        (row number → the columns wanted in it) wants columns, in order, up to ``end`` (where
        the rows past those wanted start, :func:`_rows_end`) and the rows past ``last_row``."""
        if end <= _FEED_BYTES:  # at once: quicker than a slice at a time
            rows = self._parse(end).find(self._sheet_data)
            if rows is not None:
                yield from self._done(rows, spans_at, whole=True)
            return
        parser = etree.XMLPullParser(
            events=("start",),
            tag=self._sheet_data,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        rows = None
        try:
            for start in range(0, end, _FEED_BYTES):
                parser.feed(self._data[start : min(start + _FEED_BYTES, end)])
                if rows is None:
                    rows = next((element for _event, element in parser.read_events()), None)
                if rows is not None:
                    yield from self._done(rows, spans_at, whole=False)
                    if self._last > last_row:
                        return
            if end == len(self._data):
                parser.close()
            if rows is not None:  # (cut after a whole row: the rows parsed are whole)
                yield from self._done(rows, spans_at, whole=True)
        except etree.XMLSyntaxError as exc:
            raise PackageError(f"phần {self._part} bị hỏng ({exc.msg})", self._part) from exc

    def _parse(self, end: int) -> etree._Element:
        """The sheet's XML parsed up to ``end``, where a row starts, as a sheet whose rows
        end there; else (the sheet's root or rows are not as programs write them) whole."""
        if end < len(self._data):
            with suppress(PackageError):
                return parse_xml(self._data[:end] + b"</sheetData></worksheet>", self._part)
        return parse_xml(self._data, self._part)

    def _done(
        self,
        rows: etree._Element,
        spans_at: Callable[[int], list[tuple[int, int]] | None],
        whole: bool,
    ) -> Iterator[tuple[int, etree._Element, list[tuple[int, int]]]]:
        """The rows parsed whole (all of them once the sheet is) in which ``spans_at`` wants
        columns; then, while the sheet is still being parsed, drops them. A row's number is
        its ``r``, else one more than the row before it."""
        open_row = None if whole else rows[-1] if len(rows) else None
        row_tag, known = self._row, _ROW_NUMBERS
        last = self._last
        for row in rows:
            if row is open_row:
                break
            if row.tag == row_tag:
                r = row.get("r")
                if r is None:
                    last += 1
                else:
                    number = known.get(r)
                    last = number if number is not None else _row_number(r, self._part)
                spans = spans_at(last)
                if spans:
                    self._last = last
                    yield last, row, spans
        self._last = last
        if not whole and len(rows) > 1:  # (a whole sheet's tree goes at once)
            del rows[:-1]

    def cells(
        self, row: etree._Element, spans: list[tuple[int, int]]
    ) -> list[tuple[int, etree._Element]]:
        """``(column, cell)`` of the cells of ``row`` in the columns ``spans``; a cell's
        column is its ``r``, else one more than the cell before it."""
        if len(spans) == 1 and spans[0][0] == spans[0][1] <= len(row):
            # one cell wanted (a named cell): where programs write it, in a row whose cells
            # start at column A, it is found by its place, when no cell after it is written
            # in its column again (a faulty program's: the value written last is shown)
            col = spans[0][0]
            c = row[col - 1]
            ref = c.get("r")
            if c.tag == self._c and ref and _ref_column(ref) == col and self._past(row, col):
                return [(col, c)]
        found = []
        col = 0
        for c in row:
            if c.tag == self._c:
                ref = c.get("r")
                known = _ref_column(ref) if ref else None
                col = known if known is not None else col + 1
                for low, high in spans:
                    if low <= col <= high:
                        found.append((col, c))
                        break
        return found

    def _past(self, row: etree._Element, col: int) -> bool:
        """True when every cell of ``row`` after its ``col``-th says, by its ``r``, that it
        is in a column past ``col``."""
        for c in row[col:]:
            if c.tag == self._c:
                ref = c.get("r")
                if not ref or (_ref_column(ref) or 0) <= col:
                    return False
        return True


class _RowSpans:
    """The columns of ``areas`` in each row: the one-row areas (named cells, header rows)
    by row, the others looked at row by row."""

    def __init__(self, areas: list[Area]) -> None:
        self._single: dict[int, list[tuple[int, int]]] = {}
        self._tall: list[Area] = []
        for a in areas:
            if a.min_row == a.max_row:
                self._single.setdefault(a.min_row, []).append((a.min_col, a.max_col))
            else:
                self._tall.append(a)
        #: The columns wanted in a row (none: ``None`` or an empty list).
        self.at: Callable[[int], list[tuple[int, int]] | None] = (
            self._with_tall if self._tall else self._single.get
        )

    def _with_tall(self, row: int) -> list[tuple[int, int]]:
        spans = self._single.get(row, [])
        return spans + [(a.min_col, a.max_col) for a in self._tall if a.min_row <= row <= a.max_row]


#: The numbers of the rows met, by their ``r`` (``"27"`` → 27; bounded), so that a row's
#: number is checked (:func:`_count`) once a process.
_ROW_NUMBERS: dict[str, int] = {}


def _row_number(r: str, part: str) -> int:
    """The number a row's ``r`` gives, if it is a row of the grid; else the part is damaged."""
    number = _count(r, part, MAX_ROW)
    if len(_ROW_NUMBERS) < 65_536:
        _ROW_NUMBERS[r] = number
    return number


@lru_cache(maxsize=65_536)  # a batch's workbooks have their cells in the same places
def _ref_column(ref: str) -> int | None:
    """The column a cell's ``r`` gives (``B17`` → 2); ``None`` when it gives none."""
    match = _CELL_REF.match(ref)
    return column_index_from_string(match[1].upper()) if match else None


def _rows_end(data: bytes, last_row: int) -> int:
    """Where the rows past ``last_row`` start in a sheet's XML, when a good part of it
    follows and it can be told for sure; else the length of ``data``.

    For sure: the next row is written as programs write it, right after a whole row, with
    nothing before it in which ``<row`` might be text (a comment, a CDATA section, a
    processing instruction), and every row from there on is numbered, past ``last_row`` and
    inside the grid (a sheet with rows out of order is damaged, and parsed whole so that the
    damage is found).
    """
    cut = data.find(b'<row r="%d"' % (last_row + 1))
    if cut < 0 or len(data) - cut < _CUT_WORTH:
        return len(data)
    head = data[:cut]
    if (
        not head.rstrip().endswith((b"</row>", b"/>"))
        or b"<!--" in head
        or b"<![CDATA[" in head
        or head.count(b"<?") > 1
        or data.find(b":row", cut) >= 0  # a row with a namespace prefix
    ):
        return len(data)
    if _rows_not_past(last_row).search(data, cut) is not None:
        return len(data)
    return cut


@lru_cache(maxsize=256)
def _rows_not_past(last_row: int) -> re.Pattern[bytes]:
    """A row's start tag that must not follow the rows past ``last_row``: one not written
    as programs write it, with its number first (``<row>``, ``<row r="08"``,
    ``<row spans="1:3" r="8"``), or numbered from 1 to ``last_row``, or with seven digits
    (then maybe past the grid). ``<rowBreaks`` is another element."""
    return re.compile(
        rb'<row(?!Breaks)(?! r="(?!(?:%s)")[1-9][0-9]{0,5}")' % _at_most(last_row).encode()
    )


def _at_most(number: int) -> str:
    """A regular expression matching the whole numbers from 1 to ``number``, written as
    programs write them (no leading zero): ``_at_most(27)`` →
    ``[1-9][0-9]{0,0}|[1-1][0-9]|2[0-6]|27``."""
    digits = str(number)
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    lower = [
        f"{digits[:i]}[{int(i == 0)}-{int(d) - 1}]" + "[0-9]" * (len(digits) - i - 1)
        for i, d in enumerate(digits)
        if int(d) > int(i == 0)
    ]
    return "|".join([*shorter, *lower, digits])


def _merged_blocks(sheet: str, data: bytes) -> list[Area]:
    """The merged blocks of a sheet's XML (they follow its cells, so they are found without
    parsing the cells again)."""
    after = max(data.rfind(b"sheetData"), 0)
    blocks: list[Area] = []
    if data.find(b"mergeCell", after) < 0:  # (quicker than the expression's search for none)
        return blocks
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
        if any(b.hides(row, col) for b in near):
            del cells[key]


def _cfb_reason(path: Path) -> str:
    """Why an OLE compound file cannot be read: an encrypted workbook or an old .xls."""
    with path.open("rb") as stream:
        head = stream.read(1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in head:
        return (
            "sổ Excel được đặt mật khẩu. Hãy mở trong Excel, vào File → Info → Protect "
            "Workbook → Encrypt with Password, xóa mật khẩu rồi lưu lại (LibreOffice Calc: "
            "File → Save As, bỏ chọn 'Save with password')"
        )
    return (
        f"đây là tệp Excel 97-2003 (.xls). Hãy {SAVE_AS_XLSX}, hoặc chuyển bằng "
        "LibreOffice: soffice --headless --convert-to xlsx TỆP.xls"
    )
