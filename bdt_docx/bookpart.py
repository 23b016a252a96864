"""The workbook part of an .xlsx or .xlsm: its namespace, calendar, sheets and defined names.

Read once per batch where the workbooks store the same part (see
:meth:`bdt_docx.package.Package.made_from`): what :func:`read_book` gives is never changed.
"""

from __future__ import annotations

from lxml import etree

from bdt_docx.namespaces import SPREADSHEET, SPREADSHEET_STRICT
from bdt_docx.package import PackageError

#: How a workbook saved in another format is saved as an .xlsx, in Excel and in LibreOffice
#: Calc (after "Hãy" / "hãy").
SAVE_AS_XLSX = (
    "mở nó trong Excel rồi Lưu thành (Save As) kiểu 'Excel Workbook (*.xlsx)'; trong "
    "LibreOffice Calc: File → Save As, kiểu 'Excel 2007-365 (.xlsx)'"
)

__all__ = ["read_book"]


def read_book(
    book: etree._Element,
) -> tuple[
    str, bool, bool, list[tuple[str, str, bool]], dict[str, list[tuple[str | None, str, str]]]
]:
    """What a workbook part says: its namespace, whether its dates count from 1904, whether
    it asks for a full recalculation, its sheets (name, relationship id, visible) and its
    defined names (lower-case name → list of (scope sheet or None, reference text, name))."""
    tag = etree.QName(book)
    if tag.localname != "workbook" or tag.namespace not in (SPREADSHEET, SPREADSHEET_STRICT):
        raise PackageError(f"phần chính không phải sổ làm việc Excel; hãy {SAVE_AS_XLSX}")
    m = f"{{{tag.namespace}}}"
    calc = book.find(f"{m}calcPr")
    pr = book.find(f"{m}workbookPr")
    sheets = [
        (
            sheet.get("name", ""),
            next((v for k, v in sheet.items() if k.endswith("}id")), ""),
            sheet.get("state", "visible") == "visible",
        )
        for sheet in book.iterfind(f"{m}sheets/{m}sheet")
    ]
    names: dict[str, list[tuple[str | None, str, str]]] = {}
    for item in book.iterfind(f"{m}definedNames/{m}definedName"):
        name = item.get("name", "")
        if name.startswith("_xlnm."):
            continue
        scope = item.get("localSheetId")
        sheet = None
        if scope is not None and scope.isdigit() and int(scope) < len(sheets):
            sheet = sheets[int(scope)][0]
        names.setdefault(name.lower(), []).append((sheet, item.text or "", name))
    return (
        m,
        pr is not None and pr.get("date1904") in ("1", "true"),
        calc is not None and calc.get("fullCalcOnLoad") in ("1", "true"),
        sheets,
        names,
    )
