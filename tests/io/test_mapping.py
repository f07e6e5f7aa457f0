"""SPSS, Stata, CSV (UTF-8, UTF-8 with BOM, Windows-1251) and Excel files read through a mapping file give
the same canonical records as the questionnaire's own exports; value labels are kept; a wrong mapping is
refused by file and key; `map --suggest` drafts a mapping from names, labels and value labels."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.core.errors import DataError
from labourwatch.io.mapping import MappingError
from tests.io import fixtures as fx

MAPPED = ["id", "reference_date"] + [name for name, _, _ in fx.LEGACY_QUESTIONS.values()] + ["reasons_not_changing_job"]


def records(path):
    return pq.read_table(path).select(MAPPED).sort_by("id").to_pylist()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ref")
    return api.import_submissions(fx.odata_json(folder / "ref.json"), folder / "ref.parquet").path


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(fx.LEGACY_MAPPING, encoding="utf-8")
    return path


def _csv(path, encoding):
    frame = fx.legacy_frame()
    path.write_bytes(frame.to_csv(index=False, sep=";").encode(encoding))
    return path


def _xlsx(path):
    fx.legacy_frame().to_excel(path, index=False)
    return path


SOURCES = {
    "sav": lambda p: fx.legacy_sav(p / "s.sav"),
    "dta": lambda p: fx.legacy_dta(p / "s.dta"),
    "csv-utf8": lambda p: _csv(p / "s.csv", "utf-8"),
    "csv-bom": lambda p: _csv(p / "s.csv", "utf-8-sig"),
    "csv-cp1251": lambda p: _csv(p / "s.csv", "cp1251"),
    "xlsx": lambda p: _xlsx(p / "s.xlsx"),
}


@pytest.mark.parametrize("kind", SOURCES)
def test_a_mapped_source_gives_the_same_records_as_the_form(tmp_path, reference, mapping, kind):
    result = api.import_submissions(SOURCES[kind](tmp_path), tmp_path / "d.parquet", mapping=mapping)
    assert result.added == 5
    assert records(result.path) == records(reference)
    assert ("confinement", "8") in {(r.column, r.value) for r in result.recoded}


def test_value_labels_and_variable_labels_are_kept_with_the_raw_values(tmp_path, mapping):
    result = api.import_submissions(fx.legacy_sav(tmp_path / "s.sav"), tmp_path / "d.parquet", mapping=mapping)
    field = pq.read_table(result.path).schema.field("raw:q1")
    assert field.metadata[b"label"].decode() == "Пол респондента"
    assert json.loads(field.metadata[b"value_labels"]) == {"1": "Мужской", "2": "Женский"}
    assert pq.read_table(result.path).column("raw:q1").to_pylist()[:2] == ["1", "2"]


def test_a_code_the_mapping_does_not_list_is_rejected_not_guessed(tmp_path, mapping):
    frame = fx.legacy_frame()
    frame.loc[3, "q1"] = 3.0
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        api.import_submissions(path, tmp_path / "d.parquet", mapping=mapping)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(4, "q1", "3")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.replace("id: resp_no", "id: respondent"), r"map.yaml, id: the source has no column 'respondent'"),
        (lambda m: m.replace("  age: q2", "  years: q2"), r"variables.years: 'years' is not a canonical variable"),
        (
            lambda m: m.replace("1: male, 2: female", "1: man, 2: female"),
            r"variables.sex.codes: man: not a code of sex",
        ),
        (lambda m: "just text", "needs 'id' and a 'variables' section"),
        (lambda m: m + "  : [", "cannot be read"),
    ],
)
def test_a_wrong_mapping_is_refused_by_file_and_key(tmp_path, mapping, change, message):
    mapping.write_text(change(fx.LEGACY_MAPPING), encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        api.import_submissions(fx.legacy_sav(tmp_path / "s.sav"), tmp_path / "d.parquet", mapping=mapping)


def test_suggest_drafts_a_mapping_from_labels_and_value_labels(tmp_path):
    draft = yaml.safe_load(api.suggest_mapping(fx.legacy_sav(tmp_path / "s.sav")))
    assert draft["id"] == "resp_no" and draft["reference_date"] == "int_date"
    found = draft["variables"]
    assert found["sex"] == {"column": "q1", "codes": {1: "male", 2: "female"}}
    assert found["hours_per_day"]["column"] == "q7"
    assert found["documents_held_by_employer"] == {"column": "q11", "codes": {1: "yes", 2: "no", 8: None}}
    assert found["feels_safe"]["codes"] == {1: "yes", 2: "no", 3: "hard_to_say"}


def test_a_draft_flags_what_it_could_not_place_and_guesses_no_code(tmp_path, reference):
    source = fx.legacy_sav(tmp_path / "s.sav")
    result = CliRunner().invoke(cli, ["map", str(source), "--suggest", "-o", str(tmp_path / "m.yaml")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert "# ? 1: Работодатель" in text  # a label matching no choice is left to the reviewer
    assert "threats" not in text and "# not mapped: q8" in text  # a weak resemblance is not a match
    with pytest.raises(DataError) as caught:  # unreviewed, the draft cannot import q5's unplaced codes
        api.import_submissions(source, tmp_path / "d.parquet", mapping=tmp_path / "m.yaml")
    assert {(p.column, p.value) for p in caught.value.problems} == {("q5", "1"), ("q5", "2"), ("q5", "4")}
    reviewed = text.replace("      # ? 1:", "      1: employer  #").replace("      # ? 2:", "      2: intermediary  #")
    reviewed = reviewed.replace("      # ? 4:", "      4: myself  #")
    (tmp_path / "m.yaml").write_text(reviewed, encoding="utf-8")
    imported = api.import_submissions(source, tmp_path / "d.parquet", mapping=tmp_path / "m.yaml")
    names = ["id", "reference_date", *yaml.safe_load(reviewed)["variables"]]
    table = pq.read_table(imported.path).select(names).sort_by("id").to_pylist()
    assert table == pq.read_table(reference).select(names).sort_by("id").to_pylist()


def test_an_import_records_the_questions_asked_and_assess_takes_them(tmp_path, reference, mapping):
    """The form's questions (or the mapping's) are the instrument: recorded in the file, used by
    `assess`, stated in its provenance; the other questions are not asked."""
    mapped = api.import_submissions(fx.legacy_sav(tmp_path / "s.sav"), tmp_path / "d.parquet", mapping=mapping)
    recorded = json.loads(pq.read_schema(mapped.path).metadata[b"labourwatch_instrument"])
    assert recorded["basis"] == "mapping" and recorded["detail"] == str(mapping)
    assert set(recorded["asked"]) == set(MAPPED)
    instrument = api.assess(mapped.path).provenance["instrument"]
    assert instrument["basis"] == "mapping" and "hazardous_work" in instrument["not_asked"]
    form = api.assess(reference).provenance["instrument"]
    assert form["basis"] == "form" and "confinement" in form["asked"]
    declared = api.assess(reference, not_asked=["confinement"]).provenance["instrument"]
    assert declared["basis"] == "declared" and "confinement" in declared["not_asked"]


WRITERS, COPIES = 6, 400


def test_parallel_imports_into_one_dataset_keep_every_record(tmp_path, mapping):
    """Six imports at once into one dataset (issue #13: without a lock, each read the dataset before
    the others wrote, and records were lost while every import said it had added its own)."""
    import pandas as pd

    frame = fx.legacy_frame()
    writers = []
    for w in range(WRITERS):
        copies = [frame.assign(resp_no=frame["resp_no"] + f"-{w}-{k}") for k in range(COPIES)]
        writers.append(fx.legacy_sav(tmp_path / f"w{w}.sav", pd.concat(copies, ignore_index=True)))
    out = tmp_path / "d.parquet"
    command = [sys.executable, "-m", "labourwatch", "import"]
    procs = [subprocess.Popen([*command, str(p), "-o", str(out), "--mapping", str(mapping)]) for p in writers]
    assert [p.wait() for p in procs] == [0] * WRITERS
    ids = pq.read_table(out).column("id").to_pylist()
    assert len(ids) == len(set(ids)) == WRITERS * COPIES * len(frame)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".lw-")) == []  # no staging file left
