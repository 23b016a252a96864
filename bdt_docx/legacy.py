"""Vietnamese typed in the legacy 8-bit encodings TCVN3 (ABC) and VNI, seen as Latin-1.

Old workbooks were typed with Vietnamese fonts that drew Vietnamese letters in place of
Latin-1 characters: ".VnTime" (TCVN3, also called ABC, TCVN 5712:1993) and "VNI-Times"
(VNI-Windows). Opened today, such a cell reads ``Céng hoµ x· héi`` (TCVN3) or
``Coäng hoøa xaõ hoäi`` (VNI) instead of ``Cộng hoà xã hội``.

:func:`detect` tells whether a text is such mojibake, :func:`to_unicode` converts it and
:func:`repair` does both. Detection works word by word: a word votes for an encoding when it
is *not* a Vietnamese syllable as it stands but becomes one once converted. Text holding any
letter that only Unicode can hold (``ă``, ``ơ``, ``ư``, ``đ``, ``ạ``…) or any character
outside the 8-bit range is never legacy, so Unicode Vietnamese and plain English pass through.
A lone short word can still be ambiguous (``µm`` reads as TCVN3 ``àm``): every conversion
is reported to the clerk with its cell, so such a case is seen and can be corrected.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

__all__ = ["Encoding", "detect", "repair", "to_unicode"]

Encoding = Literal["tcvn3", "vni"]

#: How each encoding is named to a clerk.
ENCODING_LABELS: dict[str, str] = {
    "tcvn3": "TCVN3 (ABC, phông .VnTime)",
    "vni": "VNI (phông VNI-Times)",
}

# TCVN3 (TCVN 5712:1993, VN3): byte → letter of the ".VnTime" font. The seven capitals
# 0xA1-0xA7 are the only capitals with marks; the ".VnTimeH" font draws the other codes
# as capitals (see _typed_in_capitals).
_TCVN3_ROWS = {
    0xA1: "ĂÂÊÔƠƯĐăâêôơưđ",
    0xB5: "àảãáạ",
    0xBB: "ằẳẵắ",
    0xC6: "ặầẩẫấậè",
    0xCE: "ẻẽéẹềểễếệìỉ",
    0xDC: "ĩíịò",
    0xE1: "ỏõóọồổỗốộờởỡớợù",
    0xF1: "ủũúụừửữứựỳỷỹýỵ",
}
TCVN3: dict[str, str] = {
    chr(start + offset): letter
    for start, letters in _TCVN3_ROWS.items()
    for offset, letter in enumerate(letters)
}

# VNI-Windows: a letter is its base letter followed by one mark byte; a few letters are one
# byte. Mark byte → (shape: circumflex/breve or none, tone or none), both cases.
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_VNI_MARK_ROWS = (
    ("øùûõï", "", (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)),
    ("àáåãä", _CIRCUMFLEX, (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)),
    ("èéúüë", _BREVE, (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)),
    ("âê", "", (_CIRCUMFLEX, _BREVE)),
)
VNI_MARKS: dict[str, str] = {}
for _bytes, _shape, _tones in _VNI_MARK_ROWS:
    for _char, _tone in zip(_bytes, _tones, strict=True):
        VNI_MARKS[_char] = VNI_MARKS[_char.upper()] = _shape + _tone
#: One-byte VNI letters (ơ, ư, đ and the i's with a tone).
VNI_LETTERS: dict[str, str] = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "í": "í", "ì": "ì",
    "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Í": "Í", "Ì": "Ì",
}  # fmt: skip
#: What a VNI mark may follow: a vowel, or the one-byte ơ and ư it has already become.
_VNI_BASES = frozenset("aeiouyAEIOUYơưƠƯ")

# The characters an 8-bit font could produce: Latin-1 and Windows-1252's extra ones.
_EIGHT_BIT = set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_TOKEN = re.compile(r"[^\s\d!-/:-@\[-`{-~\u2018-\u201f\u2013\u2014\u2026]+")
_TONES = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
_PLAIN_LETTER = re.compile("[A-Za-z]")
#: A Vietnamese syllable without its tone: an onset, then either a vowel group that ends in
#: a glide or an open diphthong (``ao``, ``ươi``, ``ưa``: nothing may follow it, and its
#: last letter takes no tone but in ``uơ``) or a vowel group that a final consonant may
#: follow (``oa``, ``iê`` + ``n``; ``ch`` and ``nh`` only after ``a``, ``ê``, ``i``, ``y``,
#: ``oa``, ``uê``, ``uy``). (``aon`` is no syllable, so VNI ``Daân`` is not read as TCVN3
#: ``Daõn``; nor ``ônh``, ``ũch``, ``aù``: VNI ``tænh``, ``tòch``, ``Haï`` are not TCVN3.)
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"(?:(?P<open>iêu|yêu|oai|oay|oeo|uây|uôi|ươi|ươu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|"
    r"oi|ôi|ơi|ua|ui|uơ|ưa|ưi|ưu)"
    r"|(?:oa|uê|uy|[aêiy])(?:ch|nh)"
    r"|(?:uyê|iê|yê|oa|oă|oe|oo|uâ|uê|uô|uy|ươ|[aăâeêioôơuưy])(?:ng|[cmnpt])?)"
)


#: A character no 8-bit Vietnamese font text can hold (beyond Latin-1/1252).
_UNICODE_ONLY = re.compile(
    "[^\x00-\xff" + "".join(sorted(re.escape(c) for c in _EIGHT_BIT if ord(c) > 0xFF)) + "]"
)


def is_syllable(word: str) -> bool:
    """True when ``word`` is shaped like one Vietnamese syllable (at most one tone mark)."""
    return _syllable(word) if len(word) <= _KEPT_WORD else _syllable.__wrapped__(word)


#: The longest word whose answer is kept (a syllable has at most 8 letters: ``nghiêng``).
_KEPT_WORD = 24


@lru_cache(maxsize=8192)  # words come back: Vietnamese has a few thousand syllables in use
def _syllable(word: str) -> bool:
    letters = [unicodedata.normalize("NFD", c) for c in unicodedata.normalize("NFC", word.lower())]
    toned = [i for i, letter in enumerate(letters) if any(c in _TONES for c in letter)]
    bare = "".join(
        unicodedata.normalize("NFC", "".join(c for c in letter if c not in _TONES))
        for letter in letters
    )
    found = _SYLLABLE.fullmatch(bare) if len(toned) <= 1 else None
    if found is None:
        return False
    glide = found["open"]
    return not (toned and glide and glide != "uơ" and toned[0] == found.end("open") - 1)


def _is_typed_syllable(token: str) -> bool:
    """True when ``token`` as it stands is a syllable written in small letters, capitals or
    with a capital first: TCVN3 ``TuÊn`` (``Tuấn``) is not the word ``Tuên``."""
    plain_case = token.islower() or token.isupper() or token.istitle()
    return plain_case and is_syllable(token)


def _typed_in_capitals(text: str) -> bool:
    """True when every plain letter of ``text`` is a capital: the ".VnTimeH" font, which
    draws TCVN3's small-letter codes as capitals."""
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _tcvn3_word(token: str) -> str:
    return "".join(TCVN3.get(c, c) for c in token)


def _vni_word(token: str) -> str:
    out: list[str] = []
    for char in token:
        mark = VNI_MARKS.get(char)
        if mark is not None and out and out[-1] in _VNI_BASES:
            out[-1] = unicodedata.normalize("NFC", out[-1] + mark)
        else:
            out.append(VNI_LETTERS.get(char, char))
    return "".join(out)


_CONVERTERS = {"tcvn3": _tcvn3_word, "vni": _vni_word}


def to_unicode(text: str, encoding: Encoding) -> str:
    """Convert ``text`` typed in ``encoding`` (read as Latin-1/cp1252) to Unicode (NFC)."""
    word = _CONVERTERS[encoding]
    converted = _TOKEN.sub(lambda m: word(m[0]), text)
    if encoding == "tcvn3" and _typed_in_capitals(text):
        converted = converted.upper()
    return unicodedata.normalize("NFC", converted)


def detect(text: str) -> Encoding | None:
    """The legacy encoding ``text`` was typed in, or ``None`` for Unicode or plain text."""
    if text.isascii() or _UNICODE_ONLY.search(text):
        return None
    votes: dict[Encoding, int] = {"vni": 0, "tcvn3": 0}
    for token in _TOKEN.findall(text):
        # Only a word with plain letters in it votes: a lone sign (U+00D7) is not "ì".
        if token.isascii() or not _PLAIN_LETTER.search(token) or _is_typed_syllable(token):
            continue
        for encoding in votes:
            converted = _CONVERTERS[encoding](token)
            if converted != token:
                # VNI keeps each letter's case (``hÖ`` is TCVN3 ``hệ``, not VNI ``hƯ``);
                # the .VnTimeH capitals of TCVN3 come out in mixed case (``CéNG``)
                syllable = _is_typed_syllable if encoding == "vni" else is_syllable
                votes[encoding] += 1 if syllable(converted) else -1
    # A tie goes to VNI: its one-byte ơ, ư, đ (ô, ö, ñ) read as TCVN3 ụ, ử, ủ, and such a
    # word (VNI ``Löu``, TCVN3 ``Lửu``) is often a syllable shape too
    best = max(votes, key=lambda e: votes[e])
    return best if votes[best] > 0 else None


def repair(text: str) -> tuple[str, Encoding | None]:
    """``text`` converted to Unicode when it is legacy mojibake, and the encoding found."""
    encoding = detect(text)
    return (to_unicode(text, encoding), encoding) if encoding else (text, None)
