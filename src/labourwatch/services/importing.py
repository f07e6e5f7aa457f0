"""The import service: any source (a form export, an ODK Central pull, or a file with a mapping) into a
canonical dataset that `assess`, `estimate` and `report` read, whole or not at all.

Every value is checked the way `assess` checks it before anything is written; a problem anywhere
changes nothing. Records already in the dataset (same record id) are not added again; an edited ODK
submission replaces the one it edits. Repeat groups go to linked files `DATASET.<repeat>.parquet`.
OUTPUT.import.csv lists every value rejected or recoded, with file, row, column, value and reason."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.errors import DataError, LabourwatchError, Message
from labourwatch.core.instrument import FORM, MAPPING, from_columns
from labourwatch.io import central, forms
from labourwatch.io import mapping as mapping_files
from labourwatch.io.forms import Canonical, Recode
from labourwatch.io.formulas import defuse_csv
from labourwatch.io.readers import INSTRUMENT_KEY, from_table, recorded_instrument
from labourwatch.io.submissions import Submissions, read_submissions
from labourwatch.packs import load_schema
from labourwatch.services import assessment
from labourwatch.services.files import cannot_write, folder_lock, refuse_overwriting, temp_beside, write_whole


@dataclass(frozen=True)
class Imported:
    path: Path
    added: int
    already_there: int  # records whose id the dataset already held: not added again
    replaced: int  # records an edited submission replaced
    recoded: list[Recode]
    unmatched: list[str]
    report: Path
    repeats: dict[str, Path]  # repeat group -> its linked file


def import_submissions(
    source: Any,
    output: str | Path,
    *,
    mapping: str | Path | None = None,
    encoding: str | None = None,
    lang: str = "en",
) -> Imported:
    """Submissions into a canonical dataset (Parquet) that `assess`, `estimate` and `report` read.

    `source`: an export of the labourwatch questionnaire from KoboToolbox or ODK Central (CSV, XLSX,
    Central's CSV ZIP, Kobo or OData JSON), submissions pulled with `pull_central`, or any table
    (SPSS, Stata, CSV, Excel) with a `mapping` file. Whole or nothing; a re-import adds no duplicates;
    every rejected or recoded value is listed in OUTPUT.import.csv."""
    out = Path(output)
    if out.suffix.lower() != ".parquet":  # the dataset is Parquet: a .csv name would hold Parquet bytes
        raise LabourwatchError(Message("import_output_suffix", {"path": out}))
    refuse_overwriting(out, source, mapping)
    report = out.with_name(out.name + ".import.csv")
    if isinstance(source, Submissions):
        subs, canon = source, forms.canonical_records(source)
    elif mapping is not None:
        subs, canon = mapping_files.apply_file(Path(source), Path(mapping), encoding=encoding, lang=lang)
    else:
        subs = read_submissions(Path(source), encoding=encoding, lang=lang)
        canon = forms.canonical_records(subs)
    try:
        checked = check_records(subs, canon, lang)
    except DataError as exc:
        _write_report(report, subs.label, canon.recoded, exc, lang)
        raise
    canon.records = _typed(canon.records, checked[""])
    canon.repeats = {name: _typed(rows, checked[name]) for name, rows in canon.repeats.items()}
    basis, detail = (MAPPING, str(mapping)) if mapping is not None else (FORM, subs.label)
    added, already, replaced, repeat_paths = _merge_and_write(canon, out, basis, detail)
    _write_report(report, subs.label, canon.recoded, None, lang)
    return Imported(out, added, already, replaced, canon.recoded, canon.unmatched, report, repeat_paths)


def check_records(subs: Submissions, canon: Canonical, lang: str) -> dict[str, pa.Table]:
    """Check every value as `assess` would, naming the source's rows and columns; each table typed."""
    tables = {"": (canon.records, subs.label)}
    for name, rows in canon.repeats.items():
        # each repeat row checked as a record of its own, on its record's date
        dates = pc.take(
            canon.records.column(REFERENCE_DATE), pc.index_in(rows.column("id"), canon.records.column("id"))
        )
        ids = pc.binary_join_element_wise(rows.column("id"), pc.cast(rows.column("index"), pa.string()), "#")
        checked = rows.drop_columns(["id", "index"]).add_column(0, "id", ids).append_column(REFERENCE_DATE, dates)
        tables[name] = (checked, f"{subs.label} [{name}]")
    checked = {}
    for name, (table, label) in tables.items():
        try:
            checked[name] = assessment.typed(table, require_date=True, lang=lang)
        except DataError as exc:
            lines = subs.line_of if name == "" and table.num_rows == subs.records.num_rows else None
            source = from_table(table, label=label, header_lines=subs.header_lines, line_of=lines, lang=lang)
            headers = canon.headers.get(name, {})
            problems = [replace(p, column=headers.get(p.column or "", p.column)) for p in exc.problems]
            raise DataError(source, problems, exc.total, lang=lang) from None
    return checked


TYPED_KINDS = ("boolean", "number", "integer", "date")


def _typed(table: pa.Table, checked: pa.Table) -> pa.Table:
    """Canonical columns in their types (numbers, dates, true/false) as the check parsed them, so that R,
    SPSS and Stata read them as such; codes and raw values stay text."""
    variables = load_schema().variables
    for i, name in enumerate(table.column_names):
        var = variables.get(name)
        if var is None or var.kind not in TYPED_KINDS:
            continue
        values = checked.column(name)
        values = pc.cast(values, pa.int64()) if var.kind == "integer" else values
        table = table.set_column(i, table.schema.field(name).with_type(values.type), values)
    return table


def _recorded(records: pa.Table, existing: pa.Table | None, basis: str, detail: str) -> pa.Table:
    """The records with the questions asked recorded beside them (the form's or the mapping's
    questions; with an earlier import, those of both: a question either asked counts as asked)."""
    asked = set(from_columns(load_schema(), records.column_names).asked)
    earlier = recorded_instrument(existing.schema) if existing is not None else None
    if earlier:
        asked |= set(earlier["asked"])
        detail = f"{earlier['detail']}; {detail}" if detail not in earlier["detail"] else earlier["detail"]
    recorded = {"basis": basis, "detail": detail, "asked": sorted(asked)}
    meta = dict(records.schema.metadata or {}) | {INSTRUMENT_KEY: json.dumps(recorded).encode()}
    return records.replace_schema_metadata(meta)


def _merge_and_write(canon: Canonical, out: Path, basis: str, detail: str) -> tuple[int, int, int, dict[str, Path]]:
    """Merge into the dataset and write it, one import at a time: two imports into one dataset at once
    would each read it before the other wrote, and the second would drop the first one's records."""
    with folder_lock(out):
        return _merge_and_write_locked(canon, out, basis, detail)


def _merge_and_write_locked(
    canon: Canonical, out: Path, basis: str, detail: str
) -> tuple[int, int, int, dict[str, Path]]:
    existing = pq.read_table(out) if out.exists() else None
    incoming, already = canon.records, 0
    if existing is not None:
        seen = pc.is_in(incoming.column("id"), value_set=existing.column("id").combine_chunks())
        already = int(pc.sum(seen).as_py() or 0)
        incoming = incoming.filter(pc.invert(seen))
    new_ids = incoming.column("id").combine_chunks()
    records = incoming if existing is None else pa.concat_tables([existing, incoming], promote_options="permissive")
    edited = _edited(records, existing)
    records = records.filter(pc.invert(pc.is_in(records.column("id"), value_set=edited)))
    records = records.replace_schema_metadata(
        dict(records.schema.metadata or {}) | {REPLACED_KEY: json.dumps(sorted(set(edited.to_pylist()))).encode()}
    )
    replaced = incoming.num_rows + (0 if existing is None else existing.num_rows) - records.num_rows
    paths = {name: out.with_name(f"{out.stem}.{name}{out.suffix}") for name in canon.repeats}
    tables = {out: _recorded(records, existing, basis, detail)}
    for name, rows in canon.repeats.items():
        rows = rows.filter(pc.is_in(rows.column("id"), value_set=new_ids))
        if paths[name].exists():
            rows = pa.concat_tables([pq.read_table(paths[name]), rows], promote_options="permissive")
        tables[paths[name]] = rows.filter(pc.invert(pc.is_in(rows.column("id"), value_set=edited)))
    # everything is written beside its target first, then moved into place: no half-import on failure
    staged: dict[Path, Path] = {}
    try:
        for target, table in tables.items():
            staged[target] = _stage(table, target)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    for target, tmp in staged.items():
        tmp.replace(target)
    added = int(pc.sum(pc.is_in(records.column("id"), value_set=new_ids)).as_py() or 0)
    return added, already, replaced, paths


REPLACED_KEY = b"labourwatch_replaced"  # Parquet metadata: the ids edits have replaced, as a JSON list


def _edited(records: pa.Table, existing: pa.Table | None) -> pa.Array:
    """The ids of ODK submissions an edit replaced: the new one stays, the one it edits goes, whichever
    export came first. The dataset remembers every id replaced, so that an older export imported after
    an edit (or after an edit of the edit, itself replaced) does not bring an original back. An edit
    naming itself replaces nothing."""
    meta = (existing.schema.metadata or {}) if existing is not None else {}
    earlier = json.loads(meta[REPLACED_KEY]) if REPLACED_KEY in meta else []
    if "replaces_id" not in records.column_names:
        return pa.array(earlier, pa.string())
    replaces = records.column("replaces_id")
    itself = pc.fill_null(pc.equal(replaces, records.column("id")), False)
    now = pc.drop_null(replaces.filter(pc.invert(itself))).combine_chunks()
    return pa.concat_arrays([pa.array(earlier, pa.string()), now.cast(pa.string())])


def _stage(table: pa.Table, target: Path) -> Path:
    tmp = temp_beside(target)
    try:
        pq.write_table(table, tmp)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise cannot_write(target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _write_report(path: Path, label: str, recoded: list[Recode], rejected: DataError | None, lang: str) -> None:
    rows: list[tuple[str, int | None, str, str, str]] = []
    if rejected is not None:
        rows += [
            (rejected.source.label, p.row, p.column or "", p.value or "", "rejected: " + p.text(lang))
            for p in rejected.problems
        ]
    rows += [(f"{label} [{r.table}]" if r.table else label, r.row, r.column, r.value, r.reason) for r in recoded]
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    table = pa.table(
        {
            "file": pa.array(columns[0], pa.string()),
            "row": pa.array(columns[1], pa.int64()),
            "column": pa.array(columns[2], pa.string()),
            "value": pa.array(columns[3], pa.string()),
            "reason": pa.array(columns[4], pa.string()),
        }
    )
    safe, _ = defuse_csv(table)  # the values quoted are the source's: a spreadsheet must not run them
    write_whole(path, lambda tmp: pacsv.write_csv(safe, tmp))


def pull_central(
    form_id: str, *, project_id: int | None = None, config: str | Path | None = None, lang: str = "en"
) -> Submissions:
    """Submissions of a form on an ODK Central server, pulled with pyodk (repeat groups included)."""
    return central.pull(form_id, project_id=project_id, config_path=Path(config) if config else None, lang=lang)


def suggest_mapping(data: str | Path, *, encoding: str | None = None, lang: str = "en") -> str:
    """A draft mapping file (YAML text) for a source that is not the labourwatch questionnaire."""
    return mapping_files.suggest(Path(data), encoding=encoding, lang=lang)
