"""Names match across scripts and conventions (cases/names.py)."""

from __future__ import annotations

import pytest

from labourwatch_web.cases.names import name_keys


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Нурлан", "Nurlan"),
        ("Жанна", "Zhanna"),
        ("Шухрат", "Shuxrat"),  # Uzbek Latin x
        ("Шухрат", "Shukhrat"),
        ("Ғайрат", "G'ayrat"),  # Uzbek Latin g'
        ("Ғайрат", "Gʻayrat"),
        ("Қайрат", "Qayrat"),
        ("Өмірзақ", "Omirzaq"),
        ("Ұлжан", "Ulzhan"),
        ("Ўктам", "O'ktam"),
        ("Ёқуб", "Yoqub"),
        ("Жамшид", "Djamshid"),
        ("Һидоят", "Hidoyat"),
        ("Дилноза Алиева", "Dilnoza Aliyeva"),
        ("Дилноза Алиева", "ALIYEVA Dilnoza"),  # the order and case of a passport
    ],
)
def test_one_name_in_two_scripts_has_the_same_keys(cyrillic, latin):
    assert sorted(name_keys(cyrillic)) == sorted(name_keys(latin))


@pytest.mark.parametrize(("one", "other"), [("Нурлан", "Нурбек"), ("Aliyeva", "Alimova"), ("Қайрат", "Ғайрат")])
def test_different_names_differ(one, other):
    assert name_keys(one) != name_keys(other)
