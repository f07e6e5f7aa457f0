"""Tables 1–3 recomputed from microdata: counts, percentages of those answering, and their denominators."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from labourwatch.api import assess
from labourwatch.cli import cli
from labourwatch.studies.osce import corrected_table1
from labourwatch.studies.tables import osce_tables

BASE = {"reference_date": "2006-11-10", "citizenship": "UZB", "sector": "agriculture"}
NON = {"migration_card": "no", "residence_registration": "no", "work_legal_self_report": "no"}
COMPLIANT = {"migration_card": "yes", "residence_registration": "yes", "written_contract": "yes"}


def test_percentages_are_of_those_answering():
    records = pd.DataFrame(
        [
            {**BASE, **NON, "id": "1", "hours_per_day": "12", "sector": "construction"},
            {**BASE, **NON, "id": "2", "hours_per_day": "10", "citizenship": "ARM"},
            {**BASE, **COMPLIANT, "id": "3", "hours_per_day": ""},
            {**BASE, **COMPLIANT, "id": "4", "hours_per_day": "11.5", "sector": ""},
        ]
    )
    result = osce_tables(assess(records, packs=["osce-kz-2006"]).table)
    over11 = {c["class"]: c for c in result["table3"]["rows"]["works_over_11_hours"]}
    assert (over11["non_compliant"]["percent"], over11["non_compliant"]["answered"]) == (50.0, 2)
    assert (over11["compliant"]["percent"], over11["compliant"]["answered"]) == (100.0, 1)
    assert over11["compliant"]["difference"] == 80.0  # published: 20
    assert over11["semi_compliant"]["percent"] is None
    rows = result["table1"]["rows"]
    assert rows["UZB"]["computed"][:2] == [1, 1] and rows["other"]["computed"][0] == 1
    assert result["table1"]["without_sector"] == 1
    assert result["compliance"] == {"non_compliant": 2, "compliant": 2}
    # a condition the input did not ask about stays empty rather than failing
    assert all(c["percent"] is None for c in result["table2"]["rows"]["inhuman_conditions"])


def test_tables_command_on_the_calibrated_sample(tmp_path):
    data = tmp_path / "osce.parquet"
    runner = CliRunner()
    assert runner.invoke(cli, ["synth", "--calibrated", "-o", str(data)]).exit_code == 0
    result = runner.invoke(cli, ["tables", str(data), "--json"], catch_exceptions=False)
    tables = json.loads(result.output)
    assert {k: v["computed"] for k, v in tables["table1"]["rows"].items()} == corrected_table1()
    assert tables["unfreedom"] == {"free": 353, "ambivalent": 694, "unfree": 376, "unknown": 77}
    at_a_terminal = {"TTY_COMPATIBLE": "1", "COLUMNS": "200"}  # in a pipe, one TSV table without the titles
    text = runner.invoke(cli, ["tables", str(data), "--lang", "ru"], env=at_a_terminal, catch_exceptions=False).output
    assert "Таблица 3. Условия труда по правовому статусу" in text
    assert "напечатанные итоги строки и столбца дают 12" in text
