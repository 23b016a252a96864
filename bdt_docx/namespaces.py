"""The XML namespaces that bdt_docx reads and writes (Office Open XML, OpenDocument), in one place.

Every module (the package reader, the workbook readers, the document model, the tag
analysis, the field description, the template builder in ``tools/``) takes its namespace
URIs and qualified names from here, so a namespace is declared once. :data:`NS` maps the
usual prefixes to their URIs (for XPath and ``find``), :func:`qn` turns ``"w:p"`` into
lxml's Clark name ``{…/main}p``.
"""

from __future__ import annotations

__all__ = [
    "CONTENT_TYPES",
    "EXTENDED_PROPERTIES",
    "MC",
    "NS",
    "PACKAGE_RELATIONSHIPS",
    "REL_OFFICE_DOCUMENT",
    "REL_OFFICE_DOCUMENT_STRICT",
    "REL_STYLES",
    "REL_THEME",
    "WP",
    "XML",
    "A",
    "R",
    "V",
    "W",
    "qn",
]

#: WordprocessingML: the body, paragraphs, runs, tables, styles, settings of a .docx.
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Relationship ids in a part (``r:id`` of a header reference, ``r:embed`` of a picture).
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: DrawingML: shapes, lines and the theme's fonts and colours.
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: Where a drawing sits in the text (``wp:inline``, ``wp:anchor``, ``wp:extent``).
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#: VML, the older drawing language Word still writes for lines and text boxes.
V = "urn:schemas-microsoft-com:vml"
#: Markup compatibility (``mc:AlternateContent``, ``mc:Fallback``).
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
#: The relationships part of a package (``_rels/.rels``, ``word/_rels/document.xml.rels``).
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: ``[Content_Types].xml``.
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
#: ``docProps/core.xml`` (title, author, language).
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
#: ``docProps/app.xml`` (the page count the saving program wrote).
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
#: ``docProps/custom.xml``, the custom document properties (a template's field description).
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
#: The value types of document properties (``vt:lpwstr``).
DOC_PROPS_VTYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: SpreadsheetML, the workbook and worksheets of an .xlsx.
SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: SpreadsheetML of Excel's "Strict Open XML Spreadsheet" files.
SPREADSHEET_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
#: OpenDocument (.ods): the document, its tables, its text, its styles and data styles.
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
ODF_NUMBER = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
#: The ``xml:`` prefix (``xml:space="preserve"``).
XML = "http://www.w3.org/XML/1998/namespace"

#: The main part of a package, from ``_rels/.rels``.
REL_OFFICE_DOCUMENT = f"{R}/officeDocument"
#: The same in a Strict Open XML document (Word's Save As → Strict Open XML Document), whose
#: parts are in namespaces the document model does not read.
REL_OFFICE_DOCUMENT_STRICT = (
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
)
#: The styles part, from the main part.
REL_STYLES = f"{R}/styles"
#: The theme part, from the main part.
REL_THEME = f"{R}/theme"
#: The custom properties part, from the package.
REL_CUSTOM_PROPERTIES = f"{R}/custom-properties"
#: The core properties part, from the package.
REL_CORE_PROPERTIES = f"{PACKAGE_RELATIONSHIPS}/metadata/core-properties"

#: Prefix → URI, for XPath expressions and ``find``/``iterfind`` paths.
NS = {"w": W, "r": R, "a": A, "wp": WP, "v": V, "mc": MC, "xml": XML}


def qn(name: str) -> str:
    """The Clark name lxml uses for a prefixed name: ``qn("w:p")`` → ``{…/main}p``."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"
