"""The arrears command: money owed for a work period, for one worker or a table of periods."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import yaml

from labourwatch.cli.common import (
    _lang,
    _report_problems,
    cli,
    encoding_option,
    lang_option,
    out,
    print_note,
    print_tables,
)
from labourwatch.core.errors import DataError
from labourwatch.i18n import t

CLAIM_FLAGS = {
    "period_start": "from_",
    "period_end": "to",
    "hours_per_day": "hours_per_day",
    "rest_days_per_week": "rest_days_per_week",
    "work_weekdays": "work_days",
    "days_worked": "days_worked",
    "rest_days_worked": "rest_days_worked",
    "holidays_worked": "holidays_worked",
    "agreed_pay": "agreed_pay",
    "agreed_pay_per": "per",
    "pay_currency": "currency",
    "pay_received": "received",
    "deductions": "deductions",
    "age": "age",
    "hazardous_work": "hazardous_work",
    "night_hours_per_day": "night_hours_per_day",
    "leave_days_taken": "leave_days_taken",
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
@click.option(
    "--work-days",
    callback=lambda _ctx, _param, value: value.replace(",", " ") if value else value,
    help="Days of the week worked, e.g. mon,tue,wed,thu,fri,sat (else the first days of the week, by the rest days).",
)
@click.option("--days-worked", type=int, help="Days worked in the period, if known (else from the calendar).")
@click.option("--rest-days-worked", type=int, help="Rest days worked in the period, if known (else from the calendar).")
@click.option(
    "--holidays-worked",
    type=int,
    help="Public holidays worked in the period, if known (else the calendar's holidays on the days of work).",
)
@click.option("--agreed-pay", type=float, help="Pay agreed.")
@click.option("--per", type=click.Choice(["month", "day", "hour"]), help="The agreed pay is per month, day or hour.")
@click.option("--currency", help="Currency of the pay (KZT).")
@click.option("--received", type=float, help="Pay actually received for the whole period.")
@click.option("--deductions", type=float, help="Amounts the employer deducted.")
@click.option("--age", type=int, help="The worker's age during the period (under 18, a shorter normal day).")
@click.option(
    "--hazardous-work", type=click.Choice(["yes", "no"]), help="Heavy, harmful or hazardous work (a 36-hour week)."
)
@click.option("--night-hours-per-day", type=float, help="Of the hours a day, those worked between 22:00 and 06:00.")
@click.option(
    "--leave-days-taken", type=int, help="Days of paid annual leave taken in the period (the rest is compensated)."
)
@click.option(
    "--claim-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Day the claim is made, for the time limits (default: today; a table's claim_date column wins).",
)
@click.option(
    "--rates",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The National Bank's exchange rates to add (CSV: date, currency, units, kzt), for pay in other currencies.",
)
@click.option(
    "--base-rate",
    type=float,
    help="The National Bank's base rate (% a year) on the day of the claim, for the late-pay penalty.",
)
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
    claim_date: datetime | None,
    base_rate: float | None,
    rates: Path | None,
    verified_only: bool,
    as_json: bool,
    encoding: str | None,
    **flags: Any,
) -> None:
    """Money owed for a work period under the Labour Code in force on each day of it: the minimum-wage
    shortfall, overtime and rest-day or holiday premiums, and what remains unpaid, itemised with the
    articles and law values used. One worker from flags or --file (a statement with -o x.html), or a
    table of periods as INPUT (-o x.parquet or x.csv)."""
    from labourwatch.presentation.reports.statement import render_statement, statement_items, unknown_reasons
    from labourwatch.presentation.tables import Column, Grid, Shown
    from labourwatch.services import arrears as arrears_api
    from labourwatch.services.files import refuse_overwriting

    lang = _lang(ctx)
    claimed = claim_date.date() if claim_date else None
    if input_path is not None:
        if output is None or output.suffix.lower() not in (".parquet", ".csv"):
            raise click.BadParameter(t("output_suffix", lang, path=output), param_hint="-o")
        refuse_overwriting(output, input_path)
        try:
            result = arrears_api.arrears(
                input_path,
                claim_date=claimed,
                base_rate=base_rate,
                rates=rates,
                verified_only=verified_only,
                encoding=encoding,
                lang=lang,
                keep_parts=False,
            )
        except DataError as exc:
            _report_problems(exc, output.with_name(output.name + ".problems.csv"), lang)
            sys.exit(1)
        arrears_api.write_claims(result, output, source=input_path)
        out.print(t("wrote", lang, rows=result.claims.num_rows, path=output))
        return
    fields: dict[str, Any] = dict(_claim_file(claim_file)) if claim_file else {}
    for name, flag in CLAIM_FLAGS.items():
        if flags.get(flag) is not None:
            value = flags[flag]
            fields[name] = value.date() if isinstance(value, datetime) else value
    fields.setdefault("pay_currency", "KZT")
    try:
        table = arrears_api.claim_table(fields)
        result = arrears_api.arrears(
            table, claim_date=claimed, base_rate=base_rate, rates=rates, verified_only=verified_only, lang=lang
        )
    except DataError as exc:
        _report_problems(exc, Path("arrears.problems.csv"), lang)
        sys.exit(1)
    items = statement_items(result, 0, lang)
    if as_json:
        claim = _plain_row(arrears_api.in_tiyn(result.claims).to_pylist()[0])
        out.print_json(json.dumps({"claim": claim, "items": items}, ensure_ascii=False))
    else:
        columns = [
            Column("item", t("arrears_item", lang)),
            Column("tenge", t("arrears_tenge", lang), kind="number", digits=2),
            Column("basis", t("arrears_basis", lang)),
        ]
        rows = [(i["label"], Shown(i["amount"], i["value"]), i["basis"]) for i in items]
        strong = frozenset(n for n, i in enumerate(items) if i["total"])
        print_tables(lang, Grid(columns, rows, t("arrears_title", lang), strong=strong))
        for reason in unknown_reasons(result, 0, lang):
            print_note(reason)
    if output is not None:
        output.write_text(render_statement(result, 0, lang), encoding="utf-8")
        out.print(t("wrote_statement", lang, path=output))


def _claim_file(path: Path) -> dict[str, Any]:
    from labourwatch.io.yamlfiles import load_user_yaml

    try:
        doc = load_user_yaml(path)  # JSON is YAML too
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"{path}: {str(exc).splitlines()[0]}", param_hint="--file") from None
    if not isinstance(doc, dict):
        raise click.BadParameter(t("claim_file_mapping", "en", path=path), param_hint="--file")
    return {str(k): v for k, v in doc.items()}


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    """A claim for JSON: dates as ISO text, amounts (decimals of tiyn) as numbers."""
    return {
        k: v.isoformat() if isinstance(v, date) else float(v) if isinstance(v, Decimal) else v for k, v in row.items()
    }
