"""The tags of a template, read as Word and LibreOffice save them (used by fill and lint).

A template part goes through three steps, the same for ``fill`` and for ``lint``:

1. :func:`read_part` parses it and cleans what Word and LibreOffice put around and inside
   tags: tracked changes are accepted, proofing marks dropped, and every complete tag is
   gathered into one run (bookmarks, comment marks and field characters inside it go), with
   its curly quotes straightened; so a tag split by Word's runs, revision ids or spelling
   marks is the tag its author typed.
2. :func:`analyse_parts` walks the cleaned parts paragraph by paragraph and reports each tag
   that cannot work:

   - a tag broken by Word or by hand: ``{{`` without ``}}``, braces in different paragraphs,
     quotation marks Jinja does not read;
   - a tag that is not valid Jinja, and blocks that do not balance (``{% if %}`` without
     ``{% endif %}``, an ``{% else %}`` outside any block…);
   - docxtpl's ``{%p %}``, ``{%tr %}`` and ``{%tc %}`` misused: not alone in their
     paragraph, row or cell (the rest would be lost), outside a table, or a block opened
     with one kind and closed with another;
   - unknown filters and tests, attributes starting with ``_`` (a template may not run code).

   Each :class:`Finding` says where, naming the paragraph as ``bdt-docx check`` does
   (:attr:`bdt_docx.document.Paragraph.place`: ``đoạn 12``, ``bảng 1, hàng 2, ô 1``,
   ``đầu trang (header1.xml), đoạn 1``) and quotes it, in Vietnamese. A
   :attr:`Finding.blocking` finding makes :func:`~bdt_docx.template.prepare_template`
   refuse the template (``lint`` says the same).
3. :func:`jinja_source` turns the cleaned part into the Jinja source that is compiled:
   docxtpl's own ``patch_xml`` (without its passes that cannot change the part), then the
   XML escapes inside tags (``&amp;``, ``&lt;``…) written as the characters Jinja reads.

The modules: :mod:`~bdt_docx.tags.cleaning` (step 1), :mod:`~bdt_docx.tags.analysis` (the
walk) and :mod:`~bdt_docx.tags.checks` (the checks of step 2), :mod:`~bdt_docx.tags.findings`
(what they find), :mod:`~bdt_docx.tags.source` (step 3) and
:mod:`~bdt_docx.tags.patching` (docxtpl's ``patch_xml`` in it).
"""

from __future__ import annotations

from bdt_docx.tags.analysis import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, analyse_parts
from bdt_docx.tags.checks import MAX_NESTING
from bdt_docx.tags.cleaning import CleanPart, read_part
from bdt_docx.tags.findings import BLOCKING, NOTES, Analysis, Finding
from bdt_docx.tags.source import (
    PARAGRAPH_FILTER,
    jinja_message,
    jinja_source,
    list_columns,
    tree_nodes,
    whole_row_loops,
)

__all__ = [
    "BLOCKING",
    "MAX_NESTING",
    "MAX_TABLE_COLUMNS",
    "MAX_TABLE_ROWS",
    "NOTES",
    "PARAGRAPH_FILTER",
    "Analysis",
    "CleanPart",
    "Finding",
    "analyse_parts",
    "jinja_message",
    "jinja_source",
    "list_columns",
    "read_part",
    "tree_nodes",
    "whole_row_loops",
]
