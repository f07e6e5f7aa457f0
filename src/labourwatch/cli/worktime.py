"""The calendar command: the official working-time calendar of a year, month by month, beside the
Ministry's balance, and the days that are not what their weekday makes them."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from labourwatch.cli.common import _lang, cli, lang_option, out
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs.calendar import KIND_NAMES, WEEKS, load_calendar


@cli.command("calendar")
@click.argument("year", type=int)
@click.option("--weekly-norm", type=click.Choice(["40", "36", "24"]), default="40", help="Hours a week (default 40).")
@click.option("--week", type=click.Choice(WEEKS), default="five_day", help="Five-day (default) or six-day week.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@lang_option
@click.pass_context
def calendar_command(
    ctx: click.Context, /, year: int, weekly_norm: str, week: str, as_json: bool, lang: str | None
) -> None:
    """The official working-time calendar of Kazakhstan for YEAR: working days and normal hours of each
    month (as the arrears calculator counts them), beside the Ministry's balance where it was seen, with
    each difference explained; then the holidays, the days off carried over or moved, and the rest days
    made working."""
    lang = _lang(ctx)
    calendar = load_calendar()
    if not calendar.first_year <= year <= calendar.last_year:
        raise click.BadParameter(
            t("calendar_not_covered", lang, first=calendar.first_year, last=calendar.last_year), param_hint="YEAR"
        )
    published = calendar.published.get(year)
    months: list[dict[str, Any]] = []
    for month in range(1, 13):
        norm = calendar.month(year, month, int(weekly_norm), week)
        seen = None
        if published:
            seen = (published.six_day_days if week == "six_day" else published.five_day_days)[month - 1]
        why = published.differences.get(month) if published else None
        months.append(
            {
                "month": month,
                "working_days": norm.working_days,
                "hours": norm.hours,
                "balance_days": seen,
                "difference": pick(why, lang) if why else None,
            }
        )
    days = [
        {"date": d.isoformat(), "kind": KIND_NAMES[k], "holiday": calendar.name(n, lang) if n else None}
        for d, k, n in calendar.days_off_and_on(year, week)
    ]
    source = {"library": calendar.source, "balance": pick(published.title, lang) if published else None}
    if as_json:
        out.print(json.dumps({"year": year, "months": months, "days": days, "source": source}, ensure_ascii=False))
        return
    table = Table(title=t("calendar_title", lang, year=year, norm=weekly_norm, week=t(f"calendar_{week}", lang)))
    for header in ("calendar_month", "calendar_days", "calendar_hours", "calendar_balance"):
        table.add_column(t(header, lang), justify="right")
    for m in months:
        balance = "" if m["balance_days"] is None else str(m["balance_days"])
        table.add_row(str(m["month"]), str(m["working_days"]), f"{m['hours']:g}", balance)
    table.add_row("", str(sum(m["working_days"] for m in months)), f"{sum(m['hours'] for m in months):g}", "")
    out.print(table)
    for m in months:
        if m["difference"]:
            out.print(f"{m['month']}: {m['difference']}")
    listing = Table(title=t("calendar_days_title", lang))
    for header in ("calendar_date", "calendar_kind", "calendar_holiday"):
        listing.add_column(t(header, lang))
    for d in days:
        listing.add_row(d["date"], t(f"calendar_kind_{d['kind']}", lang), d["holiday"] or "")
    out.print(listing)
    out.print(t("calendar_source", lang, library=calendar.source, balance=source["balance"] or "—"))
