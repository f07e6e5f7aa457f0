"""`labourwatch calendar`: the official working-time calendar of a year, as a lawyer checks it."""

import json

from click.testing import CliRunner

from labourwatch.cli import cli


def calendar(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["calendar", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_year_month_by_month_beside_the_ministrys_balance():
    data = calendar("2024")
    assert [m["working_days"] for m in data["months"]] == [21, 21, 17, 22, 20, 20, 22, 21, 21, 22, 21, 21]
    assert [m["hours"] for m in data["months"]][:3] == [168, 168, 136]
    june = data["months"][5]
    assert june["balance_days"] == 19 and "16 June" in june["difference"]
    assert {"date": "2024-05-04", "kind": "working", "holiday": None} in data["days"]  # moved by the order
    assert {"date": "2024-03-25", "kind": "rest", "holiday": None} in data["days"]  # Nauryz carried over
    assert data["source"]["library"].startswith("holidays ")


def test_the_six_day_and_36_hour_weeks():
    six = calendar("2024", "--week", "six_day")
    assert sum(m["working_days"] for m in six["months"]) == 301  # the balance's 300, and 17 June
    short = calendar("2024", "--weekly-norm", "36")
    assert short["months"][2]["hours"] == 122.4


def test_in_russian_the_holidays_are_named_in_russian():
    result = CliRunner().invoke(cli, ["--lang", "ru", "calendar", "2024"])
    assert result.exit_code == 0, result.output
    assert "Наурыз мейрамы" in result.output and "Баланс рабочего времени и производственный календарь" in result.output
    assert "Nowruz" not in result.output


def test_a_year_outside_the_calendar_is_refused():
    result = CliRunner().invoke(cli, ["calendar", "1999"])
    assert result.exit_code == 2 and "2000-2026" in result.output
