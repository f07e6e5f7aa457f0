"""The `labourwatch` command: a thin layer over labourwatch.api.

Exit status: 0 done; 1 the input or the data has problems (listed); 2 wrong usage; 70 internal error.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from labourwatch import api
from labourwatch import arrears as arrears_api
from labourwatch.core.errors import LabourwatchError
from labourwatch.engines.duckdb import DataError
from labourwatch.i18n import t
from labourwatch.io.readers import open_source
from labourwatch.render import explanation_dict, explanation_text, judgement_text
from labourwatch.report.arrears_statement import render_statement, statement_items

F = TypeVar("F", bound=Callable[..., Any])
SHOWN_PROBLEMS = 20
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _lang(ctx: click.Context) -> str:
    """--lang given to the command, else to `labourwatch` itself, else $LABOURWATCH_LANG, else English."""
    return str(ctx.params.get("lang") or ctx.find_root().params.get("lang") or "en")


def lang_option(f: F) -> F:
    return click.option("--lang", type=click.Choice(["en", "ru"]), help="Language of messages (as for labourwatch).")(f)


def encoding_option(f: F) -> F:
    return click.option("--encoding", help="Encoding of a CSV input (default: UTF-8, else Windows-1251 detected).")(f)


def design_options(f: F) -> F:
    """The survey design, named by columns of the input (as R's svydesign)."""
    f = click.option(
        "--sampling", metavar="METHOD", help="How the sample was drawn (e.g. snowball: then not representative)."
    )(f)
    f = click.option(
        "--fpc", metavar="COLUMN", help="PSUs in the population of the stratum, or the sampling fraction."
    )(f)
    f = click.option("--psu", metavar="COLUMN", help="Primary sampling units (clusters).")(f)
    f = click.option("--strata", metavar="COLUMN", help="Strata.")(f)
    f = click.option("--weights", metavar="COLUMN", help="Sampling weights (default: every record weighs 1).")(f)
    return f


def judgement_options(f: F) -> F:
    f = click.option(
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help="Choose a reading where a pack offers one (e.g. reading.licence_counts_as_contract=false).",
    )(f)
    f = click.option("--verified-only", is_flag=True, help="Treat law values that are not verified as unknown.")(f)
    f = click.option("--law", metavar="ACT", help="Judge every record under this act (e.g. kz-labour-code-2007).")(f)
    f = click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Judge every record under the law of this date.",
    )(f)
    f = click.option("--pack", "packs", multiple=True, metavar="ID", help="Use only these rule packs (repeatable).")(f)
    f = encoding_option(f)
    return f


def _as_date(value: Any) -> date | None:
    return value.date() if value is not None else None


def _judgement(
    as_of: Any,
    law: str | None,
    verified_only: bool,
    packs: tuple[str, ...],
    encoding: str | None,
    settings: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The API keywords the judgement options stand for."""
    if as_of is not None and law:
        raise click.UsageError("give either --as-of or --law, not both")
    chosen = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, not {item!r}", param_hint="--set")
        chosen[name.strip()] = value.strip()
    return {
        "as_of": _as_date(as_of),
        "law": law,
        "verified_only": verified_only,
        "packs": packs or None,
        "encoding": encoding,
        "settings": chosen,
    }


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--lang",
    type=click.Choice(["en", "ru"]),
    default=lambda: os.environ.get("LABOURWATCH_LANG", "en"),
    show_default="en, or $LABOURWATCH_LANG",
    help="Language of messages and explanations.",
)
@click.version_option(package_name="labourwatch")
def cli(lang: str) -> None:
    """labourwatch: what migrant workers report, measured against the law in force at the time.

    Start with `labourwatch synth` for synthetic records, then `assess` and `explain` them.
    """


# --- assess ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Result file: .parquet or .csv.")
@click.option("--problems", type=click.Path(path_type=Path), help="Where to list problems in the data (CSV).")
@judgement_options
@lang_option
@click.pass_context
def assess(
    ctx: click.Context,
    lang: str | None,
    input_path: Path,
    output: Path,
    problems: Path | None,
    encoding: str | None,
    packs: tuple[str, ...],
    as_of: Any,
    law: str | None,
    verified_only: bool,
    settings: tuple[str, ...],
) -> None:
    """Assess every record of INPUT (CSV, Parquet, Excel, SPSS) and write OUTPUT.

    Every input column and row is kept; one column is added per finding (true, false or unknown),
    with the date and acts each record was judged under and the packs' versions and hashes.
    """
    lang = _lang(ctx)
    options = _judgement(as_of, law, verified_only, packs, encoding, settings)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("assessing", total=open_total(input_path))
        try:
            written = api.assess_file(
                input_path,
                output,
                **options,
                progress=lambda n: bar.advance(task, n),
                lang=lang,
            )
        except DataError as exc:
            bar.stop()
            _report_problems(exc, problems or output.with_name(output.name + ".problems.csv"), lang)
            sys.exit(1)
    for warning in written.warnings:
        err.print(f"[yellow]{t('warning', lang)}:[/] {warning}")
    how = judgement_text(written.judgement, lang)
    packs_used = ", ".join(f"{p['id']}@{p['version']}" for p in written.provenance["packs"])
    err.print(t("judged_how", lang, how=how, packs=packs_used))
    out.print(t("wrote", lang, rows=written.rows, path=written.path))


def open_total(path: Path) -> int | None:
    """Rows in the input when known before reading it (Parquet), for the progress bar."""
    try:
        return open_source(path).total_rows
    except LabourwatchError:
        return None  # the assessment will report it


def _report_problems(exc: DataError, path: Path | None, lang: str) -> None:
    """The first problems as a table; all of them in `path` when there are more (None: listed elsewhere)."""
    err.print(f"[red]{t('error', lang)}:[/] {exc}")
    table = Table(show_header=True, header_style="bold")
    for key in ("col_row", "col_column", "col_value", "col_problem"):
        table.add_column(t(key, lang))
    for p in exc.problems[:SHOWN_PROBLEMS]:
        where = exc.source.where(p.row, lang) if p.row is not None else "-"
        table.add_row(where, p.column or "-", "" if p.value is None else repr(p.value), p.message)
    err.print(table)
    if path is not None and (exc.total > SHOWN_PROBLEMS or len(exc.problems) > SHOWN_PROBLEMS):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["file", "row", "column", "value", "problem"])
            for p in exc.problems:
                writer.writerow([exc.source.label, p.row, p.column, p.value, p.message])
        err.print(t("problems_listed", lang, total=exc.total, path=path))


# --- explain ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--id", "record_id", required=True, help="The id of the record to explain.")
@click.option("--finding", help="Explain only this finding or classification.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@judgement_options
@lang_option
@click.pass_context
def explain(
    ctx: click.Context,
    lang: str | None,
    input_path: Path,
    record_id: str,
    finding: str | None,
    as_json: bool,
    encoding: str | None,
    packs: tuple[str, ...],
    as_of: Any,
    law: str | None,
    verified_only: bool,
    settings: tuple[str, ...],
) -> None:
    """Explain the findings of one record: the answers used, the law values with their dates,
    references and verification status, and the missing answers that would settle an unknown."""
    lang = _lang(ctx)
    ex = api.explain(
        input_path, record_id, **_judgement(as_of, law, verified_only, packs, encoding, settings), lang=lang
    )
    known = [r.rule.id for r in ex.rules]
    if finding and finding not in known:
        raise click.BadParameter(f"'{finding}' is not one of: {', '.join(known)}", param_hint="--finding")
    if as_json:
        data = explanation_dict(ex, lang)
        if finding:
            data["results"] = [r for r in data["results"] if r["id"] == finding]
        out.print_json(json.dumps(data, ensure_ascii=False))
    else:
        out.print(explanation_text(ex, lang, only=finding), markup=False)


CLAIM_FLAGS = {
    "period_start": "from_",
    "period_end": "to",
    "hours_per_day": "hours_per_day",
    "rest_days_per_week": "rest_days_per_week",
    "days_worked": "days_worked",
    "rest_days_worked": "rest_days_worked",
    "holidays_worked": "holidays_worked",
    "agreed_pay": "agreed_pay",
    "agreed_pay_per": "per",
    "pay_currency": "currency",
    "pay_received": "received",
    "deductions": "deductions",
}


@cli.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Statement (.html) for one worker; .parquet or .csv for a table.",
)
@click.option(
    "--file", "claim_file", type=click.Path(exists=True, path_type=Path), help="One worker's period as YAML or JSON."
)
@click.option("--from", "from_", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day worked.")
@click.option("--to", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day worked.")
@click.option("--hours-per-day", type=float, help="Usual hours a day.")
@click.option("--rest-days-per-week", type=int, help="Rest days a week (0 = worked every day).")
@click.option("--days-worked", type=int, help="Days worked in the period, if known (else from the rest days).")
@click.option("--rest-days-worked", type=int, help="Rest days worked in the period, if known (else from the schedule).")
@click.option("--holidays-worked", type=int, help="Public holidays worked in the period.")
@click.option("--agreed-pay", type=float, help="Pay agreed.")
@click.option("--per", type=click.Choice(["month", "day", "hour"]), help="The agreed pay is per month, day or hour.")
@click.option("--currency", help="Currency of the pay (KZT).")
@click.option("--received", type=float, help="Pay actually received for the whole period.")
@click.option("--deductions", type=float, help="Amounts the employer deducted.")
@click.option("--verified-only", is_flag=True, help="Treat law values that are not verified as unknown.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@encoding_option
@lang_option
@click.pass_context
def arrears(
    ctx: click.Context,
    /,
    lang: str | None,
    input_path: Path | None,
    output: Path | None,
    claim_file: Path | None,
    verified_only: bool,
    as_json: bool,
    encoding: str | None,
    **flags: Any,
) -> None:
    """Money owed for a work period under the Labour Code in force on each day of it: the minimum-wage
    shortfall, overtime and rest-day or holiday premiums, and what remains unpaid, itemised with the
    articles and law values used. One worker from flags or --file (a statement with -o x.html), or a
    table of periods as INPUT (-o x.parquet or x.csv)."""
    lang = _lang(ctx)
    if input_path is not None:
        if output is None or output.suffix.lower() not in (".parquet", ".csv"):
            raise click.BadParameter(t("output_suffix", lang, path=output), param_hint="-o")
        try:
            result = arrears_api.arrears(
                input_path, verified_only=verified_only, encoding=encoding, lang=lang, keep_parts=False
            )
        except DataError as exc:
            _report_problems(exc, output.with_name(output.name + ".problems.csv"), lang)
            sys.exit(1)
        table = result.claims
        if output.suffix.lower() == ".csv":
            pacsv.write_csv(table, output)
        else:
            pq.write_table(table.replace_schema_metadata({"labourwatch": json.dumps(result.provenance)}), output)
        out.print(t("wrote", lang, rows=table.num_rows, path=output))
        return
    fields: dict[str, Any] = dict(_claim_file(claim_file)) if claim_file else {}
    for name, flag in CLAIM_FLAGS.items():
        if flags.get(flag) is not None:
            value = flags[flag]
            fields[name] = value.date() if isinstance(value, datetime) else value
    fields.setdefault("pay_currency", "KZT")
    try:
        result = arrears_api.arrears(arrears_api.claim_table(fields), verified_only=verified_only, lang=lang)
    except DataError as exc:
        _report_problems(exc, Path("arrears.problems.csv"), lang)
        sys.exit(1)
    items = statement_items(result, 0, lang)
    if as_json:
        out.print_json(
            json.dumps({"claim": _plain_row(result.claims.to_pylist()[0]), "items": items}, ensure_ascii=False)
        )
    else:
        table = Table(title=t("arrears_title", lang))
        for column in ("arrears_item", "arrears_tenge", "arrears_basis"):
            table.add_column(t(column, lang), justify="right" if column == "arrears_tenge" else "left")
        for item in items:
            table.add_row(item["label"], item["amount"], item["basis"], style="bold" if item["total"] else None)
        out.print(table)
    if output is not None:
        output.write_text(render_statement(result, 0, lang), encoding="utf-8")
        out.print(t("wrote_statement", lang, path=output))


def _claim_file(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    if not isinstance(doc, dict):
        raise click.BadParameter(t("claim_file_mapping", "en", path=path), param_hint="--file")
    return {str(k): v for k, v in doc.items()}


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@design_options
@click.option("--nest", is_flag=True, help="PSU ids repeat across strata.")
@click.option(
    "--lonely-psu",
    type=click.Choice(["fail", "remove", "certainty", "adjust", "average"]),
    default="fail",
    show_default=True,
    help="What a stratum with one PSU contributes to the variance.",
)
@click.option("--by", metavar="COLUMN", help="Estimate in each domain of this column, and test the association.")
@click.option("--finding", "findings", multiple=True, metavar="ID", help="Only these findings (repeatable).")
@click.option(
    "--ci",
    "method",
    type=click.Choice(["logit", "xlogit", "likelihood", "asin", "beta", "mean", "wilson"]),
    default="logit",
    show_default=True,
    help="Confidence interval method (as R's svyciprop; wilson as survey 4.5).",
)
@click.option("--level", type=float, default=0.95, show_default=True)
@click.option(
    "--threshold",
    type=int,
    default=10,
    show_default=True,
    help="Withhold estimates and counts resting on fewer respondents (disclosure control).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the estimates as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@encoding_option
@lang_option
@click.pass_context
def estimate(
    ctx: click.Context, /, lang: str | None, input_path: Path, output: Path | None, as_json: bool, **options: Any
) -> None:
    """Prevalence of the findings of an assessed file, with design-based standard errors, confidence
    intervals and design effects that agree with R's survey package; by domain with --by, with the
    Rao–Scott test of association."""
    lang = _lang(ctx)
    options["findings"] = options["findings"] or None
    result = api.estimate_findings(input_path, lang=lang, **options)
    rows = [dataclasses.asdict(r) for r in result.rows]
    if output is not None:
        with output.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    if as_json:
        tests = {k: dataclasses.asdict(v) if v else None for k, v in result.tests.items()}
        data = {"estimates": rows, "tests": tests, "notes": result.notes, "policy": result.policy.describe()}
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    for note in result.notes:
        err.print(note)
    out.print(_estimates_table(result, round(options["level"] * 100), options["method"], lang))
    if result.tests:
        out.print(_tests_table(result, options["by"], lang))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("row")
@click.argument("col")
@click.option("--weights", metavar="COLUMN", help="Sampling weights (default: counts of records).")
@click.option(
    "--threshold", type=int, default=10, show_default=True, help="Fewest respondents a published cell may rest on."
)
@click.option(
    "--round",
    "round_base",
    type=float,
    default=10,
    show_default=True,
    help="Round weighted counts to this base (0: not).",
)
@click.option("--zeros-disclosive", is_flag=True, help="Treat empty cells as disclosive too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@encoding_option
@lang_option
@click.pass_context
def crosstab(
    ctx: click.Context, /, lang: str | None, input_path: Path, row: str, col: str, as_json: bool, **options: Any
) -> None:
    """A weighted two-way table of ROW by COL, safe to publish: cells and margins resting on fewer
    respondents than the threshold are suppressed, then enough others that none can be worked out from
    the margins (checked by linear programming), and weighted counts are rounded."""
    lang = _lang(ctx)
    options["round_base"] = options["round_base"] or None
    result = api.crosstab(input_path, row, col, lang=lang, **options)
    p = result.table
    shown = [
        [None if p.suppressed[i, j] else float(p.values[i, j]) for j in range(p.values.shape[1])]
        for i in range(p.values.shape[0])
    ]
    if as_json:
        data = {
            "rows": [*result.rows, "total"],
            "cols": [*result.cols, "total"],
            "values": shown,
            "policy": result.policy.describe(),
        }
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=f"{row} × {col}")
    table.add_column("")
    for label in [*result.cols, t("total", lang)]:
        table.add_column(label, justify="right")
    for label, values in zip([*result.rows, t("total", lang)], shown, strict=True):
        table.add_row(label, *("x" if v is None else f"{v:,.0f}" for v in values))
    out.print(table)
    base = f"{result.policy.round_base:g}" if result.policy.round_base else "-"
    err.print(t("crosstab_policy", lang, threshold=result.policy.threshold, base=base))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--qi", "quasi_identifiers", multiple=True, required=True, metavar="COLUMN", help="A quasi-identifier (repeatable)."
)
@click.option("-k", "k", type=int, default=5, show_default=True, help="Fewest records a combination may have.")
@click.option("--sensitive", metavar="COLUMN", help="A sensitive variable, for l-diversity.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the rows at risk (row numbers only) as CSV."
)
@encoding_option
@lang_option
@click.pass_context
def anonymity(ctx: click.Context, /, lang: str | None, input_path: Path, output: Path | None, **options: Any) -> None:
    """Before sharing microdata: k-anonymity on the quasi-identifiers, l-diversity of a sensitive
    variable, and the records at risk (in combinations shared by fewer than k records)."""
    lang = _lang(ctx)
    options["quasi_identifiers"] = list(options["quasi_identifiers"])
    result = api.anonymity(input_path, lang=lang, **options)
    out.print(
        t(
            "anonymity_report",
            lang,
            k=result.k,
            wanted=options["k"],
            risk=result.at_risk.size,
            l=result.l_diversity if result.l_diversity is not None else "-",
        )
    )
    if output is not None:
        with output.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["row", "records_sharing_its_combination"])
            writer.writerows((int(i) + 1, int(result.key_sizes[i])) for i in result.at_risk)
        out.print(t("wrote", lang, rows=result.at_risk.size, path=output))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help=".sav, .dta, .parquet, .csv or .xlsx"
)
@click.option(
    "--qi",
    "quasi_identifiers",
    multiple=True,
    metavar="COLUMN",
    help="Quasi-identifiers to check (default: citizenship, sex, age, region, sector).",
)
@click.option("-k", "k", type=int, default=5, show_default=True, help="Fewest records a combination of them may have.")
@encoding_option
@lang_option
@click.pass_context
def export(
    ctx: click.Context,
    /,
    lang: str | None,
    input_path: Path,
    output: Path,
    quasi_identifiers: tuple[str, ...],
    k: int,
    encoding: str | None,
) -> None:
    """Write an assessed file for SPSS (.sav), Stata (.dta), Excel, Parquet or CSV, with variable and
    value labels in the language chosen, and check k-anonymity on the quasi-identifiers first."""
    lang = _lang(ctx)
    result = api.export(
        input_path,
        output,
        quasi_identifiers=quasi_identifiers or api.QUASI_IDENTIFIERS,
        k=k,
        encoding=encoding,
        lang=lang,
    )
    out.print(t("exported", lang, rows=result.written.rows, path=result.written.path))
    if result.written.renamed:
        err.print(
            t("renamed_for_stata", lang, names=", ".join(f"{a} -> {b}" for a, b in result.written.renamed.items()))
        )
    if result.anonymity is not None:
        check = result.anonymity
        err.print(t("anonymity_report", lang, k=check.k, wanted=k, risk=check.at_risk.size, l="-"))
    if result.risk_report is not None:
        err.print(
            t("wrote", lang, rows=result.anonymity.at_risk.size if result.anonymity else 0, path=result.risk_report)
        )


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="report.html, .pdf or .xlsx")
@click.option("--by", metavar="COLUMN", help="Break every figure down by this column, and test the association.")
@design_options
@click.option(
    "--ci",
    "method",
    type=click.Choice(["logit", "xlogit", "likelihood", "asin", "beta", "mean", "wilson"]),
    default="logit",
    show_default=True,
)
@click.option(
    "--threshold",
    type=int,
    default=10,
    show_default=True,
    help="Disclosure control: fewest respondents behind a published figure.",
)
@lang_option
@click.pass_context
def report(ctx: click.Context, /, lang: str | None, input_path: Path, output: Path, **options: Any) -> None:
    """A report of an assessed file, safe to publish: prevalence of every finding with confidence
    intervals, every classification, tests of association, a chart and the methods (design, packs,
    readings, disclosure policy). HTML (self-contained, offline), PDF or Excel."""
    from labourwatch.report.survey_report import build_report

    lang = _lang(ctx)
    design = {k: options.pop(k) for k in ("weights", "strata", "psu", "fpc", "sampling")}
    result = build_report(input_path, output, lang=lang, **options, **design)
    out.print(t("report_written", lang, path=result.path, findings=result.findings, withheld=result.suppressed))


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
    from labourwatch.questionnaire import write_xlsform

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
    lang = _lang(ctx)
    if (input_path is None) == (form_id is None):
        raise click.UsageError(t("import_one_source", lang))
    source: Any = input_path
    if form_id is not None:
        source = api.pull_central(form_id, project_id=project, config=pyodk_config, lang=lang)
    try:
        result = api.import_submissions(source, output, mapping=mapping, encoding=encoding, lang=lang)
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
    lang = _lang(ctx)
    text = api.suggest_mapping(input_path, encoding=encoding, lang=lang)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(t("wrote_mapping", lang, path=output))


def _estimates_table(result: api.Estimates, level: int, method: str, lang: str) -> Table:
    table = Table(title=t("estimates_title", lang))
    for key in ("col_finding", "col_domain", "col_known", "col_unknown", "col_percent", "col_ci", "col_deff"):
        left = key in ("col_finding", "col_domain")
        table.add_column(t(key, lang, level=level, method=method), justify="left" if left else "right")
    for r in result.rows:
        pct = "-" if r.estimate is None else f"{100 * r.estimate:.1f}"
        ci = "-"
        if r.lower is not None and r.upper is not None:
            ci = f"{100 * r.lower:.1f}–{100 * r.upper:.1f}" + ("*" if r.fallback else "")
        deff = "-" if r.deff is None else f"{r.deff:.2f}"
        known, unknown = ("-" if c is None else str(c) for c in (r.known, r.unknown))
        table.add_row(r.variable, r.domain, known, unknown, pct, ci, deff)
    return table


def _tests_table(result: api.Estimates, by: str, lang: str) -> Table:
    table = Table(title=t("tests_title", lang, by=by))
    for column in (t("col_finding", lang), "F", t("col_p", lang)):
        table.add_column(column)
    for name, test in result.tests.items():
        table.add_row(
            name, "-" if test is None else f"{test.value:.3f}", "-" if test is None else f"{test.p_value:.4f}"
        )
    return table


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--pack", "packs", multiple=True, metavar="ID", help="Use only these rule packs (repeatable).")
@encoding_option
@lang_option
@click.pass_context
def sensitivity(
    ctx: click.Context, lang: str | None, input_path: Path, as_json: bool, packs: tuple[str, ...], encoding: str | None
) -> None:
    """How many records get each result under each reading the packs offer: what a figure owes to an
    interpretation. Only results that change are shown."""
    lang = _lang(ctx)
    result = api.sensitivity(input_path, packs=packs or None, encoding=encoding, lang=lang)
    if as_json:
        out.print_json(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
        return
    table = Table(title=t("sensitivity_title", lang, records=result.records))
    for column in ("result_column", "reading_column", "default_column", "records_column"):
        table.add_column(t(column, lang), justify="left" if column in ("result_column", "reading_column") else "right")
    for rule_id, by_value in result.counts.items():
        for value, counts in sorted(by_value.items()):
            for reading, count in zip(result.readings[1:], counts[1:], strict=True):
                if count != counts[0]:
                    table.add_row(f"{rule_id} = {value}", reading, str(counts[0]), str(count))
    if not result.counts:
        out.print(t("sensitivity_none", lang))
    else:
        out.print(table)


# --- packs and variables ---------------------------------------------------------------------------


@cli.command()
@click.argument("pack_id", required=False)
@click.option("--parameter", help="Show only this parameter (e.g. wages.mzp).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@lang_option
@click.pass_context
def packs(ctx: click.Context, lang: str | None, pack_id: str | None, parameter: str | None, as_json: bool) -> None:
    """List the rule packs, their acts, and every parameter's values over time with references."""
    from labourwatch.packs import load_packs
    from labourwatch.reference import pack_dict

    lang = _lang(ctx)
    loaded = load_packs([pack_id] if pack_id else None)
    data = [pack_dict(p, lang) for p in loaded if not pack_id or p.id == pack_id]
    if parameter:
        for d in data:
            d["parameters"] = [x for x in d["parameters"] if x["name"] == parameter]
        if not any(d["parameters"] for d in data):
            raise click.BadParameter(f"no parameter '{parameter}'", param_hint="--parameter")
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    for d in data:
        out.print(f"[bold]{d['id']}[/] {d['version']}  sha256:{d['sha256'][:12]}  {d['title']}")
        for act in d["acts"]:
            out.print(f"  {act['id']}: {act['title']} ({act['from']} – {act['to'] or '…'}; {act['status']})")
        for param in d["parameters"]:
            table = Table(title=f"{param['name']}: {param['description']}", title_justify="left", show_header=True)
            for col in ("from", "value", "status", "reference"):
                table.add_column(col)
            for v in param["values"]:
                table.add_row(v["from"], str(v["value"]), v["status"], v["reference"])
            out.print(table)
        if not parameter:
            for rule in d["rules"]:
                out.print(f"  [bold]{rule['id']}[/] ({rule['kind']}): {rule['label']}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@lang_option
@click.pass_context
def variables(ctx: click.Context, lang: str | None, as_json: bool) -> None:
    """List the canonical variables: type, allowed values and the question asked."""
    from labourwatch.packs import load_schema
    from labourwatch.reference import variable_dict

    lang = _lang(ctx)
    data = [variable_dict(v, lang) for v in load_schema().variables.values()]
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(show_header=True)
    for col in ("name", "type", "label", "values"):
        table.add_column(col)
    for v in data:
        table.add_row(v["name"], v["type"], v["label"], ", ".join(v["values"]))
    out.print(table)


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
    from labourwatch.studies.tables import erratum_text, osce_tables

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
    from labourwatch.report.osce_demo import build

    built = build(out_dir, seed=seed, lang=_lang(ctx))
    out.print(t("demo_wrote", _lang(ctx), report=built.report, sample=built.sample, assessed=built.assessed))


# --- synthetic data, docs, pack tests --------------------------------------------------------------


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
    from labourwatch.synthetic import SynthSpec, write, write_table

    if output.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter("write .csv or .parquet", param_hint="--output")
    if calibrated:
        from labourwatch.studies.osce import calibrated_sample

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


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("docs/reference"), show_default=True)
def docs(out_dir: Path) -> None:
    """Regenerate the reference documentation (variables, packs, CLI) from the code and the packs."""
    from labourwatch.reference import write_reference

    for path in write_reference(out_dir):
        out.print(str(path))


@cli.command("test-packs")
@click.argument("pack_ids", nargs=-1)
def test_packs(pack_ids: tuple[str, ...]) -> None:
    """Run the YAML rule tests that live beside each pack, on DuckDB and the reference evaluator."""
    from labourwatch.testing import run_pack_tests

    failures = 0
    results = run_pack_tests(pack_ids or None)
    for r in results:
        if not r.ok:
            failures += 1
            out.print(f"[red]FAIL[/] {r.case.location}: {r.case.name}\n  {r.message}", markup=True)
    out.print(f"{len(results) - failures} passed, {failures} failed")
    if failures:
        sys.exit(1)


def main() -> None:
    lang = os.environ.get("LABOURWATCH_LANG", "en")
    if "--lang" in sys.argv[1:-1]:
        lang = sys.argv[sys.argv.index("--lang") + 1]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except LabourwatchError as exc:
        err.print(f"[red]{t('error', lang)}:[/] {exc}", markup=True)
        sys.exit(1)
    except Exception as exc:  # the last guard: never a traceback for the user
        if os.environ.get("LABOURWATCH_DEBUG"):
            raise
        err.print(t("internal_error", lang, error=f"{type(exc).__name__}: {exc}"))
        sys.exit(70)
