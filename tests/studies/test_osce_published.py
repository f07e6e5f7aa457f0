"""The seed study's published figures, transcribed as data, add up as printed: a check on the
transcription that the calibrated sample and the tables of issue #3 will rely on."""

from __future__ import annotations

from pathlib import Path

import yaml

from labourwatch.packs import load_packs, load_schema

PUBLISHED = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "src" / "labourwatch" / "studies" / "osce-kz-2006.yaml").read_text("utf-8")
)


def corrected_table1() -> dict[str, list[int]]:
    t1 = PUBLISHED["table1"]
    fix = t1["erratum"]
    rows = {k: list(v) for k, v in t1["rows"].items()}
    column = t1["sectors"].index(fix["column"])
    assert rows[fix["row"]][column] == fix["printed"]
    rows[fix["row"]][column] = fix["implied_by_totals"]
    return rows


def test_table1_adds_up_once_the_one_misprinted_cell_is_corrected():
    t1 = PUBLISHED["table1"]
    printed_bad = [k for k, cells in t1["rows"].items() if sum(cells) != t1["row_totals"][k]]
    assert printed_bad == [t1["erratum"]["row"]]  # only that row disagrees as printed
    rows = corrected_table1()
    for country, cells in rows.items():
        assert sum(cells) == t1["row_totals"][country], country
    columns = [sum(col) for col in zip(*rows.values(), strict=True)]
    assert columns == t1["column_totals"]
    assert sum(columns) == t1["total"] == PUBLISHED["sample_size"] - t1["without_sector"]


def test_compliance_classes_cover_the_sample_but_one():
    # 227 + 853 + 265 + 154 = 1,499: the paper's own counts leave one record unaccounted for.
    assert sum(PUBLISHED["compliance"].values()) == PUBLISHED["sample_size"] - 1


def test_the_text_matches_the_tables():
    assert round(PUBLISHED["compliance"]["non_compliant"] / 1500, 3) == 0.151
    assert round(PUBLISHED["compliance"]["compliant"] / 1500, 3) == 0.177  # printed as 17.6 per cent
    assert round(PUBLISHED["unfreedom"]["free"] / 1500, 3) == 0.235
    assert round(923 / 1332, 2) == 0.69 and round(406 / 1332, 2) == 0.30


def test_table_rows_are_findings_or_answers_of_the_packs():
    names = {r.id for p in load_packs() for r in p.rules.values()} | set(load_schema().variables)
    for table in ("table2", "table3"):
        assert set(PUBLISHED[table]["rows"]) <= names, table
    assert set(PUBLISHED["table1"]["sectors"]) == set(load_schema().variables["sector"].values)
