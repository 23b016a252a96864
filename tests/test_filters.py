"""The Vietnamese formatting filters every template has."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from corpus.builders import docx_template
from hypothesis import example, given
from hypothesis import strategies as st

from bdt_docx.api import render_report
from bdt_docx.errors import TemplateError
from bdt_docx.filters import (
    be_rong,
    hai_chu_so,
    la_ma,
    ngay_day_du,
    ngay_ngan,
    phan_tram,
    so,
    so_hieu,
)
from bdt_docx.metrics import CHARACTERS, WIDTHS


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2021, 6, 9), "ngày 09 tháng 6 năm 2021"),
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (dt.date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (dt.date(2019, 12, 29), "ngày 29 tháng 12 năm 2019"),
        (dt.datetime(2021, 3, 10, 8, 30), "ngày 10 tháng 3 năm 2021"),
    ],
)
def test_full_date_follows_nd30(day, text):
    assert ngay_day_du(day) == text


def test_blank_date_leaves_room_for_the_signer():
    assert ngay_day_du(None).split() == ["ngày", "tháng", "năm"]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2021, 4, 9), "09/4/2021"),
        (dt.date(2021, 2, 18), "18/2/2021"),
        (dt.date(2021, 12, 1), "01/12/2021"),
    ],
)
def test_short_date(day, text):
    assert ngay_ngan(day) == text


@pytest.mark.parametrize(
    ("number", "roman"), [(1, "I"), (4, "IV"), (14, "XIV"), (15, "XV"), (16, "XVI"), (49, "XLIX")]
)
def test_roman(number, roman):
    assert la_ma(number) == roman


@pytest.mark.parametrize("bad", [0, -1, 4000, 2.5, True, "15"])
def test_roman_refuses_what_is_not_a_term(bad):
    with pytest.raises((TypeError, ValueError)):
        la_ma(bad)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((92,), "92%"),
        ((66.666,), "66,67%"),
        ((25, 25), "100%"),
        ((20, 25), "80%"),
        ((29, 30), "96,67%"),
        ((2, 3), "66,67%"),
        ((24999, 25000), "99,99%"),
        ((1, 25000), "0,01%"),
        ((1, 200000), "0,01%"),
        ((0, 30), "0%"),
        ((1, 8), "12,5%"),
    ],
)
def test_percentages(args, text):
    assert phan_tram(*args) == text


def test_percentage_needs_a_positive_total():
    with pytest.raises(ValueError):
        phan_tram(1, 0)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1500.5, "1.500,5"),
        (1234567, "1.234.567"),
        (0, "0"),
        (-1500.25, "-1.500,25"),
        (999, "999"),
        (1000, "1.000"),
        (0.005, "0,01"),
    ],
)
def test_numbers(number, text):
    assert so(number) == text


def test_counts_and_document_numbers():
    assert hai_chu_so(1) == "01"
    assert hai_chu_so(12) == "12"
    assert hai_chu_so(0) == "00"
    assert hai_chu_so(1250) == "1.250"  # ND30: a thousands point
    assert so_hieu(5) == "05"
    assert so_hieu(123) == "123"
    assert so_hieu(None).strip() == "" and len(so_hieu(None)) >= 4


def test_width_grows_with_text_size_and_weight():
    regular = be_rong("BAN DÂN TỘC", 13)
    assert be_rong("BAN DÂN TỘC", 13, True) > regular
    assert be_rong("BAN DÂN TỘC", 26) == pytest.approx(2 * regular)
    assert 80 < be_rong("BAN DÂN TỘC", 13, True) < 100


@given(st.integers(-(10**15) + 1, 10**15 - 1), st.integers(1, 10**15 - 1))
@example(2, 3)
@example(1, 32)  # 3,125%: the half rounds up, 3,13%
@example(-1, 32)  # -3,13%: away from zero
@example(24_999, 25_000)  # 99,99%, never 100% unless all
@example(1, 25_000)  # 0,01%, never 0% unless none
@example(-1, 25_000)
@example(25_000, 25_000)
@example(0, 7)
@example(123_456, 100)  # 123.456%
def test_a_share_of_whole_numbers_is_the_decimal_divisions(value, total):
    """Whole numbers (worked out with integers) give what the same numbers as fractions
    (worked out by the Decimal division) give."""
    assert phan_tram(value, total) == phan_tram(Fraction(value), Fraction(total))


@given(st.text(alphabet=[*CHARACTERS[:40], *CHARACTERS[-20:], "€", "\u4e2d", "\t"], max_size=40))
def test_a_widths_is_its_characters_in_turn(text):
    """Each character's width from the font's table, an average for others, added in turn."""
    for dam, nghieng in WIDTHS:
        table = WIDTHS[(dam, nghieng)]
        average = sum(table) / len(table)
        units = sum(table[CHARACTERS.index(c)] if c in CHARACTERS else average for c in text)
        assert be_rong(text, 13, dam, nghieng) == units * 13 / 2048


def test_a_blank_total_is_an_error_not_the_count_as_a_percentage(tmp_path):
    """``25|phan_tram(x)`` with ``x`` an optional field left blank once printed "25%"."""
    with pytest.raises(ValueError, match="tổng số đó trống"):
        phan_tram(25, None)
    assert phan_tram(25) == "25%"  # no total given: the number is the percentage
    template = docx_template(tmp_path, ["Đạt {{ a|phan_tram(b) }}."])
    out = tmp_path / "r.docx"
    with pytest.raises(TemplateError, match="phan_tram"):
        render_report({"a": 25, "b": None}, template, out)
    assert not out.exists()


@pytest.mark.parametrize(
    ("paragraph", "context", "said"),
    [
        (
            "{% for k in ds %}{{ k.hinh_thuc }}{% endfor %}",
            {"ds": [{"ten": "A"}]},
            "không có cột hay thuộc tính 'hinh_thuc'",
        ),
        (
            "{{ n|round }}",
            {"n": dt.date(2021, 1, 1)},
            "đoạn «{{ n|round }}»): phép tính hay bộ lọc không dùng được với giá trị này",
        ),
        ("{{ a|la_ma }}", {"a": "x"}, "bộ lọc la_ma cần một số nguyên"),
    ],
)
def test_errors_inside_the_template_are_told_in_vietnamese(tmp_path, paragraph, context, said):
    """Jinja's and Python's own words ("'dict object' has no attribute …") are told in a
    Vietnamese sentence, quoting the tag as its author wrote it."""
    template = docx_template(tmp_path, [paragraph])
    with pytest.raises(TemplateError) as caught:
        render_report(context, template, tmp_path / "r.docx")
    assert said in str(caught.value)
    assert "dict object" not in str(caught.value) and "bdt_docx_paragraphs" not in str(caught.value)
