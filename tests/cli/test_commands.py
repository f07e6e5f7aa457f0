"""The command line: every command has help, works on the demo path, and fails cleanly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from labourwatch.cli import cli
from tests.builtin import ALL_PACKS

COMMANDS = [
    "assess",
    "explain",
    "sensitivity",
    "estimate",
    "crosstab",
    "anonymity",
    "export",
    "report",
    "questionnaire",
    "import",
    "map",
    "arrears",
    "packs",
    "variables",
    "synth",
    "tables",
    "demo",
    "docs",
    "test-packs",
]


def run(*args: str, lang: str | None = None):
    prefix = ["--lang", lang] if lang else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_everywhere(command):
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_synth_assess_explain(tmp_path):
    data, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    assert run("synth", "-n", "300", "--seed", "3", "-o", str(data)).exit_code == 0
    result = run("assess", str(data), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()
    result = run("explain", str(data), "--id", "SYN-000002", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["record"]["id"] == "SYN-000002"
    result = run("explain", str(data), "--id", "SYN-000002", "--finding", "no_written_contract", lang="ru")
    assert "Нет письменного трудового договора" in result.output
    # --lang after the command too, as users (and the issue) write it
    result = run("explain", str(data), "--id", "SYN-000002", "--finding", "no_written_contract", "--lang", "ru")
    assert result.exit_code == 0 and "Нет письменного трудового договора" in result.output


def test_bad_data_exits_1_and_lists_problems(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("id,reference_date,hours_per_day\n" + "".join(f"{i},2016-03-01,30\n" for i in range(25)))
    result = run("assess", str(data), "-o", str(tmp_path / "out.parquet"))
    assert result.exit_code == 1
    assert "25 problem(s)" in result.output
    assert "hours_per_day" in result.output and "'30'" in result.output
    listed = (tmp_path / "out.parquet.problems.csv").read_text().splitlines()
    assert listed[0] == "file,row,column,value,problem" and len(listed) == 26


def test_packs_and_variables_json():
    packs = json.loads(run("packs", "--json").output)
    assert {p["id"] for p in packs} == ALL_PACKS
    mzp = json.loads(run("packs", "kz-labour", "--parameter", "wages.mzp", "--json").output)[0]["parameters"][0]
    assert mzp["values"][0] == {**mzp["values"][0], "from": "2006-01-01", "value": 9200}
    variables = json.loads(run("variables", "--json").output)
    assert any(v["name"] == "hours_per_day" and v["max"] == 24 for v in variables)


def test_as_of_and_law_together_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["assess", "x.csv", "-o", "y.parquet", "--as-of", "2010-01-01", "--law", "a"])
    assert result.exit_code == 2


def test_errors_never_show_a_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "labourwatch",
            "assess",
            str(tmp_path / "missing.csv"),
            "-o",
            str(tmp_path / "o.parquet"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "no such file" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "labourwatch",
            "--lang",
            "ru",
            "explain",
            str(tmp_path / "missing.csv"),
            "--id",
            "1",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "Ошибка" in proc.stderr


def test_pack_tests_from_the_command_line():
    result = run("test-packs", "kz-migration")
    assert result.exit_code == 0
    assert result.output.strip().endswith("passed, 0 failed")


def test_calibrated_osce_sample_through_csv(tmp_path):
    import duckdb

    data, out = tmp_path / "osce.csv", tmp_path / "osce.parquet"
    assert run("synth", "--calibrated", "-o", str(data)).exit_code == 0
    assert run("assess", str(data), "-o", str(out), "--pack", "osce-kz-2006").exit_code == 0
    counts = dict(duckdb.sql(f"SELECT compliance, count(*) FROM '{out}' GROUP BY 1").fetchall())
    assert counts == {"non_compliant": 227, "semi_compliant": 853, "compliant": 265, "unknown": 155}


def test_set_a_reading_from_the_command_line(tmp_path):
    data = tmp_path / "r.csv"
    data.write_text(
        "id,reference_date,migration_card,residence_registration,written_contract,employer_licence\n"
        "a,2006-11-10,yes,yes,no,yes\n"
    )
    result = run("explain", str(data), "--id", "a", "--finding", "compliance", "--json")
    assert json.loads(result.output)["results"][0]["result"] == "compliant"
    setting = "reading.licence_counts_as_contract=false"
    result = run("explain", str(data), "--id", "a", "--finding", "compliance", "--json", "--set", setting)
    assert json.loads(result.output)["results"][0]["result"] == "semi_compliant"
    bad = CliRunner().invoke(cli, ["explain", str(data), "--id", "a", "--set", "wages.mzp=1"])
    assert bad.exit_code != 0
