"""core/record.py types and checks one record in Python as the engine does a whole table in SQL: the
two are compared on generated answers (typed values, and problems with their codes, parameters and
quoted values), then on a few examples a form will meet."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labourwatch.core.errors import DataError, Message, Problem
from labourwatch.core.record import as_varchar, type_answer, type_record
from labourwatch.packs import load_schema
from labourwatch.services.assessment import typed

SCHEMA = load_schema()
TODAY = date.today()  # what the engine's "in the future" is measured against

# An engine run costs a fraction of a second however few its records, so every example is a table of
# up to 40 records, and there are few examples (two runs each).
CONFORMANCE = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


# --- the engine, through the service a form's caller would otherwise use ---------------------------------


Row = dict[str, Any]
Found = tuple[int, str | None, str, str, str | None]  # row, column, code, English text, value quoted


def engine_problems(table: pa.Table) -> list[Found]:
    try:
        typed(table, require_date=True)
    except DataError as error:
        return sorted(_found(p.row or 0, p) for p in error.problems)
    return []


def _found(row: int, p: Problem) -> Found:
    return (row, p.column, p.message.code, p.message.text("en"), p.value)


def python_problems(rows: Sequence[Row]) -> list[Found]:
    return sorted(_found(i, p) for i, row in enumerate(rows, 1) for p in type_record(SCHEMA, row, today=TODAY).problems)


def same_value(ours: Any, engine: Any) -> bool:
    if isinstance(ours, frozenset):
        return engine is not None and ours == frozenset(engine)
    if isinstance(ours, float) and isinstance(engine, float) and math.isnan(ours):
        return math.isnan(engine)
    return type(ours) is type(engine) and ours == engine if ours is not None else engine is None


def check_conformance(rows: list[Row], types: Mapping[str, pa.DataType]) -> None:
    """Problems must agree; then, with every value that has one made blank (or valid, where required),
    the engine must accept the table and type every other value as record.py does."""
    table = pa.table({name: pa.array([row[name] for row in rows], type) for name, type in types.items()})
    found = engine_problems(table)
    assert python_problems(rows) == found
    replaced = {(row - 1, column) for row, column, *_ in found}
    cleaned = [
        {name: (_placeholder(name, i, types[name]) if (i, name) in replaced else value) for name, value in row.items()}
        for i, row in enumerate(rows)
    ]
    table = pa.table({name: pa.array([row[name] for row in cleaned], type) for name, type in types.items()})
    result = typed(table, require_date=True).to_pylist()
    for i, (row, engine_row) in enumerate(zip(cleaned, result, strict=True)):
        ours = type_record(SCHEMA, row, today=TODAY)
        assert ours.problems == []
        for name in types:
            if name in SCHEMA.variables and (i, name) not in replaced:
                assert same_value(ours.values[name], engine_row[name]), (name, row[name], engine_row[name])


def _placeholder(name: str, i: int, type: pa.DataType) -> Any:
    """What replaces a value with a problem: nothing, or a valid value where one is required."""
    today = TODAY.isoformat() if pa.types.is_string(type) else TODAY
    return {"id": f"fixed{i}", "reference_date": today}.get(name)


# --- answers as text ------------------------------------------------------------------------------------

SPACES = ["", " ", "  ", "\u00a0", "\t", "\n"]  # DuckDB trims the first four kinds, not tabs or newlines


def spelled(valid: st.SearchStrategy[str], invalid: Sequence[str]) -> st.SearchStrategy[str | None]:
    """Mostly valid spellings, in any case and padding, with some invalid ones and blanks."""
    cased = st.tuples(valid, st.sampled_from([str, str.upper, str.title])).map(lambda p: p[1](p[0]))
    padded = st.tuples(st.sampled_from(SPACES), cased, st.sampled_from(SPACES)).map("".join)
    blank = st.sampled_from(["", " ", "\u3000", None])
    return st.one_of(cased, cased, padded, st.sampled_from(list(invalid)), blank)


def numbers(low: int, high: int) -> st.SearchStrategy[str]:
    whole = st.integers(low - 3, high + 3).map(str)
    point = st.decimals(low - 3, high + 3, places=2).map(str)
    comma = st.tuples(st.integers(low - 3, high + 3), st.integers(0, 99), st.booleans()).map(
        lambda p: f"{p[0]},{p[1]:02d}" if p[2] else f"{p[0]},{p[1] % 10}"
    )
    return st.one_of(whole, point, comma)


BAD_NUMBERS = ["7,555", "7,5,5", "1 000", "seven", "7.5.1", "-", ",5", "7,", "+7", "1e1", ".5", "1_0", "nan", "inf",
               "+-5", "infinity", "nan(1)", "0x10"]  # fmt: skip


def dates(low: date, high: date) -> st.SearchStrategy[str]:
    day = st.dates(low, high)
    formats: list[Callable[[date], str]] = [
        date.isoformat,
        lambda d: d.strftime("%d.%m.%Y"),
        lambda d: f"{d.day}.{d.month}.{d.year}",
        lambda d: f"{d.year}-{d.month}-{d.day}",  # not YYYY-MM-DD when the month or day has one digit
    ]
    return st.tuples(day, st.sampled_from(formats)).map(lambda p: p[1](p[0]))


BAD_DATES = [
    "2024-02-30", "31.02.2020", "2024-13-01", "2024.01.05", "05/01/2024", "20240105", "yesterday", "1.1.24",
    "24-01-05", "2024-01-05 10:00", "epoch", "infinity", "-2024-01-05", "0000-01-01", "10000-01-01",
]  # fmt: skip

TEXT_VARIABLES: dict[str, st.SearchStrategy[str | None]] = {
    "reference_date": spelled(dates(date(1988, 1, 1), TODAY + timedelta(days=400)), BAD_DATES),
    "hazardous_work": spelled(
        st.sampled_from(["yes", "no", "true", "false", "1", "0", "да", "нет"]), ["y", "2", "1.0"]
    ),
    "written_contract": spelled(st.sampled_from(["Yes", "NO", "ДА", "Нет"]), ["oui", "ja", "yes!"]),
    "hours_per_day": spelled(numbers(0, 24), BAD_NUMBERS),
    "monthly_pay": spelled(numbers(-1, 100000), BAD_NUMBERS),
    "age": spelled(numbers(0, 100), BAD_NUMBERS),
    "days_per_month": spelled(numbers(0, 31), BAD_NUMBERS),
    "entry_date": spelled(dates(date(1985, 1, 1), TODAY + timedelta(days=400)), BAD_DATES),
    "sex": spelled(st.sampled_from(["female", "male"]), ["other", "f", "Female "]),
    "pay_currency": spelled(st.sampled_from(list(SCHEMA.variables["pay_currency"].values)), ["EUR", "kzt"]),
    "languages_spoken": spelled(
        st.lists(st.sampled_from(["kk", "ru", "uz", "ky", "other", "de"]), min_size=1, max_size=4).flatmap(
            lambda codes: st.sampled_from([" ", "  ", "\t", " \n "]).map(lambda sep: sep.join(codes))
        ),
        ["KK", "kk,ru", "русский"],
    ),
    "citizenship": spelled(st.sampled_from(["UZB", "KGZ", "TJK", "KAZ"]), ["uz", "UZBK", "U2B", "Узб"]),
    "region": st.one_of(st.text(max_size=12), st.none()),
}

IDS = ["r{}", " r{} ", "\tr{}", "", None, " ", "\u00a0"]  # blank or unique: a repeated id is a problem of the table


@st.composite
def text_rows(draw: st.DrawFn) -> list[Row]:
    rows = []
    for i in range(draw(st.integers(1, 40))):
        spelling = draw(st.sampled_from(IDS))
        row: Row = {"id": spelling.format(i) if spelling is not None else None}
        row.update({name: draw(strategy) for name, strategy in TEXT_VARIABLES.items()})
        rows.append(row)
    return rows


@CONFORMANCE
@given(text_rows())
def test_text_answers_are_read_as_the_engine_reads_them(rows: list[Row]) -> None:
    check_conformance(rows, dict.fromkeys(["id", *TEXT_VARIABLES], pa.string()))


# --- answers already typed (a form's cleaned data, a numeric column, a date picker) ----------------------

TYPED_VARIABLES: dict[str, tuple[pa.DataType, st.SearchStrategy[Any]]] = {
    "reference_date": (pa.date32(), st.dates(date(1988, 1, 1), TODAY + timedelta(days=400))),
    "hazardous_work": (pa.bool_(), st.booleans()),
    "written_contract": (pa.float64(), st.sampled_from([0.0, 1.0, 2.0, 0.5, -1.0, math.nan])),  # 0/1 as numbers
    "hours_per_day": (pa.float64(), st.floats(-2, 30) | st.sampled_from([math.nan, math.inf, -math.inf, 24.0])),
    "monthly_pay": (pa.float64(), st.floats(allow_nan=True, allow_infinity=True)),
    "age": (pa.int64(), st.integers(-5, 120)),
    "days_per_month": (pa.float64(), st.floats(-1, 33).map(lambda x: round(x, 1))),
    "entry_date": (pa.date32(), st.dates(date(1985, 1, 1), TODAY + timedelta(days=400))),
    "period_start": (pa.timestamp("us"), st.datetimes(datetime(1985, 1, 1), datetime(2100, 1, 1))),
    "monthly_pay_text": (pa.string(), st.just("")),  # not a variable: ignored by both
}


@st.composite
def typed_rows(draw: st.DrawFn) -> list[Row]:
    rows = []
    for i in range(draw(st.integers(1, 40))):
        row: Row = {"id": f"r{i}"}
        for name, (_, strategy) in TYPED_VARIABLES.items():
            row[name] = draw(st.one_of(strategy, strategy, strategy, st.none()))
        rows.append(row)
    return rows


@CONFORMANCE
@given(typed_rows())
def test_typed_answers_are_read_as_the_engine_reads_typed_columns(rows: list[Row]) -> None:
    check_conformance(rows, {"id": pa.string(), **{name: t for name, (t, _) in TYPED_VARIABLES.items()}})


# --- examples ---------------------------------------------------------------------------------------------

VALID = {"id": "r1", "reference_date": "2024-01-05"}


def record(**answers: Any) -> tuple[dict[str, Any], list[Problem]]:
    values, problems = type_record(SCHEMA, {**VALID, **answers}, today=date(2025, 1, 1))
    return values, problems


def codes(problems: list[Problem]) -> list[tuple[str | None, str]]:
    return [(p.column, p.message.code) for p in problems]


@pytest.mark.parametrize("yes", ["yes", "YES", "true", "True", "1", "да", "ДА"])
@pytest.mark.parametrize("no", ["no", "No", "false", "FALSE", "0", "нет", "Нет"])
def test_documented_boolean_spellings(yes: str, no: str) -> None:
    values, problems = record(hazardous_work=yes, written_contract=f" {no} ")
    assert problems == []
    assert values["hazardous_work"] is True
    assert values["written_contract"] is False


def test_documented_spellings_of_the_other_kinds() -> None:
    values, problems = record(
        hours_per_day="7.5",
        age="30",
        entry_date="2023-06-01",
        sex="female",
        citizenship="UZB",
        languages_spoken="kk  ru",
        region="  Алматы ",
    )
    assert problems == []
    assert values["hours_per_day"] == 7.5
    assert values["age"] == 30.0 and isinstance(values["age"], float)
    assert values["entry_date"] == date(2023, 6, 1)
    assert values["reference_date"] == date(2024, 1, 5)
    assert values["sex"] == "female"
    assert values["citizenship"] == "UZB"
    assert values["languages_spoken"] == frozenset({"kk", "ru"})
    assert values["region"] == "Алматы"
    assert values["monthly_pay"] is None  # not answered
    assert set(values) == set(SCHEMA.variables)


def test_decimal_comma() -> None:
    assert record(hours_per_day="7,5")[0]["hours_per_day"] == 7.5
    assert record(hours_per_day="-0,25")[0]["hours_per_day"] == -0.25
    values, problems = record(hours_per_day="7,555")  # three digits: a thousands separator, not a decimal comma
    assert values["hours_per_day"] is None
    assert [(p.column, p.value, p.message) for p in problems] == [("hours_per_day", "7,555", Message("bad_number"))]


def test_day_first_dates() -> None:
    values, problems = record(reference_date="05.01.2024", entry_date="1.6.2023")
    assert problems == []
    assert values["reference_date"] == date(2024, 1, 5)
    assert values["entry_date"] == date(2023, 6, 1)
    assert codes(record(reference_date="31.02.2024")[1]) == [("reference_date", "bad_date")]
    assert codes(record(reference_date="2024-01-05 10:00")[1]) == [("reference_date", "bad_date")]  # a date only


def test_dates_out_of_range_and_after_the_interview() -> None:
    assert codes(record(entry_date="2026-01-01")[1]) == [
        ("entry_date", "in_future"),
        ("entry_date", "entry_after_reference"),
    ]
    assert codes(record(entry_date="31.12.1990")[1]) == [("entry_date", "before_1991")]
    values, problems = record(entry_date="10000-01-01")  # not YYYY-MM-DD: never read as some other date
    assert values["entry_date"] is None
    assert codes(problems) == [("entry_date", "bad_date")]


def test_unknown_codes() -> None:
    values, problems = record(sex="other", languages_spoken="kk de", citizenship="uzb")
    assert values["sex"] == "other"  # typed all the same; the problem says why it cannot be judged
    assert [(p.column, p.value, p.message) for p in problems] == [
        ("citizenship", "uzb", Message("bad_country")),
        ("sex", "other", Message("bad_code", {"codes": "female, male"})),
        ("languages_spoken", "kk de", Message("bad_codes", {"codes": "kk, ru, uz, ky, tg, en, other"})),
    ]
    assert problems[1].text("ru") == "не из списка: female, male"


def test_hours_over_the_maximum_name_their_unit() -> None:
    values, problems = record(hours_per_day="25")
    assert values["hours_per_day"] == 25.0
    (problem,) = problems
    assert (problem.row, problem.column, problem.value) == (None, "hours_per_day", "25")
    assert problem.message == Message("over_max", {"max": "24", "unit": Message("unit_hour", prefix=" ")})
    assert problem.text("ru") == "больше максимума 24 ч"
    assert problem.text("en") == "is over the maximum of 24 h"
    assert record(monthly_pay="1e9")[1] == []  # no maximum, no unit
    assert [p.text("en") for p in record(age="-1", days_per_month="7.5")[1]] == [
        "is below the minimum of 0",
        "not a whole number",
    ]


def test_required_answers() -> None:
    values, problems = type_record(SCHEMA, {"id": " ", "reference_date": None}, today=TODAY)
    assert values["id"] is None
    assert codes(problems) == [("id", "value_missing"), ("reference_date", "value_missing")]
    assert codes(type_record(SCHEMA, {"id": "r1", "reference_date": ""}, today=TODAY, require_date=False)[1]) == []
    # A question the form did not send at all is the engine's missing column: only those are reported.
    problems = type_record(SCHEMA, {"hours_per_day": "99"}, today=TODAY).problems
    assert [(p.column, p.value, p.message.code) for p in problems] == [
        ("id", None, "column_missing"),
        ("reference_date", None, "column_missing"),
    ]
    assert codes(type_record(SCHEMA, {"id": "r1"}, today=TODAY, require_date=False).problems) == []


def test_typed_answers() -> None:
    values, problems = record(
        reference_date=date(2024, 1, 5),
        entry_date=datetime(2023, 6, 1, 12, 30),
        hazardous_work=True,
        written_contract=0,
        hours_per_day=math.nan,  # missing, as in pandas
        age=30,
        languages_spoken=["kk", "ru"],
        reasons_not_changing_job={"debt", "no_documents"},
    )
    assert problems == []
    assert values["entry_date"] == date(2023, 6, 1)
    assert values["written_contract"] is False
    assert values["hours_per_day"] is None
    assert values["languages_spoken"] == frozenset({"kk", "ru"})
    assert values["reasons_not_changing_job"] == frozenset({"debt", "no_documents"})
    assert codes(record(hazardous_work=2)[1]) == [("hazardous_work", "bad_boolean")]
    assert as_varchar(datetime(2024, 1, 5, 10, 0, 0, 500000)) == "2024-01-05 10:00:00.5"
    with pytest.raises(TypeError):
        record(region=object())


def test_one_answer_for_a_form_field() -> None:
    hours = SCHEMA.variables["hours_per_day"]
    assert type_answer(hours, " 7,5 ", today=TODAY) == (7.5, [])
    assert type_answer(hours, "", today=TODAY) == (None, [])
    assert type_answer(hours, "", today=TODAY, required=True) == (None, [Message("value_missing")])
