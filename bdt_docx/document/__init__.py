"""The document model: a .docx read the way Word reads it, shared by every command.

A small read-only layer over lxml, in the style of python-docx (``oxml`` elements under thin
proxies). :class:`Document` opens a .docx (a path or its bytes) and gives its
:class:`Section` s (page size, margins, headers), its paragraphs in document order (those
inside tables included, each knowing its :class:`Cell`), its tables, and for every
:class:`Paragraph` and :class:`Run` the properties that apply once the style hierarchy is
resolved:

    direct formatting → character style (``w:rStyle`` and its ``w:basedOn`` chain)
    → paragraph style chain (``w:pStyle``, or the default paragraph style)
    → table style chain (``w:tblStyle``, or the default table style, inside a table)
    → document defaults (``w:docDefaults``)

Theme fonts (``w:asciiTheme="minorHAnsi"``) are resolved through the theme part's major and
minor Latin fonts, and theme colours through its colour scheme. The toggle properties
(bold, italic, caps) follow the specification's rule approximately: a direct value wins;
otherwise each style level (character, paragraph, table style) contributes the value found
along its ``basedOn`` chain and the levels that turn it on cancel out in pairs (XOR); with
no style value the document default applies. Numbering, conditional table formatting
(``w:tblStylePr``) and tracked formatting changes are not resolved.

**Places.** ``bdt-docx check`` and ``bdt-docx lint`` name a paragraph the same way,
:attr:`Paragraph.place`, numbered by :class:`~bdt_docx.document.stories.Story`, so a clerk
finds it in Word by counting what Word shows:

* a paragraph outside tables is ``đoạn N``: the N-th paragraph outside tables of its part,
  empty ones included (Word shows each as a ¶ mark); tables are not counted in, since a
  table is found by its own number;
* a paragraph in a table is ``bảng T, hàng R, ô C``: the T-th table of the part from the top
  (a table inside a cell counts after the table holding it), its R-th row, the C-th cell of
  the row; ``…, đoạn K`` is added when the cell has several paragraphs (a table and a row
  are named alike: :attr:`Table.place`, :attr:`Row.place`);
* a text box's paragraph is the place of the paragraph holding the box, then ``khung chữ``
  (and ``đoạn K`` among the box's paragraphs when there are several);
* outside the body, the part comes first: ``đầu trang (header1.xml), đoạn 1``,
  ``chân trang (footer1.xml), …`` (:func:`~bdt_docx.document.stories.part_label`).

Lengths are in twips (1/20 pt; 1 cm = 567 twips) as in the file, font sizes in points.

The modules: :mod:`~bdt_docx.document.values` (attribute values, :class:`Border`,
:class:`LineSpacing`), :mod:`~bdt_docx.document.styles` (:class:`StyleSheet`,
:class:`Theme`), :mod:`~bdt_docx.document.text` (:class:`Run`, :class:`Paragraph`),
:mod:`~bdt_docx.document.tables` (:class:`Table`, :class:`Row`, :class:`Cell`),
:mod:`~bdt_docx.document.sections` (:class:`Section`, :class:`HeaderPart`),
:mod:`~bdt_docx.document.stories` (:class:`Story`: walking a part, numbering places) and
:mod:`~bdt_docx.document.reader` (:class:`Document`). Namespaces come from
:mod:`bdt_docx.namespaces`.
"""

from __future__ import annotations

from bdt_docx.document.reader import Document
from bdt_docx.document.sections import HeaderPart, Section
from bdt_docx.document.stories import Story, part_label, place_in
from bdt_docx.document.styles import StyleSheet, Theme
from bdt_docx.document.tables import Cell, Row, Table
from bdt_docx.document.text import Paragraph, Run
from bdt_docx.document.values import Border, LineSpacing, emu_to_pt, twips_to_mm, twips_to_pt

__all__ = [
    "Border",
    "Cell",
    "Document",
    "HeaderPart",
    "LineSpacing",
    "Paragraph",
    "Row",
    "Run",
    "Section",
    "Story",
    "StyleSheet",
    "Table",
    "Theme",
    "emu_to_pt",
    "part_label",
    "place_in",
    "twips_to_mm",
    "twips_to_pt",
]
