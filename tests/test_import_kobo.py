"""Imports of the questionnaire's submissions as KoboToolbox and ODK Central export them: both group
separators, select_multiple as one column or as 0/1 details, "don't know" as unknown, all or nothing,
and a re-import that adds nothing. The fixtures are written here, in the shapes the exports have."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.engines.duckdb import DataError

ANSWERS = [
    {
        "sex": "male",
        "hours_per_day": "12",
        "documents_held_by_employer": "yes",
        "confinement": "dont_know",
        "reasons": ["cant_leave_employer", "debt"],
        "id": "uuid:1b2c",
    },
    {
        "sex": "female",
        "hours_per_day": "8",
        "documents_held_by_employer": "no",
        "confinement": "no",
        "reasons": [],
        "id": "uuid:9f8e",
    },
]
GROUP = {
    "sex": "demographics",
    "hours_per_day": "working_time",
    "documents_held_by_employer": "coercion",
    "confinement": "coercion",
    "reasons_not_changing_job": "leaving",
}
CODES = [
    "not_applicable",
    "cant_leave_employer",
    "no_better_job",
    "would_lose_pay",
    "no_documents",
    "debt",
    "other",
    "hesitate",
]


def kobo_csv(path, *, sep="/", details=False, summary=True):
    rows = []
    for a in ANSWERS:
        row = {"start": "2024-06-03T09:00:00.000+05:00", "today": "2024-06-03"}
        for name in ("sex", "hours_per_day", "documents_held_by_employer", "confinement"):
            row[f"{GROUP[name]}{sep}{name}"] = a[name]
        if summary:
            row[f"leaving{sep}reasons_not_changing_job"] = " ".join(a["reasons"])
        if details:
            for code in CODES:
                row[f"leaving{sep}reasons_not_changing_job/{code}"] = "1" if code in a["reasons"] else "0"
        row["meta/instanceID" if sep == "/" else "meta-instanceID"] = a["id"]
        row["_uuid"] = a["id"].removeprefix("uuid:")
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def canonical(path):
    table = pq.read_table(path).to_pandas()
    return table[
        [
            "id",
            "reference_date",
            "sex",
            "hours_per_day",
            "documents_held_by_employer",
            "confinement",
            "reasons_not_changing_job",
        ]
    ]


@pytest.mark.parametrize(
    "shape",
    [dict(sep="/"), dict(sep="-"), dict(sep="/", details=True, summary=False), dict(sep="-", details=True)],
    ids=["kobo", "odk", "kobo-details-only", "odk-both"],
)
def test_every_export_shape_gives_the_same_canonical_records(tmp_path, shape):
    reference = api.import_submissions(kobo_csv(tmp_path / "ref.csv"), tmp_path / "ref.parquet")
    result = api.import_submissions(kobo_csv(tmp_path / "s.csv", **shape), tmp_path / "s.parquet")
    assert result.added == 2
    pd.testing.assert_frame_equal(canonical(reference.path), canonical(result.path))
    records = canonical(result.path)
    assert records.id.tolist() == ["uuid:1b2c", "uuid:9f8e"]
    assert records.reasons_not_changing_job.tolist()[0] == "cant_leave_employer debt"
    assert pd.isna(records.confinement[0])  # don't know: unknown, never no


def test_dont_know_is_reported_and_raw_values_are_kept(tmp_path):
    result = api.import_submissions(kobo_csv(tmp_path / "s.csv"), tmp_path / "s.parquet")
    assert [(r.row, r.column, r.value) for r in result.recoded] == [(1, "confinement", "dont_know")]
    report = pd.read_csv(result.report)
    assert report.iloc[0].to_dict() == {
        "row": 1,
        "column": "confinement",
        "value": "dont_know",
        "reason": "don't know: read as unknown",
    }
    table = pq.read_table(result.path)
    assert table.column("raw:coercion/confinement").to_pylist() == ["dont_know", "no"]
    assert "start" in result.unmatched


def test_a_reimport_adds_nothing_and_new_submissions_are_added(tmp_path):
    out = tmp_path / "data.parquet"
    api.import_submissions(kobo_csv(tmp_path / "s.csv"), out)
    again = api.import_submissions(kobo_csv(tmp_path / "s.csv"), out)
    assert (again.added, again.already_there) == (0, 2)
    assert pq.read_table(out).num_rows == 2


def test_a_bad_value_names_row_and_column_and_changes_nothing(tmp_path):
    out = tmp_path / "data.parquet"
    api.import_submissions(kobo_csv(tmp_path / "s.csv"), out)
    before = out.read_bytes()
    bad = pd.read_csv(tmp_path / "s.csv")
    bad.loc[1, "working_time/hours_per_day"] = 30
    bad.loc[1, "meta/instanceID"] = "uuid:new"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError) as info:
        api.import_submissions(tmp_path / "bad.csv", out)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(2, "hours_per_day", "30")]
    assert str(tmp_path / "bad.csv") in str(info.value.source.label)
    assert out.read_bytes() == before  # all or nothing


def test_cli_import_then_assess(tmp_path):
    out = tmp_path / "new" / "folder" / "data.parquet"  # folders are made as needed
    result = CliRunner().invoke(cli, ["import", str(kobo_csv(tmp_path / "s.csv")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 submissions" in result.output
    assessed = api.assess(out, packs=["icls-2018"]).table
    assert assessed.column("icls_coe_e_withholding_documents").to_pylist() == [True, False]
