"""Assess records, explain one, and count how results depend on readings."""

from __future__ import annotations

import difflib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch import __version__
from labourwatch.core.columns import RAW_PREFIX
from labourwatch.core.errors import LabourwatchError, Message, speaking
from labourwatch.core.explain import Explanation, explain_record, reading_values
from labourwatch.core.instrument import ALWAYS_ASKED, COLUMNS, Instrument, from_columns
from labourwatch.core.model import Schema
from labourwatch.core.readings import Judgement, settings_of
from labourwatch.core.record import WORK_TIME_ZONE
from labourwatch.core.types import Progress
from labourwatch.core.values import result_text
from labourwatch.engines.base import Engine
from labourwatch.engines.duckdb import SPILL, DuckDB
from labourwatch.engines.plan import Plan, plan
from labourwatch.i18n import t
from labourwatch.io.formulas import defuse_csv
from labourwatch.io.optional import require
from labourwatch.io.readers import Source, open_source
from labourwatch.packs import load_packs, load_schema
from labourwatch.services.files import (
    cannot_write,
    in_background,
    refuse_overwriting,
    remove_abandoned,
    temp_beside,
    write_whole,
)
from labourwatch.services.request import Request


@dataclass
class Assessment:
    """An assessed table: every input column and row, one column per finding, and provenance."""

    table: pa.Table
    provenance: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_pandas(self) -> Any:
        return self.table.to_pandas()

    def to_polars(self) -> Any:
        return require("polars").from_arrow(self.table)


@dataclass
class Written:
    """What `assess_file` wrote."""

    path: Path
    rows: int
    provenance: dict[str, Any]
    judgement: Judgement
    warnings: list[str] = field(default_factory=list)


def default_engine() -> Engine:
    """The engine the services run on (DuckDB; the Spark issue adds a choice). Spill folders a killed
    process left behind are removed first."""
    remove_abandoned(Path(tempfile.gettempdir()), SPILL)
    return DuckDB()


def dates_needed(p: Plan) -> bool:
    """Each record needs its reference date unless one date judges them all."""
    return p.timeline.judgement.as_of is None


def results(p: Plan, engine: Engine | None = None, *, require_date: bool | None = None) -> pa.Table:
    """The whole assessed table in input order (for inputs that fit in memory; `assess_file` streams)."""
    batches: list[pa.RecordBatch] = []
    needed = dates_needed(p) if require_date is None else require_date
    (engine or default_engine()).run(p, batches.append, require_date=needed)
    return pa.Table.from_batches(batches)


def prepare(data: Any, request: Request) -> Plan:
    """Everything an assessment of `data` needs: the schema, the packs, the input and the law."""
    packs = load_packs(request.packs)
    source = open_source(data, encoding=request.encoding, lang=request.lang)
    schema = load_schema()
    instrument = request.instrument(schema, came_with(schema, source))
    return plan(schema, packs, source, request.judgement(packs), today=date.today(), instrument=instrument)


def came_with(schema: Schema, source: Source) -> Instrument:
    """The questions the data came with: as its import recorded them (the form or the mapping), else
    the columns it has."""
    if source.instrument:
        return Instrument.from_json(source.instrument, schema)
    return from_columns(schema, source.columns)


def provenance(p: Plan) -> dict[str, Any]:
    j = p.timeline.judgement
    return {
        "labourwatch": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": p.source.label,
        "judgement": {
            "as_of": j.as_of.isoformat() if j.as_of else None,
            "law": j.law,
            "verified_only": j.verified_only,
            "settings": settings_of(j),
        },
        "packs": [{"id": pack.id, "version": pack.version, "sha256": pack.content_hash} for pack in p.packs],
        "schema_sha256": p.schema.version,
        "instrument": p.instrument.to_json(p.schema),
        "notes": list(p.source.notes),
    }


def warnings_for(p: Plan, lang: str = "en") -> list[str]:
    """Columns carried through untouched, and variables the packs use that the input lacks."""
    out = list(p.source.notes) + _not_canonical(p, lang)
    zoned = [c for c in p.present if getattr(p.source.columns[c], "tz", None) is not None]  # zoned time stamps
    if zoned:
        out.append(t("note_time_zone", lang, columns=", ".join(zoned), zone=WORK_TIME_ZONE))
    used = sorted(p.variables_read)
    not_asked = [v for v in p.instrument.not_asked(used) if v not in p.present and v not in p.presumptions]
    if not_asked and p.instrument.basis == COLUMNS:
        out.append(t("warn_absent", lang, names=", ".join(not_asked)))
    blank = [v for v in used if p.instrument.was_asked(v) and v not in p.present and v not in ALWAYS_ASKED]
    if blank:
        out.append(t("warn_asked_absent", lang, names=", ".join(blank)))
    ignored = p.instrument.not_asked(p.present)
    if ignored:
        out.append(t("warn_not_asked_present", lang, names=", ".join(ignored)))
    return out


def _not_canonical(p: Plan, lang: str) -> list[str]:
    """A note on each column that is not a variable (a raw value kept on import excepted), with the
    variable it may be a misspelling of; past a few, one note names them all (a form's own columns can
    number in the thousands) and only the likely misspellings have notes of their own."""
    strays = [c for c in p.source.columns if c not in p.schema.variables and not c.startswith(RAW_PREFIX)]
    known = list(p.schema.variables)
    close = {c: m[0] for c in strays[:HINTED] if (m := difflib.get_close_matches(c, known, n=1, cutoff=0.75))}
    few = len(strays) <= NOTED_ONE_BY_ONE
    out = [
        t("warn_not_canonical", lang, column=c, hint=t("warn_did_you_mean", lang, name=close[c]) if c in close else "")
        for c in strays
        if few or c in close
    ]
    if not few:
        listed = ", ".join(strays[:20]) + (", ..." if len(strays) > 20 else "")
        out.append(t("warn_not_canonical_many", lang, n=len(strays), names=listed))
    return out


NOTED_ONE_BY_ONE = 10  # columns that are not variables, each noted on its own up to this many
HINTED = 500  # of which so many are compared with the variables' names for a likely misspelling


def check(data: Any, request: Request) -> None:
    """Check every value of a table or a file as `assess` would, evaluating no rule: DataError lists
    every invalid value (a tenth of the time of an assessment for a form's one record)."""
    with speaking(request.lang):
        p = prepare(data, request)
        default_engine().check(p, require_date=dates_needed(p))


def assess(data: Any, request: Request) -> Assessment:
    """Assess a table or a file into an Arrow table; DataError lists every invalid value."""
    with speaking(request.lang):
        p = prepare(data, request)
        meta = provenance(p)
        table = results(p).replace_schema_metadata({b"labourwatch": json.dumps(meta).encode()})
        return Assessment(table, meta, warnings_for(p, request.lang))


def assess_file(
    data: Any, output: str | Path, request: Request, progress: Progress | None = None, *, results_only: bool = False
) -> Written:
    """Assess an input of any size into Parquet or CSV, streaming (memory does not grow with the input).
    The output appears only when complete and valid; CSV gets its provenance in a `.provenance.json`.
    `results_only`: of the input's columns only the id (for large runs: every value is still checked)."""
    with speaking(request.lang):
        out = Path(output)
        if out.suffix.lower() not in (".parquet", ".csv"):
            raise LabourwatchError(Message("output_suffix", {"path": out}))
        refuse_overwriting(out, data)
        p = prepare(data, request)
        kept = [c for c in p.source.columns if c not in p.present and not results_only]
        nested = [c for c in kept if pa.types.is_nested(p.source.columns[c])]
        if nested and out.suffix.lower() == ".csv":  # a CSV cell holds no list or record: Parquet does
            raise LabourwatchError(Message("csv_nested", {"path": out, "columns": ", ".join(nested)}))
        run = p.read_only() if results_only else p  # what is neither read nor written needs no check
        meta = {**provenance(p), "results_only": results_only, "validated": list(run.present)}
        rows, defused = _stream_to(out, run, meta, progress, results_only)
        notes = [t("formulas_defused", request.lang, path=out, n=defused)] if defused else []
        unchecked = [name for name in p.present if name not in run.present]
        if unchecked:
            notes.append(t("note_not_checked", request.lang, n=len(unchecked), names=", ".join(unchecked)))
        return Written(out, rows, meta, p.timeline.judgement, warnings_for(p, request.lang) + notes)


def _stream_to(
    out: Path, p: Plan, meta: dict[str, Any], progress: Progress | None, results_only: bool
) -> tuple[int, int]:
    """Write the results beside `out`, then move them into place: no half-written output. The number
    of records, and of CSV cells a spreadsheet would have run as formulas (see io/formulas.py)."""
    csv = out.suffix.lower() == ".csv"
    tmp = temp_beside(out)
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
    defused = 0

    def write(batch: pa.RecordBatch) -> None:
        nonlocal writer, defused
        if csv:
            batch, n = defuse_csv(batch)
            defused += n
        if writer is None:
            schema = batch.schema.with_metadata({"labourwatch": json.dumps(meta)})
            writer = pacsv.CSVWriter(tmp, schema) if csv else pq.ParquetWriter(tmp, schema)
        writer.write_batch(batch)

    try:
        with in_background(write) as sink:
            rows = default_engine().run(
                p, sink, require_date=dates_needed(p), for_csv=csv, progress=progress, results_only=results_only
            )
        if writer is not None:
            writer.close()
            writer = None
        if csv:
            text = json.dumps({**meta, "rows": rows}, indent=2, ensure_ascii=False) + "\n"
            write_whole(out.with_name(out.name + ".provenance.json"), lambda side: side.write_text(text, "utf-8"))
        tmp.replace(out)
        return rows, defused
    except OSError as exc:
        raise cannot_write(out, exc) from None
    finally:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)


def typed(data: Any, *, require_date: bool, encoding: str | None = None, lang: str = "en") -> pa.Table:
    """Every value checked and typed as an assessment would (DataError when any is wrong), no law
    applied: the input's columns with the canonical ones in their types."""
    with speaking(lang):
        source = open_source(data, encoding=encoding, lang=lang)
        p = plan(load_schema(), [], source, Judgement(as_of=date.today()), today=date.today())  # no law: any date
        return results(p, require_date=require_date)


def explain(data: Any, record_id: str, request: Request) -> Explanation:
    """Why the record with this id gets the results it gets."""
    with speaking(request.lang):
        p = prepare(data, request)
        found = default_engine().typed_record(p, str(record_id))
        if found is None:
            raise LabourwatchError(Message("record_not_found", {"label": p.source.label, "id": record_id}))
        row, answers = found
        return explain_record(str(record_id), row, answers, p.packs, p.timeline, p.instrument, p.schema)


@dataclass(frozen=True)
class Sensitivity:
    """How many records get each result under the default readings and under each other reading."""

    readings: list[str]  # "default", then "pack:name=value" for each other reading
    counts: dict[str, dict[str, list[int]]]  # rule -> result -> one count per reading
    records: int


def sensitivity_runs(packs: Sequence[str] | None) -> list[tuple[str, dict[str, Any] | None]]:
    """The assessments `sensitivity` makes: the default readings, then each other value of each reading
    alone, as (name, settings)."""
    others = [s for s, is_default in reading_values(load_packs(packs)) if not is_default]
    return [("default", None)] + [(f"{pk}:{name}={result_text(v)}", {f"{pk}:{name}": v}) for pk, name, v in others]


def sensitivity(data: Any, request: Request, progress: Progress | None = None) -> Sensitivity:
    """Assess the data once with the packs' default readings and once for each other value of each
    reading (one changed at a time), and count the results: how much a figure depends on a reading.
    Only the results whose counts change are kept."""
    runs = sensitivity_runs(request.packs)
    outputs = [r for p in load_packs(request.packs) for r in p.outputs]
    tallies: dict[str, dict[str, list[int]]] = {r.id: {} for r in outputs}
    records = 0
    for i, (_, settings) in enumerate(runs):
        table = assess(data, replace(request, settings=settings)).table
        records = table.num_rows
        for rule in outputs:
            for item in table.column(rule.id).value_counts().to_pylist():
                key = result_text(item["values"])
                tallies[rule.id].setdefault(key, [0] * len(runs))[i] = item["counts"]
        if progress:
            progress(1)
    changed = {k: v for k, v in tallies.items() if any(len(set(c)) > 1 for c in v.values())}
    return Sensitivity([name for name, _ in runs], changed, records)
