"""Hostile and careless files (issue #13), read in-process: each is refused with a message naming the
file, the place and the value, or read exactly; never a crash, never a silent change."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from labourwatch import api
from labourwatch.core.errors import DataError
from labourwatch.io.forms import local_dates
from labourwatch.io.readers import InputError, open_source

HEAD = "id,reference_date,hours_per_day"


def write(tmp_path: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


# --- headers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "char"),
    [
        ('id,"reference\ndate",hours_per_day', "U+000A"),  # a quoted line break
        ("id,reference_date,hours\u2028per_day", "U+2028"),  # str.splitlines would split here
        ("id,reference_date,\fhours_per_day", "U+000C"),
        ("\ufeff\ufeffid,reference_date", "U+FEFF"),  # a second byte-order mark
        ("id,reference_date,hours\u200bper_day", "U+200B"),  # a zero-width space
    ],
)
def test_a_header_with_an_invisible_or_line_break_character_is_refused(tmp_path, header, char):
    path = write(tmp_path, "h.csv", header + "\n1,2024-06-03,12\n")
    with pytest.raises(InputError, match=re.escape(char)) as exc:
        api.assess(path)
    assert "h.csv" in str(exc.value)


@pytest.mark.parametrize("name", ["__v_age", "__lw_law", "__lw_row", "__r_x", "__n_x"])
def test_a_column_named_like_an_internal_one_is_refused(tmp_path, name):
    with pytest.raises(InputError, match="keeps for its own columns"):
        api.assess(write(tmp_path, "i.csv", f"{HEAD},{name}\n1,2024-06-03,12,1\n"))


def test_kobo_meta_columns_that_begin_with_underscores_are_carried(tmp_path):
    table = api.assess(write(tmp_path, "k.csv", f"{HEAD},__version__,_id\n1,2024-06-03,12,vX,7\n")).table
    assert table.column("__version__").to_pylist() == ["vX"]


# --- thousands of columns: carried beside the results, not through the query ----------------------------


def wide(columns: int, rows: int) -> pa.Table:
    data = {"id": [f"r{i}" for i in range(rows)], "reference_date": ["2024-06-03"] * rows}
    data |= {f"c{k}": [f"{k}:{i}" for i in range(rows)] for k in range(columns)}
    return pa.table(data)


def test_three_thousand_columns_are_assessed_and_carried_in_order(tmp_path):
    """1,000 columns used to exhaust the 500 MB memory limit (each layer of rules held every column)."""
    data = wide(3000, 50)
    path = tmp_path / "wide.parquet"
    pq.write_table(data, path)
    for source in (path, data):  # the engine's own Parquet scan, and a stream of batches
        table = api.assess(source).table
        assert table.column_names[:3002] == data.column_names
        for name in ("c0", "c1500", "c2999"):
            assert table.column(name).to_pylist() == data.column(name).to_pylist()


# --- numbers, encodings, dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["9007199254740993", "1234567890123456", "0.1234567890123456"])
def test_a_number_with_more_digits_than_a_double_holds_is_refused(tmp_path, value):
    with pytest.raises(DataError) as exc:
        api.assess(write(tmp_path, "n.csv", f"id,reference_date,monthly_pay\n1,2024-06-03,{value}\n"))
    assert [(p.column, p.value, p.message.code) for p in exc.value.problems] == [
        ("monthly_pay", value, "too_many_digits")
    ]


@pytest.mark.parametrize("value", ["123456789012345", "1000000000000000000000", "0.000000000000000123", "85000"])
def test_a_number_a_double_holds_exactly_is_read(tmp_path, value):
    table = api.assess(write(tmp_path, "n.csv", f"id,reference_date,monthly_pay\n1,2024-06-03,{value}\n")).table
    assert table.column("monthly_pay").to_pylist() == [float(value)]


def test_an_integer_column_beyond_two_to_the_53_is_refused(tmp_path):
    path = tmp_path / "i.parquet"
    pay = pa.array([85000, 2**53 + 1], pa.int64())
    pq.write_table(pa.table({"id": ["a", "b"], "reference_date": ["2024-06-03"] * 2, "monthly_pay": pay}), path)
    with pytest.raises(DataError) as exc:
        api.assess(path)
    assert [(p.row, p.message.code) for p in exc.value.problems] == [(2, "too_many_digits")]


def test_latin_1_is_refused_naming_the_byte_not_read_as_cyrillic(tmp_path):
    path = write(tmp_path, "l.csv", "id,reference_date,employer\n1,2024-06-03,M\u00fcller\n", "latin-1")
    with pytest.raises(InputError, match=r"0xFC on line 2") as exc:
        api.assess(path)
    assert "--encoding" in str(exc.value)
    assert api.assess(path, encoding="latin-1").table.column("employer").to_pylist() == ["M\u00fcller"]


def test_cyrillic_windows_1251_is_still_recognised(tmp_path):
    path = write(tmp_path, "c.csv", "id,reference_date,employer\n1,2024-06-03,ТОО Алматы Строй\n", "cp1251")
    assert api.assess(path).table.column("employer").to_pylist() == ["ТОО Алматы Строй"]


def test_a_time_stamp_with_a_zone_is_judged_on_its_date_in_kazakhstan_whatever_the_machine(tmp_path):
    """20:30 UTC on 31 December 2023 is already 1 January 2024 in Almaty: the 2024 minimum wage."""
    instant = datetime(2023, 12, 31, 20, 30, tzinfo=UTC)
    day = pa.array([instant], pa.timestamp("us", tz="UTC"))
    assessed = api.assess(pa.table({"id": ["a"], "reference_date": day}))
    assert str(assessed.table.column("lw_judged_on")[0]) == "2024-01-01"
    assert any("its date in Asia/Almaty" in note for note in assessed.warnings)  # and says so


def test_odk_time_stamps_become_dates_where_the_work_was():
    stamps = pa.chunked_array([["2024-06-30", "2024-06-30T23:30:00.000+06:00", "2024-06-30T20:30:00Z", None]])
    dates, moved = local_dates(stamps, "end")
    assert dates.to_pylist() == ["2024-06-30", "2024-06-30", "2024-07-01", None]
    assert [(m.row, m.value) for m in moved] == [(3, "2024-06-30T20:30:00Z")]
    kobo, _ = local_dates(pa.chunked_array([["2024-06-30T20:30:00"]]), "_submission_time")  # UTC, unsaid
    assert kobo.to_pylist() == ["2024-07-01"]
    kept, _ = local_dates(pa.chunked_array([["2024-06-0399", "2024-06-30T25:00:00Z"]]), "end")
    assert kept.to_pylist() == ["2024-06-0399", "2024-06-30T25:00:00Z"]  # whole, for the checks to refuse


# --- row numbers name the right line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"{HEAD}\n\n1,2024-06-03,12\n\n2,2024-06-03,zz\n", 5),  # blank lines skipped
        (f'{HEAD},note\n1,2024-06-03,12,"two\nlines"\n2,2024-06-03,zz,x\n', 4),  # a quoted line break
        (f"{HEAD}\r\n1,2024-06-03,12\r\n2,2024-06-03,zz\r\n", 3),
    ],
)
def test_a_problem_names_the_line_it_is_on(tmp_path, text, line):
    with pytest.raises(DataError) as exc:
        api.assess(write(tmp_path, "l.csv", text))
    assert exc.value.source.where(2) == f"row 2 (line {line})"


def test_an_excel_problem_names_its_sheet_row_after_empty_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ([*HEAD.split(",")], [1, "2024-06-03", 5], [], [], [2, "2024-06-03", "zz"]):
        sheet.append(row)
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(DataError) as exc:
        api.assess(tmp_path / "x.xlsx")
    assert exc.value.source.where(2) == "row 2 (line 5)"


# --- spreadsheets: nothing read as blank that is not ------------------------------------------------------


def workbook(tmp_path: Path, fill) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEAD.split(","))
    fill(sheet)
    book.save(tmp_path / "s.xlsx")
    return tmp_path / "s.xlsx"


def test_a_formula_saved_without_its_value_is_refused_naming_the_cell(tmp_path):
    path = workbook(tmp_path, lambda s: s.append([1, "2024-06-03", "=4+8"]))
    with pytest.raises(InputError, match="cell C2 holds a formula saved without its value"):
        open_source(path)


def test_merged_cells_are_refused(tmp_path):
    def fill(sheet):
        sheet.append([1, "2024-06-03", 5])
        sheet.append([2, "2024-06-03", 6])
        sheet.merge_cells("B2:B3")

    with pytest.raises(InputError, match="cells B2:B3 are merged"):
        open_source(workbook(tmp_path, fill))


def test_a_value_under_no_header_is_refused_naming_the_cell(tmp_path):
    path = workbook(tmp_path, lambda s: s.append([1, "2024-06-03", 5, None, "a note"]))
    with pytest.raises(InputError, match="cell E2 has a value, but its column has no name"):
        open_source(path)


# --- JSON and Parquet -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        "[" * 100_000 + "]" * 100_000,  # beyond the parser's own recursion
        json.dumps({"value": [{"__id": "a", **json.loads("{" + '"g": {' * 40 + '"x": 1' + "}" * 40 + "}")}]}),
    ],
)
def test_json_nested_beyond_any_form_is_refused(tmp_path, document):
    with pytest.raises(InputError, match="nested more than 32 levels"):
        api.import_submissions(write(tmp_path, "d.json", document), tmp_path / "d.parquet")


def test_a_corrupt_parquet_file_is_named(tmp_path):
    pq.write_table(pa.table({"id": ["1"], "reference_date": ["2024-06-03"]}), tmp_path / "g.parquet")
    good = (tmp_path / "g.parquet").read_bytes()
    for name, data in (("half.parquet", good[: len(good) // 2] + b"PAR1"), ("body.parquet", good[:4] + bytes(200))):
        with pytest.raises(InputError, match="not a readable Parquet file"):
            api.assess(write(tmp_path, name, data + good[204:] if name == "body.parquet" else data))


def test_an_encrypted_zip_member_is_named(tmp_path):
    path = tmp_path / "e.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("form.csv", "KEY,x\n1,2\n")
    data = bytearray(path.read_bytes())
    data[6] |= 0x01  # the general-purpose flag of the local header: "encrypted"
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x01  # and of the central directory
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"e\.zip"):
        api.import_submissions(path, tmp_path / "d.parquet")
