"""Commands of the OSCE 2006/07 study (tables, demo) and of the reference documentation (docs)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labourwatch.cli.common import (
    _lang,
    cli,
    encoding_option,
    lang_option,
    out,
    print_note,
    print_tables,
    progress_bar,
    stdout_is_terminal,
)
from labourwatch.i18n import t


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@encoding_option
@lang_option
@click.pass_context
def tables(ctx: click.Context, lang: str | None, input_path: Path, as_json: bool, encoding: str | None) -> None:
    """Recompute the OSCE study's Tables 1, 2 and 3 from INPUT, each figure beside the published one.

    Percentages are of those in the class who answered the question; n is that number. In a pipe,
    one TSV line per figure: table, row, column, class_size, answered, computed, published, difference.
    """
    from labourwatch.services.assessment import assess
    from labourwatch.services.request import Request
    from labourwatch.studies.tables import erratum_text, osce_grids, osce_long_grid, osce_tables

    lang = _lang(ctx)
    request = Request(packs=["osce-kz-2006"], encoding=encoding, lang=lang)
    result = osce_tables(assess(input_path, request).table)
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    table1, *others = osce_grids(result, lang) if stdout_is_terminal() else [osce_long_grid(result)]
    print_tables(lang, table1)
    print_note(erratum_text(result["table1"], lang))
    print_note(t("without_sector", lang, n=result["table1"]["without_sector"]))
    print_tables(lang, *others)
    print_note(t("tables_source", lang, source=result["source"], path=input_path))


@cli.command()
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True)
@click.option("--seed", type=int, default=2006, show_default=True, help="Seed of the calibrated sample.")
@lang_option
@click.pass_context
def demo(ctx: click.Context, lang: str | None, out_dir: Path, seed: int) -> None:
    """Reproduce the OSCE 2006/07 study on its calibrated SYNTHETIC sample and write an HTML report
    (offline, readable on a phone, printable) with Tables 1-3 beside the published figures."""
    from labourwatch.studies.demo import DEMO_STEPS, build

    lang = _lang(ctx)
    with progress_bar(t("progress_demo", lang), DEMO_STEPS) as advance:
        built = build(out_dir, seed=seed, lang=lang, progress=advance)
    out.print(t("demo_wrote", lang, report=built.report, sample=built.sample, assessed=built.assessed))


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("docs/reference"), show_default=True)
def docs(out_dir: Path) -> None:
    """Regenerate the reference documentation (variables, packs, CLI) from the code and the packs."""
    from labourwatch.cli.reference import write_reference

    for path in write_reference(cli, out_dir):
        out.print(str(path))
