"""The calendar command: the official working-time calendar of a year, month by month, beside the
Ministry's balance, and the days that are not what their weekday makes them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from labourwatch.cli.common import _lang, cli, lang_option, out, print_note, print_tables
from labourwatch.i18n import t

if TYPE_CHECKING:
    from labourwatch.presentation.tables import Value

#: packs.calendar.WEEKS, written out so that the command line does not load the calendar to start
WEEKS = ("five_day", "six_day")


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
    from labourwatch.core.types import pick
    from labourwatch.packs.calendar import KIND_NAMES, load_calendar
    from labourwatch.presentation.tables import Column, Grid, Shown

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
    month_columns = [
        Column("month", t("calendar_month", lang), kind="number"),
        Column("working_days", t("calendar_days", lang), kind="number"),
        Column("hours", t("calendar_hours", lang), kind="number"),
        Column("balance_days", t("calendar_balance", lang), kind="number"),
    ]
    rows: list[list[Value]] = [[m["month"], m["working_days"], m["hours"], m["balance_days"]] for m in months]
    total = [Shown(t("total", lang), "total"), sum(m["working_days"] for m in months), sum(m["hours"] for m in months)]
    rows.append([*total, ""])
    title = t("calendar_title", lang, year=year, norm=weekly_norm, week=t(f"calendar_{week}", lang))
    print_tables(lang, Grid(month_columns, rows, title, strong=frozenset({12})))
    for m in months:
        if m["difference"]:
            print_note(f"{m['month']}: {m['difference']}")
    day_columns = [
        Column("date", t("calendar_date", lang), kind="key"),
        Column("kind", t("calendar_kind", lang)),
        Column("holiday", t("calendar_holiday", lang)),
    ]
    listed = [(d["date"], Shown(t(f"calendar_kind_{d['kind']}", lang), d["kind"]), d["holiday"] or "") for d in days]
    print_tables(lang, Grid(day_columns, listed, t("calendar_days_title", lang)))
    print_note(t("calendar_source", lang, library=calendar.source, balance=source["balance"] or "—"))
