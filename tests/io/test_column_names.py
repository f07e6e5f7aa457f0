"""The phrasings `map --suggest` places columns by (schema/column_names.yaml) name only what exists, and
the comparison of words allows a Russian ending or an English plural, never another word."""

from __future__ import annotations

import pytest
import yaml

from labourwatch.forms.definition import questions
from labourwatch.io.column_names import COLUMN_NAMES, Source, currency_named, phrase, same_word
from labourwatch.packs import load_schema


def _strings(node):
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node]


def test_the_phrasings_name_canonical_variables_and_codes_only():
    doc = yaml.safe_load(COLUMN_NAMES.read_text(encoding="utf-8"))
    variables = load_schema().variables
    placeable = {"id", "reference_date"} | {v.name for v in questions()}
    assert set(doc["variables"]) - placeable == set()
    assert all(set(texts) <= {"en", "ru"} for texts in doc["variables"].values())
    assert set(doc["currencies"]) <= set(variables["pay_currency"].values)
    assert set(doc["amounts"]) <= set(variables)
    assert all(isinstance(s, str) for s in _strings(doc))  # a bare `no` or `on` would be read as a boolean


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("зарплата", "зарплаты", True),
        ("выходных", "выходные", True),
        ("работодателя", "работодатель", True),
        ("wage", "wages", True),
        ("employer", "employee", False),
        ("hours", "house", False),
        ("age", "agent", False),
        ("пол", "полных", False),
    ],
)
def test_a_word_is_the_same_with_another_ending_only(a, b, same):
    assert same_word(a, b) is same


def test_texts_compare_after_case_brackets_punctuation_and_yo():
    assert phrase("Возраст (полных лет)").text == "возраст"
    assert phrase("Жильё").text == phrase("жилье").text
    assert phrase("Interviewer's comment").text == "interviewer comment"
    assert Source("Q5. Age in years").resemblance(phrase("age")) == 0.95
    assert Source("Hours worked per week").resemblance(phrase("hours worked per day")) == 0.0


@pytest.mark.parametrize(
    ("texts", "currency"),
    [
        (["Monthly wage (tenge)"], "KZT"),
        (["Получено оплаты, руб."], "RUB"),
        (["wage_usd"], "USD"),
        (["Зарплата в $"], "USD"),
        (["Sum of payments"], None),  # a word, not the Uzbek sum
        (["Paid in tenge or dollars"], None),  # two currencies: nothing to note
    ],
)
def test_a_currency_is_named_by_a_word_of_its_own(texts, currency):
    assert currency_named(texts) == currency
