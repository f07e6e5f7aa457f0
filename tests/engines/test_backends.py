"""One conformance suite for every backend, and a second backend to show what a backend is: only its
dialect and connection code (engines/base.py does the rest).

`ArrowStreams` is written here as a new engine would be, and differs from the DuckDB backend in
everything a backend decides: it works on a database file instead of memory with no memory limit, never
scans Parquet itself (every input arrives as Arrow batches), and streams results in smaller batches. Spark joins
this suite as one more entry of BACKENDS."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from sqlglot import exp

from labourwatch.core.errors import DataError
from labourwatch.core.model import MonthSeries
from labourwatch.engines.base import Engine, SqlEngine
from labourwatch.engines.compiler import literal
from labourwatch.engines.duckdb import DuckDB
from labourwatch.engines.inputs import column
from labourwatch.engines.query import (
    CASE_CHANGES,
    INTERVAL,
    _as,
    _interval,
    _law,
    _law_column,
    _star_with,
    _sub,
    month_value,
    typed_select,
)
from labourwatch.services.assessment import prepare, results
from labourwatch.services.packtests import run_pack_tests
from labourwatch.services.request import Request
from labourwatch.services.synthetic import SynthSpec, generate, write
from tests.core.test_three_valued import KLEENE, bool_expr, compiled, params, records, reference, sql_value


class ArrowStreams(SqlEngine):  # the dialect is the default one (DuckDB's)
    name = "ArrowStreams"

    def __init__(self, folder: Any) -> None:
        self.folder = folder
        self.opened = 0

    def connect(self) -> duckdb.DuckDBPyConnection:
        self.opened += 1
        con = duckdb.connect(str(self.folder / f"db{self.opened}.duckdb"))
        con.execute("SET preserve_insertion_order = true")
        return con

    def register(self, con: Any, reader: pa.RecordBatchReader, name: str) -> None:
        con.register(name, reader)

    def stream(self, con: Any, sql: str) -> pa.RecordBatchReader:
        return con.sql(sql).to_arrow_reader(10_000)  # smaller batches than the DuckDB backend


BACKENDS = {"DuckDB": DuckDB(), "ArrowStreams": ArrowStreams(Path(tempfile.mkdtemp(prefix="lw-backend-")))}


@pytest.fixture(params=list(BACKENDS))
def backend(request) -> SqlEngine:
    return BACKENDS[request.param]


def run(engine: Engine, data: Any, request: Request) -> pa.Table:
    """The assessed table, with categorical columns as plain text (how a backend stores them is its own)."""
    table = results(prepare(data, request), engine)
    plain = [f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in table.schema]
    return table.cast(pa.schema(plain))


def test_every_pack_case_passes(backend):
    done: list[int] = []
    results = run_pack_tests(engine=backend, progress=done.append)
    assert len(results) > 200 and sum(done) == len(results)
    assert [f"{r.case.location}: {r.message}" for r in results if not r.ok] == []


def test_backends_give_the_same_table(backend, tmp_path):
    data = pa.concat_tables(generate(SynthSpec(3000, seed=11, start=date(2004, 1, 1), end=date(2025, 12, 31))))
    path = tmp_path / "in.parquet"
    pq.write_table(data, path)
    expected = run(DuckDB(), path, Request())
    assert run(backend, path, Request()).equals(expected)
    assert run(backend, data, Request(law="kz-labour-code-2007")).equals(
        run(DuckDB(), data, Request(law="kz-labour-code-2007"))
    )


def test_backends_report_the_same_problems(backend):
    data = pa.table(
        {
            "id": ["a", "b", "a"],
            "reference_date": ["2016-03-01", "2016-03-01", "2031-01-01"],
            "hours_per_day": ["25", "8", "x"],
        }
    )
    found = {}
    for name, engine in (("reference", DuckDB()), ("backend", backend)):
        with pytest.raises(DataError) as err:
            run(engine, data, Request())
        found[name] = [(p.row, p.column, p.value, p.message) for p in err.value.problems]
    assert found["backend"] == found["reference"]
    assert len(found["reference"]) == 4


def test_backends_find_the_same_record(backend):
    data = pa.table({"id": ["a", "b"], "reference_date": ["2016-03-01", "2010-05-02"], "hours_per_day": ["12", "8"]})
    plan = prepare(data, Request())
    assert backend.typed_record(plan, "b") == DuckDB().typed_record(plan, "b")
    assert backend.typed_record(plan, "zz") is None


@pytest.mark.parametrize("ids", [[" a ", "b", "  c"], [7, 8, 9]], ids=["text", "numbers"])
def test_an_id_is_found_as_stored_and_as_read(backend, tmp_path, ids):
    """An id stored as asked is looked up on the column itself (skipping most of a Parquet file); one
    stored with spaces around it, or as a number, is still found as its typed value reads."""
    data = pa.table({"id": ids, "reference_date": ["2016-03-01"] * 3, "hours_per_day": ["12", "8", "9"]})
    pq.write_table(data, tmp_path / "in.parquet")
    for source in (data, tmp_path / "in.parquet"):
        plan = prepare(source, Request())
        found = {key: backend.typed_record(plan, key) for key in ("a", "b", "c", "7", "8", " b", "zz")}
        assert {key: r[0] if r else None for key, r in found.items()} == (
            {"a": 1, "b": 2, "c": 3, "7": None, "8": None, " b": None, "zz": None}
            if ids[0] == " a "
            else {"a": None, "b": None, "c": None, "7": 1, "8": 2, " b": None, "zz": None}
        )
        assert found["b" if ids[0] == " a " else "8"][1]["hours_per_day"] == 8


# --- three-valued logic: the SQL a backend runs agrees with the reference evaluator --------------------


@pytest.mark.parametrize(("p", "q"), KLEENE)
def test_and_or_follow_kleene(backend, p, q):
    for text in ("a and b", "a or b", "not a", "if(a, 1, 2) > 1", "x / y > 0", "min(x, y) > 0"):
        node = compiled(text)
        values = {"a": p, "b": q, "x": None if p is None else 1.0, "y": 0.0 if q is False else None}
        assert sql_value(node, values, {}, backend) == reference(node, values, {}), text


@pytest.mark.parametrize("name", list(BACKENDS))
@settings(max_examples=60, deadline=None)
@given(text=bool_expr(3), values=records, law=params)
def test_random_rules_agree_with_the_reference_evaluator(name, text, values, law):
    node = compiled(text)
    assert sql_value(node, values, law, BACKENDS[name]) == reference(node, values, law), text


def test_columns_no_rule_reads_come_back_beside_their_rows(backend, tmp_path):
    """They are kept out of the query and joined to each result batch in input order (engines/base.py
    _Carried): over several batches, from a Parquet scan and from a stream, every value in its row."""
    n = 25_000
    data = pa.table(
        {
            "note": [f"n{i}" for i in range(n)],
            "id": [f"r{i}" for i in range(n)],
            "reference_date": ["2024-06-03"] * n,
            "hours_per_day": [i % 15 for i in range(n)],
            "count": pa.array([None if i % 7 == 0 else i for i in range(n)], pa.int64()),
            "flag": pa.array([i % 3 == 0 for i in range(n)]),
        }
    )
    path = tmp_path / "in.parquet"
    pq.write_table(data, path, row_group_size=6_000)
    for source in (path, data):
        table = run(backend, source, Request(packs=["kz-labour"]))
        assert table.column_names[:6] == data.column_names
        for name in ("note", "id", "count", "flag"):
            assert table.column(name).to_pylist() == data.column(name).to_pylist(), name


def test_carried_columns_stay_with_their_rows_when_a_stream_comes_back_out_of_order():
    """DuckDB scans a stream in parallel and may return a wide input's rows out of order (here from the
    first batch on): each carried value must still come back beside its own row, whatever the order."""
    n = 150_000
    data = pa.concat_tables(list(generate(SynthSpec(n, seed=3, start=date(2016, 1, 1), end=date(2025, 12, 31)))))
    data = data.append_column("note", pa.array([f"n{i}" for i in range(n)]))
    table = run(DuckDB(), data, Request(packs=["kz-labour"]))
    row_of = {key: i for i, key in enumerate(data.column("id").to_pylist())}
    assert table.num_rows == n
    assert table.column("note").to_pylist() == [f"n{row_of[key]}" for key in table.column("id").to_pylist()]


def test_a_month_series_gives_each_date_its_months_value(backend):
    """What a pack gives from the record's month (the calendar's working days): the value of the date's own
    month on every backend, null before the first month and after the last."""
    series = MonthSeries(2000, tuple(float(i) for i in range(24)))  # months numbered from 0
    days = [date(year, month, day) for year in (1999, 2000, 2001, 2002) for month in range(1, 13) for day in (1, 28)]
    got = [backend.scalar(month_value(series, literal(day))) for day in days]
    assert got == [series.on(day) for day in days]
    assert got[24:26] == [0, 0] and got[-1] is None


def test_each_record_gets_the_law_of_its_interval(backend):
    """Every value of the law, whether it changes a few times (a CASE over its changes) or often (picked
    from a list): the value of the interval holding the record's date, and none before the law begins."""
    days = [date(1995, 1, 1)] + [iv.start for iv in prepare(_dated([date(2020, 1, 1)]), Request()).timeline.intervals]
    p = prepare(_dated(days), Request())
    names = list(p.law.columns)
    changes = [len({repr(v) for v in p.law.columns[name]}) for name in names]
    assert min(changes) <= CASE_CHANGES < max(changes)  # both kinds are tested
    with_interval = _star_with([_as(_interval(p.timeline), INTERVAL)], typed_select(p))
    query = exp.select(column(INTERVAL), *(column(_law_column(name)) for name in names)).from_(
        _sub(_star_with(_law(p, names), with_interval))
    )
    got = backend.query(p, query).to_pylist()
    assert [row[INTERVAL] for row in got] == [None, *range(len(days) - 1)]
    for row in got:
        expected = {name: None if row[INTERVAL] is None else p.law.columns[name][row[INTERVAL]] for name in names}
        expected = {name: list(v) if isinstance(v, tuple) else v for name, v in expected.items()}
        assert {name: row[_law_column(name)] for name in names} == expected


def _dated(days: list[date]) -> pa.Table:
    return pa.table({"id": [str(i) for i in range(len(days))], "reference_date": days})


def test_rows_come_out_in_input_order_over_many_batches(backend, tmp_path):
    """DuckDB 2.0 returns the batches of a parallel Parquet scan out of order once the query holds a
    constant list (an IN of five codes): the engine puts them back by their numbers."""
    path = write(SynthSpec(300_000, seed=4, start=date(2016, 1, 1), end=date(2025, 12, 31)), tmp_path / "in.parquet")
    data = pq.read_table(path)
    pq.write_table(data, path, row_group_size=data.num_rows // 2)  # one row group for each of two threads
    table = run(backend, path, Request(packs=["kz-migration"]))
    assert table.column("id").equals(data.column("id"))
