"""What every engine does, and the shared way SQL engines do it.

`Engine` is the protocol the services call. `SqlEngine` implements it once for any SQL engine that can
take Arrow batches in and give them out: validation and assessment in one pass over the input, the
listing of problems, one typed record. A backend adds only its connection code (connect, attach an
input, stream a query's result) and a `Dialect`: the name sqlglot writes for, and what it cannot
translate. See engines/duckdb.py."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlglot import exp

from labourwatch.core.columns import ID, REFERENCE_DATE, ROW
from labourwatch.core.errors import DataError, Message, Problem
from labourwatch.core.types import Progress
from labourwatch.engines import inputs
from labourwatch.engines.inputs import Check, is_text, typed_name
from labourwatch.engines.plan import Plan, Source
from labourwatch.engines.query import (
    BAD,
    ID_HASH,
    ROW_ALIAS,
    SRC,
    Dialect,
    assessment,
    ids,
    invalid_rows,
    problem_counts,
    record,
)
from labourwatch.packs import cache

Sink = Callable[[pa.RecordBatch], None]
BATCH_ROWS = 122_880
MAX_LISTED = 1000
# The SQL of the latest assessments, by dialect and plan (Plan.fingerprint) and the query's shape: a
# server judging the same kind of record again (a self-check, a claim) skips building and writing the
# query, which costs more than running it on a few rows. Each is a few hundred KB at most. The disk cache
# (packs/cache.py) keeps them between runs too: the same file assessed again starts 0.5-1 s sooner.
COMPILED: OrderedDict[tuple[Any, ...], str] = OrderedDict()
COMPILED_KEPT = 32


class Engine(Protocol):
    name: str

    def run(
        self,
        p: Plan,
        sink: Sink,
        *,
        require_date: bool,
        for_csv: bool = False,
        progress: Progress | None = None,
        results_only: bool = False,
    ) -> int:
        """Validate and assess, handing result batches to `sink` in input order; the number of records.
        DataError lists every problem when any value is wrong (the caller discards what `sink` got).
        `results_only`: of the input's columns only the id (every value is still validated)."""
        ...

    def check(self, p: Plan, *, require_date: bool) -> None:
        """Validate only, evaluating no rule (answers on a form before they are saved): DataError lists
        every invalid value."""
        ...

    def typed_record(self, p: Plan, record_id: str) -> tuple[int, dict[str, Any]] | None:
        """The row number and typed answers of the record with this id."""
        ...


class SqlEngine(ABC):
    name: str
    dialect: Dialect = Dialect()

    @abstractmethod
    def connect(self) -> Any: ...

    @abstractmethod
    def register(self, con: Any, reader: pa.RecordBatchReader, name: str) -> None:
        """Make a stream of batches queryable as `name` (it is read once: register afresh for each query)."""

    def register_parquet(self, con: Any, path: str, name: str) -> bool:
        """Make a Parquet file queryable as `name`, numbered in ROW, for the engine to scan itself (in
        parallel); False when the engine cannot, and the file is streamed to it instead."""
        return False

    def attach(self, con: Any, source: Source, name: str, carried: _Carried | None = None) -> None:
        """Make the input queryable as `name`, without the columns `carried` keeps aside."""
        if source.parquet_path is not None and self.register_parquet(con, source.parquet_path, name):
            if carried:
                carried.read_parquet(source.parquet_path)
            return
        reader = source.open()
        self.register(con, carried.split(reader) if carried else reader, name)

    @abstractmethod
    def stream(self, con: Any, sql: str) -> pa.RecordBatchReader: ...

    def sql(self, query: exp.Expression) -> str:
        return query.sql(dialect=self.dialect.name)

    def scalar(self, expression: exp.Expr) -> Any:
        """The value of an expression without input (the conformance suite's three-valued logic)."""
        return self.stream(self._session, self.sql(exp.select(expression))).read_all().column(0)[0].as_py()

    @cached_property
    def _session(self) -> Any:
        """One connection kept for small queries (one record, the problems, a value): opening one costs
        more than such a query."""
        return self.connect()

    def query(self, p: Plan, query: exp.Expression) -> pa.Table:
        """A query over the input, whole (for small results: problems, one record)."""
        self.attach(self._session, p.source, SRC)
        return self.stream(self._session, self.sql(query)).read_all()

    def run(
        self,
        p: Plan,
        sink: Sink,
        *,
        require_date: bool,
        for_csv: bool = False,
        progress: Progress | None = None,
        results_only: bool = False,
    ) -> int:
        """Clean data costs one scan: the query also yields, per record, whether any check failed and a
        64-bit hash of its id. Batches are checked as they pass (vectorised), and repeated ids are found
        by sorting the hashes at the end. Only when something is wrong does a second pass list the
        problems, comparing the ids themselves, so a hash collision costs a second look, never a false
        problem. The rows are put in input order by their numbers (`_InOrder`): engines may return them
        out of order."""
        checks = _checks(p, require_date=require_date)
        con = self.connect()
        carried = None if results_only else _Carried.of(p)
        self.attach(con, p.source, SRC, carried)
        names = carried.names if carried else ()
        key = (self.dialect.name, p.fingerprint(), require_date, for_csv, results_only)
        sql = COMPILED.pop(key, None) or cache.cached(
            cache.key("sql", map(str, key)),
            lambda: self.sql(
                assessment(
                    p,
                    self.dialect,
                    checks=checks,
                    carried=names,
                    for_csv=for_csv,
                    results_only=results_only,
                )
            ),
        )
        COMPILED[key] = sql  # the latest last
        while len(COMPILED) > COMPILED_KEPT:
            COMPILED.popitem(last=False)
        reader = self.stream(con, sql)
        keep = [i for i, name in enumerate(reader.schema.names) if name not in (BAD, ID_HASH)]
        ids = _IdHashes(p.source.total_rows)
        in_order = _InOrder(lambda batch: sink(batch.drop_columns([ROW])))
        rows, clean = 0, True
        for batch in reader:
            if pc.any(batch.column(BAD)).as_py():
                clean = False
                break
            ids.add(batch.column(ID_HASH))
            in_order.add(carried.join(batch.select(keep)) if carried else batch.select(keep))
            rows += batch.num_rows
            if progress:
                progress(batch.num_rows)
        reader.close()
        in_order.finish(clean)
        if clean and rows == 0:
            raise DataError(p.source, [Problem(None, None, None, Message("no_records"))], 1)
        if clean and not ids.repeated():
            return rows
        invalid, invalid_total = self._invalid_values(p, checks)
        repeated, repeated_total = self._repeated_ids(p)
        if invalid_total + repeated_total:  # else only two ids shared a hash: nothing was wrong
            problems = _in_order(invalid + repeated)[:MAX_LISTED]
            raise DataError(p.source, problems, invalid_total + repeated_total)
        return rows

    def check(self, p: Plan, *, require_date: bool) -> None:
        invalid, total = self._invalid_values(p, _checks(p, require_date=require_date))
        if total:
            raise DataError(p.source, _in_order(invalid), total)

    def _invalid_values(self, p: Plan, checks: list[Check]) -> tuple[list[Problem], int]:
        """The slow path, only for data with problems: the invalid values of the first rows that have
        any (with row, column and value), and how many there are in all."""
        total = sum(self.query(p, problem_counts(p, checks)).to_pylist()[0].values()) if checks else 0
        found = self.query(p, invalid_rows(p, checks).order_by(ROW_ALIAS).limit(MAX_LISTED))
        value_of = {name: f"v{i}" for i, name in enumerate(dict.fromkeys(c.column for c in checks))}
        problems = []
        for i, check in enumerate(checks):  # a loop over checks, not records
            failed = found.filter(found.column(f"c{i}"))
            rows, values = failed.column(ROW_ALIAS).to_pylist(), failed.column(value_of[check.column]).to_pylist()
            problems += [Problem(r, check.column, v, check.message) for r, v in zip(rows, values, strict=True)]
        return problems, int(total or 0)

    def _repeated_ids(self, p: Plan) -> tuple[list[Problem], int]:
        """Each id used more than once, as a problem on its first row naming the others (the first ones
        listed), and how many such ids there are."""
        table = self.query(p, ids(p)).filter(pc.is_valid(pc.field("id")))
        counts = table.group_by("id", use_threads=False).aggregate([(ROW_ALIAS, "count"), (ROW_ALIAS, "min")])
        repeated = counts.filter(pc.greater(counts.column("row_count"), 1)).sort_by("row_min")
        listed = repeated.slice(0, MAX_LISTED).column("id")
        rows = table.filter(pc.is_in(table.column("id"), value_set=listed)).sort_by(ROW_ALIAS)
        by_id = rows.group_by("id", use_threads=False).aggregate([(ROW_ALIAS, "list")])
        problems = []
        for record_id, numbers in zip(
            by_id.column("id").to_pylist(), by_id.column("row_list").to_pylist(), strict=True
        ):
            others = ", ".join(str(n) for n in numbers[1:11]) + (", ..." if len(numbers) > 11 else "")
            problems.append(Problem(numbers[0], ID, str(record_id), Message("duplicate_id", {"rows": others})))
        return problems, repeated.num_rows

    def typed_record(self, p: Plan, record_id: str) -> tuple[int, dict[str, Any]] | None:
        """The number and typed answers of the record with this id. An id stored as it is asked for is
        looked up first, on the column as stored (in a Parquet file of 10^7 records, without reading every
        id); only when none is, every id is read as its typed value is (trimmed, or a number as text)."""
        found = []
        if is_text(p.source.columns.get(ID)) and record_id == record_id.strip():
            found = self.query(p, record(p, record_id, stored_as_asked=True)).to_pylist()
        found = found or self.query(p, record(p, record_id)).to_pylist()
        if not found:
            return None
        return int(found[0][ROW]), p.schema.answers({name: found[0][typed_name(name)] for name in p.schema.variables})


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda q: (q.row or 0, q.column or ""))


def _checks(p: Plan, *, require_date: bool) -> list[Check]:
    """The checks of every value; raises DataError at once when a required column is missing."""
    missing = [v.name for v in p.schema.variables.values() if v.required and v.name not in p.present]
    if not require_date and REFERENCE_DATE in missing:
        missing.remove(REFERENCE_DATE)
    if missing:
        problems = [Problem(None, name, None, Message("column_missing")) for name in missing]
        raise DataError(p.source, problems, len(problems))
    checks = []
    for name, col in p.present.items():
        var = p.schema.variables[name]
        required = var.required and (require_date or name != REFERENCE_DATE)
        checks += inputs.checks(var, col, p.source.columns[col], today=p.today, required=required)
    return checks + inputs.cross_checks(p.present)


class _Carried:
    """The input columns no rule reads (a survey's own names, notes and metadata: often hundreds), kept
    out of the query and put back beside each result batch by its rows' numbers. Carried through every
    layer of rules instead, 1,000 of them would need gigabytes: each layer holds a batch of every column.
    An engine may return the rows of a stream out of order (DuckDB scans one in parallel), so the carried
    rows wait in a window from the first row not yet returned to the last one asked for: a few batches."""

    def __init__(self, schema: pa.Schema, order: list[str]) -> None:
        self.schema = schema
        self.names = schema.names
        self.order = order  # the input's columns, which the output has first, in this order
        self.pending: deque[pa.RecordBatch] = deque()  # read by the engine, not yet in the window
        self.more: Iterator[pa.RecordBatch] = iter(())
        self.window = schema.empty_table()  # the carried rows from row `first` on
        self.first = 1
        self.returned = np.zeros(0, dtype=bool)  # which rows of the window have been returned

    @classmethod
    def of(cls, p: Plan) -> _Carried | None:
        names = [c for c in p.source.columns if c not in p.present]
        if not names:
            return None
        return cls(pa.schema([(n, p.source.columns[n]) for n in names]), list(p.source.columns))

    def split(self, reader: pa.RecordBatchReader) -> pa.RecordBatchReader:
        """The input without the carried columns, for the engine, which pulls it batch by batch; the
        carried columns of each batch wait here until its results come out."""
        keep = [n for n in reader.schema.names if n not in self.names]

        def narrowed() -> Iterator[pa.RecordBatch]:
            for batch in reader:
                self.pending.append(batch.select(self.names))
                yield batch.select(keep)

        return pa.RecordBatchReader.from_batches(pa.schema([reader.schema.field(n) for n in keep]), narrowed())

    def read_parquet(self, path: str) -> None:
        """The carried columns read from the file beside the engine's own scan of it."""
        self.more = pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=self.names)

    def join(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """A result batch with the carried columns of its rows, in whatever order the engine gave them."""
        rows = batch.column(ROW).to_numpy(zero_copy_only=False).astype(np.int64)
        self._extend(int(rows.max()) if len(rows) else 0)
        at = rows - self.first
        if len(at) and (at.min() < 0 or self.returned[at].any()):
            raise RuntimeError("the engine returned a row twice")  # a bug, never the data
        taken = self.window.take(pa.array(at))
        self.returned[at] = True
        self._drop_returned()
        columns = {n: batch.column(n) for n in batch.schema.names}
        columns |= {n: taken.column(n).combine_chunks() for n in self.names}
        names = self.order + [n for n in columns if n not in self.order]
        return pa.RecordBatch.from_arrays([columns[n] for n in names], names=names)

    def _extend(self, last: int) -> None:
        """Bring the carried rows up to row `last` into the window."""
        pieces = []
        end = self.first + self.window.num_rows
        while end <= last:
            piece = self.pending.popleft() if self.pending else next(self.more)
            pieces.append(piece)
            end += piece.num_rows
        if pieces:
            self.window = pa.concat_tables([self.window, pa.Table.from_batches(pieces, self.schema)])
            self.returned = np.concatenate([self.returned, np.zeros(end - self.first - len(self.returned), bool)])

    def _drop_returned(self) -> None:
        """Let go of the rows at the start of the window that have all been returned."""
        done = len(self.returned) if self.returned.all() else int(np.argmin(self.returned))
        if done:
            self.window = self.window.slice(done)
            self.returned = self.returned[done:]
            self.first += done


class _InOrder:
    """Result batches handed on in input order, by their rows' numbers: an engine's order is never
    trusted (DuckDB 2.0, despite preserve_insertion_order, returned a parallel scan's batches out of
    order once it turned an IN of five constants into a join). Batches that come in order pass straight
    through; the others wait for the rows before them, as many as the engine ran ahead."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.next = 1  # the number of the next row to hand on
        self.waiting: list[pa.RecordBatch] = []

    def add(self, batch: pa.RecordBatch) -> None:
        if not self.waiting and self._ready(batch.column(ROW).to_numpy()) == batch.num_rows:
            self.next += batch.num_rows
            self.sink(batch)
            return
        table = pa.Table.from_batches([*self.waiting, batch])
        numbers = table.column(ROW).to_numpy()
        order = np.argsort(numbers, kind="stable")
        ready = self._ready(numbers[order])
        if ready:
            for out in table.take(order[:ready]).to_batches():
                self.sink(out)
            self.next += ready
        self.waiting = table.take(order[ready:]).to_batches()

    def _ready(self, numbers: np.ndarray[Any, Any]) -> int:
        """How many of these row numbers, from the first, are the next ones in order."""
        follows = numbers == np.arange(self.next, self.next + len(numbers))
        return len(numbers) if follows.all() else int(np.argmin(follows))

    def finish(self, clean: bool) -> None:
        if clean and self.waiting:
            raise RuntimeError("the engine left rows out")  # a bug, never the data


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
