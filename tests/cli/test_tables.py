"""What a person sees (#15): every table a command prints fits a terminal of 80 columns without cutting a
key, and is TSV when stdout is a pipe; numbers in the signs of the language; amounts to the tiyn; no
library warnings."""

from __future__ import annotations

import csv
import io
import re
import warnings
from decimal import Decimal
from pathlib import Path

import click
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.services.synthetic import write_table
from labourwatch.studies.osce import calibrated_sample
from tests.stats.test_survey_r import DATA

# TTY_COMPATIBLE says whether stdout is a terminal (cli.common.stdout_is_terminal), as rich reads it.
TERMINAL = {"COLUMNS": "80", "TTY_COMPATIBLE": "1"}
PIPE = {"TTY_COMPATIBLE": "0"}
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MARCH = ["--from", "2024-03-01", "--to", "2024-03-31", "--hours-per-day", "10", "--rest-days-per-week", "0"]
MARCH += ["--agreed-pay", "70000", "--per", "month", "--received", "40000", "--claim-date", "2024-06-01"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    survey = pd.read_csv(DATA / "mw_survey.csv")
    for name in ("forced", "wage_theft", "docs_held"):
        survey[name] = survey[name].map({1: "true", 0: "false"})
    survey.to_csv(folder / "survey.csv", index=False)
    write_table(calibrated_sample(2006, 300), folder / "osce.csv", note="SYNTHETIC")
    return folder


def commands(folder: Path) -> dict[str, list[str]]:
    survey, osce = str(folder / "survey.csv"), str(folder / "osce.csv")
    return {
        "tables": ["tables", osce],
        "estimate": [
            "estimate",
            survey,
            "--by",
            "sex",
            "--weights",
            "weight",
            "--finding",
            "forced",
            "--finding",
            "wage_theft",
        ],
        "crosstab": ["crosstab", survey, "sector", "forced", "--weights", "weight"],
        "sensitivity": ["sensitivity", osce, "--pack", "osce-kz-2006"],
        "packs": ["packs", "kz-labour", "--parameter", "wages.mzp"],
        "variables": ["variables"],
        "calendar": ["calendar", "2024"],
        "anonymity": ["anonymity", survey, "--qi", "sex", "--qi", "sector"],
        "arrears": ["arrears", *MARCH],
    }


def run(args: list[str], env: dict[str, str], lang: str = "en") -> Result:
    result = CliRunner().invoke(cli, ["--lang", lang, *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def blocks(stdout: str) -> list[list[list[str]]]:
    """The TSV tables of stdout, which a blank line separates."""
    return [list(csv.reader(io.StringIO(part), delimiter="\t")) for part in stdout.strip("\n").split("\n\n")]


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize(
    "command",
    ["tables", "estimate", "crosstab", "sensitivity", "packs", "variables", "calendar", "anonymity", "arrears"],
)
def test_at_a_terminal_of_80_columns_every_line_fits_and_nothing_is_cut(inputs, command, lang):
    shown = click.unstyle(run(commands(inputs)[command], TERMINAL, lang).stdout)
    long = [line for line in shown.splitlines() if len(line) > 80]
    assert not long, long[:3]
    assert not re.search(r"\w…", shown) and "\t" not in shown  # nothing cut short (… alone: an open end)


def test_sensitivity_keys_stay_distinct(inputs):
    """A result, its value and a reading name each line: before, long ones were cut alike (icls_inv_e_very_…)."""
    rows = blocks(run(commands(inputs)["sensitivity"], PIPE).stdout)[0]
    assert rows[0] == ["result", "value", "reading", "records_default", "records_reading"]
    keys = [tuple(r[:3]) for r in rows[1:]]
    assert len(keys) == len(set(keys)) > 0
    assert all(r[2].startswith("osce-kz-2006:reading.") for r in rows[1:])
    shown = click.unstyle(run(commands(inputs)["sensitivity"], TERMINAL).stdout)
    assert "osce-kz-2006:reading.licence_" in shown and "counts_as_contract=false" in shown  # broken, not cut
    assert not re.search(r"\w…", shown)


def test_in_a_pipe_tables_are_tsv(inputs):
    argv = commands(inputs)
    expected = {
        "tables": ["table", "row", "column", "class_size", "answered", "computed", "published", "difference"],
        "estimate": ["finding", "domain", "known", "unknown", "not_measured", "percent", "ci_lower", "ci_upper"],
        "crosstab": ["sector", "false", "true", "total"],
        "packs": ["pack", "parameter", "from", "value", "status", "reference"],
        "variables": ["name", "type", "label", "values"],
        "calendar": ["month", "working_days", "hours", "balance_days"],
        "arrears": ["item", "tenge", "basis"],
    }
    for command, header in expected.items():
        result = run(argv[command], PIPE, "ru")  # TSV speaks no language: English names, plain numbers
        assert not re.search(r"[─━│┃┏┡└]", result.stdout), command
        table = blocks(result.stdout)[0]
        assert table[0][: len(header)] == header, command
        assert all(len(row) == len(table[0]) for row in table), command
        assert all(cell == cell.strip() for row in table for cell in row), command  # no padding
        assert all(row for row in table), command
    tables = blocks(run(argv["tables"], PIPE).stdout)[0]
    uzb = next(r for r in tables if r[:3] == ["table1", "UZB", "construction"])
    assert uzb[3:5] == ["", ""] and int(uzb[7]) == int(uzb[5]) - int(uzb[6])
    assert any(r[0] == "table3" and r[1] == "works_over_11_hours" and r[2] == "compliant" for r in tables)
    estimates = blocks(run(argv["estimate"], PIPE).stdout)[0]
    forced = next(r for r in estimates if r[:2] == ["forced", "(all)"])
    assert float(forced[5]) == pytest.approx(float(forced[6]) / 2 + float(forced[7]) / 2, abs=15)
    assert estimates[0][-2:] == ["f", "p"]  # the test of association, per finding
    packs = blocks(run(argv["packs"], PIPE).stdout)[0]
    assert packs[1][:4] == ["kz-labour", "wages.mzp", "2006-01-01", "9200"]
    calendar = blocks(run(argv["calendar"], PIPE).stdout)
    assert len(calendar[0]) == 14 and calendar[0][-1][:3] == ["total", "249", "1992"]
    assert calendar[1][0] == ["date", "kind", "holiday"] and ["2024-01-01", "holiday", "New Year"] in calendar[1]


def test_in_a_pipe_notes_go_to_stderr(inputs):
    result = run(commands(inputs)["tables"], PIPE)
    assert "Anderson & Hancilova" in result.stderr and "Anderson" not in result.stdout
    assert str(inputs / "osce.csv") in result.stderr  # the input named, not a placeholder
    assert "INPUT" not in result.stderr


def test_tables_prints_tables_not_python_dicts(inputs):
    shown = click.unstyle(run(commands(inputs)["tables"], TERMINAL).stdout)
    assert "{" not in shown and "'" not in shown
    assert re.search(r"compliance\s+non_compliant\s+\d+\s+227", shown)  # computed beside the published
    assert "Computed figures: from" in shown


def test_russian_numbers_use_a_no_break_space_and_a_decimal_comma(inputs):
    argv = commands(inputs)
    crosstab = click.unstyle(run(argv["crosstab"], TERMINAL, "ru").stdout)
    assert "1\u00a0450" in crosstab and "1,450" not in crosstab  # the grand total
    assert "1,450" in click.unstyle(run(argv["crosstab"], TERMINAL, "en").stdout)
    estimates = click.unstyle(run(argv["estimate"], TERMINAL, "ru").stdout)
    assert re.search(r"\d,\d–\d+,\d", estimates)  # an interval with decimal commas
    assert "Строительство" in crosstab and "construction" not in crosstab  # the questionnaire's labels
    assert "Все" in estimates and "(all)" not in estimates  # M and F are shown as they are (not its codes)
    calendar = click.unstyle(run(argv["calendar"], TERMINAL, "ru").stdout)
    assert "1\u00a0992" in calendar  # the year's normal hours
    arrears = click.unstyle(run(argv["arrears"], TERMINAL, "ru").stdout)
    assert "70\u00a0000,00" in arrears


def test_arrears_amounts_are_written_to_the_tiyn(tmp_path):
    money = ("due_total", "owed", "received", "due_overtime", "due_rest_day_holiday", "due_minimum_wage_shortfall")
    out = tmp_path / "owed.csv"
    run(["arrears", str(EXAMPLES / "claims.csv"), "-o", str(out)], PIPE)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(re.fullmatch(r"-?\d+\.\d{2}", row[name]) for row in rows for name in money if row[name])
    assert any(row["owed"] == "300425.66" for row in rows)  # 300425.65851...: a half rounded up
    parquet = tmp_path / "owed.parquet"
    run(["arrears", str(EXAMPLES / "claims.csv"), "-o", str(parquet)], PIPE)
    table = pq.read_table(parquet)
    assert table.schema.field("owed").type.scale == 2
    assert all(v is None or v == v.quantize(Decimal("0.01")) for v in table.column("owed").to_pylist())
    single = run(["arrears", *MARCH, "--json"], PIPE).stdout
    assert not re.search(r"\d\.\d{3,}", single)  # no amount with more than two decimals


def test_export_writes_no_library_warnings(tmp_path):
    """pandas warned ~200 times that the frame was fragmented, a column added at a time."""
    assessed = tmp_path / "assessed.parquet"
    api.assess_file(calibrated_sample(2006, 60), assessed)  # every pack: some 300 columns
    for suffix in (".sav", ".dta", ".xlsx"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = run(["export", str(assessed), "-o", str(tmp_path / f"out{suffix}")], PIPE, "ru")
        assert not caught, (suffix, [str(w.message)[:80] for w in caught[:3]])
        assert "Warning" not in result.stderr
