"""`labourwatch report`: the findings of an assessed survey, safe to publish, as a self-contained HTML
page (offline, printable) or an Excel workbook (one sheet per table), in English or Russian.

Prevalence of every finding with its confidence interval and the records where it was not measured,
the shares of every classification (compliance, unfreedom, situation ...), the Rao–Scott tests of
association with --by, a chart, what the questions asked measured of each finding (no prevalence where
they cannot make it hold), and a methods section: the questions asked, the design, the packs and
readings behind the results, and the disclosure policy."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from labourwatch import __version__
from labourwatch.core.coverage import Coverage
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.readings import Judgement
from labourwatch.core.types import Progress, pick
from labourwatch.core.values import as_text
from labourwatch.i18n import catalogue, t
from labourwatch.io.formulas import excel_texts_as_text
from labourwatch.packs import load_packs
from labourwatch.presentation import charts
from labourwatch.presentation.coverage import coverage_dict, coverage_text
from labourwatch.presentation.explanations import instrument_text, judgement_text
from labourwatch.presentation.reports import sections, write_pdf
from labourwatch.services import statistics
from labourwatch.services.files import refuse_overwriting
from labourwatch.stats.prevalence import ALL, Row

TEMPLATES = Path(__file__).with_name("templates")
SUFFIXES = (".html", ".pdf", ".xlsx")
#: What `build_report` tells its progress: the estimates, the classifications, the file written.
REPORT_STEPS = 3


@dataclass(frozen=True)
class Report:
    path: Path
    findings: int
    suppressed: int


def build_report(
    data: str | Path,
    output: str | Path,
    *,
    by: str | None = None,
    lang: str = "en",
    method: str = "logit",
    level: float = 0.95,
    threshold: int = 10,
    progress: Progress | None = None,
    **design: Any,
) -> Report:
    step = progress or (lambda n: None)
    out = Path(output)
    if out.suffix.lower() not in SUFFIXES:
        raise LabourwatchError(t("report_suffix", lang, path=out, suffixes=", ".join(SUFFIXES)))
    refuse_overwriting(out, data)
    result = statistics.estimate_findings(
        data, by=by, method=method, level=level, threshold=threshold, lang=lang, **design
    )
    step(1)
    shares = statistics.classification_shares(
        data, result.design, by=by, method=method, level=level, threshold=threshold, lang=lang
    )
    step(1)
    labels = {r.id: pick(r.label, lang) for p in load_packs() for r in p.outputs} | shares.labels
    context = _context(data, result, shares.rows, labels, by, method, level, design, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        numeric = {
            "prevalence": _numeric_rows(result.rows, labels, result.coverage, context["domains"], lang),
            "classifications": _numeric_rows(shares.rows, labels, {}, context["domains"], lang),
            "tests": _numeric_tests(result, labels),
        }
        _write_xlsx(out, context, numeric, lang)
    else:
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
        html = env.get_template("survey_report.html.j2").render(**context)
        if out.suffix.lower() == ".pdf":
            write_pdf(html, out, lang)
        else:
            out.write_text(html, encoding="utf-8")
    step(1)
    suppressed = sum(r.suppressed for r in result.rows + shares.rows)
    return Report(out, len({r.variable for r in result.rows}), suppressed)


def no_prevalence_text(cover: Coverage | None, lang: str) -> str:
    """Why a finding has no prevalence although its records were counted: its questions were not asked,
    or no answers to those asked can make it hold (or fail)."""
    if cover is not None and not cover.measured:
        return t("no_prevalence_not_measured", lang)
    if cover is not None and cover.can_hold and not cover.can_fail:
        return t("no_prevalence_cannot_fail", lang)
    return t("no_prevalence_cannot_hold", lang)


def _rows(rows: list[Row], labels: dict[str, str], covered: dict[str, Coverage], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "label": labels.get(r.variable, r.variable),
            "variable": r.variable,
            "domain": r.domain,
            "known": "–" if r.known is None else r.known,
            "unknown": "–" if r.unknown is None else r.unknown,
            "not_measured": "–" if r.not_measured is None else r.not_measured,
            "percent": no_prevalence_text(covered.get(r.variable), lang)
            if r.unsupported
            else sections.percent(r.estimate),
            "ci": sections.interval(r),
            "deff": "–" if r.deff is None or math.isnan(r.deff) else f"{r.deff:.2f}",
            "suppressed": r.suppressed,
            "unsupported": r.unsupported,
        }
        for r in rows
    ]


def _coverage(result: statistics.Estimates, labels: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """What the questions measured of each finding estimated, in the order of the findings."""
    names = dict.fromkeys(r.variable for r in result.rows if r.variable in result.coverage)
    out = []
    for name in names:
        c = result.coverage[name]
        cover = coverage_dict(c)
        out.append(
            {
                "label": labels.get(name, name),
                "variable": name,
                "complete": c.complete,
                "supports_prevalence": c.supports_prevalence,
                "of": cover["of"],
                "asked": len(c.asked),
                "size": len(c.indicators),
                "measured": ", ".join(cover["measured"]),
                "not_measured": ", ".join(cover["not_measured"]),
                "parts_not_measured": ", ".join(cover["parts_not_measured"]),
                "presumed": ", ".join(cover["presumed"]),
                "can_hold": c.can_hold,
                "can_fail": c.can_fail,
                "text": coverage_text(cover, lang),
            }
        )
    return out


def _context(
    data: Any,
    result: statistics.Estimates,
    shares: list[Row],
    labels: dict[str, str],
    by: str | None,
    method: str,
    level: float,
    design: dict[str, Any],
    lang: str,
) -> dict[str, Any]:
    packs = load_packs()
    named = sections.Labels.build(packs, lang)
    labels = labels | named.own  # the report's own texts for labels that are a single word
    overall = [r for r in result.rows if r.domain == ALL]
    tx = {k: t(k, lang) for k, texts in catalogue().items() if k.startswith("report_") and "{" not in texts["en"]}
    tx["coverage_title"] = t("coverage_title", lang)
    described = {k: v for k, v in design.items() if v}
    provenance = statistics.provenance_of(data)
    recorded = provenance.get("instrument")
    domains = sections.Domains.of(by, lang) if by else None
    findings = _rows(result.rows, labels, result.coverage, lang)
    published = any(r.estimate is not None for r in overall)
    return {
        "lang": lang,
        "tx": tx,
        "chart_css": charts.CSS,
        "generated": t("report_generated", lang, version=__version__, date=datetime.now(UTC).date().isoformat()),
        "notes": _notes(result, lang),
        "too_few": None
        if published
        else t("report_too_few", lang, records=result.design.n, threshold=result.policy.threshold),
        "by": by,
        "domains": domains,
        "ci_heading": t("col_ci", lang, level=round(level * 100), method=method),
        "findings": findings,
        "shares": _rows(shares, labels, {}, lang),
        "coverage": _coverage(result, labels, lang),
        "instrument": instrument_text(recorded, lang) if recorded else None,
        "tests": [
            {
                "label": labels.get(name, name),
                "f": "–" if test is None else f"{test.value:.3f}",
                "p": "–" if test is None else f"{test.p_value:.4f}",
            }
            for name, test in result.tests.items()
        ],
        "chart": sections.chart(sections.main_findings(overall, named), named.alone, t("report_chart_caption", lang)),
        "frameworks": sections.frameworks(packs, findings, result.rows, shares, result.tests, named, bool(by), lang),
        "design": {t(f"report_design_{k}", lang): v for k, v in described.items()}
        or {t("report_design", lang): t("report_srs", lang)},
        "policy": result.policy.describe(),
        "provenance": provenance,
        "judged": _judged(provenance.get("judgement", {}), lang),
    }


def _judged(recorded: dict[str, Any], lang: str) -> dict[str, Any]:
    """How the file was judged, as `assess` recorded it, in the report's language."""
    as_of = recorded.get("as_of")
    day = date.fromisoformat(as_of) if as_of else None
    judged = Judgement(as_of=day, law=recorded.get("law"), verified_only=bool(recorded.get("verified_only")))
    readings = {k: as_text(v) for k, v in (recorded.get("settings") or {}).items()}
    return {"how": judgement_text(judged, lang), "readings": readings}


def _notes(result: statistics.Estimates, lang: str) -> list[str]:
    """The notes of the estimates, the one that names every finding without a prevalence made short:
    the section on what the questions measured says why for each."""
    unsupported = sorted({r.variable for r in result.rows if r.unsupported})
    if not unsupported:
        return result.notes
    long = t("unsupported_prevalence", lang, names=", ".join(unsupported))
    short = t("report_unsupported_note", lang, count=len(unsupported), section=t("coverage_title", lang))
    return [short if n == long else n for n in result.notes]


def _numeric_rows(
    rows: list[Row], labels: dict[str, str], covered: dict[str, Coverage], domains: sections.Domains | None, lang: str
) -> list[dict[str, Any]]:
    """The rows of a table for a spreadsheet: numbers as numbers (a share as a fraction, shown as a
    percentage), no number as an empty cell, and why a finding has no prevalence in a column of its own.
    A domain comes as its code and as its name in the language."""
    return [
        {
            "label": labels.get(r.variable, r.variable),
            "variable": r.variable,
            "domain": r.domain,
            "domain_label": domains.name_of(r.domain) if domains else t("report_all", lang),
            "known": r.known,
            "unknown": r.unknown,
            "not_measured": r.not_measured,
            "percent": r.estimate,
            "ci_lower": r.lower,
            "ci_upper": r.upper,
            "deff": None if r.deff is None or math.isnan(r.deff) else r.deff,
            "suppressed": r.suppressed,
            "unsupported": r.unsupported,
            "note": no_prevalence_text(covered.get(r.variable), lang) if r.unsupported else None,
        }
        for r in rows
    ]


def _numeric_tests(result: statistics.Estimates, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"label": labels.get(name, name), "f": test.value if test else None, "p": test.p_value if test else None}
        for name, test in result.tests.items()
    ]


# How a spreadsheet shows the numbers of each column: the digits the HTML report shows.
NUMBER_FORMATS = {
    "percent": "0.0%",
    "ci_lower": "0.0%",
    "ci_upper": "0.0%",
    "deff": "0.00",
    "f": "0.000",
    "p": "0.0000",
}


def _write_xlsx(path: Path, context: dict[str, Any], numeric: dict[str, list[dict[str, Any]]], lang: str) -> None:
    """One sheet per table (its figures numbers, with formats), one for what the questions measured, and
    one for the methods; sheet names and headings in the language."""
    methods = [{"": k, " ": v} for k, v in context["design"].items()]
    if context["instrument"]:
        methods += [{"": t("report_instrument", lang), " ": context["instrument"]}]
    methods += [{"": f"{t('report_policy', lang)}: {k}", " ": v} for k, v in context["policy"].items()]
    methods += [{"": t("warning", lang), " ": n} for n in context["notes"]]
    packs = json.dumps(context["provenance"].get("packs", []), ensure_ascii=False)
    sheets = {**numeric, "coverage": context["coverage"], "methods": methods}
    formats = {_heading(column, lang): shown for column, shown in NUMBER_FORMATS.items()}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, rows in sheets.items():
            if rows or name in ("prevalence", "classifications"):
                frame = pd.DataFrame(rows).rename(columns=lambda column: _heading(column, lang))
                sheet = t(f"xlsx_sheet_{name}", lang)
                frame.to_excel(writer, sheet_name=sheet, index=False, header=name != "methods")  # methods: pairs
        writer.book[t("xlsx_sheet_methods", lang)].append([t("report_packs", lang), packs])
        excel_texts_as_text(writer.book)
        for worksheet in writer.book.worksheets:
            _format_numbers(worksheet, formats)


def _heading(column: str, lang: str) -> str:
    return t(f"xlsx_{column}", lang) if f"xlsx_{column}" in catalogue() else column


def _format_numbers(worksheet: Any, formats: dict[str, str]) -> None:
    """The number format of each column named in `formats`, on every cell under its heading."""
    for heading in worksheet[1]:
        shown = formats.get(str(heading.value))
        if shown is None:
            continue
        for (cell,) in worksheet.iter_rows(min_row=2, min_col=heading.column, max_col=heading.column):
            cell.number_format = shown
