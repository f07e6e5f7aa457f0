"""The Python API: assess a table or a file, explain a record. The CLI is a thin layer over this."""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch import __version__, importing
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.explain import Explanation, explain_record, reading_values
from labourwatch.core.expr.typecheck import references
from labourwatch.core.model import Pack, Rule, RuleKind, Schema
from labourwatch.core.timeline import Judgement, Setting
from labourwatch.core.types import ValueType, pick
from labourwatch.engines import duckdb as engine
from labourwatch.i18n import t
from labourwatch.io import central, exports
from labourwatch.io import mapping as mapping_files
from labourwatch.io.forms import RAW
from labourwatch.io.readers import Progress, Source, open_source
from labourwatch.io.submissions import Submissions
from labourwatch.packs import load_packs, load_schema
from labourwatch.stats import design as stats_design
from labourwatch.stats import disclosure, estimate, prevalence


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


def _settings(packs: Sequence[Pack], settings: Mapping[str, Any] | None) -> tuple[Setting, ...]:
    """{"pack:name" or "name": value} as (pack, name, value), text converted to the reading's type."""
    out = []
    for key, raw in (settings or {}).items():
        pack_id, _, name = key.rpartition(":")
        owners = [p for p in packs if name in p.parameters and (not pack_id or p.id == pack_id)]
        if len(owners) != 1:
            raise LabourwatchError(f"--set {key}: no single reading of that name in the loaded packs")
        param = owners[0].parameters[name]
        value = raw
        if isinstance(raw, str) and param.type is ValueType.BOOL:
            if raw.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise LabourwatchError(f"--set {key}: expected true or false, not {raw!r}")
            value = raw.lower() in ("true", "yes", "1")
        elif isinstance(raw, str) and param.type is ValueType.NUMBER:
            try:
                value = float(raw)
            except ValueError:
                raise LabourwatchError(f"--set {key}: expected a number, not {raw!r}") from None
        out.append((owners[0].id, name, value))
    return tuple(out)


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
    lang: str = "en",
    settings: Mapping[str, Any] | None = None,
) -> tuple[Schema, list[Pack], Source, engine.Plan]:
    """Everything an assessment of `data` needs: the schema, the packs, the input and the plan."""
    schema = load_schema()
    loaded = load_packs(packs)
    source = open_source(data, encoding=encoding, lang=lang)
    judgement = replace(_judgement(as_of, law, verified_only), settings=_settings(loaded, settings))
    plan = engine.plan(schema, loaded, source, judgement, today=date.today(), lang=lang)
    return schema, loaded, source, plan


def provenance(plan: engine.Plan) -> dict[str, Any]:
    j = plan.timeline.judgement
    return {
        "labourwatch": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": plan.source.label,
        "judgement": {
            "as_of": j.as_of.isoformat() if j.as_of else None,
            "law": j.law,
            "verified_only": j.verified_only,
            "settings": {f"{pack}:{name}": value for pack, name, value in j.settings},
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
        if col not in plan.schema.variables and not col.startswith(RAW):  # raw values kept on import
            close = difflib.get_close_matches(col, known, n=1, cutoff=0.75)
            hint = t("warn_did_you_mean", lang, name=close[0]) if close else ""
            out.append(t("warn_not_canonical", lang, column=col, hint=hint))
    used = sorted({v for pack in plan.packs for r in pack.rules.values() for v in _variables(r)})
    absent = [v for v in used if v not in plan.present]
    if absent:
        out.append(t("warn_absent", lang, names=", ".join(absent)))
    return out


def _variables(rule: Rule) -> set[str]:
    return {name for root in rule.nodes() for name in references(root)[0]}


def assess(
    data: Any,
    *,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    packs: Sequence[str] | None = None,
    encoding: str | None = None,
    lang: str = "en",
    settings: Mapping[str, Any] | None = None,
) -> Assessment:
    """Assess a pandas / Polars / Arrow table or a file (CSV, Parquet, Excel, SPSS) into an Arrow table.

    Each record is judged under the law in force on its `reference_date`, unless `as_of` fixes one date
    for all, or `law` names an act as the yardstick (e.g. "kz-labour-code-2007"). Raises DataError
    listing every invalid value; nothing is assessed then.
    """
    _, _, _, plan = plan_for(data, as_of, law, verified_only, packs, encoding, lang, settings)
    batches: list[pa.RecordBatch] = []
    engine.run(engine.connect(), plan, batches.append, require_date=plan.timeline.judgement.as_of is None, lang=lang)
    meta = provenance(plan)
    table = pa.Table.from_batches(batches).replace_schema_metadata({b"labourwatch": json.dumps(meta).encode()})
    return Assessment(table, meta, warnings_for(plan, lang))


@dataclass(frozen=True)
class Sensitivity:
    """How many records get each result under the default readings and under each other reading."""

    readings: list[str]  # "default", then "pack:name=value" for each other reading
    counts: dict[str, dict[str, list[int]]]  # rule -> result -> one count per reading
    records: int


def sensitivity(
    data: Any,
    *,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    packs: Sequence[str] | None = None,
    encoding: str | None = None,
    lang: str = "en",
) -> Sensitivity:
    """Assess the data once with the packs' default readings and once for each other value of each
    reading (one changed at a time), and count the results: how much a figure depends on a reading.
    Only the results whose counts change are kept."""
    loaded = load_packs(packs)
    others = [s for s, is_default in reading_values(loaded) if not is_default]
    runs = [("default", None)] + [(f"{pk}:{name}={_plain(v)}", {f"{pk}:{name}": v}) for pk, name, v in others]
    outputs = [r for p in loaded for r in p.outputs]
    tallies: dict[str, dict[str, list[int]]] = {r.id: {} for r in outputs}
    records = 0
    for i, (_, settings) in enumerate(runs):
        table = assess(
            data,
            as_of=as_of,
            law=law,
            verified_only=verified_only,
            packs=packs,
            encoding=encoding,
            lang=lang,
            settings=settings,
        ).table
        records = table.num_rows
        for rule in outputs:
            for item in table.column(rule.id).value_counts().to_pylist():
                key = _plain(item["values"])
                tallies[rule.id].setdefault(key, [0] * len(runs))[i] = item["counts"]
    changed = {k: v for k, v in tallies.items() if any(len(set(c)) > 1 for c in v.values())}
    return Sensitivity([name for name, _ in runs], changed, records)


def _plain(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


NON_PROBABILITY = ("snowball", "convenience", "quota", "respondent_driven", "purposive")


@dataclass(frozen=True)
class Estimates:
    """Prevalence of findings with design-based intervals, and the tests of association."""

    rows: list[prevalence.Row]
    tests: dict[str, estimate.TableTest | None]
    design: stats_design.Design
    notes: list[str]
    policy: disclosure.Policy


def estimate_findings(
    data: Any,
    *,
    weights: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    fpc: str | None = None,
    nest: bool = False,
    lonely_psu: str = "fail",
    sampling: str | None = None,
    by: str | None = None,
    findings: Sequence[str] | None = None,
    method: str = "logit",
    level: float = 0.95,
    threshold: int = disclosure.Policy().threshold,
    encoding: str | None = None,
    lang: str = "en",
) -> Estimates:
    """Prevalence of each finding of an assessed table (Parquet or CSV from `assess`), with standard
    errors, confidence intervals (R's svyciprop methods) and design effects, overall and by `by`, under
    the survey design named by columns of the table; with `by`, the Rao–Scott test of each finding."""
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    names = findings or [r.id for p in load_packs() for r in p.outputs if r.kind is RuleKind.FINDING]
    present = [n for n in names if n in table.column_names]
    missing = [n for n in (findings or []) if n not in table.column_names]
    if missing or not present:
        raise LabourwatchError(t("no_findings", lang, label=source.label, names=", ".join(missing or names[:5])))
    columns = {n: _finding_values(table.column(n), source, n, lang) for n in present}
    design = stats_design.Design.build(
        table.num_rows,
        weights=_numbers(table, weights, source, lang),
        strata=_texts(table, strata, source, lang),
        psu=_texts(table, psu, source, lang),
        fpc=_numbers(table, fpc, source, lang),
        nest=nest,
        lonely_psu=lonely_psu,
        method=sampling,
    )
    domains = _domains(table, by, source, lang) if by else None
    policy = disclosure.Policy(threshold=threshold)
    rows = prevalence.protect(prevalence.prevalence(columns, design, domains, method, level), policy.threshold)
    tests = prevalence.associations(columns, design, domains) if domains else {}
    notes = [t("not_representative", lang, method=sampling)] if sampling in NON_PROBABILITY else []
    notes.append(t("disclosure_policy", lang, threshold=policy.threshold))
    return Estimates(rows, tests, design, notes, policy)


@dataclass(frozen=True)
class ClassShares:
    """The share of each value of the classifications (compliance, unfreedom, situation ...)."""

    rows: list[prevalence.Row]  # variable = "rule = value"
    labels: dict[str, str]  # "rule = value" -> the value's label


def classification_shares(
    data: Any,
    design: stats_design.Design,
    *,
    by: str | None = None,
    method: str = "logit",
    level: float = 0.95,
    threshold: int = disclosure.Policy().threshold,
    encoding: str | None = None,
    lang: str = "en",
) -> ClassShares:
    """Each value of each classification present, as a share of the records where it is known."""
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    indicators: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for pack in load_packs():
        for rule in pack.outputs:
            if rule.kind is not RuleKind.CLASSIFICATION or rule.id not in table.column_names:
                continue
            text = pc.cast(pc.cast(table.column(rule.id), pa.string()), pa.string())
            known = pc.and_kleene(pc.invert(pc.is_null(text)), pc.not_equal(text, "unknown"))
            for code, label in rule.labels.items():
                hit = pc.if_else(known, pc.cast(pc.equal(text, code), pa.float64()), pa.scalar(None, pa.float64()))
                key = f"{rule.id} = {code}"
                indicators[key] = hit.to_numpy(zero_copy_only=False)
                labels[key] = f"{pick(rule.label, lang)}: {pick(label, lang)}"
    domains = _domains(table, by, source, lang) if by else None
    rows = prevalence.prevalence(indicators, design, domains, method, level) if indicators else []
    return ClassShares(prevalence.protect(rows, threshold), labels)


@dataclass(frozen=True)
class CrossTable:
    """A weighted two-way table with margins, protected for publication."""

    rows: list[str]
    cols: list[str]
    table: disclosure.ProtectedTable
    policy: disclosure.Policy


def crosstab(
    data: Any,
    row: str,
    col: str,
    *,
    weights: str | None = None,
    threshold: int = disclosure.Policy().threshold,
    round_base: float | None = disclosure.Policy().round_base,
    zeros_disclosive: bool = False,
    encoding: str | None = None,
    lang: str = "en",
) -> CrossTable:
    """Weighted counts of `row` x `col` (R's svytable), with small-cell and secondary suppression and
    rounding: what may be published. Records missing either value are left out."""
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    r, c = _domains(table, row, source, lang), _domains(table, col, source, lang)
    w = _numbers(table, weights, source, lang)
    w = np.ones(table.num_rows) if w is None else w
    keep = (r.codes >= 0) & (c.codes >= 0)
    shape = (len(r.labels), len(c.labels))
    values, counts = np.zeros(shape), np.zeros(shape, dtype=np.int64)
    np.add.at(values, (r.codes[keep], c.codes[keep]), w[keep])
    np.add.at(counts, (r.codes[keep], c.codes[keep]), 1)
    policy = disclosure.Policy(threshold=threshold, round_base=round_base, zeros_disclosive=zeros_disclosive)
    return CrossTable(list(r.labels), list(c.labels), disclosure.protect_table(values, counts, policy), policy)


def anonymity(
    data: Any,
    quasi_identifiers: Sequence[str],
    *,
    k: int = disclosure.Policy().k_anonymity,
    sensitive: str | None = None,
    encoding: str | None = None,
    lang: str = "en",
) -> disclosure.Anonymity:
    """k-anonymity of a microdata file on its quasi-identifiers (a missing value is a value of its own),
    the records at risk (in combinations shared by fewer than k), and distinct l-diversity of `sensitive`."""
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    codes = [_domains(table, name, source, lang).codes for name in quasi_identifiers]
    s = _domains(table, sensitive, source, lang).codes if sensitive else None
    return disclosure.anonymity(disclosure.combine_codes(codes), k, s)


def import_submissions(
    data: Any,
    output: str | Path,
    *,
    mapping: str | Path | None = None,
    encoding: str | None = None,
    lang: str = "en",
) -> importing.Imported:
    """Submissions into a canonical dataset (Parquet) that `assess`, `estimate` and `report` read.

    `data`: an export of the labourwatch questionnaire from KoboToolbox or ODK Central (CSV, XLSX,
    Central's CSV ZIP, Kobo or OData JSON), submissions pulled with `pull_central`, or any table
    (SPSS, Stata, CSV, Excel) with a `mapping` file. Whole or nothing; a re-import adds no duplicates;
    every rejected or recoded value is listed in OUTPUT.import.csv."""
    return importing.import_data(data, output, mapping_file=mapping, encoding=encoding, lang=lang)


def pull_central(
    form_id: str, *, project_id: int | None = None, config: str | Path | None = None, lang: str = "en"
) -> Submissions:
    """Submissions of a form on an ODK Central server, pulled with pyodk (repeat groups included)."""
    return central.pull(form_id, project_id=project_id, config_path=Path(config) if config else None, lang=lang)


def suggest_mapping(data: str | Path, *, encoding: str | None = None, lang: str = "en") -> str:
    """A draft mapping file (YAML text) for a source that is not the labourwatch questionnaire."""
    return mapping_files.suggest(Path(data), encoding=encoding, lang=lang)


QUASI_IDENTIFIERS = ("citizenship", "sex", "age", "region", "sector")  # statistics.md §5.3


@dataclass(frozen=True)
class Export:
    written: exports.Exported
    anonymity: disclosure.Anonymity | None  # on the quasi-identifiers present, None if none is
    quasi_identifiers: list[str]
    risk_report: Path | None  # rows at risk (row numbers only), when there are any


def export(
    data: Any,
    output: str | Path,
    *,
    quasi_identifiers: Sequence[str] = QUASI_IDENTIFIERS,
    k: int = disclosure.Policy().k_anonymity,
    encoding: str | None = None,
    lang: str = "en",
) -> Export:
    """Write `data` (an assessed file, or any with canonical columns) as SPSS, Stata, Parquet, CSV or
    Excel with variable and value labels, and check k-anonymity on the quasi-identifiers it holds: the
    rows at risk are listed (by row number) in OUTPUT.risk.csv."""
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    table = table.drop_columns([c for c in table.column_names if c.startswith("__lw")])
    out = Path(output)
    written = exports.export(table, out, lang)
    present = [q for q in quasi_identifiers if q in table.column_names]
    if not present:
        return Export(written, None, [], None)
    codes = [_domains(table, q, source, lang).codes for q in present]
    check = disclosure.anonymity(disclosure.combine_codes(codes), k)
    report = None
    if check.at_risk.size:
        report = out.with_name(out.name + ".risk.csv")
        rows = pa.table(
            {
                "row": pa.array(check.at_risk + 1),
                "records_sharing_its_combination": pa.array(check.key_sizes[check.at_risk]),
            }
        )
        pacsv.write_csv(rows, report)
    return Export(written, check, present, report)


def _column(table: pa.Table, name: str, source: Source, lang: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise LabourwatchError(t("no_such_column", lang, label=source.label, column=name))
    return table.column(name)


def _numbers(table: pa.Table, name: str | None, source: Source, lang: str) -> Any:
    if name is None:
        return None
    col = _column(table, name, source, lang)
    try:
        values = pc.cast(col, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = None
    if values is None or values.null_count:
        bad = _first_bad_number(col)
        raise LabourwatchError(
            t("bad_design_value", lang, where=source.where(bad + 1, lang), column=name, value=col[bad].as_py())
        )
    return values.to_numpy()


def _first_bad_number(col: pa.ChunkedArray) -> int:
    text = pc.cast(col, pa.string())
    ok = pc.match_substring_regex(text, r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
    return int(pc.index(pc.fill_null(ok, False), False).as_py())


def _texts(table: pa.Table, name: str | None, source: Source, lang: str) -> Any:
    if name is None:
        return None
    col = pc.cast(_column(table, name, source, lang), pa.string())
    if col.null_count:
        bad = int(pc.index(pc.is_null(col), True).as_py())
        raise LabourwatchError(t("bad_design_value", lang, where=source.where(bad + 1, lang), column=name, value=None))
    return col.to_numpy(zero_copy_only=False)


def _domains(table: pa.Table, name: str, source: Source, lang: str) -> prevalence.Domains:
    col = pc.cast(_column(table, name, source, lang), pa.string())
    encoded = col.combine_chunks().dictionary_encode()
    labels = encoded.dictionary.to_pylist()
    order = sorted(range(len(labels)), key=lambda i: labels[i])
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(
        pc.is_null(encoded.indices).to_numpy(zero_copy_only=False), -1, rank[np.nan_to_num(indices).astype(np.int64)]
    )
    return prevalence.Domains(codes.astype(np.int64), [labels[i] for i in order])


def _finding_values(col: pa.ChunkedArray, source: Source, name: str, lang: str) -> Any:
    """true / false / unknown (from Parquet booleans or CSV texts) as 1.0 / 0.0 / NaN."""
    if pa.types.is_boolean(col.type):
        return pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    text = pc.utf8_lower(pc.cast(col, pa.string()))
    allowed = pc.is_in(text, value_set=pa.array(["true", "false", "unknown"]))
    if not pc.all(pc.or_kleene(allowed, pc.is_null(text))).as_py():
        bad = int(pc.index(pc.fill_null(allowed, True), False).as_py())
        raise LabourwatchError(
            t("bad_design_value", lang, where=source.where(bad + 1, lang), column=name, value=col[bad].as_py())
        )
    values = pc.if_else(pc.equal(text, "true"), 1.0, pc.if_else(pc.equal(text, "false"), 0.0, None))
    return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)


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
    lang: str = "en",
    settings: Mapping[str, Any] | None = None,
) -> Written:
    """Assess an input of any size into Parquet or CSV, streaming (memory does not grow with the input).
    The output appears only when complete and valid; CSV gets its provenance in a `.provenance.json`."""
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise LabourwatchError(t("output_suffix", lang, path=out))
    _, _, _, plan = plan_for(data, as_of, law, verified_only, packs, encoding, lang, settings)
    meta = provenance(plan)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".lw-", suffix=suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None

    def sink(batch: pa.RecordBatch) -> None:
        nonlocal writer
        if writer is None:
            schema = batch.schema.with_metadata({"labourwatch": json.dumps(meta)})
            writer = pq.ParquetWriter(tmp, schema) if suffix == ".parquet" else pacsv.CSVWriter(tmp, schema)
        writer.write_batch(batch)

    try:
        rows = engine.run(
            engine.connect(),
            plan,
            sink,
            require_date=plan.timeline.judgement.as_of is None,
            for_csv=suffix == ".csv",
            lang=lang,
            progress=progress,
        )
        if writer is not None:
            writer.close()
            writer = None
        if suffix == ".csv":
            sidecar = out.with_name(out.name + ".provenance.json")
            sidecar.write_text(json.dumps({**meta, "rows": rows}, indent=2, ensure_ascii=False) + "\n")
        importing.usual_permissions(tmp)
        tmp.replace(out)
    finally:
        if writer is not None:
            writer.close()
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
    settings: Mapping[str, Any] | None = None,
) -> Explanation:
    """Why the record with this id gets the results it gets."""
    _, loaded, source, plan = plan_for(data, as_of, law, verified_only, packs, encoding, lang, settings)
    con = engine.connect()
    found = engine.typed_record(con, plan, str(record_id))
    if found is None:
        raise LabourwatchError(t("record_not_found", lang, label=source.label, id=record_id))
    row, answers = found
    return explain_record(str(record_id), row, answers, loaded, plan.timeline)
