"""Reading an OpenDocument spreadsheet (.ods, .fods) directly, as LibreOffice Calc shows it.

Converting an .ods to .xlsx through LibreOffice loses what a clerk sees: a Calc document
whose null date is 1900-01-01 comes out two days early, and an Excel table's totals row
saved as .ods becomes a data row. Read directly, a date is the ISO date Calc stores with the
cell, shown as the cell's own date style shows it, a list is a database range (Calc's Data →
Define Range, an Excel table saved by Calc) or a named range, and a last row of ``SUBTOTAL``
formulas is a totals row, not data. No LibreOffice is needed.

:class:`OdsWorkbook` answers the questions :mod:`bdt_docx.validate` asks of a
:class:`~bdt_docx.workbook.Workbook`: names, tables, merged blocks and cells.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bdt_docx.cells import (
    MAX_COL,
    MAX_ROW,
    Area,
    Cell,
    NameLookupError,
    TableInfo,
    bounded_area,
    cell_ref,
    column_index_from_string,
    deleted_cells,
    pick_name,
    with_formula,
)
from bdt_docx.errors import WorkbookError
from bdt_docx.namespaces import ODF_NUMBER, ODF_OFFICE, ODF_STYLE, ODF_TABLE, ODF_TEXT
from bdt_docx.package import MAX_PART_BYTES, Package, PackageError, parse_xml, refuse_doctype

__all__ = ["ODS_SUFFIXES", "OdsWorkbook"]

#: Spreadsheet formats read by this module.
ODS_SUFFIXES = (".ods", ".fods")
_OFFICE, _TABLE, _TEXT = ODF_OFFICE, ODF_TABLE, ODF_TEXT
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_O, _T, _X = f"{{{_OFFICE}}}", f"{{{_TABLE}}}", f"{{{_TEXT}}}"
_S, _N = f"{{{ODF_STYLE}}}", f"{{{ODF_NUMBER}}}"
_ADDRESS = re.compile(
    r"^\$?(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^'.:$][^'.:]*))?\.\$?(?P<c1>[A-Za-z]{1,3})"
    r"\$?(?P<r1>[0-9]{1,7})(?::\$?(?:'(?:[^']|'')+'|[^'.:$][^'.:]*)?\.\$?(?P<c2>[A-Za-z]{1,3})"
    r"\$?(?P<r2>[0-9]{1,7}))?$"
)
_DURATION = re.compile(
    r"^-?P(?:(?P<d>[0-9]{1,7})D)?T?(?:(?P<h>[0-9]{1,9})H)?(?:(?P<m>[0-9]{1,9})M)?"
    r"(?:(?P<s>[0-9]{1,9}(?:\.[0-9]+)?)S)?$"
)
#: Most cells one read expands from repeated cells (a real list is far smaller).
MAX_CELLS = 1_000_000
#: A number as a cell shows it: text before, the digits with their separators, text after.
_SHOWN = re.compile(
    r"(?P<pre>[^0-9]*?)(?P<digits>[0-9](?:[0-9.,'\u00a0\u202f ]*[0-9])?)(?P<post>[^0-9]*)"
)


@dataclass(frozen=True)
class _Run:
    """A run of identical cells: first row and column, how many of each, and the cell."""

    row: int
    rows: int
    col: int
    cols: int
    element: etree._Element
    #: True when the rows are hidden (``table:visibility`` collapse, or filtered out).
    hidden: bool = False
    #: A date or time cell's style: its own, or its row's or column's default cell style.
    style: str | None = None


class OdsWorkbook:
    """An .ods or .fods spreadsheet opened for reading by names and tables."""

    def __init__(self, path: str | Path, shown_as: str | Path | None = None) -> None:
        self.path = Path(path)
        self.shown_as = Path(shown_as) if shown_as is not None else self.path
        root, styles = self._content(self.path, self.shown_as)
        self._date_formats = _DateFormats(root, styles)
        body = root.find(f"{_O}body/{_O}spreadsheet")
        if body is None:
            raise WorkbookError(
                "tệp không phải bảng tính OpenDocument (.ods). Hãy mở nó trong LibreOffice "
                "Calc rồi Lưu thành (Save As) kiểu 'ODF Spreadsheet (.ods)'",
                self.shown_as,
                code="workbook.not_ods",
            )
        #: sheet name → (sheet name, visible): the same shape as Workbook.sheets
        self.sheets: dict[str, tuple[str, bool]] = {}
        hidden = {  # the styles of hidden sheets (Sheet → Hide Sheet)
            style.get(f"{_S}name")
            for style in root.iterfind(f"{_O}automatic-styles/{_S}style[@{_S}family='table']")
            if style.find(f"{_S}table-properties[@{_T}display='false']") is not None
        }
        self._runs: dict[str, list[_Run]] = {}
        self._merged: dict[str, list[Area]] = {}
        self._names: dict[str, list[tuple[str | None, str, str]]] = {}
        self._tables: dict[str, TableInfo] = {}
        for table in body.iterfind(f"{_T}table"):
            name = table.get(f"{_T}name", "")
            self.sheets[name] = (name, table.get(f"{_T}style-name") not in hidden)
            try:
                self._read_table(name, table)
            except PackageError as exc:
                raise WorkbookError(exc.reason, self.shown_as, code="workbook.damaged") from exc
            self._read_names(table.find(f"{_T}named-expressions"), name)
        self._read_names(body.find(f"{_T}named-expressions"), None)
        for database in body.iterfind(f"{_T}database-ranges/{_T}database-range"):
            self._read_database_range(database)

    def __enter__(self) -> OdsWorkbook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open: the document was read whole."""

    # -- opening --------------------------------------------------------------------------

    @staticmethod
    def _content(path: Path, shown_as: Path) -> tuple[etree._Element, bytes | None]:
        """The document's content: content.xml of an .ods, the whole of a flat .fods; and
        styles.xml of an .ods holding date cells, unparsed (their styles may be common
        styles, see :class:`_DateFormats`)."""
        try:
            if path.suffix.lower() == ".fods":
                if path.stat().st_size > MAX_PART_BYTES:
                    raise PackageError("tệp quá lớn")
                data = path.read_bytes()
                refuse_doctype(data, path.name)
                return parse_xml(data, path.name), None
            with Package(path) as package:
                data = package.read("content.xml")
                dated = b'value-type="date"' in data or b"value-type='date'" in data
                styles = dated and "styles.xml" in package.names
                return (
                    parse_xml(data, "content.xml"),
                    package.read("styles.xml") if styles else None,
                )
        except FileNotFoundError as exc:
            raise WorkbookError("không tìm thấy tệp", shown_as, code="workbook.not_found") from exc
        except OSError as exc:
            raise WorkbookError(
                f"không mở được tệp ({exc.strerror or exc})", shown_as, code="workbook.unopenable"
            ) from exc
        except PackageError as exc:
            if isinstance(exc.__cause__, FileNotFoundError):
                raise WorkbookError(
                    "không tìm thấy tệp", shown_as, code="workbook.not_found"
                ) from exc
            if isinstance(exc.__cause__, OSError):
                raise WorkbookError(exc.reason, shown_as, code="workbook.unopenable") from exc
            raise WorkbookError(
                f"bảng tính .ods bị hỏng hoặc không phải tệp .ods: {exc.reason}",
                shown_as,
                code="workbook.damaged",
            ) from exc

    def _read_table(self, sheet: str, table: etree._Element) -> None:
        runs: list[_Run] = []
        blocks: list[Area] = []
        row = 1
        for row_element in _lines(table, "row"):
            rows = _repeat(row_element, "number-rows-repeated")
            hidden = row_element.get(f"{_T}visibility", "visible") != "visible"
            col = 1
            for cell in row_element:
                if not isinstance(cell.tag, str):
                    continue
                cols = _repeat(cell, "number-columns-repeated")
                if col > MAX_COL or row > MAX_ROW:
                    break
                if cell.tag == f"{_T}table-cell" and _has_content(cell):
                    style = None
                    if cell.get(f"{_O}value-type") in ("date", "time"):
                        style = (
                            cell.get(f"{_T}style-name")
                            or row_element.get(f"{_T}default-cell-style-name")
                            or _column_style(table, col)
                        )
                    runs.append(_Run(row, rows, col, cols, cell, hidden, style))
                    spans = (
                        _repeat(cell, "number-rows-spanned"),
                        _repeat(cell, "number-columns-spanned"),
                    )
                    if spans != (1, 1):
                        last = (min(MAX_ROW, row + spans[0] - 1), min(MAX_COL, col + spans[1] - 1))
                        blocks.append(Area(sheet, row, col, *last))
                col += cols
            row += rows
        self._runs[sheet] = runs
        self._merged[sheet] = blocks

    def _read_names(self, expressions: etree._Element | None, scope: str | None) -> None:
        if expressions is None:
            return
        for item in expressions.iterfind(f"{_T}named-range"):
            name = item.get(f"{_T}name", "")
            address = item.get(f"{_T}cell-range-address", "")
            self._names.setdefault(name.lower(), []).append((scope, address, name))

    def _read_database_range(self, database: etree._Element) -> None:
        name = database.get(f"{_T}name", "")
        if name.startswith("__Anonymous_Sheet_DB__"):
            return
        try:
            area = _area(database.get(f"{_T}target-range-address", ""))
        except NameLookupError:
            return  # a range Calc cannot show either
        if area.sheet not in self.sheets:
            return
        header_rows = 0 if database.get(f"{_T}contains-header") == "false" else 1
        totals = 1 if self._is_totals_row(area) else 0
        headers = tuple(
            _text_of(self._cell_at(area.sheet, area.min_row, col)) if header_rows else ""
            for col in range(area.min_col, area.max_col + 1)
        )
        self._tables[name.lower()] = TableInfo(name, area, headers, header_rows, totals)

    def _is_totals_row(self, area: Area) -> bool:
        """An Excel table's totals row, as Calc keeps it: a last row with SUBTOTAL formulas."""
        if area.max_row <= area.min_row + 1:
            return False
        return any(
            "SUBTOTAL(" in (cell.get(f"{_T}formula") or "").upper()
            for cell in (
                self._cell_at(area.sheet, area.max_row, col)
                for col in range(area.min_col, area.max_col + 1)
            )
            if cell is not None
        )

    def _cell_at(self, sheet: str, row: int, col: int) -> etree._Element | None:
        for run in self._runs.get(sheet, ()):
            if run.row <= row < run.row + run.rows and run.col <= col < run.col + run.cols:
                return run.element
        return None

    # -- what validate asks -----------------------------------------------------------------

    def find_name(self, name: str) -> Area:
        """The area a named range points at (see :meth:`Workbook.find_name`)."""
        return pick_name(name, self._names.get(name.lower(), ()), _area, self.sheets)

    def tables(self) -> dict[str, TableInfo]:
        """The database ranges (Data → Define Range; Excel tables saved by Calc), by
        lower-case name."""
        return self._tables

    def merged(self, sheet: str) -> list[Area]:
        """The merged blocks of ``sheet``."""
        return self._merged.get(sheet, [])

    def fetch(self, areas: Iterable[Area]) -> dict[tuple[str, int, int], Cell]:
        """Every non-blank cell inside ``areas`` (see :meth:`Workbook.fetch`)."""
        cells: dict[tuple[str, int, int], Cell] = {}
        for area in areas:
            for run in self._runs.get(area.sheet, ()):
                rows = range(max(run.row, area.min_row), min(run.row + run.rows, area.max_row + 1))
                cols = range(max(run.col, area.min_col), min(run.col + run.cols, area.max_col + 1))
                if not rows or not cols:
                    continue
                try:
                    date_code = self._date_formats.code(run.style)
                except PackageError as exc:
                    raise WorkbookError(exc.reason, self.shown_as, code="workbook.damaged") from exc
                if len(cells) + len(rows) * len(cols) > MAX_CELLS:
                    raise WorkbookError(
                        f"trang tính '{area.sheet}' lặp một ô ra hơn "
                        f"{MAX_CELLS:_} ô trong vùng {area.ref}; hãy xóa các ô lặp thừa".replace(
                            "_", "."
                        ),
                        self.shown_as,
                        code="workbook.too_large",
                    )
                for row in rows:
                    for col in cols:
                        if (area.sheet, row, col) not in cells:
                            cell = _cell(area.sheet, cell_ref(row, col), run.element, date_code)
                            cells[(area.sheet, row, col)] = (
                                cell._replace(hidden_row=True) if run.hidden else cell
                            )
        return cells


def _lines(table: etree._Element, kind: str) -> Iterator[etree._Element]:
    """The rows (``kind`` "row") or columns ("column") of a sheet, header rows and groups
    included, in order."""
    groups = (f"{_T}table-{kind}s", f"{_T}table-header-{kind}s", f"{_T}table-{kind}-group")
    for child in table:
        if child.tag == f"{_T}table-{kind}":
            yield child
        elif child.tag in groups:
            yield from _lines(child, kind)


def _column_style(table: etree._Element, col: int) -> str | None:
    """The default cell style of column ``col``: Calc leaves out the style of a cell that
    has its column's."""
    first = 1
    for column in _lines(table, "column"):
        first += _repeat(column, "number-columns-repeated")
        if col < first:
            return column.get(f"{_T}default-cell-style-name")
    return None


def _repeat(element: etree._Element, attribute: str) -> int:
    """A repeat or span count; a count no program writes is a damaged document."""
    text = element.get(f"{_T}{attribute}", "1")
    if not re.fullmatch(r"[0-9]{1,8}", text) or int(text) < 1:
        raise PackageError(f"bảng tính .ods bị hỏng (số lần lặp '{text[:20]}')")
    return int(text)


def _has_content(cell: etree._Element) -> bool:
    return (
        cell.get(f"{_O}value-type") is not None
        or cell.get(f"{_T}formula") is not None
        or cell.find(f"{_X}p") is not None
        or cell.get(f"{_T}number-columns-spanned") is not None
        or cell.get(f"{_T}number-rows-spanned") is not None
    )


def _area(address: str) -> Area:
    """``$'Nơi nhận'.$A$1:.$B$3`` → :class:`Area`."""
    if "#REF!" in address:
        raise deleted_cells()
    match = _ADDRESS.match(address.strip())
    if not match or not (match["quoted"] or match["bare"]):
        raise NameLookupError(f"tên không trỏ tới ô nào ({address})")
    sheet = match["quoted"].replace("''", "'") if match["quoted"] else match["bare"]
    c1, r1 = column_index_from_string(match["c1"].upper()), int(match["r1"])
    c2 = column_index_from_string(match["c2"].upper()) if match["c2"] else c1
    r2 = int(match["r2"]) if match["r2"] else r1
    return bounded_area(sheet, (r1, c1), (r2, c2), address)


def _text_of(cell: etree._Element | None) -> str:
    """The text a cell shows: its paragraphs, spaces, tabs and line breaks kept."""
    if cell is None:
        return ""
    return "\n".join(_inline(p) for p in cell.iterfind(f"{_X}p"))


def _inline(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_X}s":
            parts.append(" " * _count_attr(child.get(f"{_X}c", "1")))
        elif child.tag == f"{_X}tab":
            parts.append("\t")
        elif child.tag == f"{_X}line-break":
            parts.append("\n")
        elif isinstance(child.tag, str) and not child.tag.startswith(f"{{{_OFFICE}}}"):
            parts.append(_inline(child))  # spans, links
        parts.append(child.tail or "")
    return "".join(parts)


def format_shown(value: float, text: str) -> str:
    """A number format that shows ``value`` as Calc showed it in ``text``, the cell's text
    saved with it (in the document's own separators, ``1,500,000 đ`` or ``1.500.000 đ``).

    The text before and after the digits is kept as it is, the digits are grouped or not,
    with as many decimals and leading zeros, and a ``%`` scales by 100, so that
    :func:`bdt_docx.numfmt.shown` prints the same number with Vietnamese separators. Where
    the text does not read as ``value`` (scientific notation, fractions, a negative number
    in brackets), the format is ``General``.
    """
    match = _SHOWN.fullmatch(text.strip())
    if not match or not math.isfinite(value):
        return "General"
    pre, digits, post = match["pre"], match["digits"], match["post"]
    if value < 0:
        if not pre.endswith("-"):
            return "General"
        pre = pre[:-1]
    target = abs(value) * (100 if "%" in post else 1)
    readings = [(digits, "")]  # every mark groups thousands
    marks = [i for i, ch in enumerate(digits) if not ch.isdigit()]
    if marks:  # or the last mark is the decimal one
        readings.insert(0, (digits[: marks[-1]], digits[marks[-1] + 1 :]))
    for whole, fraction in readings:
        bare = re.sub(r"\D", "", whole)
        shown = float(f"{bare or 0}.{fraction or 0}")
        if abs(shown - round(target, len(fraction))) <= 10 ** -(len(fraction) + 6) * max(1, target):
            grouped = bare != whole
            number = "#,##0" if grouped else "0" * (len(bare) if bare.startswith("0") else 1)
            number += "." + "0" * len(fraction) if fraction else ""
            return _literal(pre) + number + "%".join(map(_literal, post.split("%", 1)))
    return "General"


def _literal(text: str) -> str:
    """``text`` as literal text of a number format."""
    return f'"{text}"' if text and '"' not in text else ""


def _count_attr(text: str) -> int:
    return int(text) if re.fullmatch(r"[0-9]{1,4}", text) else 1


def _cell(sheet: str, ref: str, element: etree._Element, date_code: str | None) -> Cell:
    cell = with_formula(_cell_value(sheet, ref, element, date_code), element.get(f"{_T}formula"))
    assert cell is not None
    return cell


def _cell_value(sheet: str, ref: str, element: etree._Element, date_code: str | None) -> Cell:
    """The value of a cell; a date or time cell has ``date_code``, the number format of its
    date or time style, or else ``dd/mm/yyyy`` (with the time when it has one), ``hh:mm:ss``
    or ``[h]:mm:ss``."""
    kind = element.get(f"{_O}value-type")
    if element.get(f"{{{_CALCEXT}}}value-type") == "error":
        return Cell(sheet, ref, error=_text_of(element) or "#VALUE!")
    try:
        if kind in ("float", "percentage", "currency"):
            number = float(element.get(f"{_O}value", ""))
            code = format_shown(number, _text_of(element))
            return Cell(sheet, ref, number, number_format=code)
        if kind == "date":
            text = element.get(f"{_O}date-value", "")
            value = dt.datetime.fromisoformat(text[:26])
            code = date_code or (
                "dd/mm/yyyy hh:mm" if "T" in text and value.time() else "dd/mm/yyyy"
            )
            return Cell(sheet, ref, value, number_format=code)
        if kind == "time":
            value, code = _duration(element.get(f"{_O}time-value", ""))
            return Cell(sheet, ref, value, number_format=date_code or code)
        if kind == "boolean":
            return Cell(sheet, ref, element.get(f"{_O}boolean-value") == "true")
    except ValueError:
        return Cell(sheet, ref, damaged=True)
    if kind is None and element.get(f"{_T}formula") is not None:
        return Cell(sheet, ref, unsaved_formula=True)
    return Cell(sheet, ref, _text_of(element) if kind == "string" or kind is None else None)


def _duration(text: str) -> tuple[dt.time | dt.timedelta, str]:
    """``PT12H30M00S`` → a time of day, or an elapsed time from 24 hours on."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(text)
    span = dt.timedelta(
        days=int(match["d"] or 0),
        hours=int(match["h"] or 0),
        minutes=int(match["m"] or 0),
        seconds=float(match["s"] or 0),
    )
    if span < dt.timedelta(days=1) and not text.startswith("-"):
        return (dt.datetime.min + span).time(), "hh:mm:ss"
    return span, "[h]:mm:ss"


class _DateFormats:
    """The number format of each date cell's style, as an Excel format code: the data style
    (``style:data-style-name``) of the cell style or of the style it inherits from, looked
    for in ``content`` (content.xml, or a whole .fods), then in ``styles`` (styles.xml, its
    common styles), which is parsed only when a style is not found in ``content``; a format
    is built once per style."""

    def __init__(self, content: etree._Element, styles: bytes | None = None) -> None:
        self._parts = [content]
        self._styles = styles
        self._codes: dict[str, str | None] = {}

    def code(self, style: str | None) -> str | None:
        """The format of cell style ``style``; ``None`` when it has no date or time style.
        Raises :class:`PackageError` when styles.xml is damaged."""
        if style is None:
            return None
        if style not in self._codes:
            code = self._find(style)
            if code is None and self._styles is not None:
                self._parts.append(parse_xml(self._styles, "styles.xml"))
                self._styles = None
                code = self._find(style)
            self._codes[style] = code
        return self._codes[style]

    def _find(self, style: str) -> str | None:
        seen: set[str] = set()
        name: str | None = style
        while name is not None and name not in seen:
            seen.add(name)
            element = self._named(f"{_S}style", name)
            if element is None or element.get(f"{_S}family") != "table-cell":
                return None
            data = element.get(f"{_S}data-style-name")
            if data is not None:
                found = self._named(f"{_N}date-style", data)
                found = self._named(f"{_N}time-style", data) if found is None else found
                return None if found is None else date_format(found)
            name = element.get(f"{_S}parent-style-name")
        return None

    def _named(self, tag: str, name: str) -> etree._Element | None:
        """The style ``tag`` named ``name``: automatic styles first, then common ones."""
        for part in self._parts:
            for kind in ("automatic-styles", "styles"):
                for element in part.iterfind(f"{_O}{kind}/{tag}"):
                    if element.get(f"{_S}name") == name:
                        return element
        return None


#: Excel's code for an element of a date or time style: (short, long).
_DATE_CODES = {
    "day": ("d", "dd"),
    "month": ("m", "mm"),
    "year": ("yy", "yyyy"),
    "day-of-week": ("ddd", "dddd"),
    "hours": ("h", "hh"),
    "minutes": ("m", "mm"),
    "seconds": ("s", "ss"),
    # no Excel code: written as Calc writes them into an .xlsx
    "quarter": ("Q", "QQ"),
    "week-of-year": ("WW", "WW"),
    "era": ("G", "GG"),
}


def date_format(style: etree._Element) -> str:
    """An ODF date or time style (``number:date-style``) as the Excel number format that
    shows a date the same way: ``<number:day number:style="long"/><number:text>/</…>…`` →
    ``dd/mm/yyyy``; a textual month is ``mmm`` or ``mmmm``, ``number:am-pm`` is ``AM/PM``,
    text is quoted, and the first unit of a time style with ``number:truncate-on-overflow``
    false is elapsed time (``[hh]:mm``). The elements are in the order Calc shows them (Calc
    writes them so also when the style has ``number:automatic-order``)."""
    code = []
    elapsed = style.get(f"{_N}truncate-on-overflow") == "false"
    for element in style:
        tag = element.tag if isinstance(element.tag, str) else ""
        kind = tag[len(_N) :] if tag.startswith(_N) else ""
        long = element.get(f"{_N}style") == "long"
        if kind == "text":
            code.append(_literal(element.text or ""))
        elif kind == "am-pm":
            code.append("AM/PM")
        elif kind == "month" and element.get(f"{_N}textual") == "true":
            code.append("mmmm" if long else "mmm")
        elif elapsed and kind in ("hours", "minutes", "seconds"):
            code.append(f"[{_DATE_CODES[kind][long]}]")
            elapsed = False
        elif kind in _DATE_CODES:
            code.append(_DATE_CODES[kind][long])
            places = element.get(f"{_N}decimal-places", "") if kind == "seconds" else ""
            if re.fullmatch(r"[1-9]", places):
                code.append("." + "0" * int(places))
    return "".join(code)
