"""Every export shape of the questionnaire's submissions imports to the same canonical records and the same
linked repeat table (issue #6, "Done when")."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from labourwatch import api
from tests.io import fixtures as fx

ANSWERS = ["id", "reference_date"] + [name for _, name in fx.QUESTIONS]


def canonical(path):
    return pq.read_table(path).select(ANSWERS).to_pylist()


def payments(path):
    table = pq.read_table(path.with_name(path.stem + ".payments.parquet"))
    return table.select(["id", "index", "payment_date", "payment_amount"]).to_pylist()


SHAPES = {
    "kobo-csv": lambda p: fx.kobo_csv(p / "x.csv"),
    "kobo-csv-dash": lambda p: fx.kobo_csv(p / "x.csv", sep="-"),
    "kobo-csv-details": lambda p: fx.kobo_csv(p / "x.csv", multiple="details"),
    "kobo-csv-both": lambda p: fx.kobo_csv(p / "x.csv", sep="-", multiple="both"),
    "kobo-csv-labels-en": lambda p: fx.kobo_csv(p / "x.csv", labels="en"),
    "kobo-csv-labels-ru-details": lambda p: fx.kobo_csv(p / "x.csv", labels="ru", multiple="details"),
    "kobo-csv-labels-kk": lambda p: fx.kobo_csv(p / "x.csv", labels="kk"),
    "kobo-csv-labels-uz": lambda p: fx.kobo_csv(p / "x.csv", labels="uz", multiple="both"),
    "kobo-csv-labels-ky": lambda p: fx.kobo_csv(p / "x.csv", labels="ky"),
    "kobo-csv-labels-tg": lambda p: fx.kobo_csv(p / "x.csv", labels="tg"),
    "kobo-csv-labels-hierarchy": lambda p: fx.kobo_csv(p / "x.csv", labels="ru", hierarchy=True, multiple="both"),
    "kobo-csv-cp1251": lambda p: fx.write_csv(p / "x.csv", fx.kobo_rows(labels="ru"), encoding="cp1251"),
    "kobo-csv-bom": lambda p: fx.write_csv(p / "x.csv", fx.kobo_rows(), encoding="utf-8-sig"),
    "kobo-xlsx": lambda p: fx.kobo_xlsx(p / "x.xlsx"),
    "kobo-xlsx-labels": lambda p: fx.kobo_xlsx(p / "x.xlsx", labels="en", multiple="details"),
    "central-zip": lambda p: fx.central_zip(p / "x.zip"),
    "kobo-json": lambda p: fx.kobo_json(p / "x.json"),
    "odata-json": lambda p: fx.odata_json(p / "x.json"),
}
WITH_REPEATS = ("kobo-xlsx", "kobo-xlsx-labels", "central-zip", "kobo-json", "odata-json")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    result = api.import_submissions(fx.odata_json(folder / "ref.json"), folder / "ref.parquet")
    return result.path


def test_the_reference_import_holds_the_interviews(reference):
    rows = {r["id"]: r for r in canonical(reference)}
    first, second, third = (rows[i["uuid"]] for i in fx.INTERVIEWS[:3])
    assert first["reference_date"] == dt.date(2026, 5, 4) and first["hours_per_day"] == 12
    assert first["confinement"] is None  # "don't know" is unknown, never "no"
    assert first["documents_held_by_employer"] is True and first["monthly_pay"] == 90000.0
    assert first["recruitment_vulnerabilities"] == "economic_hardship irregular_status"
    assert second["travel_arranged_by_recruiter"] is False  # skipped because she found the job herself
    assert second["overtime_compulsory"] is False  # skipped: 8 hours a day
    assert third["entry_date"] is None  # not answered
    assert first["feels_safe"] is None  # not in version 1 of the form
    table = pq.read_table(reference)
    assert table.column("form_version").to_pylist() == ["1", "1", "2", "2", "2"]
    assert table.column("review_state").to_pylist() == ["approved"] * 5
    assert payments(reference)[:2] == [
        {"id": first["id"], "index": 1, "payment_date": dt.date(2026, 4, 5), "payment_amount": 40000.0},
        {"id": first["id"], "index": 2, "payment_date": dt.date(2026, 5, 2), "payment_amount": 25000.5},
    ]
    assert len(payments(reference)) == 6


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_gives_the_same_canonical_records(tmp_path, reference, shape):
    result = api.import_submissions(SHAPES[shape](tmp_path), tmp_path / "d.parquet")
    assert result.added == 5
    assert canonical(result.path) == canonical(reference)
    if shape in WITH_REPEATS:
        assert payments(result.path) == payments(reference)
    assert not [c for c in result.unmatched if "payments" not in c], result.unmatched


def test_raw_values_are_kept_beside_canonical_ones(tmp_path):
    result = api.import_submissions(fx.kobo_csv(tmp_path / "x.csv", labels="ru"), tmp_path / "d.parquet")
    table = pq.read_table(result.path)
    header = fx.question_text(fx.load_schema().variables["sex"], "ru")
    assert table.column("raw:" + header).to_pylist()[0] == "Мужской" or table.column("sex").to_pylist()[0] == "male"
    assert table.column("sex").to_pylist()[0] == "male"
    reasons = {(r.column, r.value) for r in result.recoded}
    assert ("confinement", "dont_know") in reasons or ("confinement", "Не знаю") in reasons


def test_reimport_adds_nothing_and_a_second_shape_is_recognised_as_the_same_records(tmp_path):
    out = tmp_path / "d.parquet"
    api.import_submissions(fx.kobo_csv(tmp_path / "a.csv"), out)
    again = api.import_submissions(fx.central_zip(tmp_path / "b.zip"), out)
    assert (again.added, again.already_there) == (0, 5)
    assert pq.read_table(out).num_rows == 5
