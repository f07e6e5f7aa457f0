"""`labourwatch estimate` and api.estimate_findings: the design named by columns, findings as an assessed
file holds them (true / false / unknown), the numbers R gives, and clear errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from labourwatch.api import estimate_findings
from labourwatch.cli import cli
from labourwatch.core.errors import LabourwatchError
from tests.stats.test_survey_r import DATA, read_reference

R = read_reference(DATA / "survey_reference.csv")
DESIGN = {"weights": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}


@pytest.fixture
def assessed(tmp_path):
    """The test survey as an assessed CSV: findings written true / false, one unanswered."""
    d = pd.read_csv(DATA / "mw_survey.csv")
    for name in ("forced", "wage_theft", "docs_held"):
        d[name] = d[name].map({1: "true", 0: "false"})
    path = tmp_path / "assessed.csv"
    d.to_csv(path, index=False)
    return path


def test_prevalence_and_test_agree_with_r(assessed):
    result = estimate_findings(assessed, **DESIGN, by="sex", findings=["forced", "wage_theft"])
    overall = next(r for r in result.rows if r.variable == "forced" and r.domain == "(all)")
    assert overall.estimate == pytest.approx(R["des.mean.forced"], abs=1e-9)
    assert (overall.lower, overall.upper) == pytest.approx(
        (R["des.ci.forced.logit.lower"], R["des.ci.forced.logit.upper"]), abs=1e-9
    )
    women = next(r for r in result.rows if r.variable == "forced" and r.domain == "F")
    assert women.se == pytest.approx(R["des.by_sex.F.se"], abs=1e-9) and women.df == 5
    test = result.tests["wage_theft"]
    assert test is not None
    assert (test.value, test.p_value) == pytest.approx(
        (R["des.chisq.sex_wage_theft.F"], R["des.chisq.sex_wage_theft.F.p"]), abs=1e-9
    )


def test_unknown_findings_are_counted_apart_not_as_no(assessed, tmp_path):
    d = pd.read_csv(assessed, dtype={"forced": str})
    d.loc[0, "forced"] = "unknown"
    path = tmp_path / "with_unknown.csv"
    d.to_csv(path, index=False)
    row = estimate_findings(path, **DESIGN, findings=["forced"], threshold=1).rows[0]
    assert (row.known, row.unknown) == (47, 1)
    published = estimate_findings(path, **DESIGN, findings=["forced"]).rows[0]
    assert (published.known, published.unknown) == (47, None)  # a single unknown is withheld
    full = estimate_findings(assessed, **DESIGN, findings=["forced"]).rows[0]
    assert row.estimate != pytest.approx(full.estimate)


def test_bad_design_values_name_row_column_and_value(assessed, tmp_path):
    d = pd.read_csv(assessed)
    d["weight"] = d["weight"].astype(str)
    d.loc[4, "weight"] = "forty"
    path = tmp_path / "bad.csv"
    d.to_csv(path, index=False)
    with pytest.raises(LabourwatchError, match=r"row 5.*column weight: 'forty'"):
        estimate_findings(path, **DESIGN, findings=["forced"])
    with pytest.raises(LabourwatchError, match="no column 'wieght'"):
        estimate_findings(assessed, weights="wieght", findings=["forced"])
    d.loc[4, "weight"] = None
    d.to_csv(path, index=False)
    with pytest.raises(LabourwatchError, match=r"row 5 \(line 6\), column weight: empty, and every record needs"):
        estimate_findings(path, **DESIGN, findings=["forced"])


def test_cli_table_json_csv_and_the_sampling_note(assessed, tmp_path):
    args = ["estimate", str(assessed), "--weights", "weight", "--strata", "stratum", "--psu", "psu", "--fpc", "fpc"]
    args += ["--finding", "forced", "--by", "sex", "--ci", "beta", "--sampling", "snowball"]
    out = tmp_path / "estimates.csv"
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not representative" in result.output
    assert pd.read_csv(out).shape[0] == 3  # all, F, M
    result = CliRunner().invoke(cli, ["--lang", "ru", *args, "--json"])
    data = json.loads(result.output)
    assert data["estimates"][1]["lower"] == pytest.approx(R["des.by_sex.F.beta.lower"], abs=1e-9)
    assert "не репрезентативна" in data["notes"][0]


def test_estimates_on_fewer_than_the_threshold_are_withheld(assessed):
    rows = estimate_findings(assessed, **DESIGN, by="sex", findings=["forced"], threshold=14).rows
    women = next(r for r in rows if r.domain == "F")  # 13 women
    assert women.suppressed and women.estimate is None and women.lower is None and women.known is None
    men = next(r for r in rows if r.domain == "M")
    assert not men.suppressed and men.estimate is not None
