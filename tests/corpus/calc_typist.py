"""Type into a workbook in LibreOffice Calc the way a clerk does, then save it.

Run by the Python that has ``uno`` (not the test's): ``python3 calc_typist.py PIPE JOBS``,
with LibreOffice listening on ``PIPE``. ``JOBS`` is a JSON list of
``{"path": workbook, "typing": [[sheet, cell, text], …], "save": [[path, filter], …]}``,
optionally with ``"copy": [[sheet, new sheet], …]`` (Sheet → Duplicate Sheet, the copy placed
after its original, before the typing; a sheet named in ``typing`` may be a copy),
``"remove": [sheet, …]`` (Sheet → Delete Sheet, after the copies) and
``"formats": [[sheet, cell, code], …]`` (Format Cells → Numbers, before the typing, as a
clerk formats a column first; ``code`` as an en-US Calc writes it, ``MM/YYYY``): each text
is entered as typed input (``XCell.setFormula``: Calc decides whether it is a
number, a date or text, as when keys and Enter are pressed, the way an en-US Calc reads it),
and Calc does not grow a list typed under it. With ``"keyboard": true`` each text goes
through the input line instead (the cell selected, ``.uno:EnterString``), which reads it the
way the machine's language does: in a Calc set to Vietnamese, ``1.250`` is a thousand two
hundred and fifty and ``03/07/2026`` the 3rd of July.
"""

import contextlib
import json
import sys
import time

import uno
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException


def prop(name, value):
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


def connect(pipe, timeout):
    """The component context of the LibreOffice listening on ``pipe``, waiting for it to
    start for up to ``timeout`` seconds (also used by the macro test's driver)."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                sys.exit("LibreOffice did not answer on pipe " + pipe)
            time.sleep(0.3)


def main(pipe, jobs_file):
    context = connect(pipe, 90)
    manager = context.ServiceManager
    desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
    with open(jobs_file, encoding="utf-8") as stream:
        jobs = json.load(stream)
    for job in jobs:
        url = uno.systemPathToFileUrl(job["path"])
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            sys.exit("LibreOffice could not open " + job["path"])
        sheets = doc.getSheets()
        for sheet, copy in job.get("copy", ()):
            sheets.copyByName(sheet, copy, list(sheets.getElementNames()).index(sheet) + 1)
        for sheet in job.get("remove", ()):  # Sheet → Delete Sheet
            sheets.removeByName(sheet)
        formats, us = doc.getNumberFormats(), uno.createUnoStruct("com.sun.star.lang.Locale")
        us.Language, us.Country = "en", "US"
        for sheet, cell, code in job.get("formats", ()):
            key = formats.queryKey(code, us, False)
            key = formats.addNew(code, us) if key == -1 else key
            sheets.getByName(sheet).getCellRangeByName(cell).NumberFormat = key
        controller = doc.getCurrentController()
        for sheet, cell, text in job["typing"]:
            # Calc reads the text as typed input (a number, a date or text), as the input
            # line does; nothing else in the sheet changes (no list grows).
            target = sheets.getByName(sheet).getCellRangeByName(cell)
            if job.get("keyboard"):
                controller.setActiveSheet(sheets.getByName(sheet))
                controller.select(target)
                typing = (prop("StringName", text),)
                dispatcher.executeDispatch(controller.getFrame(), ".uno:EnterString", "", 0, typing)
            else:
                target.setFormula(text)
        for path, filter_name in job["save"]:
            doc.storeToURL(uno.systemPathToFileUrl(path), (prop("FilterName", filter_name),))
        if not job.get("keyboard"):  # a headless Calc that took keyboard input crashes on
            doc.close(True)  # closing the document: it is closed as LibreOffice quits
    with contextlib.suppress(DisposedException):  # the bridge closes as LibreOffice quits
        desktop.terminate()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
