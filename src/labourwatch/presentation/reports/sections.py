"""The survey report's sections: the main findings first, then one section per framework (rule pack)
with its chart, its table, its breakdown by domain (one compact table: findings down, domains across)
and its classifications. Labels are the packs' and the schema's, in the report's language."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from labourwatch.core.model import Pack, Rule, RuleKind
from labourwatch.core.types import pick
from labourwatch.i18n import catalogue
from labourwatch.presentation.charts import Bar, bar_chart
from labourwatch.presentation.names import column_label, value_labels
from labourwatch.stats.estimate import TableTest
from labourwatch.stats.prevalence import ALL, Row

# The headline result of each international standard (ICLS 2018, ILO 2012, Palermo, ILO-EC 2009).
HEADLINES = ("forced_labour", "fl12_forced_labour", "trafficking", "thb_trafficked")
PER_FRAMEWORK_IN_MAIN = 3  # the most prevalent findings of a framework without a headline
CHART_BARS = 12


@dataclass(frozen=True)
class Labels:
    """What the report calls each result: its own label, and the label that stands alone outside its
    framework's section (with the framework's short name, and a longer text where the pack's is a word)."""

    own: dict[str, str]
    alone: dict[str, str]
    pack_of: dict[str, str]

    @classmethod
    def build(cls, packs: Iterable[Pack], lang: str) -> Labels:
        texts = catalogue()
        own: dict[str, str] = {}
        alone: dict[str, str] = {}
        pack_of: dict[str, str] = {}
        for pack in packs:
            short = _message(texts, f"report_framework_{pack.id}", lang) or pick(pack.title, lang)
            for rule in pack.outputs:
                label = _message(texts, f"report_label_{rule.id}", lang) or pick(rule.label, lang)
                own[rule.id], pack_of[rule.id] = label, pack.id
                # a headline names its standard already
                alone[rule.id] = label if rule.id in HEADLINES else f"{label} ({short})"
        return cls(own, alone, pack_of)


def _message(texts: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    found = texts.get(key)
    return (found.get(lang) or found["en"]) if found else ""


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def interval(row: Row) -> str:
    return "–" if row.lower is None or row.upper is None else f"{percent(row.lower)}–{percent(row.upper)}"


def charted(row: Row) -> bool:
    """A finding worth a bar: an estimate above zero that the questions support, known for at least half
    of its records (a finding asked of few would show the share among those few)."""
    return bool(row.estimate) and not row.unsupported and (row.known or 0) >= (row.unknown or 0)


def most_prevalent(rows: Iterable[Row], limit: int = CHART_BARS) -> list[Row]:
    return sorted((r for r in rows if charted(r)), key=lambda r: -(r.estimate or 0))[:limit]


def chart(shown: Iterable[Row], labels: Mapping[str, str], caption: str = "") -> Markup:
    """A bar for each row, with its confidence interval."""
    return bar_chart(
        [
            Bar(labels.get(r.variable, r.variable), 100 * (r.estimate or 0), 100 * (r.lower or 0), 100 * (r.upper or 0))
            for r in shown
        ],
        caption,
    )


def main_findings(overall: list[Row], labels: Labels) -> list[Row]:
    """The standards' headline results, then the most prevalent findings of each framework that has none."""
    by_name = {r.variable: r for r in overall}
    chosen = [by_name[n] for n in HEADLINES if n in by_name and charted(by_name[n])]
    covered = {labels.pack_of.get(r.variable) for r in chosen}
    others: list[Row] = []
    for pack in dict.fromkeys(labels.pack_of.get(r.variable) for r in overall):
        if pack not in covered:
            others += most_prevalent(
                (r for r in overall if labels.pack_of.get(r.variable) == pack), PER_FRAMEWORK_IN_MAIN
            )
    return chosen + most_prevalent(others, len(others))


@dataclass(frozen=True)
class Domains:
    """The breakdown variable, as the report names it and its values."""

    name: str
    label: str
    values: dict[str, str]  # code -> label, ALL included

    @classmethod
    def of(cls, by: str, lang: str) -> Domains:
        return cls(by, column_label(by, lang), value_labels(by, lang))

    def name_of(self, code: str) -> str:
        return self.values.get(code, code)


def _cell(row: Row) -> dict[str, Any]:
    return {
        "percent": percent(row.estimate),
        "ci": interval(row),
        "n": "–" if row.known is None else row.known,
        "withheld": row.suppressed,
    }


def breakdown(rows: list[Row], labels: Mapping[str, str], tests: Mapping[str, TableTest | None]) -> dict[str, Any]:
    """Findings down, domains across (all first), each cell the %, its interval and n; the Rao–Scott p
    of each finding last."""
    order = list(dict.fromkeys(r.domain for r in rows))
    cells: dict[str, dict[str, Row]] = {}
    for r in rows:
        cells.setdefault(r.variable, {})[r.domain] = r
    lines = []
    for name, by_domain in cells.items():
        if all(r.estimate is None for r in by_domain.values()):
            continue  # no prevalence anywhere: the overall table says why
        test = tests.get(name)
        p = "–" if test is None or math.isnan(test.p_value) else f"{test.p_value:.3f}"
        lines.append(
            {
                "label": labels.get(name, name),
                "cells": [_cell(by_domain[d]) if d in by_domain else None for d in order],
                "p": p,
            }
        )
    return {"domains": order, "rows": lines}


def classification_tables(rows: list[Row], rules: Mapping[str, Rule], lang: str) -> list[dict[str, Any]]:
    """One table per classification: its classes down, domains across."""
    tables: dict[str, dict[str, Any]] = {}
    for r in rows:
        rule_id, code = r.variable.split(" = ", 1)
        rule = rules[rule_id]
        table = tables.setdefault(rule_id, {"id": rule_id, "title": pick(rule.label, lang), "classes": {}})
        klass = table["classes"].setdefault(code, {"label": pick(rule.labels.get(code), lang) or code, "cells": {}})
        klass["cells"][r.domain] = _cell(r)
    out = []
    for table in tables.values():
        domains = list(dict.fromkeys(d for k in table["classes"].values() for d in k["cells"]))
        classes = [
            {"label": k["label"], "cells": [k["cells"].get(d) for d in domains]} for k in table["classes"].values()
        ]
        out.append({"id": table["id"], "title": table["title"], "domains": domains, "rows": classes})
    return out


def frameworks(
    packs: Iterable[Pack],
    findings: list[dict[str, Any]],
    rows: list[Row],
    shares: list[Row],
    tests: Mapping[str, TableTest | None],
    labels: Labels,
    by: bool,
    lang: str,
) -> list[dict[str, Any]]:
    """One section per pack with results in the report, in the packs' order."""
    rules = {r.id: r for p in packs for r in p.outputs if r.kind is RuleKind.CLASSIFICATION}
    sections = []
    for pack in packs:
        mine = [r for r in rows if labels.pack_of.get(r.variable) == pack.id]
        table = [f for f in findings if labels.pack_of.get(f["variable"]) == pack.id and f["domain"] == ALL]
        classes = [r for r in shares if labels.pack_of.get(r.variable.split(" = ", 1)[0]) == pack.id]
        if not table and not classes:
            continue
        sections.append(
            {
                "id": f"framework-{pack.id}",
                "title": pick(pack.title, lang),
                "chart": chart(most_prevalent(r for r in mine if r.domain == ALL), labels.own),
                "findings": table,
                "breakdown": breakdown(mine, labels.own, tests) if by and mine else None,
                "classifications": classification_tables(classes, rules, lang),
            }
        )
    return sections
