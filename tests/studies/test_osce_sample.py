"""The calibrated SYNTHETIC sample: Table 1 exactly, the study's classes emerging from the rules of the
osce-kz-2006 pack exactly, the other published figures approximately."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from labourwatch.api import assess
from labourwatch.studies.osce import WITHOUT_SECTOR, calibrated_sample, corrected_table1, published


@pytest.fixture(scope="module", params=[2006, 7])
def sample(request):
    raw = calibrated_sample(request.param)
    return raw, assess(raw, packs=["osce-kz-2006"]).table.to_pandas()


def test_table1_exactly(sample):
    raw, _ = sample
    rows = raw.to_pandas()
    named = ("TJK", "UZB", "KGZ", "TKM", "RUS")
    rows["row"] = [c if c in named else "other" for c in rows.citizenship]
    t1 = published()["table1"]
    assert rows.sector.isna().sum() == t1["without_sector"] == sum(WITHOUT_SECTOR.values())
    cells = Counter(zip(rows.row, rows.sector, strict=True))
    for country, counts in corrected_table1().items():
        assert [cells[(country, s)] for s in t1["sectors"]] == counts, country
    assert len(rows) == 1500 and rows.id.str.startswith("OSCE-SYN-").all()


def test_the_study_classes_emerge_exactly(sample):
    _, out = sample
    assert dict(Counter(out.compliance)) == {
        "non_compliant": 227,
        "semi_compliant": 853,
        "compliant": 265,
        "unknown": 155,
    }
    assert dict(Counter(out.unfreedom)) == {"free": 353, "ambivalent": 694, "unfree": 376, "unknown": 77}


def test_shares_within_classes(sample):
    _, out = sample
    non, comp = out[out.compliance == "non_compliant"], out[out.compliance == "compliant"]
    assert round((non.unfreedom == "unfree").mean(), 2) == 0.44
    assert round((non.unfreedom == "free").mean(), 3) == 0.066
    assert round((comp.unfreedom == "free").mean(), 2) == 0.27
    assert round((comp.unfreedom == "unfree").mean(), 2) == 0.22
    assert round((out[out.sector == "agriculture"].compliance == "compliant").mean(), 3) == 0.069
    assert round((out[out.sector == "construction"].compliance == "compliant").mean(), 3) == 0.185


def test_tables_2_and_3_approximately(sample):
    """Every cell of Tables 2 and 3 within sampling error of the published figure (three standard errors
    of the cell, plus three points for rounding and fitting), and each table's ordering across classes."""
    _, out = sample
    p = published()
    for table, by in (("table2", "unfreedom"), ("table3", "compliance")):
        for row, values in p[table]["rows"].items():
            cells = [out[out[by] == cls][row].astype("boolean").dropna() for cls in p[table]["columns"]]
            got = [c.mean() for c in cells]
            ordered = got[0] < got[2] if table == "table2" else got[0] > got[2]
            assert ordered, (table, row, got)
            for cell, percent in zip(cells, values, strict=True):
                rate = percent / 100
                tolerance = 3 * math.sqrt(rate * (1 - rate) / len(cell)) + 0.03
                assert abs(cell.mean() - rate) < tolerance, (table, row, got, values)


def test_text_shares_approximately(sample):
    _, out = sample
    hours = out.hours_per_day.dropna()
    assert abs((hours > 8).mean() - 923 / 1332) < 0.03
    assert abs((hours >= 12).mean() - 406 / 1332) < 0.04
    assert abs(out.written_contract.astype("boolean").mean() - 0.17) < 0.02
    assert abs((out.migration_card == "yes").mean() - 0.78) < 0.02
    assert abs(out.documents_held_by_employer.mean() - 0.19) < 0.03


def test_same_seed_same_sample():
    assert calibrated_sample(3).equals(calibrated_sample(3))
    assert not calibrated_sample(3).equals(calibrated_sample(4))


def test_larger_samples_keep_the_proportions_and_unique_ids():
    raw = calibrated_sample(11, n=4500)
    out = assess(raw, packs=["osce-kz-2006"]).table.to_pandas()
    assert len(out) == 4500 and out.id.is_unique
    assert dict(Counter(out.compliance))["non_compliant"] == 3 * 227
    assert dict(Counter(out.unfreedom))["unfree"] == 3 * 376
    assert calibrated_sample(11, n=100).num_rows == 100
