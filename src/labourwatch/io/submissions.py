"""Form submissions as the collection tools hand them out, read into one shape: a table of records whose
columns are the source's own headers (text), and one table per repeat group whose rows point at their
record. Nothing is interpreted here; `forms.py` turns headers and values into canonical variables.

The shapes (shared/research/anchors-software.md §3):
- KoboToolbox CSV / XLSX exports (names or labels as headers, `/` or `-` between groups); an XLSX export
  has one more sheet per repeat group, linked by `_index` / `_parent_index`;
- ODK Central's CSV ZIP: the records' CSV and one CSV per repeat group, linked by `KEY` / `PARENT_KEY`;
- KoboToolbox JSON (API v2 `data`: flat keys with full `/` paths, repeats as lists of such objects);
- ODK Central OData JSON (`{"value": [...]}`: nested objects per group, `__id`, `__system`, repeats
  inline when expanded), which is also what `pyodk` returns.

JSON is walked in Python: it arrives as Python objects anyway, and this is the edge of the system."""

from __future__ import annotations

import json
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from labourwatch.core.columns import ROW
from labourwatch.core.values import as_text
from labourwatch.i18n import t
from labourwatch.io.readers import InputError, open_source

PARENT_ROW = "__lw_parent_row"  # in a repeat table: the ROW of the record the repeat row belongs to
JSON_META = ("__system",)  # OData's submission metadata: kept, flattened, as `__system/...`


@dataclass
class Submissions:
    label: str  # the file, as messages name it
    records: pa.Table  # text columns named by the source's headers, and ROW (from 1)
    repeats: dict[str, pa.Table] = field(default_factory=dict)  # repeat name -> rows, with ROW and PARENT_ROW
    header_lines: int = 1  # lines before the first record, for messages (0 for JSON)
    line_of: Callable[[int], int | None] | None = None  # a record's first line, where rows skip lines


def read_submissions(path: Path, *, encoding: str | None = None, lang: str = "en") -> Submissions:
    suffix = path.suffix.lower()
    if suffix == ".json" and path.is_file():
        try:
            document = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(t("json_unreadable", lang, label=path, reason=exc)) from None
        except RecursionError:  # the parser's own bound: arrays in arrays thousands deep
            raise InputError(t("json_too_deep", lang, label=path, depth=JSON_MAX_DEPTH)) from None
        return from_json(document, label=str(path), lang=lang)
    if suffix == ".zip" and path.is_file():
        return _central_zip(path, encoding, lang)
    if suffix in (".xlsx", ".xlsm") and path.is_file():
        return _workbook(path, lang)
    return plain(path, encoding=encoding, lang=lang)


def plain(path: Path, *, encoding: str | None = None, sheet: str | int | None = None, lang: str = "en") -> Submissions:
    """One table of any format `open_source` reads (CSV, Excel, Parquet, SPSS), every column as text."""
    source = open_source(path, encoding=encoding, sheet=sheet, lang=lang)
    table = source.open().read_all()
    text = pa.schema([pa.field(n, pa.string() if n != ROW else pa.int64()) for n in table.column_names])
    return Submissions(source.label, table.cast(text), header_lines=source.header_lines, line_of=source.line_of)


def _text_table(path: Path, *, encoding: str | None = None, sheet: str | int | None = None, lang: str) -> pa.Table:
    return plain(path, encoding=encoding, sheet=sheet, lang=lang).records


# --- KoboToolbox XLSX: one sheet per repeat group --------------------------------------------------------


def _workbook(path: Path, lang: str) -> Submissions:
    import openpyxl

    try:
        sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(t("excel_unreadable", lang, label=path, reason=exc)) from None
    records = _text_table(path, sheet=sheets[0], lang=lang)
    repeats = {}
    for name in sheets[1:]:
        rows = _text_table(path, sheet=name, lang=lang)
        if "_parent_index" not in rows.column_names:
            continue  # not a repeat group: a sheet the user added
        # the submission's uuid links a row at any depth; older exports have only the parent's _index
        parent, key = (
            ("_submission__uuid", "_uuid") if "_submission__uuid" in rows.column_names else ("_parent_index", "_index")
        )
        if key not in records.column_names:
            raise InputError(t("repeat_unlinked", lang, label=path, repeat=name, column=key))
        repeats[name] = _linked(rows, parent, records, key, f"{path} [{name}]", lang)
    return Submissions(str(path), records, repeats)


def _linked(
    rows: pa.Table, parent_column: str, records: pa.Table, key_column: str, label: str, lang: str, shown: str = ""
) -> pa.Table:
    """Repeat rows with the ROW of their record; a row whose record is missing is an error, not a loss."""
    keys = records.column(key_column)
    parents = rows.column(parent_column)
    where = pc.index_in(parents, value_set=keys.combine_chunks())
    orphans = pc.indices_nonzero(pc.is_null(where)).to_pylist()
    if orphans:
        first = orphans[0]
        raise InputError(
            t(
                "repeat_orphan",
                lang,
                label=label,
                row=first + 1,
                column=shown or parent_column,
                value=parents[first].as_py(),
                count=len(orphans),
            )
        )
    return rows.append_column(PARENT_ROW, pc.take(records.column(ROW), where))


# --- ODK Central CSV ZIP -------------------------------------------------------------------------------


ZIP_MAX_BYTES = 2 << 30  # what an export may unpack to, in all: far above any survey, far below a ZIP bomb
ZIP_MAX_RATIO = 200  # CSV packs 5-20 times; a member packed hundreds of times is not a survey export


def _unpack(archive: zipfile.ZipFile, name: str, target: Path, room: int, label: str, lang: str) -> int:
    """One member to `target`, counting the bytes as they come (the sizes a ZIP declares can lie):
    refused once it would pass `room`, or packs more tightly than any export would."""
    info = archive.getinfo(name)
    limit = min(room, max(info.compress_size, 1) * ZIP_MAX_RATIO + (1 << 20))
    written = 0
    try:
        with archive.open(info) as member, target.open("wb") as out:
            while chunk := member.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise InputError(t("zip_too_large", lang, label=label, limit=limit))
                out.write(chunk)
    except (RuntimeError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # encrypted, cut short, corrupt
        raise InputError(t("zip_unreadable", lang, label=label, reason=exc)) from None
    return written


def _central_zip(path: Path, encoding: str | None, lang: str) -> Submissions:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError(t("zip_unreadable", lang, label=path, reason=exc)) from None
    with archive, tempfile.TemporaryDirectory(prefix="labourwatch-") as folder:
        names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv") and "/" not in n.strip("/"))
        tables = {}
        unpacked = 0
        for name in names:
            target = Path(folder) / name
            unpacked += _unpack(archive, name, target, ZIP_MAX_BYTES - unpacked, f"{path} [{name}]", lang)
            tables[name] = _text_table(target, encoding=encoding, lang=lang)
    roots = [n for n, tb in tables.items() if "PARENT_KEY" not in tb.column_names]
    if len(roots) != 1:
        raise InputError(t("zip_no_root", lang, label=path, files=", ".join(names) or "-"))
    root = roots[0]
    records = tables.pop(root)
    if tables and "KEY" not in records.column_names:
        raise InputError(t("repeat_unlinked", lang, label=f"{path} [{root}]", repeat=root, column="KEY"))
    form_id = Path(root).stem
    repeats = {}
    for name, rows in tables.items():
        # a nested repeat's PARENT_KEY is "uuid:.../group/repeat[n]": its record is the part before the "/"
        rows = rows.append_column("__lw_record_key", pc.replace_substring_regex(rows.column("PARENT_KEY"), r"/.*$", ""))
        linked = _linked(rows, "__lw_record_key", records, "KEY", f"{path} [{name}]", lang, "PARENT_KEY")
        repeats[Path(name).stem.removeprefix(form_id + "-")] = linked.drop_columns(["__lw_record_key"])
    return Submissions(f"{path} [{root}]", records, repeats)


# --- JSON: KoboToolbox (flat paths) and ODK Central OData (nested) ------------------------------------


JSON_MAX_DEPTH = 32  # groups in repeats in groups: a real form nests a few levels, never dozens


def from_json(document: Any, *, label: str, lang: str = "en") -> Submissions:
    """Submissions from a KoboToolbox `data` response (a list, or `{"results": [...]}`) or an ODK Central
    OData response (`{"value": [...]}`)."""
    rows = _json_rows(document, label, lang)
    records: list[dict[str, str]] = []
    repeats: dict[str, list[dict[str, str]]] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise InputError(t("json_not_record", lang, label=label, row=number, kind=type(row).__name__))
        flat: dict[str, str] = {}
        _flatten(row, "", flat, repeats, parent=number, label=label, lang=lang, depth=1)
        records.append(flat)
    table = _table(records).append_column(ROW, pa.array(range(1, len(records) + 1), pa.int64()))
    return Submissions(label, table, {name: _table(r) for name, r in repeats.items()}, header_lines=0)


def _json_rows(document: Any, label: str, lang: str) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        for key in ("value", "results"):
            if isinstance(document.get(key), list):
                return list(document[key])
    raise InputError(t("json_no_rows", lang, label=label))


def _flatten(
    obj: Mapping[str, Any],
    prefix: str,
    flat: dict[str, str],
    repeats: dict[str, list[dict[str, str]]],
    *,
    parent: int,
    label: str,
    lang: str,
    depth: int,
) -> None:
    if depth > JSON_MAX_DEPTH:
        raise InputError(t("json_too_deep", lang, label=label, depth=JSON_MAX_DEPTH))
    for key, value in obj.items():
        if "@odata" in key:  # navigation links and counts, not answers
            continue
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, path + "/", flat, repeats, parent=parent, label=label, lang=lang, depth=depth + 1)
        elif isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
            name = path.rsplit("/", 1)[-1]
            for item in value:
                row: dict[str, str] = {}
                # Kobo repeats repeat the full path in their keys; OData nests them: both end as paths
                _flatten(item, "", row, repeats, parent=parent, label=label, lang=lang, depth=depth + 1)
                row = {k.removeprefix(path + "/"): v for k, v in row.items()}
                rows = repeats.setdefault(name, [])
                rows.append(row | {ROW: str(len(rows) + 1), PARENT_ROW: str(parent)})
        elif (text := as_text(value)) is not None:
            flat[path] = text


def _table(rows: list[dict[str, str]]) -> pa.Table:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    data = {c: pa.array([row.get(c) for row in rows], pa.string()) for c in columns}
    for number in (ROW, PARENT_ROW):
        if number in data:
            data[number] = pc.cast(data[number], pa.int64())
    return pa.table(data)
