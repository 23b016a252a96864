"""Keep a workbook open in LibreOffice Calc with figures typed and not saved, as a clerk
leaves it while running bdt-docx.

Run by the Python that has ``uno`` (not the test's): ``python3 calc_holder.py PIPE WORKBOOK
SHEET CELL TEXT``, with LibreOffice listening on ``PIPE``. It opens ``WORKBOOK`` (Calc
writes its lock file ``.~lock.<name>#`` beside it), types ``TEXT`` into ``CELL`` of
``SHEET`` as typed input, prints ``typed`` and then reads its orders, one a line, from
stdin: ``save`` (File → Save, in the workbook's own format; prints ``saved``) and ``quit``
(closes the workbook without saving and ends LibreOffice).
"""

import contextlib
import sys

import uno
from calc_typist import connect, prop
from com.sun.star.lang import DisposedException


def main(pipe, workbook, sheet, cell, text):
    context = connect(pipe, 90)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    url = uno.systemPathToFileUrl(workbook)
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        sys.exit("LibreOffice could not open " + workbook)
    doc.getSheets().getByName(sheet).getCellRangeByName(cell).setFormula(text)
    print("typed", flush=True)
    for order in sys.stdin:
        if order.strip() == "save":
            doc.store()
            print("saved", flush=True)
        elif order.strip() == "quit":
            break
    doc.close(True)
    with contextlib.suppress(DisposedException):  # the bridge closes as LibreOffice quits
        desktop.terminate()


if __name__ == "__main__":
    main(*sys.argv[1:6])
