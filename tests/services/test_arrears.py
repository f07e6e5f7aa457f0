"""Money owed: each amount against a hand computation from the Labour Code's values, the split of a
period at a change of the minimum wage, unknowns, a table of claims, the CLI and the statement."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from labourwatch.arrears import arrears, claim_table, split_points
from labourwatch.cli import cli
from labourwatch.core.errors import DataError

MARCH_2024 = {
    "period_start": "2024-03-01",
    "period_end": "2024-03-31",
    "hours_per_day": 10,
    "rest_days_per_week": 0,
    "holidays_worked": 1,
    "agreed_pay": 70000,
    "agreed_pay_per": "month",
    "pay_currency": "KZT",
    "pay_received": 40000,
}


def only(result):
    return result.claims.to_pylist()[0]


def test_one_month_in_2024_by_hand():
    # March 2024 on the official calendar: 17 working days (8, 21, 22 March are holidays, 25 March the
    # day off for Saturday 23 March), 10 rest days, 4 holidays, of which the worker says 1 was worked.
    # 2015 Code: 8 h a day; overtime and rest-day/holiday work at 1.5 (arts. 108-109); the month's norm
    # 136 h, so the salary is 70,000 / 136 an hour and the minimum wage 85,000 / 136 = 625.
    rate, floor = 70000 / 136, 625.0
    expected = {
        "normal_hours": 136,
        "overtime_hours": 34,
        "rest_day_holiday_hours": 110,  # (10 + 1) days x 10 h
        "due_agreed_pay": 70000,  # a full month's norm earns the salary
        "due_minimum_wage_shortfall": 136 * (floor - rate),  # 15,000
        "due_overtime": 34 * floor * 1.5,
        "due_rest_day_holiday": 110 * floor * 1.5,
    }
    claim = only(arrears(claim_table(MARCH_2024)))
    for name, value in expected.items():
        assert claim[name] == pytest.approx(value, rel=1e-9), name
    assert claim["due_total"] == pytest.approx(sum(v for k, v in expected.items() if k.startswith("due_")))
    assert claim["owed"] == pytest.approx(claim["due_total"] - 40000)
    assert claim["parts"] == 1


def test_a_salary_above_the_minimum_pays_the_salary_for_a_full_month_and_a_share_of_part_of_one():
    fields = {**MARCH_2024, "agreed_pay": 100000, "rest_days_per_week": 2, "hours_per_day": 8, "holidays_worked": None}
    claim = only(arrears(claim_table(fields)))
    assert claim["due_minimum_wage_shortfall"] == 0
    assert claim["overtime_hours"] == 0 and claim["rest_day_holiday_hours"] == 0
    assert claim["due_agreed_pay"] == pytest.approx(100000)
    # 1-15 March: 10 of the month's 17 working days (1, 4-7, 11-15; the 8th is a holiday)
    half = only(arrears(claim_table({**fields, "period_end": "2024-03-15"})))
    assert half["due_agreed_pay"] == pytest.approx(100000 * 10 / 17)
    # February 2024 (leap year): 21 working days, so the same salary is a lower hourly rate
    february = only(arrears(claim_table({**fields, "period_start": "2024-02-01", "period_end": "2024-02-29"})))
    assert february["normal_hours"] == 168 and february["due_agreed_pay"] == pytest.approx(100000)


def test_a_period_across_the_july_2009_rise_is_split_and_each_part_uses_its_minimum_wage():
    fields = {
        **MARCH_2024,
        "period_start": "2009-06-15",
        "period_end": "2009-07-14",
        "agreed_pay": 400,
        "agreed_pay_per": "day",
        "rest_days_per_week": 2,
        "hours_per_day": 8,
    }
    result = arrears(claim_table(fields))
    parts = result.parts.to_pylist()
    assert [(str(p["reference_date"]), str(p["segment_end"])) for p in parts] == [
        ("2009-06-15", "2009-06-30"),
        ("2009-07-01", "2009-07-14"),
    ]
    # June 2009: 22 working days, 12 from the 15th; July: 22 (6 July, Capital Day from 2009, is off), 9 to
    # the 14th. Pay by the day: at least the minimum wage over the year's lowest plausible average monthly
    # hours (163.33 in 2009), which is above the minimum over the month's 176 h.
    for part, mzp, days in zip(parts, (13470, 13717), (12, 9), strict=True):
        assert part["normal_hours"] == days * 8
        assert part["due_minimum_wage_shortfall"] == pytest.approx(days * 8 * (mzp / 163.33 - 400 / 8))
    assert only(result)["due_total"] == pytest.approx(sum(p["due_total"] for p in parts))


def test_the_1999_law_premiums_are_not_known_so_overtime_and_the_total_are_unknown_not_zero():
    fields = {**MARCH_2024, "period_start": "2006-03-01", "period_end": "2006-03-31"}
    claim = only(arrears(claim_table(fields)))
    assert claim["due_minimum_wage_shortfall"] is not None
    assert claim["due_overtime"] is None
    assert claim["due_total"] is None and claim["owed"] is None


def test_pay_in_another_currency_is_unknown_without_the_rate_of_the_day():
    claim = only(arrears(claim_table({**MARCH_2024, "pay_currency": "USD"})))  # no USD rate held for March 2024
    assert claim["due_agreed_pay"] is None and claim["owed"] is None


def test_pay_in_roubles_at_the_national_banks_rate_of_the_day(tmp_path):
    # 1-24 April 2024: 18 of April's 22 working days; 15,000 roubles at 4.76 (NBK, 24 April 2024) = 71,400
    fields = {**MARCH_2024, "period_start": "2024-04-01", "period_end": "2024-04-24", "rest_days_per_week": 2}
    fields |= {"hours_per_day": 8, "agreed_pay": 15000, "pay_currency": "RUB", "pay_received": 5000}
    claim = only(arrears(claim_table(fields)))
    assert claim["due_agreed_pay"] == pytest.approx(71400 * 18 / 22)
    assert claim["due_minimum_wage_shortfall"] == pytest.approx((85000 - 71400) * 18 / 22)
    assert claim["received"] == pytest.approx(5000 * 4.76)
    # a day the shipped rates lack is unknown until the user gives the National Bank's rate of that day
    later = {**fields, "period_start": "2024-05-01", "period_end": "2024-05-31"}
    assert only(arrears(claim_table(later)))["due_agreed_pay"] is None
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,units,kzt\n2024-05-31,RUB,1,4.85\n")
    given = only(arrears(claim_table(later), rates=rates))
    assert given["due_agreed_pay"] == pytest.approx(15000 * 4.85)  # May worked in full


def test_split_points_cover_each_period_exactly_once():
    cuts = np.array(["2020-01-01", "2020-02-01", "2020-03-01", "2020-03-15"], dtype="datetime64[D]")
    starts = np.array(["2020-01-10", "2020-03-20", "2020-02-01"], dtype="datetime64[D]")
    ends = np.array(["2020-03-16", "2020-03-25", "2020-02-01"], dtype="datetime64[D]")
    owner, first, last, k = split_points(starts, ends, cuts)
    assert owner.tolist() == [0, 0, 0, 0, 1, 2]
    assert [str(d) for d in first] == [
        "2020-01-10",
        "2020-02-01",
        "2020-03-01",
        "2020-03-15",
        "2020-03-20",
        "2020-02-01",
    ]
    assert [str(d) for d in last] == [
        "2020-01-31",
        "2020-02-29",
        "2020-03-14",
        "2020-03-16",
        "2020-03-25",
        "2020-02-01",
    ]
    assert k.tolist() == [0, 1, 2, 3, 0, 0]


def test_a_table_of_claims_keeps_its_rows_and_order(tmp_path):
    rows = [
        {**MARCH_2024, "id": "b"},
        {**MARCH_2024, "id": "a", "period_start": "2015-12-01", "period_end": "2016-01-31"},
        {**MARCH_2024, "id": "c", "pay_received": 10**6},
    ]
    table = pa.table({k: [str(r[k]) for r in rows] for k in rows[0]})
    path = tmp_path / "claims.csv"
    pa.csv.write_csv(table, path)
    result = arrears(path)
    claims = result.claims.to_pylist()
    assert [c["id"] for c in claims] == ["b", "a", "c"]
    assert claims[1]["parts"] == 2  # the 2007 Code in December, the 2015 Code in January
    assert claims[2]["owed"] == 0  # paid more than due: nothing owed, never a negative debt
    assert claims[0]["owed"] == pytest.approx(only(arrears(claim_table(MARCH_2024)))["owed"])


def test_bad_periods_name_row_and_column(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("id,period_start,period_end,hours_per_day\nx,2024-03-10,2024-03-01,8\ny,2024-03-01,,8\n")
    with pytest.raises(DataError) as info:
        arrears(path)
    assert {(p.row, p.column) for p in info.value.problems} == {(2, "period_end")}
    path.write_text("id,period_start,period_end,hours_per_day\nx,2024-03-10,2024-03-01,8\n")
    with pytest.raises(DataError) as info:
        arrears(path)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(1, "period_end", "2024-03-01")]


def test_cli_one_worker_prints_items_and_writes_a_statement_in_russian(tmp_path):
    out = tmp_path / "statement.html"
    args = [
        "--lang",
        "ru",
        "arrears",
        "--from",
        "2024-03-01",
        "--to",
        "2024-03-31",
        "--hours-per-day",
        "10",
        "--rest-days-per-week",
        "0",
        "--holidays-worked",
        "1",
        "--agreed-pay",
        "70000",
        "--per",
        "month",
        "--received",
        "40000",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli, args, env={"TTY_COMPATIBLE": "1"})  # a terminal: a table for a person
    assert result.exit_code == 0, result.output
    assert "Недоплата" in result.output and "15\u00a0000,00" in result.output  # (85,000 - 70,000) for a full month
    html = out.read_text(encoding="utf-8")
    assert "Расчёт задолженности по заработной плате" in html
    assert "Трудовой кодекс РК от 23.11.2015" in html and "ст. 108" in html
    assert "85\u00a0000" in html and "165,33" not in html  # the law values used (not the year's average hours)
    annex = html.split("Приложение-расчёт")[1].split("</table>")[0]
    assert "2024-03-01 – 2024-03-31" in annex
    # norm, within the norm, overtime, rest days and holidays (10 + 1 worked), rate, due, paid, owed
    for cell in ("136", "34", "110", "625,00", "40\u00a0000,00"):
        assert f"<td>{cell}</td>" in annex, cell
    assert "официальный календарь рабочего времени (holidays" in html


def test_cli_reads_a_claim_file_and_prints_json(tmp_path):
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(MARCH_2024))
    result = CliRunner().invoke(cli, ["arrears", "--file", str(claim), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["claim"]["owed"] == pytest.approx(only(arrears(claim_table(MARCH_2024)))["owed"])
    labels = [i["label"] for i in data["items"]]
    assert "Owed (due less received)" in labels and not any("beyond the legal limit" in x for x in labels)


def test_cli_table_of_claims_to_parquet(tmp_path):
    src = tmp_path / "claims.csv"
    pa.csv.write_csv(pa.table({k: [str(v)] for k, v in {**MARCH_2024, "id": "w1"}.items()}), src)
    out = tmp_path / "owed.parquet"
    result = CliRunner().invoke(cli, ["arrears", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output

    table = pq.read_table(out)
    assert table.column("owed").to_pylist()[0] > 0
    assert b"labourwatch" in table.schema.metadata


def test_chunks_give_the_same_result_as_one_pass(monkeypatch):
    rows = [{**MARCH_2024, "id": f"w{i}", "hours_per_day": 8 + i % 4} for i in range(7)]
    table = pa.table({k: [str(r[k]) for r in rows] for k in rows[0]})
    whole = arrears(table).claims.column("owed").to_pylist()
    monkeypatch.setattr("labourwatch.services.arrears.CHUNK", 3)
    chunked = arrears(table)
    assert chunked.claims.column("owed").to_pylist() == pytest.approx(whole)
    assert chunked.parts.column("claim_row").to_pylist() == list(range(1, 8))


def test_the_readme_examples_run(tmp_path):
    """examples/claim.yaml and examples/claims.csv, as the README uses them."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples"
    result = CliRunner().invoke(cli, ["arrears", "--file", str(root / "claim.yaml"), "-o", str(tmp_path / "s.html")])
    assert result.exit_code == 0, result.output
    table = arrears(root / "claims.csv").claims.to_pylist()
    assert [c["id"] for c in table] == ["SYN-C1", "SYN-C2", "SYN-C3", "SYN-C4"]
    assert table[3]["owed"] is None  # 2006: the 1999 Law's premiums are not known
    assert all(c["owed"] is not None and c["owed"] > 0 for c in table[:3])


# Time limits (2015 Code art. 160; Constitutional Court resolution of 8 June 2026 No. 81-NP), read at the
# day of the claim. March 2024 is paid by 10 April 2024: the year of art. 160 can run out from 31 March
# 2025 at the earliest, and a court hears a wage claim for three years from 8 June 2026.
@pytest.mark.parametrize(
    ("claimed", "at_risk", "barred"),
    [
        ("2024-05-01", False, False),  # well within the year
        ("2025-01-01", True, False),  # within 90 days of the earliest end of the year
        ("2025-05-01", True, False),  # the year may have run out (payday may have been 10 April)
        ("2025-05-15", False, True),  # 410 days: more than a year (366) after the latest payday (41)
        ("2026-03-01", False, True),
        ("2026-11-30", True, False),  # after the ruling: three years in court, so at risk again
        ("2027-05-01", True, False),
        ("2027-05-20", False, True),  # 1,145 days: past 3 x 366 + 41
    ],
)
def test_time_limits_are_those_of_the_day_of_the_claim(claimed, at_risk, barred):
    claim = only(arrears(claim_table(MARCH_2024), claim_date=date.fromisoformat(claimed)))
    assert claim["claim_date"] == date.fromisoformat(claimed)
    assert claim["due_at_risk"] == pytest.approx(claim["due_total"] if at_risk else 0)
    assert claim["due_time_barred"] == pytest.approx(claim["due_total"] if barred else 0)


def test_a_year_after_payday_is_past_the_limit_before_the_ruling():
    # Claimed on 1 June 2025: 427 days after 31 March 2024, more than 366 + 31 + 10, so surely past a year.
    claim = only(arrears(claim_table(MARCH_2024), claim_date=date(2025, 6, 1)))
    assert claim["due_time_barred"] == pytest.approx(claim["due_total"])
    assert claim["due_at_risk"] == 0


def test_each_period_is_claimed_on_its_own_claim_date_and_blank_ones_on_the_default():
    table = pa.concat_tables(
        [claim_table({**MARCH_2024, "claim_date": "2025-05-15"}, "a"), claim_table(MARCH_2024, "b")],
        promote_options="default",
    )
    claims = arrears(table, claim_date=date(2024, 5, 1)).claims.to_pylist()
    assert [c["claim_date"] for c in claims] == [date(2025, 5, 15), date(2024, 5, 1)]
    assert claims[0]["due_time_barred"] == pytest.approx(claims[0]["due_total"]) and claims[1]["due_time_barred"] == 0


def test_time_limits_are_unknown_before_the_law_that_sets_them_is_known():
    claim = only(arrears(claim_table(MARCH_2024), claim_date=date(2012, 1, 1)))
    assert claim["due_at_risk"] is None and claim["due_time_barred"] is None


def test_deductions_beyond_half_the_pay_are_shown_within_what_is_owed():
    # 40,000 received after 50,000 deducted: the limit is half of 90,000, so 5,000 no basis can cover.
    claim = only(arrears(claim_table({**MARCH_2024, "deductions": 50000})))
    assert claim["deducted_over_limit"] == pytest.approx(5000)
    assert claim["owed"] == pytest.approx(only(arrears(claim_table(MARCH_2024)))["owed"])  # already in it
    assert only(arrears(claim_table({**MARCH_2024, "deductions": 40000})))["deducted_over_limit"] == 0


def march_2024_json(*flags: str) -> dict:
    """`labourwatch arrears --json` for March 2024 (no public holiday worked) with these flags."""
    args = ["arrears", "--from", "2024-03-01", "--to", "2024-03-31", "--holidays-worked", "0", "--json", *flags]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_claim_date_and_deductions_in_the_statement():
    data = march_2024_json(
        *("--hours-per-day", "10", "--rest-days-per-week", "0", "--agreed-pay", "70000", "--per", "month"),
        *("--received", "40000", "--deductions", "50000", "--claim-date", "2028-12-01"),
    )
    items = {i["label"]: i for i in data["items"]}
    assert items["Deducted beyond the legal limit (within what is owed)"]["amount"] == "5,000.00"
    assert "art. 115(3)" in items["Deducted beyond the legal limit (within what is owed)"]["basis"]
    barred = items["Of the total, past the time limits on 2028-12-01 (if the employer pleads them)"]
    assert barred["amount"] == items["Total due"]["amount"] and "81-NP" in barred["basis"]


def test_unused_leave_is_compensated_at_the_pay_due_per_calendar_day():
    # January to June 2024 (182 days): 24 x 182 / 365 days of leave earned, 5 taken; art. 96(2).
    half_year = {**MARCH_2024, "period_start": "2024-01-01", "period_end": "2024-06-30", "holidays_worked": 0}
    without = only(arrears(claim_table(half_year)))
    claim = only(arrears(claim_table({**half_year, "leave_days_taken": 5})))
    earned, per_day = 24 * 182 / 365, without["due_total"] / 182
    assert without["due_unused_leave"] is None  # not asked: no compensation counted, and the total stands
    assert claim["due_unused_leave"] == pytest.approx((earned - 5) * per_day)
    assert claim["due_total"] == pytest.approx(without["due_total"] + claim["due_unused_leave"])
    assert only(arrears(claim_table({**half_year, "leave_days_taken": 30})))["due_unused_leave"] == 0


def test_cli_night_hours_and_a_minors_normal_day():
    data = march_2024_json(
        *("--hours-per-day", "8", "--rest-days-per-week", "2", "--agreed-pay", "100000", "--per", "month"),
        *("--received", "0", "--night-hours-per-day", "2", "--age", "17"),
    )
    adult = only(arrears(claim_table({**MARCH_2024, "hours_per_day": 8, "rest_days_per_week": 2, "age": 30})))
    assert adult["overtime_hours"] == 0 and data["claim"]["overtime_hours"] > 0  # 0.8 h a day beyond 7 h 12 min
    assert data["claim"]["night_hours"] == 17 * 2  # two a day on March's 17 working days
    labels = {i["label"]: i for i in data["items"]}
    assert "art. 110" in labels["Night work, the premium on top of the hour's pay"]["basis"]


# The penalty for late pay (2015 Code art. 113(3)): 1.25 x the National Bank's rate a year of the day of
# payment (here the day of the claim), for each calendar day from the day after payday (the 10th of the
# next month); what was received settles the oldest months first.
FIRST_QUARTER_2024 = {**MARCH_2024, "period_start": "2024-01-01", "period_end": "2024-03-31", "hours_per_day": 8}
FIRST_QUARTER_2024 |= {"rest_days_per_week": 2, "holidays_worked": 0, "agreed_pay": 100000, "pay_received": 150000}


def test_the_late_pay_penalty_by_hand():
    result = arrears(claim_table(FIRST_QUARTER_2024), claim_date=date(2025, 12, 1))
    due = {p["reference_date"].month: p["due_total"] for p in result.parts.to_pylist()}
    owed_february = due[1] + due[2] - 150000  # January is paid in full, February in part
    days_february, days_march = (
        (date(2025, 12, 1) - date(2024, 3, 10)).days,
        (date(2025, 12, 1) - date(2024, 4, 10)).days,
    )
    expected = (owed_february * days_february + due[3] * days_march) * 1.25 * 0.18 / 365  # 18 %: rate of Oct 2025
    assert only(result)["late_pay_penalty"] == pytest.approx(expected)
    assert {p["reference_date"].month: p["late_pay_penalty"] for p in result.parts.to_pylist()}[1] == 0


def test_the_penalty_needs_the_rate_of_the_day_of_the_claim():
    assert only(arrears(claim_table(FIRST_QUARTER_2024), claim_date=date(2026, 11, 30)))["late_pay_penalty"] is None
    given = only(arrears(claim_table(FIRST_QUARTER_2024), claim_date=date(2026, 11, 30), base_rate=16.0))
    held = only(arrears(claim_table(FIRST_QUARTER_2024), claim_date=date(2025, 12, 1), base_rate=16.0))
    assert given["late_pay_penalty"] > held["late_pay_penalty"] > 0  # more days late, the same rate
    assert only(arrears(claim_table({**FIRST_QUARTER_2024, "pay_received": 400000})))["late_pay_penalty"] == 0


def test_a_change_of_the_rate_of_the_day_of_the_claim_does_not_split_a_period():
    assert only(arrears(claim_table(FIRST_QUARTER_2024)))["parts"] == 3  # the base rate changed on 22 January


def test_a_count_of_days_worked_alone_counts_the_days_beyond_the_calendars_as_rest_days():
    # 26 days in March 2024 (17 working days): 17 normal days and 9 rest days or holidays at 1.5 x 625
    fields = {**MARCH_2024, "hours_per_day": 8, "days_worked": 26, "rest_days_per_week": None, "holidays_worked": None}
    claim = only(arrears(claim_table(fields)))
    assert (claim["normal_hours"], claim["rest_day_holiday_hours"]) == (136, 72)
    assert claim["due_total"] == pytest.approx(70000 + 15000 + 72 * 625 * 1.5)


def test_the_statement_says_why_an_amount_is_unknown(tmp_path):
    no_rate = [*("--currency", "RUB", "--from", "2024-05-01", "--to", "2024-05-31", "--rest-days-per-week", "2")]
    no_days = ["--from", "2024-05-01", "--to", "2024-05-31"]
    for flags, reason in (
        (no_rate, "No official rate of the National Bank for RUB on 2024-05-31"),
        (no_days, "Neither"),
    ):
        out = tmp_path / "statement.html"
        args = ["arrears", *flags, "--hours-per-day", "8", "--agreed-pay", "15000", "--per", "month", "--received", "0"]
        result = CliRunner().invoke(cli, [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert reason in result.output and reason in out.read_text(encoding="utf-8")
        out.unlink()
