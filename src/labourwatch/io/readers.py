"""Inputs as streams of Arrow record batches, each row numbered from 1, so that every message can name
the file and the row. Text files are read as text, column by column: nothing is guessed or coerced here;
the engine parses the canonical variables and reports what does not parse.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.columns import ROW
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.values import as_text
from labourwatch.i18n import t
from labourwatch.io.optional import require

SAMPLE_BYTES = 1 << 20


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
    parquet_path: str | None = None  # a Parquet file an engine may scan itself, in parallel
    instrument: dict[str, Any] | None = None  # the questions asked, as an import recorded them (INSTRUMENT_KEY)

    def where(self, row: int, lang: str = "en") -> str:
        if self.header_lines:
            return t("where_row_line", lang, row=row, line=row + self.header_lines)
        return t("where_row", lang, row=row)


def open_source(data: Any, *, encoding: str | None = None, sheet: str | int | None = None, lang: str = "en") -> Source:
    """A Source for a path (CSV, Parquet, Excel, SPSS) or an in-memory table (pandas, Polars, Arrow)."""
    if isinstance(data, str | Path):
        return _open_path(Path(data), encoding=encoding, sheet=sheet, lang=lang)
    return from_table(_to_arrow(data, lang), label="<table>", lang=lang)


def _open_path(path: Path, *, encoding: str | None, sheet: str | int | None, lang: str) -> Source:
    if not path.exists():
        raise InputError(t("no_such_file", lang, label=path))
    if path.is_dir():
        raise InputError(t("is_folder", lang, label=path))
    if path.stat().st_size == 0:
        raise InputError(t("file_empty", lang, label=path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv(path, encoding, lang)
    if suffix in (".parquet", ".pq"):
        return _parquet(path, lang)
    if suffix in (".xlsx", ".xlsm"):
        return _excel(path, sheet, lang)
    if suffix in (".sav", ".zsav"):
        return _spss(path, lang)
    raise InputError(t("unknown_format", lang, label=path, suffix=suffix))


def _to_arrow(data: Any, lang: str) -> pa.Table:
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
    raise InputError(t("cannot_assess_type", lang, kind=type(data).__name__))


def from_table(
    table: pa.Table, *, label: str, header_lines: int = 0, notes: list[str] | None = None, lang: str = "en"
) -> Source:
    if ROW in table.column_names:
        table = table.drop_columns([ROW])
    _check_names(table.column_names, label, lang)
    numbered = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
    return Source(
        label=label,
        columns={f.name: f.type for f in table.schema},
        total_rows=table.num_rows,
        open=lambda: pa.RecordBatchReader.from_batches(numbered.schema, numbered.to_batches(max_chunksize=65536)),
        header_lines=header_lines,
        notes=notes or [],
    )


def _check_names(names: list[str], label: str, lang: str) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        if not str(name).strip():
            raise InputError(t("column_no_name", lang, label=label, number=i))
        if name in seen:
            raise InputError(t("column_twice", lang, label=label, column=name))
        seen.add(name)


# --- CSV -------------------------------------------------------------------------------------------


def detect_encoding(sample: bytes, label: str = "", lang: str = "en") -> tuple[str, str | None]:
    """(encoding, note). UTF-8 (with or without BOM) when the bytes decode; otherwise Windows-1251, the
    encoding Excel uses for CSV on Russian-language Windows, when the bytes look like Cyrillic text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", None
    if b"\x00" in sample:
        raise InputError(t("not_text", lang, label=label))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8", None
    except UnicodeDecodeError:
        pass
    high = [b for b in sample if b >= 0x80]
    cyrillic = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    if high and cyrillic / len(high) > 0.8:
        return "cp1251", t("note_cp1251", lang)
    raise InputError(t("not_utf8", lang, label=label))


def _sniff_delimiter(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv(path: Path, encoding: str | None, lang: str) -> Source:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    notes = []
    if encoding is None:
        encoding, note = detect_encoding(sample, str(path), lang)
        if note:
            notes.append(note)
    try:
        text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    except LookupError:
        raise InputError(t("unknown_encoding", lang, label=path, encoding=encoding)) from None
    delimiter = _sniff_delimiter(text)
    header = next(csv.reader([text.splitlines()[0] if text else ""], delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise InputError(t("header_empty", lang, label=path))
    _check_names(header, str(path), lang)
    read_opts = pacsv.ReadOptions(encoding=encoding, block_size=8 << 20)
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types={h: pa.string() for h in header}, strings_can_be_null=False)

    def open_reader() -> pa.RecordBatchReader:
        try:
            reader = pacsv.open_csv(path, read_options=read_opts, parse_options=parse_opts, convert_options=convert)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise InputError(t("csv_unreadable", lang, label=path, reason=_arrow_reason(exc))) from None
        schema = reader.schema.append(pa.field(ROW, pa.int64()))

        def numbered() -> Iterator[pa.RecordBatch]:
            start = 1
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                    reason = _arrow_reason(exc)
                    raise InputError(
                        t("csv_unreadable_after", lang, label=path, row=start - 1, reason=reason)
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


def _parquet(path: Path, lang: str) -> Source:
    try:
        pfile = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(t("parquet_unreadable", lang, label=path, reason=_arrow_reason(exc))) from None
    schema = pfile.schema_arrow
    _check_names(schema.names, str(path), lang)
    out_schema = schema.append(pa.field(ROW, pa.int64()))

    def open_reader() -> pa.RecordBatchReader:
        def numbered() -> Iterator[pa.RecordBatch]:
            start = 1
            for batch in pq.ParquetFile(path).iter_batches(batch_size=262144):
                rows = pa.array(range(start, start + batch.num_rows), pa.int64())
                start += batch.num_rows
                yield pa.RecordBatch.from_arrays([*batch.columns, rows], schema=out_schema)

        return pa.RecordBatchReader.from_batches(out_schema, numbered())

    return Source(
        label=str(path),
        columns={f.name: f.type for f in schema},
        total_rows=pfile.metadata.num_rows,
        open=open_reader,
        parquet_path=None if "file_row_number" in schema.names or _glob_like(path) else str(path),
        instrument=recorded_instrument(schema),
    )


def _glob_like(path: Path) -> bool:
    """A name an engine's file scan would read as a pattern of several files (survey*.parquet,
    survey[1].parquet): such a file is read as itself, through Arrow, never as a pattern."""
    return any(c in str(path) for c in "*?[]{}")


INSTRUMENT_KEY = b"labourwatch_instrument"  # Parquet metadata: {"basis", "detail", "asked"} of an import


def recorded_instrument(schema: pa.Schema) -> dict[str, Any] | None:
    """The questions asked, as `import` recorded them in the file it wrote."""
    meta = schema.metadata or {}
    return dict(json.loads(meta[INSTRUMENT_KEY])) if INSTRUMENT_KEY in meta else None


def _excel(path: Path, sheet: str | int | None, lang: str) -> Source:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(t("excel_unreadable", lang, label=path, reason=exc)) from None
    try:
        ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet or 0]
    except (KeyError, IndexError):
        raise InputError(
            t("no_sheet", lang, label=path, sheet=repr(sheet), sheets=", ".join(book.sheetnames))
        ) from None
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError(t("sheet_empty", lang, label=path, sheet=ws.title))
    names = ["" if h is None else str(h) for h in header]
    while names and not names[-1]:
        names.pop()
    _check_names(names, str(path), lang)
    columns: list[list[str | None]] = [[] for _ in names]
    for row in rows:
        if row is None or all(v is None for v in row[: len(names)]):
            continue
        for i in range(len(names)):
            v = row[i] if i < len(row) else None
            columns[i].append(as_text(v))
    book.close()
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)})
    return from_table(table, label=str(path), header_lines=1, lang=lang)


def _spss(path: Path, lang: str) -> Source:
    try:
        frame, meta = require("pyreadstat").read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and OSError
        raise InputError(t("spss_unreadable", lang, label=path, reason=exc)) from None
    table = pa.Table.from_pandas(frame, preserve_index=False)
    notes = []
    if meta.variable_value_labels:
        notes.append(t("note_spss_labels", lang))
    return from_table(table, label=str(path), notes=notes, lang=lang)
