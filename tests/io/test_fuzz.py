"""Fuzzing the way in (issue #13): hypothesis writes CSV files of random shape (delimiter, line ends,
byte-order mark, blank lines, quoted line breaks, encoding), random headers (variables, other columns,
names that look like markup, formulas or internals) and random values (numbers as people and programs
write them, NaN, infinity, 1_5, too many digits, dates cut short, markup, formulas), under random file
names. Whatever the file, labourwatch either refuses it with a message that names the file (and the
row, column and value), or reads it exactly:

- nothing crashes: the only exceptions are labourwatch's own errors;
- nothing is lost: one result row for every record written, in order;
- nothing is altered: every column that is not a variable comes back as written, and every number
  that is read is the decimal written;
- every problem names a row that exists, a column of the header and the value written there.

docs/hardening.md gives the number of files each run tries (MAX_EXAMPLES + CLI_EXAMPLES)."""

from __future__ import annotations

import contextlib
import io
import math
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labourwatch import api
from labourwatch.core.errors import DataError, LabourwatchError
from labourwatch.core.record import NUMBER, SIGNIFICANT_DIGITS, significant_digits

MAX_EXAMPLES = 100
CLI_EXAMPLES = 25
PACK = "kz-labour"  # the way in is the same for every pack; one keeps each example quick

NUMBERS = ["hours_per_day", "monthly_pay", "age"]
EXTRA = ["note", "[bold]x[/]", "=cmd", "employer name", "Zoë", "район", "__version__", "a:b"]
TEXTS = st.one_of(
    st.sampled_from(["", " ", "[/]", ":x:", "=HYPERLINK(1)", "+1", "-5", "@a", "NaN", "inf", "1e309", "1_5"]),
    st.sampled_from(["9007199254740993", "0.1234567890123456", "12,5", "2024-06-0399", "03.06.2024", "Müller"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=10**6).map(str),
    st.integers(min_value=0, max_value=30).map(str),
)
DATES = st.one_of(st.dates().map(str), st.sampled_from(["2024-06-03", "2016-02-30", "", "2024-06", "x"]))


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]], str, str]:
    """(delimiter, header, records, line end, encoding)."""
    columns = ["id", "reference_date", *draw(st.lists(st.sampled_from(NUMBERS + EXTRA), unique=True, max_size=5))]
    n = draw(st.integers(min_value=1, max_value=6))
    records = []
    for i in range(n):
        values = [f"r{i}", draw(DATES)] + [draw(TEXTS) for _ in columns[2:]]
        records.append(values)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    return delimiter, columns, records, draw(st.sampled_from(["\n", "\r\n"])), draw(st.sampled_from(ENCODINGS))


ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "latin-1"]


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def render(delimiter: str, header: list[str], records: list[list[str]], end: str, blank: bool) -> str:
    lines = [delimiter.join(quoted(h) for h in header)]
    for values in records:
        lines.append(delimiter.join(quoted(v) for v in values))
        if blank:
            lines.append("")  # a blank line: no record
    return end.join(lines) + end


def write(folder: Path, name: str, text: str, encoding: str) -> Path | None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return None  # not writable in that encoding: not a file anyone has
    path = folder / name
    path.write_bytes(data)
    return path


NAMES = st.sampled_from(["in.csv", "survey[1].csv", "a b.csv", "[bold]x[bold].csv", "данные.csv", "*.csv"])


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=csv_files(), blank=st.booleans(), name=NAMES)
def test_any_csv_file_is_read_exactly_or_refused_by_row_column_and_value(tmp_path_factory, shape, blank, name):
    delimiter, header, records, end, encoding = shape
    folder = tmp_path_factory.mktemp("fuzz")
    path = write(folder, name, render(delimiter, header, records, end, blank), encoding)
    if path is None:
        return
    try:
        result = api.assess(path, packs=[PACK], encoding=encoding if encoding == "latin-1" else None)
    except DataError as exc:
        assert str(path) in exc.text()
        for problem in exc.problems:
            if problem.row is None:
                assert problem.column in header
                continue
            assert 1 <= problem.row <= len(records)
            written = dict(zip(header, records[problem.row - 1], strict=True))
            if problem.column in written and problem.value is not None:
                assert problem.value == written[problem.column]
        return
    except LabourwatchError as exc:
        assert str(path) in exc.text()  # refused as a whole (an encoding, a header), naming the file
        return
    table = result.table
    assert table.num_rows == len(records)  # nothing lost
    for column, name_ in enumerate(header):
        written = [r[column] for r in records]
        if name_ in EXTRA:  # carried: exactly as written
            assert table.column(name_).to_pylist() == written, name_
        if name_ in NUMBERS:
            for text, value in zip(written, table.column(name_).to_pylist(), strict=True):
                assert value == _decimal(text), (text, value)


def _decimal(text: str) -> float | None:
    """The number a valid answer means: a finite decimal of at most 15 significant digits."""
    text = text.strip(" ")
    if not text:
        return None
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]{1,2}", text):
        text = text.replace(",", ".")
    assert re.fullmatch(NUMBER, text) and significant_digits(text) <= SIGNIFICANT_DIGITS, text
    value = float(text)
    assert math.isfinite(value)
    return value


# --- the command line: whatever the file and its name, a message and an exit code, never a traceback ---


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


def run_cli(*args: str) -> tuple[int, str]:
    from labourwatch.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["labourwatch", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=CLI_EXAMPLES, deadline=None)
@given(shape=csv_files(), name=NAMES, record_id=st.sampled_from(["r0", "[/]", "=1", "nope"]))
def test_the_command_line_answers_any_file_in_words(folder, shape, name, record_id):
    delimiter, header, records, end, encoding = shape
    path = write(folder, name, render(delimiter, header, records, end, False), encoding)
    if path is None:
        return
    for command in (("assess", str(path), "-o", str(folder / "o.csv")), ("explain", str(path), "--id", record_id)):
        args = (*command, "--pack", PACK)
        code, text = run_cli(*args)
        assert code in (0, 1, 2), text
        assert "Traceback" not in text and "Internal error" not in text, text
