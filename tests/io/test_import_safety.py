"""Malformed exports are refused with the file, row, column and value; a refused import changes nothing;
every rejected or recoded value is in the import report; an edited ODK submission replaces the original."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.core.errors import DataError, LabourwatchError
from labourwatch.io.readers import InputError
from tests.io import fixtures as fx


def report(path):
    with open(path.with_name(path.name + ".import.csv"), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_a_bad_value_is_rejected_by_file_row_and_source_column_and_nothing_changes(tmp_path):
    out = tmp_path / "d.parquet"
    api.import_submissions(fx.kobo_csv(tmp_path / "good.csv"), out)
    before = out.read_bytes()
    rows = fx.kobo_rows()
    rows[2]["working_time/hours_per_day"] = "30"  # more than 24 hours a day
    rows[4]["demographics/sex"] = "man"  # not a code of the form
    rows[4]["_uuid"] = rows[4]["meta/instanceID"] = "a-new-one"
    bad = fx.write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(DataError) as caught:
        api.import_submissions(bad, out)
    found = {(p.row, p.column, p.value) for p in caught.value.problems}
    assert found == {(3, "working_time/hours_per_day", "30"), (5, "demographics/sex", "man")}
    assert caught.value.source.where(3) == "row 3 (line 4)"
    assert out.read_bytes() == before
    rejected = [r for r in report(out) if r["reason"].startswith("rejected")]
    assert {(r["file"], r["row"], r["column"], r["value"]) for r in rejected} == {
        (str(bad), "3", "working_time/hours_per_day", "30"),
        (str(bad), "5", "demographics/sex", "man"),
    }


def test_the_report_lists_each_recoded_value(tmp_path):
    result = api.import_submissions(fx.kobo_csv(tmp_path / "x.csv"), tmp_path / "d.parquet")
    rows = report(result.path)
    assert {"file": str(tmp_path / "x.csv"), "row": "1", "column": "confinement", "value": "dont_know"} in [
        {k: r[k] for k in ("file", "row", "column", "value")} for r in rows
    ]
    skipped = [r for r in rows if r["column"] == "travel_arranged_by_recruiter"]
    assert [(r["row"], r["value"]) for r in skipped] == [("2", "")]
    assert "recruited_by" in skipped[0]["reason"]


def test_a_bad_repeat_value_names_the_repeat_sheet(tmp_path):
    path = fx.kobo_xlsx(tmp_path / "x.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    book["payments"]["B3"] = -5
    book.save(path)
    with pytest.raises(DataError) as caught:
        api.import_submissions(path, tmp_path / "d.parquet")
    assert caught.value.source.label == f"{path} [payments]"
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(2, "claim/payments/payment_amount", "-5")]
    assert not (tmp_path / "d.parquet").exists() and not (tmp_path / "d.payments.parquet").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"results": [{"a": 1}', "not readable JSON"),
        ('{"rows": []}', "no submissions found"),
        ('{"value": [{"__id": "uuid:1"}, 7]}', "submission 2: expected an object"),
    ],
)
def test_malformed_json_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        api.import_submissions(path, tmp_path / "d.parquet")


def test_a_repeat_row_without_its_submission_is_refused_by_row_and_column(tmp_path):
    path = fx.central_zip(tmp_path / "x.zip")
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    name = f"{fx.FORM_ID}-payments.csv"
    files[name] = files[name].replace(b"uuid:0f1e2d3c-0005-4a5b-8c9d-0123456789ab,", b"uuid:lost,", 1)
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in files.items():
            archive.writestr(n, data)
    with pytest.raises(InputError, match=r"row 4, column PARENT_KEY: no submission 'uuid:lost'"):
        api.import_submissions(path, tmp_path / "d.parquet")


def test_an_archive_that_is_not_a_central_export_is_refused(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(InputError, match="one CSV of submissions"):
        api.import_submissions(path, tmp_path / "d.parquet")


def test_a_duplicated_header_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("demographics/sex,demographics/sex,_uuid\nmale,male,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="twice"):
        api.import_submissions(path, tmp_path / "d.parquet")


def test_an_edited_submission_replaces_the_one_it_edits(tmp_path):
    out = tmp_path / "d.parquet"
    api.import_submissions(fx.odata_json(tmp_path / "a.json"), out)
    edited = fx.odata_rows()[:1]
    old = edited[0]["__id"]
    edited[0]["__id"] = edited[0]["meta"]["instanceID"] = "uuid:edited-0001"
    edited[0]["meta"]["deprecatedID"] = old
    edited[0]["working_time"]["hours_per_day"] = 11
    (tmp_path / "b.json").write_text(json.dumps({"value": edited}), encoding="utf-8")
    result = api.import_submissions(tmp_path / "b.json", out)
    assert (result.added, result.replaced) == (1, 1)
    table = pq.read_table(out)
    assert sorted(table.column("id").to_pylist())[-1] == "edited-0001"
    assert old.removeprefix("uuid:") not in table.column("id").to_pylist()
    assert table.num_rows == 5
    repeat = pq.read_table(tmp_path / "d.payments.parquet")
    assert old.removeprefix("uuid:") not in repeat.column("id").to_pylist()
    assert repeat.column("id").to_pylist().count("edited-0001") == 2


def test_cli_import_reports_in_both_languages_and_fails_cleanly(tmp_path):
    runner = CliRunner()
    good = runner.invoke(cli, ["import", str(fx.central_zip(tmp_path / "x.zip")), "-o", str(tmp_path / "d.parquet")])
    assert good.exit_code == 0, good.output
    assert "Imported 5 records" in good.output and "d.payments.parquet" in good.output
    rows = fx.kobo_rows()
    rows[0]["working_time/hours_per_day"] = "25"
    bad = runner.invoke(
        cli, ["--lang", "ru", "import", str(fx.write_csv(tmp_path / "b.csv", rows)), "-o", str(tmp_path / "e.parquet")]
    )
    assert bad.exit_code == 1
    assert "Ничего не импортировано" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "e.parquet").exists()
    neither = runner.invoke(cli, ["import", "-o", str(tmp_path / "f.parquet")])
    assert neither.exit_code == 2 and "--central" in neither.output


def _edit(rows: list[dict], index: int, new_id: str, hours: int) -> dict:
    """An edit of rows[index] as ODK Central exports it: a new instance id naming the one it replaces."""
    edited = json.loads(json.dumps(rows[index]))
    edited["meta"]["deprecatedID"] = edited["__id"]
    edited["__id"] = edited["meta"]["instanceID"] = new_id
    edited["working_time"]["hours_per_day"] = hours
    return edited


def _export(tmp_path: Path, name: str, rows: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"value": rows}), encoding="utf-8")
    return path


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0), (2, 0, 1)])
def test_an_edit_chain_ends_with_its_last_edit_whatever_the_order_of_the_exports(tmp_path, order):
    """Original -> first edit -> second edit, in three exports imported in any order: only the last
    edit stays (an older export imported later used to bring the original back)."""
    original = fx.odata_rows()
    first = _edit(original, 0, "uuid:edit-1", 11)
    second = _edit([first], 0, "uuid:edit-2", 12)
    exports = [
        _export(tmp_path, "a.json", original),
        _export(tmp_path, "b.json", [first, *original[1:]]),
        _export(tmp_path, "c.json", [second, *original[1:]]),
    ]
    out = tmp_path / "d.parquet"
    for i in order:
        api.import_submissions(exports[i], out)
    ids = pq.read_table(out).column("id").to_pylist()
    assert "edit-2" in ids and "edit-1" not in ids and original[0]["__id"].removeprefix("uuid:") not in ids
    assert len(ids) == len(original)


def test_an_edit_that_names_itself_deletes_nothing(tmp_path):
    rows = fx.odata_rows()
    rows[0]["meta"]["deprecatedID"] = rows[0]["__id"]
    out = tmp_path / "d.parquet"
    result = api.import_submissions(_export(tmp_path, "a.json", rows), out)
    assert (result.added, result.replaced) == (len(rows), 0)
    assert pq.read_table(out).num_rows == len(rows)


def test_two_columns_answering_one_question_are_refused_not_one_ignored(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("_uuid,today,working_time/hours_per_day,hours_per_day\nu1,2024-06-03,10,12\n", encoding="utf-8")
    with pytest.raises(LabourwatchError, match="'working_time/hours_per_day' and 'hours_per_day' both answer"):
        api.import_submissions(path, tmp_path / "d.parquet")
    assert not (tmp_path / "d.parquet").exists()
