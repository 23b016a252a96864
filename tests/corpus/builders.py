"""Builders of the corpus: broken and hostile workbooks, templates and packages.

Every file is generated into a test's ``tmp_path`` from the shipped example and template,
so that no binary is committed; each builder says in its docstring what it makes.
"""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import docx
import openpyxl

from corpus.zipsurgery import rewritten

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bao_cao_bau_cu_2021.xlsx"
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
INFO = "Thông tin"


def example_copy(folder: Path, name: str = "so_lieu.xlsx") -> Path:
    """A copy of the example workbook."""
    return Path(shutil.copyfile(EXAMPLE, folder / name))


def edited_workbook(
    folder: Path, edit: Callable[[openpyxl.Workbook], None], name: str = "so_lieu.xlsx"
) -> Path:
    """The example workbook changed by ``edit`` (openpyxl), saved as ``name``."""
    book = openpyxl.load_workbook(EXAMPLE)
    edit(book)
    path = folder / name
    book.save(path)
    return path


def with_values(folder: Path, values: dict[str, object], name: str = "so_lieu.xlsx") -> Path:
    """The example with the named cells of ``values`` replaced (``None`` empties a cell)."""

    def edit(book: openpyxl.Workbook) -> None:
        for field, value in values.items():
            sheet, ref = named_cell(book, field)
            book[sheet][ref] = value

    return edited_workbook(folder, edit, name)


def named_cell(book: openpyxl.Workbook, name: str) -> tuple[str, str]:
    """The sheet and cell a defined name of the example points at."""
    ((sheet, ref),) = book.defined_names[name].destinations
    return sheet, ref.replace("$", "")


def rewrite_parts(
    source: Path,
    target: Path,
    change: Callable[[str, bytes], bytes | None],
    extra: Iterable[tuple[str, bytes]] = (),
) -> Path:
    """Copy a zip package, passing each part through ``change`` (``None`` drops it)."""
    target.write_bytes(rewritten(source.read_bytes(), change, extra))
    return target


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3, 512-byte sectors) holding ``streams``.

    Enough for the stream names to be found where Office puts them (an encrypted workbook
    holds ``EncryptedInfo``/``EncryptedPackage`` streams, an .xls a ``Workbook`` stream).
    Each stream is stored in regular sectors (its size is padded to 4096 bytes).
    """
    sector = 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    entries = [("Root Entry", 5, 0, 0)]  # name, type, start sector, size
    data = b""
    chains: list[int] = []
    next_sector = 2  # 0: FAT, 1: directory
    for name, content in streams.items():
        content = content.ljust(4096, b"\0")
        count = len(content) // sector
        entries.append((name, 2, next_sector, len(content)))
        chains += [next_sector + i + 1 for i in range(count - 1)] + [end]
        data += content
        next_sector += count
    fat = [fat_sector, end, *chains]
    fat += [free] * (128 - len(fat))
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if index == 0 and len(entries) > 1 else free
        right = index + 1 if 0 < index < len(entries) - 1 else free
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start if kind == 2 else end, size)
        )
    directory = directory.ljust(sector, b"\0")
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<108I", *([free] * 108))
    )
    assert len(header) == sector
    return header + struct.pack("<128I", *fat) + directory + data


def docx_template(
    folder: Path,
    paragraphs: Iterable[str] = (),
    *,
    table: list[list[str]] | None = None,
    header: str | None = None,
    name: str = "mau.docx",
    toml: str | None = None,
) -> Path:
    """A small .docx template: body paragraphs, an optional table and header paragraph.

    Each string is one paragraph in one run (``\\x00`` inside a string splits it into two
    runs, as Word does when formatting changes mid-tag). ``toml`` writes a field
    description beside it.
    """
    document = docx.Document()
    for text in paragraphs:
        _paragraph(document.add_paragraph(), text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                _paragraph(grid.cell(r, c).paragraphs[0], text)
    if header is not None:
        _paragraph(document.sections[0].header.paragraphs[0], header)
    path = folder / name
    document.save(path)
    if toml is not None:
        path.with_suffix(".toml").write_text(toml, encoding="utf-8")
    return path


def _paragraph(paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
    for piece in text.split("\0"):
        paragraph.add_run(piece)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip holding ``members`` (deflated)."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return stream.getvalue()
