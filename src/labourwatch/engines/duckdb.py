"""The DuckDB engine: validate an input and assess it with compiled rule packs, in one SQL query over
the whole input (no Python loop per record), streaming from the source to the destination."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.model import Pack, Rule, RuleKind, Schema
from labourwatch.core.timeline import (
    Judgement,
    Timeline,
    build_timeline,
    parameter_dependencies,
    unverified_outputs,
)
from labourwatch.core.types import ValueType
from labourwatch.engines import parsing
from labourwatch.engines.parsing import quote, sql_string, typed_name
from labourwatch.engines.sql import SqlCompiler, literal
from labourwatch.i18n import t
from labourwatch.io.readers import ROW, Progress, Source

SRC = "lw_source"
INTERVAL = "__lw_iv"
PROVENANCE_COLUMNS = ("lw_judged_on", "lw_law_basis", "lw_unverified", "lw_packs")
MAX_LISTED = 1000


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    value: str | None
    message: str


@dataclass
class DataError(LabourwatchError):
    """The input has values that cannot be judged; nothing was assessed."""

    source: Source
    problems: list[Problem]
    total: int
    lang: str = "en"

    def __str__(self) -> str:
        return t("problems_found", self.lang, label=self.source.label, total=self.total)


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single number a query returns (fetching everything, as DuckDB wants before the next query)."""
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-process DuckDB whose memory is bounded: beyond the limit, aggregation spills to a private
    temporary folder, so memory does not grow with the input."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")  # output rows in input order
    con.execute(f"SET memory_limit = {sql_string(memory_limit or os.environ.get('LABOURWATCH_MEMORY_LIMIT', '500MB'))}")
    con.execute(f"SET temp_directory = {sql_string(tempfile.mkdtemp(prefix='labourwatch-'))}")
    return con


@dataclass
class Plan:
    """What an assessment needs: the input, the packs, and the law in force over each interval."""

    schema: Schema
    packs: Sequence[Pack]
    timeline: Timeline
    source: Source
    present: dict[str, str]  # variable -> input column
    outputs: list[Rule]
    law: LawTable
    today: date

    @property
    def stamp(self) -> str:
        return " ".join(p.stamp for p in self.packs)


def plan(
    schema: Schema, packs: Sequence[Pack], source: Source, judgement: Judgement, *, today: date, lang: str = "en"
) -> Plan:
    timeline = build_timeline(packs, judgement)
    present = {name: name for name in schema.variables if name in source.columns}
    outputs = [r for p in packs for r in p.outputs]
    clashes = [r.id for r in outputs if r.id in source.columns] + [c for c in PROVENANCE_COLUMNS if c in source.columns]
    if clashes:
        raise LabourwatchError(t("input_has_result_columns", lang, label=source.label, columns=", ".join(clashes)))
    law = _law_table(packs, timeline, outputs)
    return Plan(schema, packs, timeline, source, present, outputs, law, today)


@dataclass(frozen=True)
class LawTable:
    """The law in force over each interval, column by column (a few dozen rows: plain Python)."""

    types: dict[str, str]  # column -> SQL type
    columns: dict[str, list[Any]]  # column -> one value per interval

    def rows(self) -> list[dict[str, Any]]:
        names = list(self.columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*self.columns.values(), strict=True)]


_SQL_TYPES = {
    ValueType.NUMBER: "DOUBLE",
    ValueType.BOOL: "BOOLEAN",
    ValueType.DATE: "DATE",
    ValueType.LIST: "VARCHAR[]",
}


def param_column(pack: str, name: str) -> str:
    return f"{pack}:{name}"


def _law_table(packs: Sequence[Pack], timeline: Timeline, outputs: Sequence[Rule]) -> LawTable:
    deps = parameter_dependencies(packs)
    ivs = timeline.intervals
    types = {"__lw_acts": "VARCHAR", "__lw_unverified": "VARCHAR"}
    columns: dict[str, list[Any]] = {
        "__lw_acts": [" ".join(iv.acts) for iv in ivs],
        "__lw_unverified": [unverified_outputs(iv, outputs, deps) for iv in ivs],
    }
    for pack in packs:
        for name, param in pack.parameters.items():
            column = param_column(pack.id, name)
            types[column] = _SQL_TYPES.get(param.type, "VARCHAR")
            columns[column] = [v.value if (v := iv.value((pack.id, name))) is not None else None for iv in ivs]
    return LawTable(types, columns)


def _interval_sql(timeline: Timeline) -> str:
    if timeline.judgement.as_of is not None:
        return "0"
    d = typed_name("reference_date")
    whens = [f"WHEN {d} IS NULL THEN NULL", f"WHEN {d} < DATE '{timeline.starts[0].isoformat()}' THEN NULL"]
    for iv in timeline.intervals[:-1]:
        assert iv.end is not None
        whens.append(f"WHEN {d} < DATE '{iv.end.isoformat()}' THEN {iv.index}")
    return f"CASE {' '.join(whens)} ELSE {timeline.intervals[-1].index} END"


def _typed_select(p: Plan) -> str:
    typed = parsing.typed_projection(p.schema, p.source.columns)
    cols = ", ".join(f"{sql} AS {typed_name(name)}" for name, sql in typed.items())
    return f"SELECT {SRC}.*, {cols} FROM {SRC}"


# --- validation ------------------------------------------------------------------------------------


BAD, ID_HASH = "__lw_bad", "__lw_id_hash"
BATCH_ROWS = 122_880
Sink = Callable[[pa.RecordBatch], None]


def _checks(p: Plan, *, require_date: bool, lang: str) -> list[parsing.Check]:
    """The checks of every value; raises DataError at once when a required column is missing."""
    missing = [v.name for v in p.schema.variables.values() if v.required and v.name not in p.present]
    if not require_date and "reference_date" in missing:
        missing.remove("reference_date")
    if missing:
        problems = [Problem(None, name, None, t("column_missing", lang)) for name in missing]
        raise DataError(p.source, problems, len(problems), lang=lang)
    checks = []
    for name, col in p.present.items():
        var = p.schema.variables[name]
        required = var.required and (require_date or name != "reference_date")
        checks += parsing.checks(var, col, p.source.columns[col], today=p.today, required=required, lang=lang)
    return checks + parsing.cross_checks(p.present, lang)


class _IdHashes:
    """64-bit hashes of the ids seen, 8 bytes a record: the one thing that grows with the input."""

    def __init__(self, expected: int | None) -> None:
        self.filled = np.empty(expected or 0, dtype=np.uint64)  # one array when the count is known
        self.used = 0
        self.extra: list[np.ndarray[Any, Any]] = []

    def add(self, column: pa.Array) -> None:
        values = column.drop_null().to_numpy(zero_copy_only=True)  # no nulls left; False would import pandas
        if self.used + len(values) <= len(self.filled):
            self.filled[self.used : self.used + len(values)] = values
            self.used += len(values)
        else:  # a copy: a zero-copy view of one column would keep its whole batch alive
            self.extra.append(values.copy())

    def repeated(self) -> bool:
        ids = np.concatenate([self.filled[: self.used], *self.extra]) if self.extra else self.filled[: self.used]
        ids.sort()  # in place; much faster here than np.unique
        return bool((ids[1:] == ids[:-1]).any())


def run(
    con: duckdb.DuckDBPyConnection,
    p: Plan,
    sink: Sink,
    *,
    require_date: bool,
    for_csv: bool = False,
    lang: str = "en",
    progress: Progress | None = None,
) -> int:
    """Validate and assess in one pass over the input, handing each batch of results to `sink` in input
    order, and return the number of records. When any value is invalid or an id repeats, raise
    DataError listing every problem; the caller then discards what the sink received.

    Clean data costs one scan: the query also yields, per record, whether any check failed and a 64-bit
    hash of its id. Batches are checked as they pass (vectorised), and repeated ids are found by sorting
    the hashes at the end. Only when something is wrong does a second pass list the problems, comparing
    the ids themselves, so a hash collision costs a second look, never a false problem."""
    checks = _checks(p, require_date=require_date, lang=lang)
    any_bad = " OR ".join(f"COALESCE({c.condition}, FALSE)" for c in checks) or "FALSE"
    p.source.attach(con, SRC)
    reader = con.sql(assessment_sql(p, for_csv=for_csv, any_bad=any_bad)).to_arrow_reader(BATCH_ROWS)
    keep = [i for i, name in enumerate(reader.schema.names) if name not in (BAD, ID_HASH)]
    ids = _IdHashes(p.source.total_rows)
    rows, clean = 0, True
    for batch in reader:
        if pc.any(batch.column(BAD)).as_py():
            clean = False
            break
        ids.add(batch.column(ID_HASH))
        sink(batch.select(keep))
        rows += batch.num_rows
        if progress:
            progress(batch.num_rows)
    reader.close()
    if clean and rows == 0:
        raise DataError(p.source, [Problem(None, None, None, t("no_records", lang))], 1, lang=lang)
    if clean and not ids.repeated():
        return rows
    _list_problems(connect(), p, checks, any_bad, lang)
    return rows  # only two ids sharing a hash: nothing was wrong


def _list_problems(
    con: duckdb.DuckDBPyConnection, p: Plan, checks: list[parsing.Check], any_bad: str, lang: str
) -> None:
    """The slow path, only for data with problems: every problem with its row, column and value."""
    items = ", ".join(
        f"CASE WHEN {c.condition} THEN {{'c': {sql_string(c.column)}, 'v': CAST({quote(c.column)} AS VARCHAR), "
        f"'m': {sql_string(c.message)}}} END"
        for c in checks
    )
    p.source.attach(con, SRC)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE lw_problems AS SELECT row, x.c AS col, x.v AS val, x.m AS msg FROM ("
        f"SELECT {ROW} AS row, UNNEST([{items or 'NULL'}]) AS x FROM ({_typed_select(p)}) WHERE {any_bad}"
        f") WHERE x IS NOT NULL"
    )
    p.source.attach(con, SRC)
    ids = f"SELECT {typed_name('id')} AS id, {ROW} AS row FROM ({_typed_select(p)})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE lw_ids AS {ids}")
    before, after = t("duplicate_id", lang, rows="\0").split("\0")
    con.execute(
        f"INSERT INTO lw_problems SELECT rows[1], 'id', id, {sql_string(before)} "
        f"|| array_to_string(rows[2:11], ', ') || CASE WHEN len(rows) > 11 THEN ', ...' ELSE '' END "
        f"|| {sql_string(after)} "
        f"FROM (SELECT id, list(row ORDER BY row) AS rows FROM lw_ids "
        f"WHERE id IN (SELECT id FROM lw_ids WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1) GROUP BY id)"
    )
    count = scalar(con, "SELECT count(*) FROM lw_problems")
    if count == 0:  # two ids shared a hash in the fast path; nothing is wrong
        return
    rows = con.execute(f"SELECT row, col, val, msg FROM lw_problems ORDER BY row, col LIMIT {MAX_LISTED}").fetchall()
    raise DataError(p.source, [Problem(int(r), c, v, m) for r, c, v, m in rows], count, lang=lang)


# --- assessment ------------------------------------------------------------------------------------


LAW = "__lw_law"


def _law_projection(p: Plan) -> str:
    """The law in force for each record as one struct, picked from a constant list by the record's
    interval: a projection, not a join, so rows stream through in input order (DuckDB does not promise
    order through a join), and one lookup per record instead of one per parameter."""
    types = p.law.types
    structs = ", ".join(
        "{"
        + ", ".join(f"{sql_string(n)}: CAST({literal(v).sql('duckdb')} AS {types[n]})" for n, v in row.items())
        + "}"
        for row in p.law.rows()
    )
    return f"([{structs}])[{INTERVAL} + 1] AS {LAW}"


def _as_enum(sql: str, values: Sequence[str]) -> str:
    """Texts with few distinct values, repeated on every row, as an ENUM: held as small integers and
    written as a dictionary (a categorical in pandas, a factor in R)."""
    labels = ", ".join(sql_string(v) for v in dict.fromkeys(values))
    return f"CAST({sql} AS ENUM({labels}))"


def law_field(name: str) -> exp.Expression:
    # sqlglot's Func is an Expression at run time; its stubs do not say so.
    return cast(exp.Expression, exp.func("struct_extract", exp.column(LAW, table="t"), exp.Literal.string(name)))


def assessment_sql(p: Plan, *, for_csv: bool = False, any_bad: str | None = None) -> str:
    compiler = SqlCompiler(
        {r.id: r for pack in p.packs for r in pack.rules.values()},
        variable=lambda name: exp.column(f"__v_{name}", table="t", quoted=True),
        parameter=lambda pack, name: law_field(param_column(pack, name)),
        computed=lambda rule_id: exp.column(f"__r_{rule_id}", table="t", quoted=True),
    )
    with_interval = f"SELECT *, {_interval_sql(p.timeline)} AS {INTERVAL} FROM ({_typed_select(p)})"
    inner = f"SELECT *, {_law_projection(p)} FROM ({with_interval})"
    for layer in compiler.layers([r.id for r in p.outputs]):
        columns = ", ".join(f"{compiler.rule(r).sql(dialect='duckdb')} AS {quote('__r_' + r)}" for r in layer)
        inner = f"SELECT *, {columns} FROM ({inner}) AS t"
        compiler.available.update(layer)
    select: list[str] = []
    for col in p.source.columns:
        source = f"t.{typed_name(col)}" if col in p.present else f"t.{quote(col)}"
        if for_csv and col in p.present and p.schema.variables[col].kind == "multiple":
            source = f"array_to_string({source}, ' ')"  # back to the codes separated by spaces
        select.append(f"{source} AS {quote(col)}")
    for rule in p.outputs:
        sql = compiler.rule(rule.id).sql(dialect="duckdb")
        if for_csv and rule.kind is RuleKind.FINDING:
            sql = f"CASE WHEN ({sql}) THEN 'true' WHEN NOT ({sql}) THEN 'false' ELSE 'unknown' END"
        select.append(f"{sql} AS {quote(rule.id)}")
    as_of = p.timeline.judgement.as_of
    judged = literal(as_of).sql("duckdb") if as_of else f"t.{typed_name('reference_date')}"
    texts = {
        "lw_law_basis": (law_field("__lw_acts").sql("duckdb"), p.law.columns["__lw_acts"]),
        "lw_unverified": (law_field("__lw_unverified").sql("duckdb"), p.law.columns["__lw_unverified"]),
        "lw_packs": (sql_string(p.stamp), [p.stamp]),
    }
    select.append(f"{judged} AS lw_judged_on")
    for name, (sql, values) in texts.items():
        select.append(f"{sql if for_csv else _as_enum(sql, values)} AS {name}")
    if any_bad is not None:
        id_col = f"t.{typed_name('id')}"
        select.append(f"({any_bad}) AS {BAD}")
        select.append(f"CASE WHEN {id_col} IS NOT NULL THEN hash({id_col}) END AS {ID_HASH}")
    return f"SELECT {', '.join(select)} FROM ({inner}) AS t"


def typed_record(con: duckdb.DuckDBPyConnection, p: Plan, record_id: str) -> tuple[int, dict[str, Any]] | None:
    """The typed answers of the record with this id, and its row number."""
    p.source.attach(con, SRC)
    names = list(p.schema.variables)
    cols = ", ".join(typed_name(n) for n in names)
    rows = con.execute(
        f"SELECT {ROW}, {cols} FROM ({_typed_select(p)}) WHERE {typed_name('id')} = ? LIMIT 1", [record_id]
    ).fetchall()
    if not rows:
        return None
    row = rows[0]
    values = dict(zip(names, row[1:], strict=True))
    for name, var in p.schema.variables.items():
        if var.kind == "multiple" and values[name] is not None:
            values[name] = frozenset(values[name])
    return int(row[0]), values
