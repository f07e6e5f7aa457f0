"""`labourwatch demo`: the OSCE study reproduced on its calibrated SYNTHETIC sample, as one HTML file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_packs, load_schema
from labourwatch.services import assessment
from labourwatch.services.request import Request
from labourwatch.services.synthetic import write_table
from labourwatch.studies.osce import calibrated_sample, published
from labourwatch.studies.tables import erratum_text, osce_tables

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Demo:
    sample: Path
    assessed: Path
    report: Path


def _bars(rows: list[dict[str, Any]], classes: list[str]) -> Markup:
    """Grouped horizontal bars, one group per condition, one bar per class; a tick marks the published %."""
    colours = ["#2e6f9e", "#d98c1f", "#7a3e9d"]
    bar, gap, label_w, width = 11, 10, 250, 680
    scale = (width - label_w - 40) / 100
    height = len(rows) * (len(classes) * bar + gap) + 30
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg" font-size="11">']
    y = 5
    for row in rows:
        label = row["label"] if len(row["label"]) <= 40 else row["label"][:39] + "…"
        parts.append(f'<text x="0" y="{y + bar * len(classes) / 2 + 4}">{escape(label)}</text>')
        for i, cell in enumerate(row["cells"]):
            value = cell["percent"] or 0
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{value * scale:.1f}" height="{bar - 2}" fill="{colours[i % 3]}"/>'
                f'<line x1="{label_w + cell["published"] * scale:.1f}" x2="{label_w + cell["published"] * scale:.1f}" '
                f'y1="{y - 1}" y2="{y + bar - 1}" stroke="#000" stroke-width="2"/>'
                f'<text x="{label_w + value * scale + 4:.1f}" y="{y + bar - 3}">{value:g}</text>'
            )
            y += bar
        y += gap
    for i, cls in enumerate(classes):
        x = label_w + i * 130
        parts.append(f'<rect x="{x}" y="{y + 5}" width="10" height="10" fill="{colours[i % 3]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 14}">{escape(cls)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def build(out_dir: Path, *, seed: int = 2006, lang: str = "en") -> Demo:
    out_dir.mkdir(parents=True, exist_ok=True)
    sample = write_table(
        calibrated_sample(seed), out_dir / "osce-synthetic.csv", note=f"SYNTHETIC, calibrated, seed={seed}"
    )
    assessed_path = out_dir / "osce-assessed.parquet"
    assessment.assess_file(sample, assessed_path, Request(lang=lang))
    table = assessment.assess(sample, Request(packs=["osce-kz-2006"], lang=lang)).table
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
                "chart": _bars(rows, [pick(rule.labels[c], lang) for c in spec["columns"]]),
            }
        )
    t1 = result["table1"]
    context = {
        "lang": lang,
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
                "provenance",
            )
        }
        | {
            "generated": t("demo_generated", lang, when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), seed=seed),
            "table1": t("table1_title", lang),
            "erratum": erratum_text(t1, lang),
            "without_sector": t("without_sector", lang, n=t1["without_sector"]),
            "source": t("tables_source", lang, source=result["source"]),
        },
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
                "value": param.values[-1].value,
                "description": pick(param.description, lang),
                "note": param.values[-1].reference.note,
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
    return Demo(sample, assessed_path, report)
