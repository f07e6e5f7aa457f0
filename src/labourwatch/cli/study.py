"""Commands of the OSCE 2006/07 study (tables, demo) and of the reference documentation (docs)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from labourwatch import api
from labourwatch.cli.common import _lang, cli, encoding_option, lang_option, out
from labourwatch.cli.reference import write_reference
from labourwatch.i18n import t
from labourwatch.studies.demo import build
from labourwatch.studies.tables import erratum_text, osce_tables


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@encoding_option
@lang_option
@click.pass_context
def tables(ctx: click.Context, lang: str | None, input_path: Path, as_json: bool, encoding: str | None) -> None:
    """Recompute the OSCE study's Tables 1, 2 and 3 from INPUT, each figure beside the published one.

    Percentages are of those in the class who answered the question; n is that number.
    """
    lang = _lang(ctx)
    result = osce_tables(api.assess(input_path, packs=["osce-kz-2006"], encoding=encoding, lang=lang).table)
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    t1 = result["table1"]
    table = Table(title=t("table1_title", lang), title_justify="left")
    for col in ["", *t1["columns"], "total"]:
        table.add_column(col)
    for country, row in t1["rows"].items():
        cells = [str(c) if c == p else f"{c} ({p})" for c, p in zip(row["computed"], row["published"], strict=True)]
        table.add_row(country, *cells, str(row["total"]))
    out.print(table)
    out.print(erratum_text(t1, lang))
    out.print(t("without_sector", lang, n=t1["without_sector"]))
    for key in ("table2", "table3"):
        spec = result[key]
        table = Table(title=t(f"{key}_title", lang), title_justify="left")
        table.add_column("")
        for cls in spec["columns"]:
            table.add_column(f"{cls} (N={spec['class_sizes'][cls]})")
        for row, cells in spec["rows"].items():
            shown = [
                "-"
                if c["percent"] is None
                else f"{c['percent']} ({c['answered']}) | {c['published']} | {c['difference']:+}"
                for c in cells
            ]
            table.add_row(row, *shown)
        out.print(table)
    out.print(t("class_counts", lang, compliance=result["compliance"], unfreedom=result["unfreedom"]))
    out.print(t("tables_source", lang, source=result["source"]))


@cli.command()
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True)
@click.option("--seed", type=int, default=2006, show_default=True, help="Seed of the calibrated sample.")
@lang_option
@click.pass_context
def demo(ctx: click.Context, lang: str | None, out_dir: Path, seed: int) -> None:
    """Reproduce the OSCE 2006/07 study on its calibrated SYNTHETIC sample and write an HTML report
    (offline, readable on a phone, printable) with Tables 1-3 beside the published figures."""
    built = build(out_dir, seed=seed, lang=_lang(ctx))
    out.print(t("demo_wrote", _lang(ctx), report=built.report, sample=built.sample, assessed=built.assessed))


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("docs/reference"), show_default=True)
def docs(out_dir: Path) -> None:
    """Regenerate the reference documentation (variables, packs, CLI) from the code and the packs."""
    for path in write_reference(cli, out_dir):
        out.print(str(path))
