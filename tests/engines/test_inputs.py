"""Inputs as the field has them, and bad input: every problem names file, row, column and value;
nothing is silently coerced or dropped; rows and columns come out as they went in."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat
import pytest

from labourwatch.api import assess, assess_file
from labourwatch.core.errors import DataError
from labourwatch.io.readers import InputError

ROWS = [
    {
        "id": "r1",
        "reference_date": "2016-03-01",
        "hours_per_day": "12",
        "age": "30",
        "hazardous_work": "no",
        "note": "Иван",
    },
    {
        "id": "r2",
        "reference_date": "01.03.2016",
        "hours_per_day": "7,5",
        "age": "30",
        "hazardous_work": "да",
        "note": "",
    },
    {
        "id": "r3",
        "reference_date": "2016-03-01",
        "hours_per_day": "",
        "age": "",
        "hazardous_work": "",
        "note": "x",
    },
]
EXPECTED = [True, True, None]  # hours_over_daily_norm


def write_csv(path: Path, rows=ROWS, *, encoding="utf-8", delimiter=",", bom=False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def findings(result) -> list:
    return result.table.column("hours_over_daily_norm").to_pylist()


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [("utf-8", ",", False), ("utf-8", ";", True), ("cp1251", ";", False), ("utf-8", "\t", False)],
)
def test_csv_as_excel_and_others_save_it(tmp_path, encoding, delimiter, bom):
    path = write_csv(tmp_path / "in.csv", encoding=encoding, delimiter=delimiter, bom=bom)
    result = assess(path)
    assert findings(result) == EXPECTED
    assert result.table.column("note").to_pylist() == ["Иван", "", "x"]
    if encoding == "cp1251":
        assert any("Windows-1251" in w for w in result.warnings)


def test_every_input_column_and_row_is_kept_in_order(tmp_path):
    path = write_csv(tmp_path / "in.csv")
    table = assess(path).table
    assert table.column_names[:6] == list(ROWS[0])
    assert table.column("id").to_pylist() == ["r1", "r2", "r3"]
    assert table.column("hours_per_day").to_pylist() == [12.0, 7.5, None]  # canonical columns are typed
    assert table.column("reference_date").to_pylist() == [date(2016, 3, 1)] * 3


def test_pandas_polars_and_arrow_tables(tmp_path):
    frame = pd.DataFrame(ROWS)
    assert findings(assess(frame)) == EXPECTED
    assert findings(assess(pl.from_pandas(frame))) == EXPECTED
    assert findings(assess(pa.Table.from_pandas(frame))) == EXPECTED


def test_typed_columns_are_read_without_text(tmp_path):
    table = pa.table(
        {
            "id": ["a", "b"],
            "reference_date": pa.array([date(2016, 3, 1), date(2016, 3, 1)], pa.date32()),
            "hours_per_day": pa.array([12, 8], pa.int64()),
            "age": [30.0, 30.0],
            "hazardous_work": [False, False],
            "rest_days_per_week": pa.array([2, 2], pa.int64()),  # a five-day week: 8 h is the norm
        }
    )
    assert assess(table).table.column("hours_over_daily_norm").to_pylist() == [True, False]


def test_parquet_excel_and_spss(tmp_path):
    frame = pd.DataFrame(ROWS)
    pq.write_table(pa.Table.from_pandas(frame), tmp_path / "in.parquet")
    frame.to_excel(tmp_path / "in.xlsx", index=False)
    numeric = frame.drop(columns=["hazardous_work"]).assign(
        hours_per_day=[12.0, 7.5, None],
        age=[30.0, 30.0, None],
        reference_date=["2016-03-01"] * 3,
        rest_days_per_week=[2.0, 2.0, None],  # a five-day week (on a six-day week 7.5 h is over the norm)
    )
    pyreadstat.write_sav(numeric, str(tmp_path / "in.sav"))
    assert findings(assess(tmp_path / "in.parquet")) == EXPECTED
    assert findings(assess(tmp_path / "in.xlsx")) == EXPECTED
    # the SPSS file has no hazardous_work: not asked, so the work is presumed not hazardous (7.5 h is no breach)
    assert assess(tmp_path / "in.sav").table.column("hours_over_daily_norm").to_pylist() == [True, False, None]


def problems_of(data) -> list[tuple]:
    with pytest.raises(DataError) as err:
        assess(data)
    return [(p.row, p.column, p.value, p.text()) for p in err.value.problems]


def test_impossible_values_are_named_by_row_column_and_value():
    future = (date.today() + timedelta(days=3)).isoformat()
    rows = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "reference_date": ["2016-03-01", future, "1990-12-31", "2016-02-30"],
            "hours_per_day": ["25", "8", "-1", "twelve"],
            "days_per_month": ["32", "20", "20", "20.5"],
            "monthly_pay": ["-5", "0", "1000", "1000"],
            "sex": ["male", "M", "female", "female"],
            "citizenship": ["UZB", "uz", "KGZ", "KGZ"],
            "entry_date": ["2016-04-01", "", "", ""],
        }
    )
    got = problems_of(rows)
    assert (1, "hours_per_day", "25", "is over the maximum of 24 h") in got
    assert (1, "days_per_month", "32", "is over the maximum of 31 days") in got
    assert (1, "monthly_pay", "-5", "is below the minimum of 0") in got
    assert (1, "entry_date", "2016-04-01", "the entry date is after the reference date") in got
    assert (2, "reference_date", future, "is in the future") in got
    assert (2, "sex", "M", "not one of: female, male") in got
    assert (2, "citizenship", "uz", "not an ISO 3166 alpha-3 code (e.g. UZB)") in got
    assert (3, "reference_date", "1990-12-31", "is before 1991") in got
    assert (3, "hours_per_day", "-1", "is below the minimum of 0") in got
    assert (4, "reference_date", "2016-02-30", "not a date (write YYYY-MM-DD or DD.MM.YYYY)") in got
    assert (4, "hours_per_day", "twelve", "not a number") in got
    assert (4, "days_per_month", "20.5", "not a whole number") in got


def test_duplicate_and_missing_ids():
    got = problems_of(pd.DataFrame({"id": ["a", "b", "a", "", "a"], "reference_date": ["2016-03-01"] * 5}))
    assert (1, "id", "a", "the same id is used again in row(s) 3, 5") in got
    assert (4, "id", "", "is missing; every record needs it") in got


def test_missing_required_columns():
    got = problems_of(pd.DataFrame({"hours_per_day": ["8"]}))
    assert (None, "id", None, "required column is missing from the input") in got
    assert (None, "reference_date", None, "required column is missing from the input") in got


def test_reference_date_is_not_needed_under_as_of():
    result = assess(pd.DataFrame({"id": ["a"], "hours_per_day": ["12"]}), as_of="2016-03-01")
    assert result.table.column("overtime_over_daily_cap").to_pylist() == [True]


def test_messages_in_russian():
    with pytest.raises(DataError) as err:
        assess(pd.DataFrame({"id": ["a"], "reference_date": ["2016-03-01"], "hours_per_day": ["25"]}), lang="ru")
    assert err.value.problems[0].text("ru") == "больше максимума 24 ч"
    assert "оценка не проводилась" in str(err.value)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"\n\n", "blank.csv", "should name the columns"),
        (b"id,id\n1,2\n", "dup.csv", "appears twice"),
        (b"id,reference_date\n", "header.csv", None),
        (b"\x00\x01\x02\xff\xfe" * 50, "binary.csv", "not text"),
        (b"PK\x03\x04 not really", "bad.xlsx", "not a readable Excel workbook"),
        (b"not parquet", "bad.parquet", "not a readable Parquet file"),
        (b"id\n1\n", "data.json", "cannot read '.json' files"),
    ],
)
def test_unreadable_inputs_say_why(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    if message is None:  # a header and no records
        assert problems_of(path) == [(None, None, None, "the input has no records")]
        return
    with pytest.raises(InputError, match=message):
        assess(path)


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        assess("does/not/exist.csv")
    with pytest.raises(InputError, match="нет такого файла"):
        assess("does/not/exist.csv", lang="ru")


def test_reading_problems_in_russian(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_bytes(b"id,id\n1,2\n")
    with pytest.raises(InputError, match="встречается в заголовке дважды"):
        assess(path, lang="ru")


def test_a_clash_with_result_columns_is_refused():
    from labourwatch.core.errors import LabourwatchError

    with pytest.raises(LabourwatchError, match="assessed before"):
        assess(pd.DataFrame({"id": ["a"], "reference_date": ["2016-03-01"], "no_written_contract": ["x"]}))


def test_file_output_is_atomic_and_records_provenance(tmp_path):
    src = write_csv(tmp_path / "in.csv")
    written = assess_file(src, tmp_path / "out.parquet")
    meta = pq.read_schema(tmp_path / "out.parquet").metadata[b"labourwatch"]
    assert b"kz-labour" in meta and b"sha256" in meta
    assert written.rows == 3
    assert (tmp_path / "out.parquet").stat().st_mode & 0o044  # readable by others, like any new file
    bad = write_csv(tmp_path / "bad.csv", [{**ROWS[0], "hours_per_day": "99"}])
    with pytest.raises(DataError):
        assess_file(bad, tmp_path / "bad.parquet")
    assert not (tmp_path / "bad.parquet").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".lw-")] == []


def test_results_only_keeps_the_id_and_checks_what_the_rules_read(tmp_path):
    """--results-only writes the id and the results. What a rule reads is checked as always; a variable
    no rule reads is neither written nor checked, and the output says which were."""
    src = write_csv(tmp_path / "in.csv", [{**row, "sex": "?"} for row in ROWS])  # no rule reads sex
    written = assess_file(src, tmp_path / "out.parquet", results_only=True)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names[0] == "id" and not {"note", "age", "sex"} & set(table.column_names)
    assert table.column("id").to_pylist() == [r["id"] for r in ROWS]
    assert table.column("hours_over_daily_norm").to_pylist() == EXPECTED
    assert written.provenance["results_only"] is True
    assert "age" in written.provenance["validated"] and "sex" not in written.provenance["validated"]
    assert any("neither checked nor written" in w and "sex" in w for w in written.warnings)
    bad = write_csv(tmp_path / "bad.csv", [{**ROWS[0], "age": "abc"}])  # read by rules, though not written
    with pytest.raises(DataError):
        assess_file(bad, tmp_path / "bad.parquet", results_only=True)
    with pytest.raises(DataError):  # the whole output checks every value
        assess_file(src, tmp_path / "all.parquet")


def test_codes_of_a_multiple_choice_are_checked_one_by_one(tmp_path):
    """The codes are checked by one pattern over the text: separated by any white space, each a whole
    code (a code that only starts like one, or an empty code between separators, is not)."""
    answers = {"ru kk": True, "ru\tkk": True, " en ": True, "ruu": False, "ru kkk": False, "ru,kk": False}
    rows = [{"id": str(i), "reference_date": "2016-03-01", "languages_spoken": a} for i, a in enumerate(answers)]
    found = {row for row, *_ in problems_of(write_csv(tmp_path / "in.csv", rows))}
    assert {a for i, a in enumerate(answers) if i + 1 in found} == {a for a, ok in answers.items() if not ok}


def test_csv_output_says_unknown_and_has_a_provenance_file(tmp_path):
    src = write_csv(tmp_path / "in.csv")
    assess_file(src, tmp_path / "out.csv")
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out["hours_over_daily_norm"].tolist() == ["true", "true", "unknown"]
    assert (tmp_path / "out.csv.provenance.json").exists()


def test_multiple_choice_answers_round_trip(tmp_path):
    rows = [{"id": "a", "reference_date": "2016-03-01", "languages_spoken": "ru  kk"}, {**ROWS[2], "id": "b"}]
    src = write_csv(tmp_path / "in.csv", [{k: r.get(k, "") for k in rows[0]} for r in rows])
    assess_file(src, tmp_path / "out.parquet")
    assess_file(src, tmp_path / "out.csv")
    assert pq.read_table(tmp_path / "out.parquet").column("languages_spoken").to_pylist() == [["ru", "kk"], None]
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out["languages_spoken"].tolist() == ["ru kk", ""]
    bad = write_csv(tmp_path / "bad.csv", [{"id": "a", "reference_date": "2016-03-01", "languages_spoken": "ru xx"}])
    assert problems_of(bad)[0][1:] == (
        "languages_spoken",
        "ru xx",
        "has codes not among: kk, ru, uz, ky, tg, en, other",
    )


def test_nan_in_a_float_column_is_missing():
    table = pa.table({"id": ["a", "b"], "reference_date": ["2016-03-01"] * 2, "hours_per_day": [float("nan"), 12.0]})
    assert assess(table).table.column("hours_per_day").to_pylist() == [None, 12.0]


def test_checking_alone_finds_the_same_problems_as_assessing_and_passes_clean_data():
    """`check` (the web form's validation) evaluates no rule but refuses exactly what `assess` refuses."""
    from labourwatch.services import assessment
    from labourwatch.services.request import Request

    bad = pa.table({"id": ["a", "b"], "reference_date": ["2024-01-01", "2024-13-01"], "age": ["27", "old"]})
    request = Request(packs=["kz-labour"], lang="en")
    with pytest.raises(DataError) as checked:
        assessment.check(bad, request)
    with pytest.raises(DataError) as assessed:
        assessment.assess(bad, request)
    found = [(p.row, p.column, p.value) for p in checked.value.problems]
    assert found == [(p.row, p.column, p.value) for p in assessed.value.problems]
    assert {(2, "reference_date", "2024-13-01"), (2, "age", "old")} <= set(found)
    assessment.check(bad.slice(0, 1), request)  # the clean row alone passes
