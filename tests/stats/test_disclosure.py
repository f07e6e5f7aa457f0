"""Disclosure control: the proposed policy of statistics.md §5.3 on tables and microdata."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labourwatch.stats.disclosure import Policy, anonymity, audit, combine_codes, protect_table, with_margins
from tests.stats.test_survey_r import SURVEY


def test_small_cells_are_suppressed_and_cannot_be_worked_out_from_the_margins():
    counts = np.array([[40, 3, 25], [30, 12, 18], [20, 15, 0]])
    protected = protect_table(counts.astype(float), counts)
    assert protected.primary[0, 1]  # 3 respondents
    assert not protected.primary[2, 2]  # a zero reveals nothing by default
    for line in list(protected.suppressed) + list(protected.suppressed.T):
        assert line.sum() != 1  # no row or column with a single suppressed entry
    for lo, hi in protected.intervals.values():
        assert hi - lo > 0  # every suppressed entry can take a range of values
    assert protected.secondary.sum() >= 3


def test_two_small_cells_in_one_row_do_not_add_up_to_a_small_group():
    """Withholding 3 and 4 alone would publish their sum, 7 people, through the row's margin."""
    counts = np.array([[3, 4, 50, 60], [30, 40, 50, 60], [30, 40, 50, 60]])
    protected = protect_table(counts.astype(float), counts)
    full = with_margins(counts.astype(float))
    assert protected.suppressed[0, :2].all()
    for line in range(3):
        hidden = protected.suppressed[line, :-1]
        assert (
            protected.suppressed[line, -1] or full[line, :-1][hidden].sum() == 0 or full[line, :-1][hidden].sum() >= 10
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=2, max_size=5))
def test_no_published_margin_gives_away_a_small_group(rows):
    counts = np.array(rows, dtype=np.int64)
    protected = protect_table(counts.astype(float), counts)
    full, hidden = with_margins(counts.astype(float)), protected.suppressed
    for entries, mask in [*zip(full, hidden, strict=True), *zip(full.T, hidden.T, strict=True)]:
        if mask.any() and not mask[-1]:
            assert mask.sum() >= 2 and (entries[:-1][mask[:-1]].sum() >= 10 or entries[:-1][mask[:-1]].sum() == 0)


def test_the_audit_finds_an_entry_that_the_margins_give_away():
    values = with_margins(np.array([[5.0, 7.0], [9.0, 11.0]]))
    only_one = np.zeros_like(values, dtype=bool)
    only_one[0, 0] = True
    assert audit(values, only_one)[(0, 0)] == pytest.approx((5.0, 5.0))


def test_zeros_can_be_declared_disclosive_and_weighted_counts_are_rounded():
    counts = np.array([[40, 0], [30, 25]])
    values = counts * 12.34
    strict = protect_table(values, counts, Policy(zeros_disclosive=True))
    assert strict.primary[0, 1]
    plain = protect_table(values, counts)
    assert plain.values[0, 0] == 490  # 493.6 rounded to 10
    assert not plain.suppressed.any()


def test_k_anonymity_and_l_diversity_of_the_test_survey():
    """statistics.md §5.2: on QI = (stratum, sex, sector), k = 2 and distinct l = 1 for forced."""
    codes = [pd.factorize(SURVEY[c], sort=True)[0].astype(np.int64) for c in ("stratum", "sex", "sector")]
    result = anonymity(combine_codes(codes), k=5, sensitive=SURVEY.forced.to_numpy())
    assert result.k == 2 and result.l_diversity == 1
    south_f_agri = (SURVEY.stratum == "south") & (SURVEY.sex == "F") & (SURVEY.sector == "agriculture")
    assert (result.key_sizes[south_f_agri.to_numpy()] == 2).all()
    assert set(np.flatnonzero(south_f_agri)) <= set(result.at_risk)
    assert result.at_risk.size == (result.key_sizes < 5).sum()


def test_cli_crosstab_publishes_only_safe_cells(tmp_path):
    import json

    from click.testing import CliRunner

    from labourwatch.cli import cli
    from tests.stats.test_survey_r import DATA

    result = CliRunner().invoke(
        cli, ["crosstab", str(DATA / "mw_survey.csv"), "sector", "forced", "--weights", "weight", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    counts = pd.crosstab(SURVEY.sector, SURVEY.forced, margins=True).to_numpy()
    for row_values, row_counts in zip(data["values"], counts, strict=True):
        for value, count in zip(row_values, row_counts, strict=True):
            if count < 10:
                assert value is None  # never a cell on fewer than 10 respondents
    assert data["values"][-1][-1] == 1450  # the grand total 1,449.9, rounded to 10
    assert data["policy"]["threshold"] == 10


def test_cli_anonymity_lists_the_rows_at_risk(tmp_path):
    from click.testing import CliRunner

    from labourwatch.cli import cli
    from tests.stats.test_survey_r import DATA

    out = tmp_path / "risk.csv"
    args = [
        "anonymity",
        str(DATA / "mw_survey.csv"),
        "--qi",
        "stratum",
        "--qi",
        "sex",
        "--qi",
        "sector",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli, [*args, "--sensitive", "forced"])
    assert result.exit_code == 0, result.output
    assert "k-anonymity: 2 (wanted 5)" in result.output and "l-diversity: 1" in result.output
    risk = pd.read_csv(out)
    assert list(risk.columns) == ["row", "records_sharing_its_combination"]  # row numbers, never the values
    assert (risk.records_sharing_its_combination < 5).all()
