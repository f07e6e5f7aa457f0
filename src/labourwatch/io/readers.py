"""Inputs as streams of Arrow record batches, each row numbered from 1, so that every message can name
the file and the row. Text files are read as text, column by column: nothing is guessed or coerced here;
the engine parses the canonical variables and reports what does not parse.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.columns import RESERVED_PREFIXES, ROW
from labourwatch.core.errors import Input, LabourwatchError
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
    line_of: Callable[[int], int | None] | None = None  # a record's first line in the file, where rows skip lines

    def where(self, row: int, lang: str = "en") -> str:
        lines = {row: self.line_of(row)} if self.line_of else {}
        return Input(self.label, self.header_lines, lines).where(row, lang)


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
    table: pa.Table,
    *,
    label: str,
    header_lines: int = 0,
    notes: list[str] | None = None,
    line_of: Callable[[int], int | None] | None = None,
    lang: str = "en",
) -> Source:
    _check_names(table.column_names, label, lang)
    numbered = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
    return Source(
        label=label,
        columns={f.name: f.type for f in table.schema},
        total_rows=table.num_rows,
        open=lambda: pa.RecordBatchReader.from_batches(numbered.schema, numbered.to_batches(max_chunksize=65536)),
        header_lines=header_lines,
        notes=notes or [],
        line_of=line_of,
    )


def _check_names(names: list[str], label: str, lang: str) -> None:
    """Every column named, once, in visible characters, and not with a name labourwatch keeps for its own
    columns: a header with a line break or an invisible character (a second byte-order mark, U+2028)
    would name a column nobody can type, and a name like `__v_age` would be taken for an internal one."""
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        if not str(name).strip():
            raise InputError(t("column_no_name", lang, label=label, number=i))
        if hidden := next((c for c in str(name) if unicodedata.category(c) in INVISIBLE), None):
            raise InputError(
                t("column_name_invisible", lang, label=label, number=i, column=repr(name), char=f"U+{ord(hidden):04X}")
            )
        if prefix := next((p for p in RESERVED_PREFIXES if str(name).startswith(p)), None):
            raise InputError(t("column_name_reserved", lang, label=label, column=name, prefix=prefix))
        if name in seen:
            raise InputError(t("column_twice", lang, label=label, column=name))
        seen.add(name)


INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}  # control and format characters, line and paragraph separators


# --- CSV -------------------------------------------------------------------------------------------


def detect_encoding(sample: bytes, label: str = "", lang: str = "en") -> tuple[str, str | None]:
    """(encoding, note). UTF-8 (with or without BOM) when the bytes decode; otherwise Windows-1251, the
    encoding Excel uses for CSV on Russian-language Windows, when the bytes look like Cyrillic words.
    Anything else (Latin-1 "Müller" would read as "Mьller") is refused, naming the first odd byte."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", None
    if b"\x00" in sample:
        raise InputError(t("not_text", lang, label=label))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8", None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _looks_cyrillic_1251(sample):
        return "cp1251", t("note_cp1251", lang)
    line = sample.count(b"\n", 0, first_bad) + 1
    start = sample.rfind(b"\n", 0, first_bad) + 1
    context = sample[max(start, first_bad - 20) : first_bad + 20].split(b"\n")[0]
    raise InputError(t("not_utf8", lang, label=label, byte=f"0x{sample[first_bad]:02X}", line=line, context=context))


def _looks_cyrillic_1251(sample: bytes) -> bool:
    """In Windows-1251 Cyrillic, bytes from 0x80 are letters of Cyrillic words (0xC0-0xFF, Ё/ё): runs
    of them between spaces and punctuation. In Latin-1 or Windows-1252 text they are accented letters
    inside Latin words ("Müller", "Gräf"): a byte from 0x80 beside an ASCII letter gives that away."""
    b = np.frombuffer(sample, dtype=np.uint8)
    high = b >= 0x80
    if not high.any():
        return False
    letters = ((b >= 0x41) & (b <= 0x5A)) | ((b >= 0x61) & (b <= 0x7A))
    beside_latin = np.zeros_like(high)
    beside_latin[1:] |= letters[:-1]
    beside_latin[:-1] |= letters[1:]
    cyrillic = (b >= 0xC0) | (b == 0xA8) | (b == 0xB8)
    n = int(high.sum())
    return bool(int((cyrillic & high).sum()) > 0.8 * n and int((beside_latin & high).sum()) < 0.05 * n)


def _sniff_delimiter(text: str) -> str:
    first = text.partition("\n")[0]
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
        text = sample.decode(encoding, errors="replace").removeprefix("\ufeff")  # one mark, as Arrow reads it
    except LookupError:
        raise InputError(t("unknown_encoding", lang, label=path, encoding=encoding)) from None
    delimiter = _sniff_delimiter(text)
    # the first record, which a quoted name may spread over lines (str.splitlines would also break it at
    # U+2028 or a form feed, which CSV does not)
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
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
        line_of=CsvLines(path, encoding, delimiter).line,
    )


class CsvLines:
    """The line on which each record of a CSV file begins, for messages: not row + 1 when blank lines
    are skipped or a quoted value spans lines. Found by reading the file with Python's csv module, which
    splits records as Arrow does, only as far as a message asks (an error path, never the hot one)."""

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self.starts: list[int] = []  # the first line of record i + 1
        self.records: Iterator[int] | None = None

    def line(self, row: int) -> int | None:
        if self.records is None:
            self.records = self._scan()
        while len(self.starts) < row:
            if (start := next(self.records, None)) is None:
                return None
            self.starts.append(start)
        return self.starts[row - 1]

    def _scan(self) -> Iterator[int]:
        try:
            with self.path.open(encoding=self.encoding, errors="replace", newline="") as fh:
                reader = csv.reader(fh, delimiter=self.delimiter)
                next(reader, None)  # the header
                before = reader.line_num
                for fields in reader:
                    if fields:  # a blank line is no record, for Arrow as here
                        yield before + 1
                    before = reader.line_num
        except (OSError, csv.Error):  # the file is gone or cannot be split: the row number alone
            return


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
    from openpyxl.utils import get_column_letter

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
    _refuse_hidden_values(book, ws, path, lang)
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError(t("sheet_empty", lang, label=path, sheet=ws.title))
    names = ["" if h is None else str(h) for h in header]
    while names and not names[-1]:
        names.pop()
    _check_names(names, str(path), lang)
    columns: list[list[str | None]] = [[] for _ in names]
    lines: list[int] = []  # the sheet's row number of each record (empty rows are skipped)
    for number, row in enumerate(rows, start=2):
        if row is None:
            continue
        if (stray := next((i for i in range(len(names), len(row)) if row[i] is not None), None)) is not None:
            cell = f"{get_column_letter(stray + 1)}{number}"
            raise InputError(t("excel_no_header", lang, label=path, sheet=ws.title, cell=cell))
        if all(v is None for v in row):
            continue
        lines.append(number)
        for i in range(len(names)):
            v = row[i] if i < len(row) else None
            columns[i].append(as_text(v))
    book.close()
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)})
    return from_table(table, label=str(path), line_of=lambda row: lines[row - 1], lang=lang)


def _refuse_hidden_values(book: Any, ws: Any, path: Path, lang: str) -> None:
    """A formula saved without its value (a file written by a program, never opened in Excel) reads as
    blank, and so does every cell of a merged range but the first: refused, naming the cell, rather than
    read as unanswered. The sheet's XML is parsed only when its bytes hold a formula or a merge."""
    from xml.etree.ElementTree import iterparse

    archive, part = book._archive, ws._worksheet_path  # openpyxl keeps both (3.1); no public way to them
    with archive.open(part) as fh:
        if not any(b"<f" in chunk or b"<mergeCell " in chunk for chunk in _overlapping_chunks(fh)):
            return
    with archive.open(part) as fh:
        for _, element in iterparse(fh):
            tag = element.tag.rpartition("}")[2]
            if tag == "mergeCell":
                raise InputError(t("excel_merged", lang, label=path, sheet=ws.title, cells=element.get("ref")))
            if tag == "c":
                formula = next((c for c in element if c.tag.endswith("}f")), None)
                value = next((c for c in element if c.tag.endswith("}v")), None)
                if formula is not None and (value is None or (not value.text and element.get("t") != "str")):
                    raise InputError(
                        t("excel_formula_no_value", lang, label=path, sheet=ws.title, cell=element.get("r"))
                    )
                element.clear()


def _overlapping_chunks(fh: Any, size: int = 1 << 20) -> Iterator[bytes]:
    """A stream in chunks that overlap a little, so that no tag is missed across a boundary."""
    tail = b""
    while chunk := fh.read(size):
        yield tail + chunk
        tail = chunk[-16:]


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
