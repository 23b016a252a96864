"""Copy a sheet in LibreOffice Calc and type new figures into the copy, as a clerk does.

Run with the Python that has ``uno`` (Debian's ``/usr/bin/python3``), not the test's::

    calc_copy_sheet.py SOFFICE IN.xlsx OUT.xlsx SHEET COPY CELL=VALUE...

It starts its own headless LibreOffice (fresh profile, a pipe), opens ``IN`` hidden, copies
``SHEET`` to a new sheet ``COPY`` placed after it (Sheet → Duplicate Sheet; Calc gives the
copy sheet-scoped names and renamed tables of its own), types each ``VALUE`` into ``CELL`` of
the copy (a number when it reads as one, else text), and saves as Excel 2007-365 ``OUT``.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(soffice, source, target, sheet, copy, *typed):
    pipe = f"bdtdocx{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory() as profile:
        office = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--norestore", "--nologo",
             f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
             f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", local
            )
            for _ in range(300):
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except NoConnectException:
                    time.sleep(0.2)
            else:
                sys.exit("LibreOffice did not start")
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx
            )
            url = uno.systemPathToFileUrl(os.path.abspath(source))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            sheets = doc.Sheets
            position = list(sheets.ElementNames).index(sheet) + 1
            sheets.copyByName(sheet, copy, position)
            new = sheets.getByName(copy)
            for item in typed:
                cell, value = item.split("=", 1)
                try:
                    new.getCellRangeByName(cell).setValue(float(value))
                except ValueError:
                    new.getCellRangeByName(cell).setString(value)
            doc.calculateAll()
            out = uno.systemPathToFileUrl(os.path.abspath(target))
            doc.storeToURL(out, (prop("FilterName", "Calc MS Excel 2007 XML"),))
            doc.close(True)
            with contextlib.suppress(Exception):  # the bridge drops as LibreOffice quits
                desktop.terminate()
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:])
