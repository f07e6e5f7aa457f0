"""Inputs as streams of Arrow record batches, each row numbered from 1, so that every message can name
the file and the row. Text files are read as text, column by column: nothing is guessed or coerced here;
the engine parses the canonical variables and reports what does not parse.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.errors import LabourwatchError
from labourwatch.i18n import t

ROW = "__lw_row"  # the record number column added to every input
SAMPLE_BYTES = 1 << 20

Progress = Callable[[int], None]  # called with the number of rows just read


class InputError(LabourwatchError):
    """The input cannot be read at all (missing, empty, wrong format or encoding)."""


@dataclass
class Source:
    label: str  # how messages name the input: its path, or "<table>"
    columns: dict[str, pa.DataType]
    total_rows: int | None
    open: Callable[[], pa.RecordBatchReader] = field(repr=False)
    header_lines: int = 0  # rows before the first record in a spreadsheet view (1 for CSV and Excel)
    notes: list[str] = field(default_factory=list)  # what was assumed in reading it (an encoding ...)
    native_sql: str | None = None  # a query DuckDB can scan itself, in parallel (Parquet)

    def attach(self, con: Any, name: str, progress: Progress | None = None) -> None:
        """Make the input queryable as `name`, with its record numbers in the column ROW."""
        if self.native_sql is not None:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {self.native_sql}")
        else:
            con.register(name, self.stream(progress))

    def where(self, row: int, lang: str = "en") -> str:
        if self.header_lines:
            return t("where_row_line", lang, row=row, line=row + self.header_lines)
        return t("where_row", lang, row=row)

    def stream(self, progress: Progress | None = None) -> pa.RecordBatchReader:
        reader = self.open()
        if progress is None:
            return reader

        def batches() -> Iterator[pa.RecordBatch]:
            for batch in reader:
                progress(batch.num_rows)
                yield batch

        return pa.RecordBatchReader.from_batches(reader.schema, batches())


def open_source(data: Any, *, encoding: str | None = None, sheet: str | int | None = None) -> Source:
    """A Source for a path (CSV, Parquet, Excel, SPSS) or an in-memory table (pandas, Polars, Arrow)."""
    if isinstance(data, str | Path):
        return _open_path(Path(data), encoding=encoding, sheet=sheet)
    return from_table(_to_arrow(data), label="<table>")


def _open_path(path: Path, *, encoding: str | None, sheet: str | int | None) -> Source:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv(path, encoding)
    if suffix in (".parquet", ".pq"):
        return _parquet(path)
    if suffix in (".xlsx", ".xlsm"):
        return _excel(path, sheet)
    if suffix in (".sav", ".zsav"):
        return _spss(path)
    raise InputError(f"{path}: cannot read '{suffix}' files; use CSV, Parquet, Excel (.xlsx) or SPSS (.sav)")


def _to_arrow(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "to_arrow"):  # Polars
        table = data.to_arrow()
        return table if isinstance(table, pa.Table) else pa.table(table)
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    try:
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            return pa.Table.from_pandas(data, preserve_index=False)
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    raise InputError(f"cannot assess a {type(data).__name__}; give a path, or a pandas, Polars or Arrow table")


def from_table(table: pa.Table, *, label: str, header_lines: int = 0, notes: list[str] | None = None) -> Source:
    if ROW in table.column_names:
        table = table.drop_columns([ROW])
    _check_names(table.column_names, label)
    numbered = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
    return Source(
        label=label,
        columns={f.name: f.type for f in table.schema},
        total_rows=table.num_rows,
        open=lambda: pa.RecordBatchReader.from_batches(numbered.schema, numbered.to_batches(max_chunksize=65536)),
        header_lines=header_lines,
        notes=notes or [],
    )


def _check_names(names: list[str], label: str) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        if not str(name).strip():
            raise InputError(f"{label}: column {i} has no name in the header")
        if name in seen:
            raise InputError(f"{label}: the column '{name}' appears twice in the header")
        seen.add(name)


# --- CSV -------------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> tuple[str, str | None]:
    """(encoding, note). UTF-8 (with or without BOM) when the bytes decode; otherwise Windows-1251, the
    encoding Excel uses for CSV on Russian-language Windows, when the bytes look like Cyrillic text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", None
    if b"\x00" in sample:
        raise InputError("the file is not text (it holds NUL bytes): is it a spreadsheet saved under a .csv name?")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8", None
    except UnicodeDecodeError:
        pass
    high = [b for b in sample if b >= 0x80]
    cyrillic = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    if high and cyrillic / len(high) > 0.8:
        return "cp1251", "not UTF-8; read as Windows-1251 (Cyrillic), as saved by Excel on Russian Windows"
    raise InputError("the file is not UTF-8 text; give its encoding with --encoding (e.g. cp1251)")


def _sniff_delimiter(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv(path: Path, encoding: str | None) -> Source:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    notes = []
    if encoding is None:
        try:
            encoding, note = detect_encoding(sample)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
        if note:
            notes.append(note)
    try:
        text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    except LookupError:
        raise InputError(f"{path}: unknown encoding '{encoding}'") from None
    delimiter = _sniff_delimiter(text)
    header = next(csv.reader([text.splitlines()[0] if text else ""], delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise InputError(f"{path}: the first line should name the columns, but it is empty")
    _check_names(header, str(path))
    read_opts = pacsv.ReadOptions(encoding=encoding, block_size=8 << 20)
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types={h: pa.string() for h in header}, strings_can_be_null=False)

    def open_reader() -> pa.RecordBatchReader:
        try:
            reader = pacsv.open_csv(path, read_options=read_opts, parse_options=parse_opts, convert_options=convert)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read as CSV ({_arrow_reason(exc)})") from None
        schema = reader.schema.append(pa.field(ROW, pa.int64()))

        def numbered() -> Iterator[pa.RecordBatch]:
            start = 1
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                    raise InputError(
                        f"{path}: cannot read after row {start - 1} ({_arrow_reason(exc)}); "
                        "if it was saved by Excel on Russian Windows, try --encoding cp1251"
                    ) from None
                rows = pa.array(range(start, start + batch.num_rows), pa.int64())
                start += batch.num_rows
                yield pa.RecordBatch.from_arrays([*batch.columns, rows], schema=schema)

        return pa.RecordBatchReader.from_batches(schema, numbered())

    return Source(
        label=str(path),
        columns={h: pa.string() for h in header},
        total_rows=None,
        open=open_reader,
        header_lines=1,
        notes=notes,
    )


def _arrow_reason(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]


# --- binary formats --------------------------------------------------------------------------------


def _parquet(path: Path) -> Source:
    try:
        pfile = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({_arrow_reason(exc)})") from None
    schema = pfile.schema_arrow
    _check_names(schema.names, str(path))
    out_schema = schema.append(pa.field(ROW, pa.int64()))

    def open_reader() -> pa.RecordBatchReader:
        def numbered() -> Iterator[pa.RecordBatch]:
            start = 1
            for batch in pq.ParquetFile(path).iter_batches(batch_size=262144):
                rows = pa.array(range(start, start + batch.num_rows), pa.int64())
                start += batch.num_rows
                yield pa.RecordBatch.from_arrays([*batch.columns, rows], schema=out_schema)

        return pa.RecordBatchReader.from_batches(out_schema, numbered())

    quoted = "'" + str(path).replace("'", "''") + "'"
    native = (
        f"SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS {ROW} "
        f"FROM read_parquet({quoted}, file_row_number = true)"
    )
    return Source(
        label=str(path),
        columns={f.name: f.type for f in schema},
        total_rows=pfile.metadata.num_rows,
        open=open_reader,
        native_sql=None if "file_row_number" in schema.names else native,
    )


def _excel(path: Path, sheet: str | int | None) -> Source:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"{path}: not a readable Excel workbook ({exc})") from None
    try:
        ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet or 0]
    except (KeyError, IndexError):
        raise InputError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}") from None
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path}: the sheet '{ws.title}' is empty")
    names = ["" if h is None else str(h) for h in header]
    while names and not names[-1]:
        names.pop()
    _check_names(names, str(path))
    columns: list[list[str | None]] = [[] for _ in names]
    for row in rows:
        if row is None or all(v is None for v in row[: len(names)]):
            continue
        for i in range(len(names)):
            v = row[i] if i < len(row) else None
            columns[i].append(None if v is None else _cell_text(v))
    book.close()
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)})
    return from_table(table, label=str(path), header_lines=1)


def _cell_text(value: Any) -> str:
    """Cells as text, the way the sheet shows them (dates as ISO dates, whole numbers without '.0')."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _spss(path: Path) -> Source:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and OSError
        raise InputError(f"{path}: not a readable SPSS file ({exc})") from None
    table = pa.Table.from_pandas(frame, preserve_index=False)
    notes = []
    if meta.variable_value_labels:
        notes.append("SPSS value labels are not applied: coded values are read as stored")
    return from_table(table, label=str(path), notes=notes)
