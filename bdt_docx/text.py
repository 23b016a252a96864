"""Text as it must reach the report: Unicode NFC, line breaks kept, control characters gone.

The documented normalisation of every text value (from a cell or from a script):

- Unicode NFC (a decomposed "ệ" becomes one character);
- Excel's ``_xHHHH_`` escapes are decoded by the workbook reader before this step;
- a cell typed in the legacy TCVN3 or VNI encodings is converted to Unicode by validation
  before this step, with a :class:`~bdt_docx.BdtDocxWarning` naming the cell
  (:mod:`bdt_docx.legacy`);
- line breaks ``\\r\\n``, ``\\r``, vertical tab (Excel's ``_x000B_``), line and paragraph
  separators become ``\\n``, which the report shows as a line break;
- a tab stays a tab; every other control character is removed, and so are the invisible
  zero-width space, word joiner and byte-order mark (U+200B, U+2060, U+FEFF) that text pasted
  from a web page or a PDF carries: a cell "2" with one of them reads as 2, not as a text that
  looks like "2";
- a UTF-16 surrogate left alone, which no text can carry (a program's string may hold one),
  becomes U+FFFD, as the workbook reader reads Excel's escape of one;
- spaces at both ends of the text and of each line are trimmed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean_text", "normalize_text", "slug"]

_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
# Control characters (C0 but tab and newline, DEL, C1), XML-forbidden code points and the
# invisible zero-width space, word joiner and byte-order mark.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u200b\u2060\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def normalize_text(value: str) -> str:
    """NFC, line breaks unified to ``\\n``, control characters removed; spaces kept."""
    if value.isprintable() and unicodedata.is_normalized("NFC", value):
        return value  # printable: no line break or control character (the usual text)
    if _SURROGATE.search(value):  # (only a program's text can hold one)
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = unicodedata.normalize("NFC", value)
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def clean_text(value: str) -> str:
    """Normalise a cell's text as described in this module's docstring (trimmed)."""
    if value.isprintable() and unicodedata.is_normalized("NFC", value):
        return value.strip()  # one line, and no space but U+0020 (the usual text)
    lines = normalize_text(value).split("\n")
    return "\n".join(line.strip(" \u00a0") for line in lines).strip()


@lru_cache(maxsize=4096)  # a batch's lists have the same headers
def slug(text: str) -> str:
    """The key of a column header: ``Số, ký hiệu`` → ``so_ky_hieu``.

    NFC, Vietnamese diacritics stripped (``đ`` → ``d``), lower case, every run of other
    characters turned into one ``_``, none at either end.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SLUG_JUNK.sub("_", bare.lower()).strip("_")
