"""SPSS, Stata, CSV (UTF-8, UTF-8 with BOM, Windows-1251) and Excel files read through a mapping file give
the same canonical records as the questionnaire's own exports; value labels are kept; a wrong mapping is
refused by file and key; `map --suggest` drafts a mapping from names, labels and value labels."""

from __future__ import annotations

import datetime as dt
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
    assert "threats" not in text  # a weak resemblance is not a match
    assert "# not mapped: q13_1, q13_2" in text  # nor is a 0/1 column of one choice ("...: debt")
    assert yaml.safe_load(text)["variables"]["overtime_compulsory"]["column"] == "q8"  # "обязательна"
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


# --- drafts from another survey's plain labels and headers ---------------------------------------------

# Another project's survey, with its own column names and plain labels: (column, label, variable placed).
# The labels become the headers of the CSV versions. None: a column no variable should take.
PLAIN_EN = [
    ("resp", "Respondent ID", "id"),
    ("v1", "Interview date", "reference_date"),
    ("v2", "Age in years", "age"),
    ("v3", "Sex", "sex"),
    ("v4", "Citizenship", "citizenship"),
    ("v5", "Days off per week", "rest_days_per_week"),
    ("v6", "Hours worked per day", "hours_per_day"),
    ("v7", "Monthly wage (tenge)", "monthly_pay"),
    ("v8", "Pay received (USD)", "pay_received"),
    ("v9", "Passport held by employer", "documents_held_by_employer"),
    ("v10", "Written contract", "written_contract"),
    ("v11", "Interviewer's comment", None),
]
PLAIN_RU = [
    ("nomer", "Номер анкеты", "id"),
    ("v1", "Дата интервью", "reference_date"),
    ("v2", "Возраст (полных лет)", "age"),
    ("v3", "Пол", "sex"),
    ("v4", "Гражданство", "citizenship"),
    ("v5", "Выходных дней в неделю", "rest_days_per_week"),
    ("v6", "Часов в день", "hours_per_day"),
    ("v7", "Зарплата в месяц (тенге)", "monthly_pay"),
    ("v8", "Получено оплаты, руб.", "pay_received"),
    ("v9", "Паспорт находится у работодателя", "documents_held_by_employer"),
    ("v10", "Есть письменный договор", "written_contract"),
    ("v11", "Комментарий интервьюера", None),
]
# Headers as people type them in a spreadsheet: the record id is not the first column.
HEADERS_EN = [
    ("Date of interview", "reference_date"),
    ("Respondent ID", "id"),
    ("Age", "age"),
    ("Gender", "sex"),
    ("Nationality", "citizenship"),
    ("Number of days off per week", "rest_days_per_week"),
    ("Hours per day", "hours_per_day"),
    ("Monthly salary, KZT", "monthly_pay"),
    ("Amount received", "pay_received"),
    ("Employer keeps passport", "documents_held_by_employer"),
    ("Has a written contract", "written_contract"),
    ("Interviewer's comment", None),
]
HEADERS_RU = [
    ("Дата опроса", "reference_date"),
    ("Номер анкеты", "id"),
    ("Возраст", "age"),
    ("Пол респондента", "sex"),
    ("Гражданство", "citizenship"),
    ("Выходные в неделю", "rest_days_per_week"),
    ("Часов работы в день", "hours_per_day"),
    ("Заработная плата в месяц, тенге", "monthly_pay"),
    ("Сколько фактически получено", "pay_received"),
    ("Паспорт у работодателя", "documents_held_by_employer"),
    ("Письменный трудовой договор", "written_contract"),
    ("Комментарий интервьюера", None),
]
PLAIN_VALUES = {  # three interviews, as each variable's column holds them
    "id": ["R-1", "R-2", "R-3"],
    "reference_date": ["2024-05-04", "2024-05-04", "2024-05-11"],
    "age": [34.0, 27.0, 45.0],
    "sex": [1.0, 2.0, 1.0],
    "citizenship": ["UZB", "KGZ", "TJK"],
    "rest_days_per_week": [1.0, 0.0, 2.0],
    "hours_per_day": [10.0, 8.0, 12.0],
    "monthly_pay": [90000.0, 150000.0, 70000.0],
    "pay_received": [200.0, 300.0, 150.0],
    "documents_held_by_employer": [1.0, 2.0, 8.0],
    "written_contract": [2.0, 1.0, 2.0],
    None: ["", "tired", "asked to be called back"],
}
VALUE_LABELS = {
    "en": {
        "sex": {1.0: "Male", 2.0: "Female"},
        "documents_held_by_employer": {1.0: "Yes", 2.0: "No", 8.0: "Don't know"},
        "written_contract": {1.0: "Yes", 2.0: "No"},
    },
    "ru": {
        "sex": {1.0: "Мужской", 2.0: "Женский"},
        "documents_held_by_employer": {1.0: "Да", 2.0: "Нет", 8.0: "Не знаю"},
        "written_contract": {1.0: "Да", 2.0: "Нет"},
    },
}


def _plain_sav(path, columns, lang):
    import datetime as dt

    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({column: PLAIN_VALUES[name] for column, _, name in columns})
    dates = next(column for column, _, name in columns if name == "reference_date")
    frame[dates] = [dt.date.fromisoformat(d) for d in frame[dates]]
    labels = {column: label for column, label, _ in columns}
    values = {column: VALUE_LABELS[lang][name] for column, _, name in columns if name in VALUE_LABELS[lang]}
    pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=values)
    return path, {column: name for column, _, name in columns}


def _plain_csv(path, headers):
    import pandas as pd

    pd.DataFrame({header: PLAIN_VALUES[name] for header, name in headers}).to_csv(path, index=False)
    return path, dict(headers)


PLAIN_SOURCES = {
    "sav-en": lambda p: _plain_sav(p / "en.sav", PLAIN_EN, "en"),
    "sav-ru": lambda p: _plain_sav(p / "ru.sav", PLAIN_RU, "ru"),
    "csv-en": lambda p: _plain_csv(p / "en.csv", HEADERS_EN),
    "csv-ru": lambda p: _plain_csv(p / "ru.csv", HEADERS_RU),
}


def _placed(draft):
    """column -> variable, as the draft places them."""
    found = {spec["column"]: name for name, spec in draft["variables"].items()}
    return found | {draft["id"]: "id", draft.get("reference_date"): "reference_date"}


def _not_mapped(text):
    return next(line for line in text.splitlines() if line.startswith("# not mapped: "))


@pytest.mark.parametrize("kind", PLAIN_SOURCES)
def test_a_draft_places_columns_by_plain_english_and_russian_labels_and_headers(tmp_path, kind):
    source, expected = PLAIN_SOURCES[kind](tmp_path)
    text = api.suggest_mapping(source)
    assert _placed(yaml.safe_load(text)) == {column: name for column, name in expected.items() if name}
    unrelated = next(column for column, name in expected.items() if name is None)
    assert unrelated in _not_mapped(text)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_codes_still_come_only_from_value_labels(tmp_path, lang):
    source, _ = PLAIN_SOURCES[f"sav-{lang}"](tmp_path)
    found = yaml.safe_load(api.suggest_mapping(source))["variables"]
    assert found["sex"]["codes"] == {1: "male", 2: "female"}
    assert found["documents_held_by_employer"]["codes"] == {1: "yes", 2: "no", 8: None}
    assert found["written_contract"]["codes"] == {1: "yes", 2: "no"}
    assert "codes" not in found["age"]
    csv, _ = PLAIN_SOURCES[f"csv-{lang}"](tmp_path)  # no value labels: no codes at all
    assert all("codes" not in spec for spec in yaml.safe_load(api.suggest_mapping(csv))["variables"].values())


@pytest.mark.parametrize(("kind", "currencies"), [("sav-en", ["KZT", "USD"]), ("sav-ru", ["KZT", "RUB"])])
def test_a_currency_named_in_a_label_is_noted_not_invented_as_a_key(tmp_path, kind, currencies):
    """A mapping file has no constant value for a variable (only reference_date may be one date), so
    the currency a label names is a note for the reviewer, in the language of the command."""
    source, _ = PLAIN_SOURCES[kind](tmp_path)
    for lang in ("en", "ru"):
        text = api.suggest_mapping(source, lang=lang)
        notes = [line for line in text.splitlines() if line.strip().startswith("#") and "pay_currency" in line]
        assert [next(c for c in currencies if c in note) for note in notes] == currencies
        assert "pay_currency" not in yaml.safe_load(text)["variables"]
        assert ("не может" in notes[0]) == (lang == "ru")


def test_a_draft_of_plain_labels_imports_as_it_stands(tmp_path):
    source, _ = PLAIN_SOURCES["sav-en"](tmp_path)
    (tmp_path / "m.yaml").write_text(api.suggest_mapping(source), encoding="utf-8")
    imported = api.import_submissions(source, tmp_path / "d.parquet", mapping=tmp_path / "m.yaml")
    rows = pq.read_table(imported.path).sort_by("id").to_pylist()
    assert [r["reference_date"] for r in rows] == [dt.date(2024, 5, 4), dt.date(2024, 5, 4), dt.date(2024, 5, 11)]
    assert [(r["sex"], r["documents_held_by_employer"], r["written_contract"]) for r in rows] == [
        ("male", True, False),
        ("female", False, True),
        ("male", None, False),
    ]
    assert [(r["age"], r["rest_days_per_week"], r["monthly_pay"]) for r in rows] == [
        (34, 1, 90000.0),
        (27, 0, 150000.0),
        (45, 2, 70000.0),
    ]


@pytest.mark.parametrize(
    ("label", "not_on"),
    [
        ("Hours worked per week", "hours_per_day"),  # a week is not a day
        ("Days off per month", "rest_days_per_week"),
        ("How many hours a week do you usually work?", "hours_per_day"),
        ("No written contract", "written_contract"),  # the opposite answer
        ("Нет письменного договора", "written_contract"),
        ("Agent fee", "age"),  # a word inside another word
        ("Employer's age", "age"),
    ],
)
def test_a_near_label_of_another_meaning_is_not_placed(tmp_path, label, not_on):
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"resp": ["R-1", "R-2"], "x": [1.0, 2.0]})
    pyreadstat.write_sav(frame, str(tmp_path / "s.sav"), column_labels={"x": label})
    text = api.suggest_mapping(tmp_path / "s.sav")
    assert not_on not in (yaml.safe_load(text)["variables"] or {})
    assert "x" in _not_mapped(text)
