"""Vietnamese formatting for templates, as Jinja filters.

Every template rendered by bdt_docx has these filters (names are the template contract, so
they are Vietnamese without diacritics):

=================  ===========================  =========================================
filter             example                      gives
=================  ===========================  =========================================
``ngay_day_du``    ``date(2021, 6, 9)``         ``ngày 09 tháng 6 năm 2021`` (ND30 rule)
``ngay_ngan``      ``date(2021, 4, 9)``         ``09/4/2021`` (dates inside sentences)
``la_ma``          ``15``                       ``XV``
``phan_tram``      ``29|phan_tram(30)``         ``96,67%`` (never ``100%`` unless all)
``so``             ``1500.5``                   ``1.500,5``
``hai_chu_so``     ``1``                        ``01``
``so_hieu``        ``5`` / ``None``             ``05`` / spaces (number not yet assigned)
``be_rong``        ``"BAN"|be_rong(13, true)``  the text's width in points (Times New Roman)
=================  ===========================  =========================================
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import repeat
from numbers import Real

from bdt_docx.metrics import CHARACTERS, WIDTHS

__all__ = [
    "FILTERS",
    "be_rong",
    "hai_chu_so",
    "la_ma",
    "ngay_day_du",
    "ngay_ngan",
    "phan_tram",
    "so",
    "so_hieu",
]

#: What an unassigned date prints: blanks that the signer fills in by hand.
BLANK_DATE = "ngày      tháng      năm      "

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
#: Each character's width, by style.
_WIDTH = {style: dict(zip(CHARACTERS, w, strict=True)) for style, w in WIDTHS.items()}
_AVERAGE = {style: sum(w) / len(w) for style, w in WIDTHS.items()}


def _as_date(value: object, filter_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"bộ lọc {filter_name} cần một ngày, nhận được {value!r}")


def _as_int(value: object, filter_name: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, Real) or int(value) != value:
        raise TypeError(f"bộ lọc {filter_name} cần một số nguyên, nhận được {value!r}")
    return int(value)


def ngay_day_du(value: dt.date | None) -> str:
    """``ngày 09 tháng 6 năm 2021``: the day below 10 and months 1 and 2 with a leading zero.

    ``None`` (a date not yet decided) gives blanks for the signer to fill in.
    """
    if value is None:
        return BLANK_DATE
    day = _as_date(value, "ngay_day_du")
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def ngay_ngan(value: dt.date) -> str:
    """``09/4/2021``: the short form used inside sentences (two-digit day, bare month)."""
    day = _as_date(value, "ngay_ngan")
    return f"{day.day:02d}/{day.month}/{day.year}"


def la_ma(value: int) -> str:
    """Roman numeral of a whole number from 1 to 3999 (``15`` → ``XV``)."""
    number = _as_int(value, "la_ma")
    if not 0 < number < 4000:
        raise ValueError(f"bộ lọc la_ma chỉ nhận số từ 1 đến 3999, nhận được {number}")
    return _roman(number)


@cache  # (at most 3,999 numbers, a few in a report, the same in a batch)
def _roman(number: int) -> str:
    digits = []
    for amount, numeral in _ROMAN:
        count, number = divmod(number, amount)
        digits.append(numeral * count)
    return "".join(digits)


def _decimal_text(value: Decimal) -> str:
    """``1234.50`` → ``1.234,5``: thousands point, decimal comma, no trailing zeros."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    fraction = fraction.rstrip("0")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{fraction}" if fraction else f"{sign}{groups}"


def so(value: Real, chu_so_thap_phan: int = 2) -> str:
    """A number with a thousands point and a decimal comma: ``1500.5`` → ``1.500,5``.

    At most ``chu_so_thap_phan`` decimals, rounded half up; trailing zeros are dropped.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"bộ lọc so cần một số, nhận được {value!r}")
    step = Decimal(1).scaleb(-chu_so_thap_phan)
    return _decimal_text(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


#: ``phan_tram`` given no total (``92|phan_tram``), as opposed to a blank one.
_NO_TOTAL = object()


def phan_tram(value: Real, tong: object = _NO_TOTAL) -> str:
    """A percentage with at most two decimals and a decimal comma.

    ``92|phan_tram`` → ``92%``; ``29|phan_tram(30)`` → ``96,67%``. With a total, the share
    never reads ``100%`` unless it is all of it, nor ``0%`` unless it is none of it
    (24 999 of 25 000 → ``99,99%``). A total that is given but blank (an optional field
    left empty) is an error, never the count printed as a percentage.
    """
    if type(value) is int and type(tong) is int and abs(value) < _EXACT and 0 < tong < _EXACT:
        return _int_share(value, tong)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"bộ lọc phan_tram cần một số, nhận được {value!r}")
    if tong is _NO_TOTAL:
        return so(value) + "%"
    if tong is None:
        raise ValueError("bộ lọc phan_tram được cho tổng số để chia nhưng tổng số đó trống")
    if isinstance(tong, bool) or not isinstance(tong, Real) or tong <= 0:
        raise ValueError(f"bộ lọc phan_tram cần tổng lớn hơn 0, nhận được {tong!r}")
    exact = Decimal(str(value)) * 100 / Decimal(str(tong))
    rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == 100 and exact != 100:
        rounded = Decimal("99.99")
    elif rounded == 0 and exact != 0:
        rounded = Decimal("0.01")
    return _decimal_text(rounded) + "%"


#: Below this, a whole number's share worked out with integers rounds as the Decimal
#: division does (its 28 digits hold the share exactly enough never to round it otherwise).
_EXACT = 10**15


def _int_share(value: int, tong: int) -> str:
    """``phan_tram`` of whole numbers (``tong`` > 0), in hundredths of a percent with
    integers: the same text as the Decimal division, in a third of its time."""
    hundredths, rest = divmod(abs(value) * 10000, tong)
    hundredths += 2 * rest >= tong  # half up, away from zero
    if value < 0:
        hundredths = -hundredths
    if hundredths == 10000 and value != tong:
        hundredths = 9999
    elif hundredths == 0 and value != 0:
        hundredths = 1
    whole, fraction = divmod(abs(hundredths), 100)
    sign = "-" if hundredths < 0 else ""
    groups = f"{whole:,}".replace(",", ".")
    fraction_text = f"{fraction:02d}".rstrip("0")
    return f"{sign}{groups},{fraction_text}%" if fraction_text else f"{sign}{groups}%"


def hai_chu_so(value: int) -> str:
    """A count written with two digits below 10, and a thousands point from a thousand on:
    ``1`` → ``01``, ``12`` → ``12``, ``1250`` → ``1.250``."""
    number = _as_int(value, "hai_chu_so")
    return f"{number:02d}" if 0 <= number < 10 else so(number)


#: What an unassigned document number prints: room to write the number by hand.
BLANK_NUMBER = "      "


def so_hieu(value: int | None) -> str:
    """The document number: ``5`` → ``05``; ``None`` (not yet assigned) → six spaces."""
    return BLANK_NUMBER if value is None else hai_chu_so(value)


def be_rong(text: str, co_chu: float = 13, dam: bool = False, nghieng: bool = False) -> float:
    """The width in points of ``text`` set on one line in Times New Roman.

    ``co_chu`` is the size in points, ``dam`` bold, ``nghieng`` italic. Characters outside
    the Vietnamese alphabet count as an average character.
    """
    style = (bool(dam), bool(nghieng))
    text = str(text)
    units = sum(map(_WIDTH[style].get, text, repeat(_AVERAGE[style], len(text))))
    return units * co_chu / 2048


FILTERS = {
    "ngay_day_du": ngay_day_du,
    "ngay_ngan": ngay_ngan,
    "la_ma": la_ma,
    "phan_tram": phan_tram,
    "so": so,
    "hai_chu_so": hai_chu_so,
    "so_hieu": so_hieu,
    "be_rong": be_rong,
}
