"""Money owed: each amount against a hand computation from the Labour Code's values, the split of a
period at a change of the minimum wage, unknowns, a table of claims, the CLI and the statement."""

from __future__ import annotations

import json

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
    # 2015 Code: 40 h over 5 days (8 h a day); overtime and rest-day/holiday work at 1.5 (arts. 108-109);
    # 2024: minimum wage 85,000 over 165.33 average monthly hours.
    worked, holidays = 31.0, 1.0  # every day of March
    rest = (worked - holidays) * (7 - 5) / 7  # days beyond the five-day week
    normal_days = worked - holidays - rest
    agreed_rate, floor = 70000 / 165.33, 85000 / 165.33
    expected = {
        "normal_hours": normal_days * 8,
        "overtime_hours": normal_days * 2,
        "rest_day_holiday_hours": (rest + holidays) * 10,
        "due_agreed_pay": normal_days * 8 * agreed_rate,
        "due_minimum_wage_shortfall": normal_days * 8 * (floor - agreed_rate),
        "due_overtime": normal_days * 2 * floor * 1.5,
        "due_rest_day_holiday": (rest + holidays) * 10 * floor * 1.5,
    }
    claim = only(arrears(claim_table(MARCH_2024)))
    for name, value in expected.items():
        assert claim[name] == pytest.approx(value, rel=1e-9), name
    assert claim["due_total"] == pytest.approx(sum(v for k, v in expected.items() if k.startswith("due_")))
    assert claim["owed"] == pytest.approx(claim["due_total"] - 40000)
    assert claim["parts"] == 1


def test_pay_above_the_floor_has_no_shortfall_and_premiums_use_the_agreed_rate():
    claim = only(
        arrears(
            claim_table(
                {**MARCH_2024, "agreed_pay": 100000, "holidays_worked": 0, "rest_days_per_week": 2, "hours_per_day": 8}
            )
        )
    )
    assert claim["due_minimum_wage_shortfall"] == 0
    assert claim["overtime_hours"] == 0
    assert claim["rest_day_holiday_hours"] == 0
    assert claim["due_agreed_pay"] == pytest.approx(31 * 5 / 7 * 8 * 100000 / 165.33)


def test_a_period_across_the_july_2009_rise_is_split_and_each_part_uses_its_minimum_wage():
    fields = {
        **MARCH_2024,
        "period_start": "2009-06-15",
        "period_end": "2009-07-14",
        "agreed_pay": 400,
        "agreed_pay_per": "day",
        "rest_days_per_week": 2,
        "holidays_worked": 0,
        "hours_per_day": 8,
    }
    result = arrears(claim_table(fields))
    parts = result.parts.to_pylist()
    assert [(str(p["reference_date"]), str(p["segment_end"])) for p in parts] == [
        ("2009-06-15", "2009-06-30"),
        ("2009-07-01", "2009-07-14"),
    ]
    for part, mzp, days in zip(parts, (13470, 13717), (16, 14), strict=True):
        hours = days * 5 / 7 * 8
        # 2009: 163.33 h, the lowest plausible average monthly hours (no balance found for 2009)
        assert part["due_minimum_wage_shortfall"] == pytest.approx(hours * (mzp / 163.33 - 400 / 8))
    assert only(result)["due_total"] == pytest.approx(sum(p["due_total"] for p in parts))


def test_the_1999_law_premiums_are_not_known_so_overtime_and_the_total_are_unknown_not_zero():
    fields = {**MARCH_2024, "period_start": "2006-03-01", "period_end": "2006-03-31"}
    claim = only(arrears(claim_table(fields)))
    assert claim["due_minimum_wage_shortfall"] is not None
    assert claim["due_overtime"] is None
    assert claim["due_total"] is None and claim["owed"] is None


def test_pay_in_another_currency_is_unknown():
    claim = only(arrears(claim_table({**MARCH_2024, "pay_currency": "USD"})))
    assert claim["due_agreed_pay"] is None and claim["owed"] is None


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
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Недоплата" in result.output and "154\u00a0999,61" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Расчёт задолженности по заработной плате" in html
    assert "Трудовой кодекс РК от 23.11.2015" in html and "art. 108" in html
    assert "165,33" in html  # the law value used, as Russian writes it


def test_cli_reads_a_claim_file_and_prints_json(tmp_path):
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(MARCH_2024))
    result = CliRunner().invoke(cli, ["arrears", "--file", str(claim), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["claim"]["owed"] == pytest.approx(only(arrears(claim_table(MARCH_2024)))["owed"])
    assert [i["label"] for i in data["items"]][-1] == "Owed (due less received)"


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
