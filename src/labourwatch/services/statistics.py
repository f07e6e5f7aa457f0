"""Estimates a survey office would publish: prevalence with design-based intervals, the shares of
each classification, protected cross-tables and k-anonymity, from an assessed file."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from labourwatch.core.columns import NOT_MEASURED
from labourwatch.core.coverage import Coverage, coverage
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.instrument import Instrument
from labourwatch.core.model import RuleKind
from labourwatch.core.readings import judgement
from labourwatch.core.timeline import build_timeline
from labourwatch.core.types import pick
from labourwatch.core.values import NOT_MEASURED_LABEL, UNKNOWN_LABEL
from labourwatch.i18n import t
from labourwatch.io.readers import Source, open_source
from labourwatch.packs import load_packs, load_schema
from labourwatch.stats import design as stats_design
from labourwatch.stats import disclosure, estimate, prevalence

NON_PROBABILITY = ("snowball", "convenience", "quota", "respondent_driven", "purposive")


@dataclass(frozen=True)
class Estimates:
    """Prevalence of findings with design-based intervals, and the tests of association."""

    rows: list[prevalence.Row]
    tests: dict[str, estimate.TableTest | None]
    design: stats_design.Design
    notes: list[str]
    policy: disclosure.Policy
    coverage: dict[str, Coverage] = field(default_factory=dict)  # empty when the instrument is not recorded
    instrument: Instrument | None = None


def provenance_of(data: Any) -> dict[str, Any]:
    """What `assess` recorded of an assessed file: in a Parquet file's metadata, or in the
    `.provenance.json` beside a CSV file ({} for anything else)."""
    if not isinstance(data, str | Path):
        return {}
    path = Path(data)
    if path.suffix.lower() == ".parquet" and path.exists():
        meta = pq.read_schema(path).metadata or {}
        return dict(json.loads(meta[b"labourwatch"])) if b"labourwatch" in meta else {}
    sidecar = path.with_name(path.name + ".provenance.json")
    return dict(json.loads(sidecar.read_text(encoding="utf-8"))) if sidecar.exists() else {}


def coverage_of(provenance: Mapping[str, Any]) -> tuple[Instrument | None, dict[str, Coverage]]:
    """The questions the assessment took as asked, and what they measure of each result."""
    recorded = provenance.get("instrument")
    if not recorded:
        return None, {}
    instrument = Instrument.from_json(recorded, load_schema())
    packs = load_packs([p["id"] for p in provenance.get("packs", [])] or None)
    judged = provenance.get("judgement", {})
    settings = judged.get("settings") or {}
    chosen = judgement(
        packs, law=judged.get("law"), verified_only=judged.get("verified_only", False), settings=settings
    )
    return instrument, coverage(packs, instrument, build_timeline(packs, chosen))


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
    source, table = _records(data, encoding, lang)
    names = findings or [r.id for p in load_packs() for r in p.outputs if r.kind is RuleKind.FINDING]
    present = [n for n in names if n in table.column_names]
    missing = [n for n in (findings or []) if n not in table.column_names]
    if missing or not present:
        raise LabourwatchError(t("no_findings", lang, label=source.label, names=", ".join(missing or names[:5])))
    columns = {n: _finding_values(table.column(n), source, n, lang) for n in present}
    unmeasured = {n: _not_measured(table, n) | _says_not_measured(table.column(n)) for n in present}
    design = stats_design.Design.build(
        table.num_rows,
        weights=weights_of(table, weights, source, lang),
        strata=texts(table, strata, source, lang),
        psu=texts(table, psu, source, lang),
        fpc=numbers(table, fpc, source, lang),
        nest=nest,
        lonely_psu=lonely_psu,
        method=sampling,
    )
    domains = coded(table, by, source, lang) if by else None
    policy = disclosure.Policy(threshold=threshold)
    found = prevalence.prevalence(columns, design, domains, method, level, unmeasured)
    rows = prevalence.protect(found, policy.threshold)
    tests = prevalence.associations(columns, design, domains) if domains else {}
    notes = [t("not_representative", lang, method=sampling)] if sampling in NON_PROBABILITY else []
    notes.append(t("disclosure_policy", lang, threshold=policy.threshold))
    instrument, covered = coverage_of(provenance_of(data))
    unsupported = sorted(
        {r.variable for r in rows if r.variable in covered and not covered[r.variable].supports_prevalence}
    )
    if unsupported:
        rows = [_withheld(r) if r.variable in unsupported else r for r in rows]
        notes.append(t("unsupported_prevalence", lang, names=", ".join(unsupported)))
    return Estimates(rows, tests, design, notes, policy, covered, instrument)


def _withheld(row: prevalence.Row) -> prevalence.Row:
    return replace(row, estimate=None, se=None, lower=None, upper=None, deff=None, df=None, unsupported=True)


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
    """Each value of each classification present, as a share of the records where it is known (not
    unknown, and measured)."""
    source, table = _records(data, encoding, lang)
    indicators: dict[str, Any] = {}
    unmeasured: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for pack in load_packs():
        for rule in pack.outputs:
            if rule.kind is not RuleKind.CLASSIFICATION or rule.id not in table.column_names:
                continue
            text = pc.cast(pc.cast(table.column(rule.id), pa.string()), pa.string())
            no_class = pa.array([UNKNOWN_LABEL, NOT_MEASURED_LABEL])
            known = pc.fill_null(pc.invert(pc.is_in(text, value_set=no_class)), False)
            absent = pc.fill_null(pc.equal(text, NOT_MEASURED_LABEL), False).to_numpy(zero_copy_only=False)
            for code, label in rule.labels.items():
                hit = pc.if_else(known, pc.cast(pc.equal(text, code), pa.float64()), pa.scalar(None, pa.float64()))
                key = f"{rule.id} = {code}"
                indicators[key] = hit.to_numpy(zero_copy_only=False)
                unmeasured[key] = absent
                labels[key] = f"{pick(rule.label, lang)}: {pick(label, lang)}"
    domains = coded(table, by, source, lang) if by else None
    rows = prevalence.prevalence(indicators, design, domains, method, level, unmeasured) if indicators else []
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
    source, table = _records(data, encoding, lang)
    r, c = coded(table, row, source, lang), coded(table, col, source, lang)
    w = weights_of(table, weights, source, lang)
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
    source, table = _records(data, encoding, lang)
    codes = [coded(table, name, source, lang).codes for name in quasi_identifiers]
    s = coded(table, sensitive, source, lang).codes if sensitive else None
    return disclosure.anonymity(disclosure.combine_codes(codes), k, s)


def column(table: pa.Table, name: str, source: Source, lang: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise LabourwatchError(t("no_such_column", lang, label=source.label, column=name))
    return table.column(name)


def weights_of(table: pa.Table, name: str | None, source: Source, lang: str) -> Any:
    """Sampling weights: finite, not negative, and not all zero (then nothing would be estimated)."""
    found = numbers(table, name, source, lang)
    if found is not None and len(found) and not found.sum() > 0:
        raise LabourwatchError(t("zero_weights", lang, label=source.label, column=name))
    return found


def numbers(table: pa.Table, name: str | None, source: Source, lang: str) -> Any:
    if name is None:
        return None
    col = column(table, name, source, lang)
    try:
        values = pc.cast(col, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = None
    if values is None or values.null_count:
        bad = _first_bad_number(col)
        raise bad_design_value(source, bad, name, col[bad].as_py(), lang)
    found = values.to_numpy()
    # finite and not negative: a weight or a population count of NaN, inf or -1 would go through the
    # arithmetic and make every estimate wrong without a word
    wrong = ~np.isfinite(found) | (found < 0)
    if wrong.any():
        bad = int(np.argmax(wrong))
        raise bad_design_value(source, bad, name, col[bad].as_py(), lang)
    return found


def bad_design_value(source: Source, index: int, name: str, value: Any, lang: str) -> LabourwatchError:
    """The error for a record (0-based `index`) whose design or finding value cannot be used: an empty
    one is named as empty, not as None or ''."""
    where = source.where(index + 1, lang)
    if value is None or str(value).strip() == "":
        return LabourwatchError(t("design_value_empty", lang, where=where, column=name))
    return LabourwatchError(t("bad_design_value", lang, where=where, column=name, value=value))


def _first_bad_number(col: pa.ChunkedArray) -> int:
    text = pc.cast(col, pa.string())
    ok = pc.match_substring_regex(text, r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
    return int(pc.index(pc.fill_null(ok, False), False).as_py())


def texts(table: pa.Table, name: str | None, source: Source, lang: str) -> Any:
    if name is None:
        return None
    col = pc.cast(column(table, name, source, lang), pa.string())
    if col.null_count:
        bad = int(pc.index(pc.is_null(col), True).as_py())
        raise bad_design_value(source, bad, name, None, lang)
    return col.to_numpy(zero_copy_only=False)


def coded(table: pa.Table, name: str, source: Source, lang: str) -> prevalence.Domains:
    col = pc.cast(column(table, name, source, lang), pa.string())
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


def _records(data: Any, encoding: str | None, lang: str) -> tuple[Source, pa.Table]:
    """The input and its records; none at all is an error, not a table of empty estimates."""
    source = open_source(data, encoding=encoding, lang=lang)
    table = source.open().read_all()
    if table.num_rows == 0:
        raise LabourwatchError(t("no_records_in", lang, label=source.label))
    return source, table


def _finding_values(col: pa.ChunkedArray, source: Source, name: str, lang: str) -> Any:
    """true / false / unknown / not_measured (from Parquet booleans or CSV texts) as 1.0 / 0.0 / NaN."""
    if pa.types.is_boolean(col.type):
        return pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    text = pc.utf8_lower(pc.cast(col, pa.string()))
    allowed = pc.is_in(text, value_set=pa.array(["true", "false", UNKNOWN_LABEL, NOT_MEASURED_LABEL]))
    if not pc.all(pc.or_kleene(allowed, pc.is_null(text))).as_py():
        bad = int(pc.index(pc.fill_null(allowed, True), False).as_py())
        raise bad_design_value(source, bad, name, col[bad].as_py(), lang)
    values = pc.if_else(pc.equal(text, "true"), 1.0, pc.if_else(pc.equal(text, "false"), 0.0, None))
    return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)


def _says_not_measured(col: pa.ChunkedArray) -> Any:
    """Where a CSV cell says `not_measured`."""
    if pa.types.is_boolean(col.type):
        return np.zeros(len(col), dtype=bool)
    said = pc.equal(pc.utf8_lower(pc.cast(col, pa.string())), NOT_MEASURED_LABEL)
    return pc.fill_null(said, False).to_numpy(zero_copy_only=False)


def _not_measured(table: pa.Table, name: str) -> Any:
    """Where the row's `lw_not_measured` names the result (all False without that column)."""
    if NOT_MEASURED not in table.column_names:
        return np.zeros(table.num_rows, dtype=bool)
    named = pc.match_substring_regex(pc.cast(table.column(NOT_MEASURED), pa.string()), f"(^| ){name}( |$)")
    return pc.fill_null(named, False).to_numpy(zero_copy_only=False)
