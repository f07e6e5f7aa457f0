"""Commands that bring data in or make it: questionnaire, import, map and synth."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from labourwatch.cli.common import _as_date, _lang, _report_problems, cli, encoding_option, err, lang_option, out
from labourwatch.core.errors import DataError
from labourwatch.i18n import t


@cli.command()
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The XLSForm workbook (.xlsx).")
@click.option(
    "--modules", multiple=True, metavar="MODULE[,MODULE]", help="Only these modules (repeatable; default: all)."
)
@lang_option
@click.pass_context
def questionnaire(ctx: click.Context, /, lang: str | None, output: Path, modules: tuple[str, ...]) -> None:
    """The questionnaire as an XLSForm for KoboToolbox or ODK, generated from the canonical variables:
    labels in English, Russian, Kazakh, Uzbek, Kyrgyz and Tajik, choices, skip logic, range constraints
    with messages, a repeat group for payments, and no identifying field."""
    from labourwatch.forms.xlsform import write_xlsform

    lang = _lang(ctx)
    chosen = [m for spec in modules for m in spec.split(",") if m]
    path = write_xlsform(output, chosen or None, lang)
    out.print(t("wrote_form", lang, path=path))


@cli.command(name="import")
@click.argument("input_path", metavar="SOURCE", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The dataset (.parquet), created or added to.",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    help="A mapping file (YAML) for a source that is not the labourwatch questionnaire (SPSS, Stata, CSV, Excel).",
)
@click.option("--central", "form_id", metavar="FORM_ID", help="Pull this form's submissions from ODK Central (pyodk).")
@click.option("--project", type=int, help="The ODK Central project (default: pyodk's default_project_id).")
@click.option(
    "--pyodk-config",
    type=click.Path(path_type=Path),
    help="pyodk's configuration file (default: ~/.pyodk_config.toml).",
)
@encoding_option
@lang_option
@click.pass_context
def import_(
    ctx: click.Context,
    /,
    lang: str | None,
    input_path: Path | None,
    output: Path,
    mapping: Path | None,
    form_id: str | None,
    project: int | None,
    pyodk_config: Path | None,
    encoding: str | None,
) -> None:
    """Import data into a dataset that assess, estimate and report read: exports of the labourwatch
    questionnaire from KoboToolbox or ODK Central (CSV, XLSX, CSV ZIP, JSON), a pull from ODK Central
    (--central), or any SPSS, Stata, CSV or Excel file with --mapping. All or nothing; a re-import adds
    no duplicates; rejected and recoded values are listed in OUTPUT.import.csv."""
    from labourwatch.services.importing import import_submissions, pull_central

    lang = _lang(ctx)
    if (input_path is None) == (form_id is None):
        raise click.UsageError(t("import_one_source", lang))
    source: Any = input_path
    if form_id is not None:
        source = pull_central(form_id, project_id=project, config=pyodk_config, lang=lang)
    try:
        result = import_submissions(source, output, mapping=mapping, encoding=encoding, lang=lang)
    except DataError as exc:
        _report_problems(exc, None, lang)
        err.print(t("import_rejected", lang, path=output.with_name(output.name + ".import.csv")))
        sys.exit(1)
    out.print(
        t(
            "imported",
            lang,
            added=result.added,
            already=result.already_there,
            replaced=result.replaced,
            path=result.path,
        )
    )
    for name, path in result.repeats.items():
        out.print(t("imported_repeat", lang, name=name, path=path))
    if result.recoded:
        err.print(t("import_recoded", lang, count=len(result.recoded), path=result.report))
    if result.unmatched:
        err.print(t("import_unmatched", lang, columns=", ".join(result.unmatched)))


@cli.command(name="map")
@click.argument("input_path", metavar="SOURCE", type=click.Path(path_type=Path))
@click.option("--suggest", is_flag=True, required=True, help="Propose a mapping from names, labels and value labels.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the mapping here (default: print it).")
@encoding_option
@lang_option
@click.pass_context
def map_(
    ctx: click.Context, /, lang: str | None, input_path: Path, suggest: bool, output: Path | None, encoding: str | None
) -> None:
    """Draft a mapping file (YAML) from a source's columns and codes to the canonical variables, for
    labourwatch import --mapping. Check it before use."""
    from labourwatch.services.importing import suggest_mapping

    lang = _lang(ctx)
    text = suggest_mapping(input_path, encoding=encoding, lang=lang)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(t("wrote_mapping", lang, path=output))


@cli.command()
@click.option("-n", "count", type=click.IntRange(min=1), default=2000, show_default=True, help="Number of records.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same records).")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First reference date (default 2006-10-01).")
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last reference date (default 2007-01-31).")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="File to write: .csv or .parquet.")
@click.option(
    "--calibrated",
    is_flag=True,
    help="Records calibrated to the OSCE 2006/07 study's tables: 1,500 unless -n is given (no --start, --end).",
)
@lang_option
@click.pass_context
def synth(
    ctx: click.Context,
    lang: str | None,
    count: int,
    seed: int,
    start: Any,
    end: Any,
    output: Path,
    calibrated: bool,
) -> None:
    """Write SYNTHETIC records (invented, never real people) for trying labourwatch out."""
    from labourwatch.services.synthetic import SynthSpec, write, write_table
    from labourwatch.studies.osce import calibrated_sample

    if output.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter("write .csv or .parquet", param_hint="--output")
    if calibrated:
        size = count if ctx.get_parameter_source("count") is click.core.ParameterSource.COMMANDLINE else 1500
        table = calibrated_sample(seed, size)
        write_table(table, output, note=f"SYNTHETIC sample calibrated to Anderson & Hancilova (2009), seed={seed}")
        out.print(t("synthetic_written", _lang(ctx), n=table.num_rows, seed=seed, path=output))
        return
    spec = SynthSpec(count, seed)
    if start or end:
        spec = SynthSpec(count, seed, _as_date(start) or spec.start, _as_date(end) or spec.end)
    write(spec, output)
    out.print(t("synthetic_written", _lang(ctx), n=count, seed=seed, path=output))
