"""The numbers of Nghị định 30/2020/NĐ-CP, Phụ lục I, in one place.

Each value names its rule in ``docs/nd30.md`` (the project's summary of the decree, N30-…).
The template builder (``tools/build_template.py``), the checker (:mod:`bdt_docx.checker`) and
the tests import them from here; how strictly the checker measures (the rounding a saved
document carries) stays with the checker.

Sizes are in points as ``(least, most)``; lengths in twips (1/20 pt) or millimetres as named.
"""

from __future__ import annotations

#: N30-1.1: A4 portrait, (width, height) in twips.
A4 = (11906, 16838)
#: N30-1.2: page margins in mm, side → (least, most).
MARGINS_MM = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
#: N30-1.3: the one font.
FONT = "Times New Roman"
#: N30-1.4: the page number (from page 2, centred in the header, upright).
PAGE_NUMBER_SIZE = (13, 14)

#: N30-2.1: cơ quan chủ quản (upper case, upright, not bold).
PARENT_AGENCY_SIZE = (12, 13)
#: N30-2.2: cơ quan ban hành (upper case, bold).
AGENCY_SIZE = (12, 13)
#: N30-2.3, N30-3.3: a short line under the cơ quan ban hành or the trích yếu, as a share of
#: its text: from a third to a half.
SHORT_LINE = (1 / 3, 1 / 2)
#: N30-2.4: số, ký hiệu (upright).
NUMBER_SIZE = (13, 13)
#: N30-2.5: the "V/v …" trích yếu of a Công văn (upright, centred).
LETTER_ABSTRACT_SIZE = (12, 13)
#: N30-2.6: the Quốc hiệu (bold, on one line).
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
QUOC_HIEU_SIZE = (12, 13)
#: N30-2.7: the Tiêu ngữ (bold).
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TIEU_NGU_SIZE = (13, 14)
#: N30-2.8: the line under the Tiêu ngữ is as long as its text (a share of 1).
TIEU_NGU_LINE = 1.0
#: N30-2.9: địa danh and date (italic).
DATE_SIZE = (13, 14)

#: N30-3.1: tên loại (upper case, bold, centred).
TITLE_SIZE = (13, 14)
#: N30-3.2: trích yếu under the tên loại (bold, centred).
ABSTRACT_SIZE = (13, 14)
#: N30-3.4: body text (justified); N30-3.5, N30-3.6, N30-3.8: headings and the authority line.
BODY_SIZE = (13, 14)
#: N30-3.4: first-line indents, in twips: 1 cm and 1.27 cm.
FIRST_LINE_INDENTS = (567, 720)
#: N30-3.4: least space between two paragraphs, in twips (6 pt).
MIN_PARAGRAPH_GAP = 120
#: N30-3.4: line spacing, in lines (single to 1.5).
LINE_SPACING = (1.0, 1.5)
#: N30-3.7: how the body ends.
BODY_END = "./."

#: N30-4.1: "Nơi nhận:" (bold italic, at the left margin).
RECIPIENTS_HEADING_SIZE = (12, 12)
#: N30-4.2: each recipient (upright).
RECIPIENT_SIZE = (11, 11)
#: N30-4.3, N30-4.4: quyền hạn, chức vụ (upper case) and the signer's name; bold, centred.
SIGNATURE_SIZE = (13, 14)

#: Twips in a millimetre (1440 per inch).
TWIPS_PER_MM = 1440 / 25.4
