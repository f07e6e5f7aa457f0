"""`labourwatch demo`: the OSCE study reproduced on its calibrated SYNTHETIC sample, as one HTML file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from labourwatch.core.model import Pack, Rule, RuleKind
from labourwatch.core.types import Progress, pick
from labourwatch.core.values import as_text
from labourwatch.i18n import t
from labourwatch.packs import load_packs, load_schema
from labourwatch.presentation import charts
from labourwatch.presentation.coverage import coverage_dict, coverage_text
from labourwatch.presentation.explanations import instrument_text
from labourwatch.presentation.reports.survey import no_prevalence_text
from labourwatch.services import assessment, statistics
from labourwatch.services.request import Request
from labourwatch.services.synthetic import write_table
from labourwatch.stats.prevalence import ALL
from labourwatch.studies.osce import calibrated_sample, published
from labourwatch.studies.tables import erratum_text, osce_tables

TEMPLATES = Path(__file__).with_name("templates")
# The headline finding of each standard (ICLS 2018, ILO 2012, Palermo, ILO-EC 2009), and the
# classifications that sum them up (the ILO 11-indicator screen, the typology's situation).
HEADLINES = ("forced_labour", "fl12_forced_labour", "trafficking", "thb_trafficked")
CLASSIFICATIONS = ("ilo11_screen", "situation")
STANDARDS = ("icls-2018", "ilo-2012", "palermo", "ilo-ec-2009")  # the packs of the headlines
PERIOD_RESULT = "icls_reference_period"  # the reference period of the forced-labour results, on every row
#: What `build` tells its progress: the sample drawn, assessed by every pack, by the OSCE pack, the report.
DEMO_STEPS = 4


@dataclass
class Demo:
    sample: Path
    assessed: Path
    report: Path


# The colour of each class says how bad it is, the same in every chart (unfree and non-compliant alike).
TONE_OF_CLASS = {
    "unfree": "worst",
    "non_compliant": "worst",
    "ambivalent": "middle",
    "semi_compliant": "middle",
    "free": "best",
    "compliant": "best",
}


def _bars(rows: list[dict[str, Any]], classes: dict[str, str], lang: str) -> Markup:
    """Per condition, one bar per class (code -> label) coloured by how bad the class is; a tick marks the
    published per cent, and the value stands apart from the bar, so the tick never covers it."""
    tones = [TONE_OF_CLASS.get(code, "prevalence") for code in classes]
    groups = [
        charts.Group(
            row["label"],
            [
                charts.Bar(
                    label, cell["percent"] or 0, marker=cell["published"], tone=tone, text=f"{cell['percent'] or 0:g} %"
                )
                for cell, label, tone in zip(row["cells"], classes.values(), tones, strict=True)
            ],
        )
        for row in rows
    ]
    key = charts.legend(list(zip(tones, classes.values(), strict=True)), marker=t("demo_published_marker", lang))
    return charts.grouped_chart(groups, key)


def _percent(part: int, whole: int) -> str:
    return "–" if not whole else f"{100 * part / whole:.1f}"


def _holds(table: pa.Table, name: str) -> pa.Array:
    """Where a boolean result column of the assessed table is true (null: unknown or not measured)."""
    return pc.fill_null(table.column(name).combine_chunks(), False)


def _ranges(sample: Path, names: list[str], lang: str) -> dict[str, str]:
    """For each headline, how many records it holds for under the default readings and how far one other
    reading (one changed at a time) moves that count, naming the readings at either end."""
    found = assessment.sensitivity(sample, Request(packs=list(STANDARDS), lang=lang))
    out = {}
    for name in names:
        counts = found.counts.get(name, {}).get("true")
        if counts is None or len(set(counts)) == 1:
            out[name] = t("demo_fl_range_none", lang)
            continue
        low, high = counts.index(min(counts)), counts.index(max(counts))
        out[name] = t(
            "demo_fl_range",
            lang,
            default=counts[0],
            low=counts[low],
            low_reading=found.readings[low],
            high=counts[high],
            high_reading=found.readings[high],
        )
    return out


def _period_text(assessed: Path, rules: dict[str, Rule], lang: str) -> str:
    """The reference period of the forced-labour results: a prevalence is of one period (20th ICLS), so
    records of different periods, or of none stated, are said to be so."""
    if PERIOD_RESULT not in pq.read_schema(assessed).names:
        return t("demo_fl_period_none", lang)
    labels = rules[PERIOD_RESULT].labels
    counts = pq.read_table(assessed, columns=[PERIOD_RESULT]).column(0).value_counts().to_pylist()
    stated = {c["values"]: c["counts"] for c in counts if c["values"] in labels}
    blank = sum(c["counts"] for c in counts if c["values"] not in labels)
    if not stated:
        return t("demo_fl_period_none", lang)
    if len(stated) == 1 and not blank:
        return t("demo_fl_period", lang, period=pick(labels[next(iter(stated))], lang).lower())
    parts = [f"{pick(labels[code], lang).lower()}: {n}" for code, n in stated.items()]
    parts += [f"{t('demo_fl_period_blank', lang)}: {blank}"] if blank else []
    return t("demo_fl_period_mixed", lang, periods="; ".join(parts))


def _standards(assessed: Path, sample: Path, packs: list[Pack], lang: str) -> dict[str, Any]:
    """What the study's questions can support of each standard's headline finding: its prevalence (none
    where the questions cannot make it hold), the records known, unknown and not measured, what the
    questions measured of it, how far the packs' readings move it, the standard's scope, and, where it has
    a prevalence, how often each indicator measured holds among the records where the finding holds."""
    columns = set(pq.read_schema(assessed).names)
    rules = {r.id: r for p in packs for r in p.rules.values()}
    titles = {p.id: pick(p.title, lang) for p in packs}
    scopes = {p.id: pick(p.scope, lang) if p.scope else "" for p in packs}
    names = [n for n in HEADLINES if n in columns]
    estimates = statistics.estimate_findings(assessed, findings=names, lang=lang)
    overall = {r.variable: r for r in estimates.rows if r.domain == ALL}
    covered = estimates.coverage
    wanted = {*names, *(x for n in names if n in covered for x in covered[n].asked)}
    wanted |= {n for n in CLASSIFICATIONS if n in rules}
    table = pq.read_table(assessed, columns=sorted(wanted & columns))
    ranges = _ranges(sample, names, lang)

    def label(name: str) -> str:
        return pick(rules[name].label, lang) if name in rules else name

    findings = []
    for name in names:
        row, cover = overall[name], covered.get(name)
        if row.unsupported or row.estimate is None or row.lower is None or row.upper is None:
            rate = no_prevalence_text(cover, lang) if row.unsupported else "–"
        else:
            rate = t(
                "demo_fl_rate",
                lang,
                percent=f"{100 * row.estimate:.1f}",
                lower=f"{100 * row.lower:.1f}",
                upper=f"{100 * row.upper:.1f}",
            )
        elements: list[dict[str, Any]] = []
        holding = 0
        if not row.unsupported and row.estimate is not None and cover is not None:
            holds = _holds(table, name)
            holding = int(pc.sum(holds).as_py() or 0)
            for indicator in cover.asked:
                if indicator not in table.column_names or not pa.types.is_boolean(table.column(indicator).type):
                    continue
                both = int(pc.sum(pc.and_(holds, _holds(table, indicator))).as_py() or 0)
                elements.append(
                    {"id": indicator, "label": label(indicator), "records": both, "percent": _percent(both, holding)}
                )
            elements.sort(key=lambda e: -e["records"])
        findings.append(
            {
                "id": name,
                "label": label(name),
                "standard": titles.get(rules[name].pack, "") if name in rules else "",
                "scope": scopes.get(rules[name].pack, "") if name in rules else "",
                "range": ranges[name],
                "rate": rate,
                "supported": not row.unsupported,
                "known": "–" if row.known is None else row.known,
                "unknown": "–" if row.unknown is None else row.unknown,
                "not_measured": "–" if row.not_measured is None else row.not_measured,
                "coverage": coverage_text(coverage_dict(cover), lang) if cover else "",
                "holding": holding,
                "elements_title": t("demo_fl_elements", lang, n=holding),
                "elements": elements,
            }
        )
    classifications = []
    for name in (n for n in CLASSIFICATIONS if n in table.column_names):
        rule = rules[name]
        if rule.kind is not RuleKind.CLASSIFICATION:
            continue
        counts = {v["values"]: v["counts"] for v in table.column(name).value_counts().to_pylist()}
        extra = {"unknown": t("unknown", lang), "not_measured": t("not_measured", lang)}
        classes = [(code, pick(text, lang)) for code, text in rule.labels.items()] + list(extra.items())
        classifications.append(
            {
                "id": name,
                "label": label(name),
                "standard": titles.get(rule.pack, ""),
                "coverage": coverage_text(coverage_dict(covered[name]), lang) if name in covered else "",
                "classes": [
                    {
                        "label": text,
                        "records": counts.get(code, 0),
                        "percent": _percent(counts.get(code, 0), table.num_rows),
                        "apart": code in extra,
                    }
                    for code, text in classes
                    if code not in extra or counts.get(code)
                ],
            }
        )
    recorded = statistics.provenance_of(assessed).get("instrument")
    return {
        "period": _period_text(assessed, rules, lang),
        "findings": findings,
        "classifications": classifications,
        "instrument": instrument_text(recorded, lang) if recorded else "",
        "records": table.num_rows,
    }


def build(out_dir: Path, *, seed: int = 2006, lang: str = "en", progress: Progress | None = None) -> Demo:
    step = progress or (lambda n: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    sample = write_table(
        calibrated_sample(seed), out_dir / "osce-synthetic.csv", note=f"SYNTHETIC, calibrated, seed={seed}"
    )
    assessed_path = out_dir / "osce-assessed.parquet"
    step(1)
    assessment.assess_file(sample, assessed_path, Request(lang=lang))
    step(1)
    table = assessment.assess(sample, Request(packs=["osce-kz-2006"], lang=lang)).table
    step(1)
    result = osce_tables(table)
    packs = load_packs()
    osce = next(p for p in packs if p.id == "osce-kz-2006")
    schema = load_schema()
    labels = {name: pick(v.label, lang) for name, v in schema.variables.items()}
    labels |= {r.id: pick(r.label, lang) for p in packs for r in p.rules.values()}
    sectors = schema.variables["sector"].values
    comp, unf = osce.rules["compliance"], osce.rules["unfreedom"]
    pub = published()

    def class_row(rule: Any, key: str, order: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "label": pick(rule.labels.get(c), lang) or t("unknown", lang),
                "computed": result[key].get(c, 0),
                "published": pub[key].get(c, "–"),
            }
            for c in order
        ]

    percent_tables = []
    for key, rule in (("table2", unf), ("table3", comp)):
        spec = result[key]
        rows = [{"label": labels.get(name, name), "cells": cells} for name, cells in spec["rows"].items()]
        columns = [f"{pick(rule.labels[c], lang)} (N={spec['class_sizes'][c]})" for c in spec["columns"]]
        percent_tables.append(
            {
                "title": t(f"{key}_title", lang),
                "columns": columns,
                "rows": rows,
                "chart": _bars(rows, {c: pick(rule.labels[c], lang) for c in spec["columns"]}, lang),
            }
        )
    t1 = result["table1"]
    context = {
        "lang": lang,
        "chart_css": charts.CSS,
        "tx": {
            key: t(f"demo_{key}", lang)
            for key in (
                "title",
                "synthetic_head",
                "synthetic_body",
                "classes",
                "computed",
                "published",
                "published_short",
                "total",
                "chart_caption",
                "rules",
                "readings",
                "provenance",
                "fl_title",
                "fl_intro",
                "fl_prevalence",
                "fl_elements_note",
                "fl_indicator",
                "fl_records",
                "fl_share",
                "fl_classes",
                "fl_of_all",
                "fl_classes_note",
                "fl_scope",
            )
        }
        | {
            "generated": t("demo_generated", lang, when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), seed=seed),
            "table1": t("table1_title", lang),
            "erratum": erratum_text(t1, lang),
            "without_sector": t("without_sector", lang, n=t1["without_sector"]),
            "source": t("demo_tables_source", lang, source=result["source"], seed=seed),
            "known": t("report_known", lang),
            "unknown": t("report_unknown", lang),
            "not_measured": t("report_not_measured", lang),
            "finding": t("report_finding", lang),
            "class": t("report_class", lang),
        },
        "standards": _standards(assessed_path, sample, packs, lang),
        "classes": {
            "compliance": class_row(comp, "compliance", ["non_compliant", "semi_compliant", "compliant", "unknown"]),
            "unfreedom": class_row(unf, "unfreedom", ["free", "ambivalent", "unfree", "unknown"]),
        },
        "table1": {
            "columns": [pick(sectors[c], lang) for c in t1["columns"]],
            "rows": {
                k: {"cells": list(zip(v["computed"], v["published"], strict=True)), "total": v["total"]}
                for k, v in t1["rows"].items()
            },
        },
        "percent_tables": percent_tables,
        "pack": {"description": pick(osce.description, lang)},
        "readings": [
            {
                "name": name,
                "value": as_text(param.values[-1].value),
                "description": pick(param.description, lang),
                "note": pick(param.values[-1].reference.note, lang) or None,
            }
            for name, param in osce.parameters.items()
            if name.startswith("reading.")
        ],
        "rules": [
            {"id": r.id, "label": pick(r.label, lang), "description": pick(r.description, lang), "expression": r.source}
            for r in osce.rules.values()
        ],
        "packs": [{"stamp": p.stamp, "title": pick(p.title, lang)} for p in packs],
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    report = out_dir / f"osce-report.{lang}.html"
    report.write_text(env.get_template("osce_demo.html.j2").render(**context), encoding="utf-8")
    step(1)
    return Demo(sample, assessed_path, report)
