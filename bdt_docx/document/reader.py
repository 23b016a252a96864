"""The document: a .docx opened for reading, its body, sections, headers and footers.

The package is read with :class:`bdt_docx.package.Package` (its one relationship reader,
bounded inflating, strict parsing); a file that is not a readable .docx raises
:class:`~bdt_docx.errors.DocumentError`.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from lxml import etree

from bdt_docx.document.sections import HeaderPart, Section
from bdt_docx.document.stories import Story
from bdt_docx.document.styles import StyleSheet, Theme
from bdt_docx.document.tables import Table
from bdt_docx.document.text import Paragraph
from bdt_docx.document.values import child_of, integer, w
from bdt_docx.errors import DocumentError
from bdt_docx.namespaces import (
    EXTENDED_PROPERTIES,
    NS,
    REL_OFFICE_DOCUMENT,
    REL_OFFICE_DOCUMENT_STRICT,
    REL_STYLES,
    REL_THEME,
    qn,
)
from bdt_docx.package import (
    SAVE_AS_DOCX,
    WRITER_DOCUMENT,
    Package,
    PackageError,
    Relationship,
    is_writer_document,
    other_format,
)

__all__ = ["Document"]


class Document:
    """A .docx opened for reading effective formatting.

    ``Document(path_or_bytes)``; :attr:`paragraphs` gives the body's paragraphs in document
    order, those in tables (nested ones included) too, each with its :attr:`Paragraph.cell`.
    """

    def __init__(self, source: str | Path | bytes) -> None:
        self.name = "<bytes>" if isinstance(source, bytes) else str(source)
        """The file name, or ``<bytes>``."""
        try:
            self._package = Package(source)
        except PackageError as exc:
            kind = None if isinstance(source, bytes) else other_format(Path(source))
            if kind is None:
                raise DocumentError(exc.reason, file=self.name, code="document.damaged") from exc
            raise DocumentError(
                f"tệp là văn bản {kind}, không phải văn bản Word .docx: {SAVE_AS_DOCX}",
                file=self.name,
                code="document.not_word",
            ) from exc
        try:
            self._read_body()
        except BaseException:  # (not left open for the garbage collector to close)
            self._package.close()
            raise

    def close(self) -> None:
        """Close the file (what has been read stays readable)."""
        self._package.close()

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read_body(self) -> None:
        """Read the main part, its styles and theme, and the body's content."""
        self._xml_cache: dict[str, etree._Element | None] = {}
        main = next(
            (r.target for r in self._relationships("").values() if r.type == REL_OFFICE_DOCUMENT),
            "word/document.xml",
        )
        self.part_name = main
        """Name of the main part, usually ``word/document.xml``."""
        root = self._xml(main)
        if root is None or root.find(w("body")) is None:
            raise DocumentError(_not_word(self._package), file=self.name, code="document.not_word")
        self.element = root
        self.styles = StyleSheet(self._xml(self._related(main, REL_STYLES, "word/styles.xml")))
        """The stylesheet."""
        self.theme = Theme(self._xml(self._related(main, REL_THEME, "word/theme/theme1.xml")))
        """The theme (fonts and colours)."""
        body = Story(root, main, self.styles, self.theme)
        self.paragraphs: list[Paragraph] = body.paragraphs
        """The body's paragraphs in document order, those in tables included."""
        self.tables: list[Table] = body.tables
        """Every table of the body, nested ones included, in document order."""
        self.blocks: list[Paragraph | Table] = body.blocks
        """The top-level content of the body: paragraphs and tables, in order."""
        self._headers: dict[str, HeaderPart] = {}

    def _xml(self, part: str) -> etree._Element | None:
        """The root element of ``part`` (``word/document.xml``), or None if it is missing.

        A part that is present but unreadable raises :class:`DocumentError`.
        """
        if part not in self._xml_cache:
            root = None
            if part in self._package.names:
                try:
                    root = self._package.read_xml(part)
                except PackageError as exc:
                    raise DocumentError(
                        exc.reason, file=self.name, code="document.damaged"
                    ) from exc
            self._xml_cache[part] = root
        return self._xml_cache[part]

    def _relationships(self, part: str) -> dict[str, Relationship]:
        """The internal relationships of ``part`` (``""``: the package's), by id."""
        try:
            return self._package.relationships(part)
        except PackageError as exc:
            raise DocumentError(exc.reason, file=self.name, code="document.damaged") from exc

    def _related(self, part: str, rel_type: str, fallback: str) -> str:
        """The target of the first relationship of ``rel_type`` from ``part``, or ``fallback``."""
        targets = [r.target for r in self._relationships(part).values() if r.type == rel_type]
        return targets[0] if targets else fallback

    @cached_property
    def saved_pages(self) -> int | None:
        """How many pages the program that saved the file counted: ``Pages`` of
        ``docProps/app.xml``, or one more than Word's ``w:lastRenderedPageBreak`` marks,
        whichever is more; None when the file tells neither."""
        counts = []
        try:
            app = self._xml("docProps/app.xml")
        except DocumentError:  # the count is a hint: a damaged part only loses it
            app = None
        pages = None if app is None else app.find(f"{{{EXTENDED_PROPERTIES}}}Pages")
        if pages is not None and (integer(pages.text) or 0) > 0:
            counts.append(integer(pages.text) or 0)
        breaks = sum(1 for _ in self.element.iter(w("lastRenderedPageBreak")))
        if breaks:
            counts.append(breaks + 1)
        return max(counts) if counts else None

    @property
    def language(self) -> str | None:
        """The document's default language (``w:docDefaults`` ``w:lang/@w:val``)."""
        lang = child_of(self.styles.default_run, "lang")
        return None if lang is None else lang.get(w("val"))

    def _header(self, r_id: str) -> HeaderPart | None:
        target = self._relationships(self.part_name).get(r_id)
        if target is None:
            return None
        name = target.target
        if name not in self._headers:
            root = self._xml(name)
            if root is None:
                return None
            story = Story(root, name, self.styles, self.theme)
            self._headers[name] = HeaderPart(name, story.paragraphs, story.tables)
        return self._headers[name]

    @cached_property
    def sections(self) -> list[Section]:
        """The sections in order; a header or footer type a section does not set is
        inherited from the section before it, as in Word."""
        body = self.element.find(w("body"))
        elements = [p for p in body.iterfind("w:p/w:pPr/w:sectPr", NS)]
        last = body.find(w("sectPr"))
        elements.append(last if last is not None else etree.Element(w("sectPr")))
        result: list[Section] = []
        inherited: dict[str, dict[str, HeaderPart]] = {"header": {}, "footer": {}}
        for element in elements:
            for kind in ("header", "footer"):
                current = dict(inherited[kind])
                for ref in element.iterfind(f"w:{kind}Reference", NS):
                    part = self._header(ref.get(qn("r:id"), ""))
                    if part is not None:
                        current[ref.get(w("type"), "default")] = part
                inherited[kind] = current
            result.append(Section(element, inherited["header"], inherited["footer"]))
        return result


def _not_word(package: Package) -> str:
    """Why a package is not a Word document; a Writer document (.odt) is named, with how to
    save it as a .docx, and so is an Excel workbook."""
    if is_writer_document(package):
        return WRITER_DOCUMENT
    if "xl/workbook.xml" in package.names:
        return "tệp là sổ Excel, không phải văn bản Word .docx"
    if any(r.type == REL_OFFICE_DOCUMENT_STRICT for r in package.relationships("").values()):
        return (
            "tệp là văn bản Word lưu dạng Strict Open XML Document, dạng lệnh kiểm tra chưa "
            f"đọc được: {SAVE_AS_DOCX}"
        )
    return "tệp không có phần nội dung văn bản Word"
