"""Exports for SPSS, Stata, Excel, Parquet and CSV: labels read back, unknown kept missing, and the
k-anonymity check beside every export. SPSS files are also opened by PSPP when it is installed (CI
installs it and sets LABOURWATCH_REQUIRE_PSPP=1, so there the check cannot be skipped)."""

from __future__ import annotations

import os
import shutil
import subprocess

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from labourwatch import api

RECORDS = pd.DataFrame(
    {
        "id": ["a", "b", "c"],
        "reference_date": ["2024-06-03"] * 3,
        "sex": ["female", "male", None],
        "citizenship": ["UZB", "UZB", "KGZ"],
        "hours_per_day": ["12", "8", None],
        "written_contract": ["no", "yes", None],
    }
)


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    path = tmp_path_factory.mktemp("x") / "assessed.parquet"
    api.assess_file(RECORDS, path, packs=["kz-labour", "icls-2018"])
    return path


def test_spss_keeps_variable_and_value_labels_and_unknown_stays_missing(assessed, tmp_path):
    out = tmp_path / "data.sav"
    result = api.export(assessed, out, lang="ru")
    df, meta = pyreadstat.read_sav(out)
    assert meta.column_names_to_labels["sex"] == "Пол"
    assert meta.variable_value_labels["sex"] == {1.0: "Женский", 2.0: "Мужской"}
    assert meta.variable_value_labels["no_written_contract"] == {1.0: "да", 0.0: "нет"}
    assert df["no_written_contract"].tolist()[:2] == [1.0, 0.0]
    assert pd.isna(df["no_written_contract"][2])  # unknown is missing, never "no"
    assert result.anonymity is not None and result.quasi_identifiers == ["citizenship", "sex"]


def test_stata_shortens_long_names_and_keeps_the_full_name_in_the_label(assessed, tmp_path):
    out = tmp_path / "data.dta"
    result = api.export(assessed, out)
    df, meta = pyreadstat.read_dta(out)
    long_name = "monthly_pay_below_minimum_wage"
    short = result.written.renamed[long_name]
    assert len(short) <= 28 and short in df.columns
    assert meta.column_names_to_labels[short].startswith(long_name + ": ")
    assert meta.variable_value_labels["hours_over_daily_norm"] == {0: "no", 1: "yes"}


def test_excel_parquet_and_csv(assessed, tmp_path):
    api.export(assessed, tmp_path / "data.xlsx")
    book = openpyxl.load_workbook(tmp_path / "data.xlsx")
    assert book.sheetnames == ["data", "variables"]
    header = [c.value for c in book["data"][1]]
    sex = [row[header.index("sex")].value for row in book["data"].iter_rows(min_row=2)]
    assert sex == ["Female", "Male", None]
    api.export(assessed, tmp_path / "data.parquet")
    assert pq.read_table(tmp_path / "data.parquet").num_rows == 3
    api.export(assessed, tmp_path / "data.csv")
    assert pd.read_csv(tmp_path / "data.csv").shape[0] == 3


def test_every_export_lists_the_records_at_risk(assessed, tmp_path):
    out = tmp_path / "data.csv"
    result = api.export(assessed, out, k=2)
    assert result.anonymity is not None and result.anonymity.k == 1
    risk = pd.read_csv(result.risk_report)
    assert list(risk.columns) == ["row", "records_sharing_its_combination"]
    assert sorted(risk.row) == [1, 2, 3]


def test_pspp_opens_the_spss_file(assessed, tmp_path):
    if shutil.which("pspp") is None:
        if os.environ.get("LABOURWATCH_REQUIRE_PSPP"):
            pytest.fail("pspp is required (LABOURWATCH_REQUIRE_PSPP is set) but not installed")
        pytest.skip("PSPP is not installed here; CI installs it and runs this test")
    out = tmp_path / "data.sav"
    api.export(assessed, out, lang="ru")
    syntax = tmp_path / "check.sps"
    syntax.write_text(f"GET FILE='{out}'.\nDISPLAY DICTIONARY /VARIABLES=sex no_written_contract.\n", encoding="utf-8")
    shown = subprocess.run(["pspp", "-O", "format=txt", str(syntax)], capture_output=True, text=True, check=True).stdout
    assert "Женский" in shown and "Нет письменного" in shown
