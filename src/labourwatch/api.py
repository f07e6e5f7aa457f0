"""The Python API: assess a table or a file, explain a record. The CLI is a thin layer over this."""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from labourwatch import __version__
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.explain import Explanation, explain_record
from labourwatch.core.model import Pack, Schema
from labourwatch.core.timeline import Judgement
from labourwatch.engines import duckdb as engine
from labourwatch.engines.parsing import sql_string
from labourwatch.i18n import t
from labourwatch.io.readers import Progress, Source, open_source
from labourwatch.packs import load_packs, load_schema


@dataclass
class Assessment:
    """An assessed table: every input column and row, one column per finding, and provenance."""

    table: pa.Table
    provenance: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_pandas(self) -> Any:
        return self.table.to_pandas()

    def to_polars(self) -> Any:
        import polars as pl

        return pl.from_arrow(self.table)


@dataclass
class Written:
    """What `assess_file` wrote."""

    path: Path
    rows: int
    provenance: dict[str, Any]
    judgement: Judgement
    warnings: list[str] = field(default_factory=list)


def _judgement(as_of: date | str | None, law: str | None, verified_only: bool) -> Judgement:
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise LabourwatchError(f"--as-of: not a date (YYYY-MM-DD): {as_of!r}") from None
    return Judgement(as_of=as_of, law=law, verified_only=verified_only)


def plan_for(
    data: Any,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    packs: Sequence[str] | None = None,
    encoding: str | None = None,
) -> tuple[Schema, list[Pack], Source, engine.Plan]:
    """Everything an assessment of `data` needs: the schema, the packs, the input and the plan."""
    schema = load_schema()
    loaded = load_packs(packs)
    source = open_source(data, encoding=encoding)
    plan = engine.plan(schema, loaded, source, _judgement(as_of, law, verified_only), today=date.today())
    return schema, loaded, source, plan


def provenance(plan: engine.Plan, rows: int) -> dict[str, Any]:
    j = plan.timeline.judgement
    return {
        "labourwatch": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": plan.source.label,
        "rows": rows,
        "judgement": {
            "as_of": j.as_of.isoformat() if j.as_of else None,
            "law": j.law,
            "verified_only": j.verified_only,
            "described": j.describe(),
        },
        "packs": [{"id": p.id, "version": p.version, "sha256": p.content_hash} for p in plan.packs],
        "schema_sha256": plan.schema.version,
        "notes": list(plan.source.notes),
    }


def warnings_for(plan: engine.Plan, lang: str = "en") -> list[str]:
    """Columns carried through untouched, and variables the packs use that the input lacks."""
    out = list(plan.source.notes)
    known = list(plan.schema.variables)
    for col in plan.source.columns:
        if col not in plan.schema.variables:
            close = difflib.get_close_matches(col, known, n=1, cutoff=0.75)
            hint = t("warn_did_you_mean", lang, name=close[0]) if close else ""
            out.append(t("warn_not_canonical", lang, column=col, hint=hint))
    used = sorted({v for pack in plan.packs for r in pack.rules.values() for v in _variables(r)})
    absent = [v for v in used if v not in plan.present]
    if absent:
        out.append(t("warn_absent", lang, names=", ".join(absent)))
    return out


def _variables(rule: Any) -> set[str]:
    from labourwatch.core.expr.nodes import VarRef

    return {node.name for root in rule.nodes() for node in root.walk() if isinstance(node, VarRef)}


def assess(
    data: Any,
    *,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    packs: Sequence[str] | None = None,
    encoding: str | None = None,
    lang: str = "en",
) -> Assessment:
    """Assess a pandas / Polars / Arrow table or a file (CSV, Parquet, Excel, SPSS) into an Arrow table.

    Each record is judged under the law in force on its `reference_date`, unless `as_of` fixes one date
    for all, or `law` names an act as the yardstick (e.g. "kz-labour-code-2007"). Raises DataError
    listing every invalid value; nothing is assessed then.
    """
    _, _, _, plan = plan_for(data, as_of, law, verified_only, packs, encoding)
    con = engine.connect()
    engine.validate(con, plan, require_date=plan.timeline.judgement.as_of is None, lang=lang)
    engine.prepare(con, plan)
    table = con.sql(engine.assessment_sql(plan)).to_arrow_table()
    meta = provenance(plan, table.num_rows)
    table = table.replace_schema_metadata({b"labourwatch": json.dumps(meta).encode()})
    return Assessment(table, meta, warnings_for(plan, lang))


def assess_file(
    data: Any,
    output: str | Path,
    *,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    packs: Sequence[str] | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    on_validated: Any = None,
    lang: str = "en",
) -> Written:
    """Assess an input of any size into Parquet or CSV, streaming (memory does not grow with the input).
    The output appears only when complete; CSV gets its provenance in a `.provenance.json` beside it."""
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise LabourwatchError(f"{out}: the output must end in .parquet or .csv")
    _, _, _, plan = plan_for(data, as_of, law, verified_only, packs, encoding)
    con = engine.connect()
    engine.validate(con, plan, require_date=plan.timeline.judgement.as_of is None, lang=lang)
    if on_validated:
        on_validated()
    engine.prepare(con, plan, progress)
    # One thread for the ordered write: with more, workers outrun the single writer and the rows kept
    # waiting for their turn grow with the input. One thread keeps memory flat at ~35% more time.
    con.execute("SET threads = 1")
    sql = engine.assessment_sql(plan, for_csv=suffix == ".csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".lw-", suffix=suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        meta = provenance(plan, 0)
        if suffix == ".parquet":
            kv = sql_string(json.dumps(meta))
            result = con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet, KV_METADATA {{labourwatch: {kv}}})")
        else:
            result = con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT csv, HEADER)")
        copied = result.fetchall()
        rows = int(copied[0][0]) if copied else 0
        meta["rows"] = rows
        if suffix == ".csv":
            out.with_name(out.name + ".provenance.json").write_text(
                json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
            )
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return Written(out, rows, meta, plan.timeline.judgement, warnings_for(plan, lang))


def explain(
    data: Any,
    record_id: str,
    *,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    packs: Sequence[str] | None = None,
    encoding: str | None = None,
    lang: str = "en",
) -> Explanation:
    """Why the record with this id gets the results it gets."""
    _, loaded, source, plan = plan_for(data, as_of, law, verified_only, packs, encoding)
    con = engine.connect()
    found = engine.typed_record(con, plan, str(record_id))
    if found is None:
        raise LabourwatchError(t("record_not_found", lang, label=source.label, id=record_id))
    row, answers = found
    return explain_record(str(record_id), row, answers, loaded, plan.timeline)
