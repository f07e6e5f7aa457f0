"""Numbers as a person reads them: grouped, in the signs of the language, rounded as an accountant does."""

from __future__ import annotations

from decimal import Decimal

from labourwatch.i18n import number, plain, rounded

NBSP = "\u00a0"


def test_russian_groups_thousands_with_a_no_break_space_and_writes_a_decimal_comma():
    assert number(1570, "ru") == f"1{NBSP}570"
    assert number(1234567.5, "ru", 2) == f"1{NBSP}234{NBSP}567,50"
    assert number(6.2, "ru", 1) == "6,2"
    assert number(-0.6, "ru", 1, sign=True) == "-0,6" and number(0.2, "ru", 1, sign=True) == "+0,2"


def test_english_groups_with_a_comma_and_writes_a_decimal_point():
    assert number(1570, "en") == "1,570"
    assert number(1234567.5, "en", 2) == "1,234,567.50"
    assert number(9200.0, "en") == "9,200"  # a whole float without ".0"


def test_a_half_is_rounded_up_as_written_not_as_the_binary_float():
    assert rounded(1.005, 2) == Decimal("1.01")  # the float is 1.00499999999999989...
    assert rounded(2.675, 2) == Decimal("2.68")
    assert rounded(72582.10851025223, 2) == Decimal("72582.11")
    assert rounded(-0.125, 2) == Decimal("-0.13")  # away from zero


def test_plain_numbers_for_programs_have_no_grouping_whatever_the_language():
    assert plain(1570.5) == "1570.5" and plain(1570, 2) == "1570.00" and plain(1e-7) == "0.0000001"
