"""Every output in Russian holds no English: the tables, explanations, statements and reports a person
reads (at a terminal, as HTML), checked with tests/russian.py's allow-list of codes and names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from labourwatch.cli import cli
from labourwatch.i18n import t
from tests.russian import english_words, page_text, prose

TERMINAL = {"TTY_COMPATIBLE": "1", "COLUMNS": "300"}  # wide: no identifier broken over lines
RULE_LINES = (f"{t('rule', 'ru')}:", f"{t('decided_by', 'ru')}:")  # a rule as the pack writes it: code
COMMANDS = sorted(cli.commands)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("russian")
    runner = CliRunner()
    for argv in (
        ["synth", "-n", "300", "-o", str(here / "in.csv")],
        ["synth", "--calibrated", "-n", "300", "-o", str(here / "osce.csv")],
        ["assess", str(here / "in.csv"), "-o", str(here / "assessed.parquet")],
    ):
        assert runner.invoke(cli, argv).exit_code == 0
    return here


def russian(*argv: str) -> str:
    result = CliRunner(env=TERMINAL).invoke(cli, ["--lang", "ru", *argv], prog_name="labourwatch")
    assert result.exit_code == 0, result.output
    return prose(result.stdout, RULE_LINES)


MARCH = ["--rest-days-per-week", "0", "--agreed-pay", "70000", "--received", "0", "--holidays-worked", "0"]
OUTPUTS = {
    "explain": ["explain", "{in.csv}", "--id", "SYN-000001", "--details"],
    "explain-situation": ["explain", "{in.csv}", "--id", "SYN-000001", "--finding", "situation"],
    "tables": ["tables", "{osce.csv}"],
    "arrears": ["arrears", "--from", "2024-03-01", "--to", "2024-03-31", "--hours-per-day", "10", *MARCH],
    "calendar": ["calendar", "2024"],
    "estimate": ["estimate", "{assessed.parquet}", "--by", "sex"],
    "crosstab": ["crosstab", "{assessed.parquet}", "sector", "no_written_contract"],
    "anonymity": ["anonymity", "{assessed.parquet}", "--qi", "sex", "--qi", "age"],
    "packs": ["packs"],
    "variables": ["variables"],
}


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_a_command_prints_no_english_in_russian(folder, name):
    argv = [str(folder / a[1:-1]) if a.startswith("{") else a for a in OUTPUTS[name]]
    assert english_words(russian(*argv), set(COMMANDS)) == set()


def test_pages_print_no_english_in_russian(folder):
    """The survey report, one worker's explanation and the statement of wages owed, as HTML."""
    pages = {
        "report.html": ["report", str(folder / "assessed.parquet"), "--by", "sector"],
        "worker.html": ["explain", str(folder / "in.csv"), "--id", "SYN-000001", "--details"],
        "statement.html": ["arrears", "--file", str(EXAMPLES / "claim.yaml")],
    }
    for page, argv in pages.items():
        russian(*argv, "-o", str(folder / page))
        text = prose(page_text((folder / page).read_text(encoding="utf-8")), RULE_LINES)
        assert english_words(text, set(COMMANDS)) == set(), page


def test_the_check_finds_english_where_there_is_english(folder):
    english = CliRunner(env=TERMINAL).invoke(cli, ["estimate", str(folder / "assessed.parquet"), "--by", "sex"])
    assert {"Prevalence", "Known", "Unknown"} <= english_words(english.stdout)
