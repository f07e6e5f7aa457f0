"""The DuckDB backend: in-process, memory bounded (beyond the limit it spills to disk), Parquet scanned
natively and in parallel, everything else streamed in as Arrow batches."""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from labourwatch.core.columns import ROW
from labourwatch.engines.base import BATCH_ROWS, SqlEngine
from labourwatch.engines.inputs import func, string
from labourwatch.engines.query import Dialect

SPILL = "labourwatch-"  # spill folders: labourwatch-<pid>-<random> in the temporary folder (a killed
# process leaves its own: services.files.remove_abandoned clears them)


class DuckDBDialect(Dialect):
    name = "duckdb"

    def categorical(self, value: exp.Expression, labels: Sequence[str]) -> exp.Expression:
        """An ENUM: held as small integers and written as a dictionary (a categorical in pandas, a factor
        in R)."""
        enum = exp.DataType(this=exp.DataType.Type.ENUM, expressions=[string(v) for v in dict.fromkeys(labels)])
        return exp.cast(value, enum)


# Enough for every pack over every variable on two threads (~500 MB measured with 430 pack cases: each
# thread holds a batch of each column in each layer of rules); beyond it DuckDB spills to disk.
MEMORY_LIMIT = "1GB"


class DuckDB(SqlEngine):
    name = "DuckDB"
    dialect = DuckDBDialect()

    def __init__(self, memory_limit: str | None = None) -> None:
        self.memory_limit = memory_limit or os.environ.get("LABOURWATCH_MEMORY_LIMIT", MEMORY_LIMIT)

    @cached_property
    def spill_folder(self) -> str:
        """A private folder for what does not fit in memory (one per engine), removed with the engine or
        when the process exits, after an error too."""
        folder = tempfile.mkdtemp(prefix=f"{SPILL}{os.getpid()}-")
        weakref.finalize(self, shutil.rmtree, folder, True)
        return folder

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = true")  # output rows in input order
        # DuckDB rewrites an IN of five or more constants into a join with them, which returns the batches
        # of a parallel scan out of order (engines/base._InOrder puts them back, holding the early ones):
        # kept as a projection, the rows come in order, and sooner.
        con.execute("SET disabled_optimizers = 'in_clause'")
        con.execute("SET memory_limit = ?", [self.memory_limit])
        con.execute("SET temp_directory = ?", [self.spill_folder])
        return con

    def register(self, con: Any, reader: pa.RecordBatchReader, name: str) -> None:
        con.execute(f"DROP VIEW IF EXISTS {name}")  # a Parquet input the session had before
        con.register(name, reader)

    def register_parquet(self, con: Any, path: str, name: str) -> bool:
        con.unregister(name)  # an Arrow input the session had before
        scan = func("read_parquet", string(path))
        scan.append("expressions", exp.EQ(this=exp.column("file_row_number"), expression=exp.true()))
        numbered = exp.Add(this=exp.column("file_row_number"), expression=exp.Literal.number(1))
        view = exp.select(exp.Star(except_=[exp.column("file_row_number")]), exp.alias_(numbered, ROW, quoted=True))
        temporary = exp.Properties(expressions=[exp.TemporaryProperty()])
        create = exp.Create(
            this=exp.to_table(name), kind="VIEW", replace=True, expression=view.from_(scan), properties=temporary
        )
        con.execute(create.sql(self.dialect.name))
        return True

    def stream(self, con: Any, sql: str) -> pa.RecordBatchReader:
        return con.sql(sql).to_arrow_reader(BATCH_ROWS)
