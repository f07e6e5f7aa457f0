"""Money owed for a work period, under the law in force on each day of it.

A period is split at every month and at every change of the law's values; each part is judged by the
`kz-arrears` pack under the law of its first day, like any record; the parts are then summed per
period. The split and the sums are vectorised (NumPy and Arrow), so a table of a million claims costs
two assessments, not a million.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.columns import MONTH_WORKING_DAYS, REFERENCE_DATE, ROW
from labourwatch.core.errors import DataError, Message, Problem
from labourwatch.core.timeline import Timeline
from labourwatch.core.values import as_text
from labourwatch.io.formulas import defuse_csv
from labourwatch.io.readers import open_source
from labourwatch.services import assessment
from labourwatch.services.calendar import CALENDAR_COLUMNS, official_source, part_columns, weekday_masks
from labourwatch.services.files import refuse_overwriting, write_whole
from labourwatch.services.rates import load_rates
from labourwatch.services.request import Request

PACK = "kz-arrears"
AMOUNTS = (
    "due_agreed_pay",
    "due_minimum_wage_shortfall",
    "due_overtime",
    "due_rest_day_holiday",
    "due_night",
    "due_unused_leave",
    "due_total",
    "deducted_over_limit",
)
TIME_LIMITS = ("due_at_risk", "due_time_barred")  # what the time limits of the day of the claim put at risk
PENALTY = "late_pay_penalty"  # for the pay still owed, from the day after payday to the day of the claim
HOURS = ("normal_hours", "overtime_hours", "rest_day_holiday_hours", "night_hours")
LAW = (
    ("kz-labour", "wages.mzp"),
    ("kz-labour", "wages.avg_monthly_hours"),
    ("kz-labour", "hours.weekly_norm"),
    ("kz-labour", "overtime.premium"),
    ("kz-labour", "premiums.rest_day_holiday"),
    ("kz-labour", "premiums.night"),
    ("kz-labour", "pay.deduction_cap"),
    ("kz-labour", "leave.annual_days"),
)
EXCHANGE_RATE = "exchange_rate"  # tenge for a unit of the pay's currency on a part's last day
PART = "claim_part"  # the number of a part within its period
CLAIM_ROW = "claim_row"  # the row of the period in the input

# Law read at the day of the claim, not at a part's first day: its changes do not split a period.
WARNING_DAYS = ("kz-labour", "reading.limitation_warning_days")
AT_RISK_AFTER = ("kz-labour", "claims.limitation_years")
BARRED_AFTER = ("kz-labour", "claims.court_limitation_years_wages")
PENALTY_MULTIPLE = ("kz-labour", "pay.late_penalty_multiple")
NBK_RATE = ("kz-labour", "pay.nbk_rate")
READ_AT_CLAIM = frozenset({WARNING_DAYS, AT_RISK_AFTER, BARRED_AFTER, PENALTY_MULTIPLE, NBK_RATE})
PAYDAY = ("kz-labour", "pay.latest_payday_of_next_month")


@dataclass(frozen=True)
class Arrears:
    claims: pa.Table  # one row per period: the input's columns, the amounts, received and owed
    parts: pa.Table  # one row per part of a period, with its amounts and the law it was judged under
    timeline: Timeline
    provenance: dict[str, Any]
    base_rate: float | None = None  # the National Bank's rate given for the day of the claim, if any


def split_points(starts: np.ndarray, ends: np.ndarray, cuts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Split each period [start, end] (days, inclusive) at the cut days inside it: returns, one entry per
    part, the index of its period, its first and its last day. `cuts` is sorted."""
    first = np.searchsorted(cuts, starts, side="right")  # the first cut after the start
    last = np.searchsorted(cuts, ends, side="right")  # cuts up to and including the end
    counts = last - first + 1
    owner = np.repeat(np.arange(len(starts)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)  # part number in its period
    cut_index = np.repeat(first, counts) + k - 1
    part_start = np.where(k == 0, starts[owner], cuts[np.clip(cut_index, 0, max(len(cuts) - 1, 0))])
    is_last = k == counts[owner] - 1
    next_cut = cuts[np.clip(cut_index + 1, 0, max(len(cuts) - 1, 0))]
    part_end = np.where(is_last, ends[owner], next_cut - np.timedelta64(1, "D"))
    return owner, part_start, part_end, k


def cut_days(timeline: Timeline, lo: date, hi: date) -> np.ndarray:
    """The first day of every month from lo to hi, and every day the law of a part changes."""
    months = np.arange(np.datetime64(lo, "M"), np.datetime64(hi, "M") + 1, dtype="datetime64[M]")
    pairs = zip(timeline.intervals, timeline.intervals[1:], strict=False)
    changes = [b.start for a, b in pairs if any(a.value(k) != b.value(k) for k in b.values if k not in READ_AT_CLAIM)]
    law = np.array(changes, dtype="datetime64[D]")
    return np.unique(np.concatenate([months.astype("datetime64[D]"), law]))


# The answers of a survey or case that make a claim, and those it cannot be computed without (the days
# worked come from any one of three).
CLAIM_FIELDS = ("period_start", "period_end", "hours_per_day", "rest_days_per_week", "work_weekdays", "days_worked",
                "rest_days_worked", "holidays_worked", "night_hours_per_day", "leave_days_taken", "agreed_pay",
                "agreed_pay_per", "pay_currency", "pay_received", "deductions", "claim_date")  # fmt: skip
CLAIM_NEEDS = ("period_start", "period_end", "hours_per_day", "agreed_pay", "agreed_pay_per", "pay_currency")
DAYS_FROM = ("rest_days_per_week", "work_weekdays", "days_worked")


def claim_fields(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers that make a claim (those given)."""
    return {k: answers[k] for k in CLAIM_FIELDS if answers.get(k) is not None}


def claim_gaps(answers: dict[str, Any]) -> list[str]:
    """The answers a claim cannot be computed without that are not given; "a / b / c" when any one of
    them would do."""
    gaps = [k for k in CLAIM_NEEDS if answers.get(k) is None]
    if all(answers.get(k) is None for k in DAYS_FROM):
        gaps.append(" / ".join(DAYS_FROM))
    return gaps


CHUNK = 50_000  # periods split and assessed at a time: memory stays bounded whatever the input's size


def arrears(
    data: Any,
    *,
    claim_date: date | None = None,
    base_rate: float | None = None,
    rates: Path | None = None,
    verified_only: bool = False,
    encoding: str | None = None,
    lang: str = "en",
    keep_parts: bool = True,
) -> Arrears:
    """What is owed for each work period in `data` (one row per period: id, period_start, period_end,
    hours_per_day, rest_days_per_week or days_worked, holidays_worked, agreed_pay, agreed_pay_per,
    pay_currency, pay_received, deductions, claim_date). A period without a claim_date is claimed on
    `claim_date` (today by default): the time limits of that day say what is at risk, and the penalty
    for late pay runs to it, at the National Bank's rate of that day (`base_rate`, % a year, where the
    law's table does not hold it). Pay in another currency is converted at the National Bank's rate of
    each part's last day (pay received and deductions at that of the period's last day): the shipped
    rates and `rates`, a CSV of the same columns. `keep_parts=False` drops the parts (for large tables)."""
    source = open_source(data, encoding=encoding, lang=lang)
    raw = source.open().read_all().drop_columns([ROW])
    typed = assessment.typed(data, require_date=False, encoding=encoding, lang=lang)  # errors name the input's rows
    starts, ends = _period(typed, source, lang)
    claimed = _claim_dates(typed, claim_date or date.today())
    exchange = load_rates(rates)
    currency = _text(typed, "pay_currency")
    in_tenge = exchange.lookup(currency, ends)  # tenge for a unit of the pay's currency on the last day
    received = _number(typed, "pay_received", typed.num_rows).to_numpy(zero_copy_only=False) * in_tenge
    got = pa.array(received, mask=np.isnan(received))
    masks = weekday_masks(typed)
    request = Request(packs=[PACK], verified_only=verified_only, lang=lang)
    plan = assessment.prepare(raw.slice(0, 0), request)
    cuts = cut_days(plan.timeline, starts.min().astype(date), ends.max().astype(date))
    claims, parts, provenance = [], [], {}
    for lo in range(0, raw.num_rows, CHUNK):  # a loop over chunks of 50,000 periods, not over periods
        n = min(CHUNK, raw.num_rows - lo)
        owner, part_start, part_end, k = split_points(starts[lo : lo + n], ends[lo : lo + n], cuts)
        parts_in = _parts_input(raw.slice(lo, n), owner, part_start, part_end, k, first_row=lo + 1)
        for name, column in part_columns(part_start, part_end, masks[lo : lo + n][owner]).items():
            parts_in = parts_in.append_column(name, column)
        part_rate = exchange.lookup(currency[lo : lo + n][owner], part_end)
        parts_in = parts_in.append_column(EXCHANGE_RATE, pa.array(part_rate, mask=np.isnan(part_rate)))
        assessed = assessment.assess(parts_in, request)
        rows = assessed.table.column(CLAIM_ROW).to_numpy() - 1  # the assessment need not keep the parts' order
        table = assessed.table.append_column("claim_date", pa.array(claimed[rows]))
        part = _PartFacts.of(table, plan.timeline)
        table = _time_limits(table, part, plan.timeline)
        table = _late_penalty(table, part, plan.timeline, received[rows], base_rate)
        claims.append(_claims(raw.slice(lo, n), got.slice(lo, n), table))
        parts += [table] if keep_parts else []
        provenance = {**assessed.provenance, "calendar": official_source(), "exchange_rates": list(exchange.sources)}
    all_parts = pa.concat_tables(parts) if parts else pa.table({})
    return Arrears(pa.concat_tables(claims), all_parts, plan.timeline, provenance, base_rate)


def _period(typed: pa.Table, source: Any, lang: str) -> tuple[np.ndarray, np.ndarray]:
    starts = typed.column("period_start") if "period_start" in typed.column_names else None
    ends = typed.column("period_end") if "period_end" in typed.column_names else None
    if starts is None or ends is None:
        missing = "period_start" if starts is None else "period_end"
        raise DataError(source, [Problem(None, missing, None, Message("claim_needs_period"))], 1, lang=lang)
    problems = []
    for name, col in (("period_start", starts), ("period_end", ends)):
        for row in pc.indices_nonzero(pc.is_null(col)).to_pylist():
            problems.append(Problem(row + 1, name, None, Message("claim_needs_period")))
    if not problems:
        backwards = pc.indices_nonzero(pc.less(ends, starts)).to_pylist()
        problems = [Problem(r + 1, "period_end", str(ends[r]), Message("claim_period_backwards")) for r in backwards]
    if problems:
        raise DataError(source, problems, len(problems), lang=lang)
    as_days = (starts.to_numpy().astype("datetime64[D]"), ends.to_numpy().astype("datetime64[D]"))
    _refuse_days_beyond_period(typed, (as_days[1] - as_days[0]).astype(np.int64) + 1, source, lang)
    return as_days


def _refuse_days_beyond_period(typed: pa.Table, days: np.ndarray, source: Any, lang: str) -> None:
    """400 days worked in a 31-day period is a typing error, never a claim to compute."""
    problems = []
    for name in ("days_worked", "rest_days_worked", "holidays_worked"):
        if name in typed.column_names:
            counts = typed.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
            for row in np.flatnonzero(counts > days):  # NaN (not given) compares false
                value = f"{counts[row]:g}"
                problems.append(
                    Problem(int(row) + 1, name, value, Message("days_beyond_period", {"days": int(days[row])}))
                )
    if problems:
        problems.sort(key=lambda q: q.row or 0)
        raise DataError(source, problems[:1000], len(problems), lang=lang)


def _parts_input(
    raw: pa.Table, owner: np.ndarray, part_start: np.ndarray, part_end: np.ndarray, k: np.ndarray, first_row: int
) -> pa.Table:
    set_here = (REFERENCE_DATE, "segment_end", "claim_date", EXCHANGE_RATE, MONTH_WORKING_DAYS, *CALENDAR_COLUMNS)
    table = raw.drop_columns([c for c in set_here if c in raw.column_names])
    table = table.take(pa.array(owner))
    ids = pc.binary_join_element_wise(
        pc.cast(table.column("id"), pa.string()), pc.cast(pa.array(k + 1), pa.string()), "#"
    )
    table = table.set_column(table.column_names.index("id"), "id", ids)
    return (
        table.append_column(REFERENCE_DATE, pa.array(part_start.astype("datetime64[D]")))  # date32: read as is
        .append_column("segment_end", pa.array(part_end.astype("datetime64[D]")))
        .append_column(CLAIM_ROW, pa.array(owner + first_row, pa.int64()))
        .append_column(PART, pa.array(k + 1, pa.int64()))
    )


def _claims(raw: pa.Table, received: pa.Array, parts: pa.Table) -> pa.Table:
    """Sum the parts per period: a sum is unknown when any part's amount is unknown. `received`: the
    pay received, in tenge."""
    summed = (*AMOUNTS, *TIME_LIMITS, PENALTY, *HOURS)
    grouped = parts.group_by(CLAIM_ROW, use_threads=False).aggregate(
        [(c, "sum", pc.ScalarAggregateOptions(skip_nulls=False)) for c in summed]
        + [(PART, "count"), ("claim_date", "min")]
    )
    order = pc.sort_indices(grouped, [(CLAIM_ROW, "ascending")])
    grouped = grouped.take(order)
    out = raw.drop_columns([c for c in ("claim_date",) if c in raw.column_names])
    for c in (*HOURS, *AMOUNTS, *TIME_LIMITS, PENALTY):
        out = out.append_column(c, grouped.column(f"{c}_sum"))
    out = out.append_column("claim_date", grouped.column("claim_date_min"))
    out = out.append_column("parts", grouped.column(f"{PART}_count"))
    owed = pc.max_element_wise(pc.subtract(out.column("due_total"), received), pa.scalar(0.0), skip_nulls=False)
    return out.append_column("received", received).append_column("owed", owed)


def _claim_dates(typed: pa.Table, default: date) -> np.ndarray:
    """The day each period is claimed: its claim_date, else the default."""
    days = np.full(typed.num_rows, np.datetime64(default, "D"))
    if "claim_date" in typed.column_names:
        given = typed.column("claim_date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
        days = np.where(np.isnat(given), days, given)
    return days


@dataclass(frozen=True)
class _PartFacts:
    """What the time limits and the penalty read of each part, taken from the table once."""

    claimed: np.ndarray  # the day of the claim (datetime64[D])
    ended: np.ndarray  # the part's last day
    due: np.ndarray  # its total due (NaN when unknown)
    payday: np.ndarray  # the latest payday of the next month under the part's law (NaN when not known)

    @classmethod
    def of(cls, parts: pa.Table, timeline: Timeline) -> _PartFacts:
        def days(name: str) -> np.ndarray:
            return np.asarray(parts.column(name).to_numpy(zero_copy_only=False), dtype="datetime64[D]")

        due = parts.column("due_total").to_numpy(zero_copy_only=False).astype(np.float64)
        return cls(days("claim_date"), days("segment_end"), due, _law_on(timeline, days(REFERENCE_DATE), PAYDAY))


def _time_limits(parts: pa.Table, part: _PartFacts, timeline: Timeline) -> pa.Table:
    """For each part, its amount due when the time limits of the day of the claim put it at risk or bar it.
    The worker knows of unpaid pay on payday, which lies between the part's last day and the payday of the
    next month (the 10th since 2016; the month's end is assumed where the law is not known), so the time
    runs out between the part's last day + the years of the limit and that payday + the years (counted as
    366 days): barred only after the latest, at risk from the warning days before the earliest. Law read at
    the day of the claim (the time limits) and at the part's first day (the payday), once per distinct day."""
    risk_years = _law_on(timeline, part.claimed, AT_RISK_AFTER)
    barred_years = _law_on(timeline, part.claimed, BARRED_AFTER)
    warning = float(timeline.readings[WARNING_DAYS])
    days = (part.claimed - part.ended).astype(np.int64)
    barred = days > barred_years * 366 + 31 + np.nan_to_num(part.payday, nan=31.0)  # NaN years: never ...
    at_risk = days >= risk_years * 365 - warning
    known = ~np.isnan(risk_years) & ~np.isnan(barred_years)  # ... surely barred, but unknown
    due = part.due
    mask = ~known | np.isnan(due)
    at_risk_due = pa.array(np.where(at_risk & ~barred, due, 0.0), mask=mask)
    barred_due = pa.array(np.where(barred, due, 0.0), mask=mask)
    return parts.append_column("due_at_risk", at_risk_due).append_column("due_time_barred", barred_due)


def _late_penalty(
    parts: pa.Table, part: _PartFacts, timeline: Timeline, received: np.ndarray, base_rate: float | None
) -> pa.Table:
    """The penalty for the pay of each part still owed (2015 Code art. 113(3)): the pay received settles
    the oldest parts first, so what is owed is the latest pay, late the fewest days; it runs from the day
    after the latest payday (the 10th of the next month since 2016, the next month's end before) to the
    day of the claim, at the multiple and the National Bank's rate of that day, a year's rate over 365
    days. `received` is the period's pay received, for each part."""
    claimed, due = part.claimed, part.due
    owner = parts.column(CLAIM_ROW).to_numpy()
    order = np.lexsort((parts.column(PART).to_numpy(), owner))  # each period's parts in time order
    cumulative = np.empty_like(due)
    sums = np.cumsum(np.nan_to_num(due[order]))
    first = np.r_[True, owner[order][1:] != owner[order][:-1]]
    starts = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    cumulative[order] = sums - np.r_[0.0, sums][starts]  # the period's due up to and with this part
    owed = np.clip(cumulative - received, 0.0, due)
    next_month = part.ended.astype("datetime64[M]") + 1
    latest = np.where(
        np.isnan(part.payday),
        (next_month + 1).astype("datetime64[D]") - 1,
        next_month.astype("datetime64[D]") + np.nan_to_num(part.payday).astype(np.int64) - 1,
    )
    late_days = np.maximum((claimed - latest).astype(np.int64), 0)
    rate = (
        np.full(len(due), base_rate, dtype=np.float64)
        if base_rate is not None
        else _law_on(timeline, claimed, NBK_RATE)
    )
    penalty = owed * _law_on(timeline, claimed, PENALTY_MULTIPLE) * rate / 100 * late_days / 365
    penalty = np.where((owed == 0) | (late_days == 0), 0.0, penalty)  # nothing late: no rate needed
    nan = np.isnan(penalty)
    return (
        parts.append_column(PENALTY, pa.array(penalty, mask=nan))
        .append_column("part_paid", pa.array(due - owed, mask=np.isnan(due)))
        .append_column("part_owed", pa.array(owed, mask=np.isnan(due)))
    )


def _law_on(timeline: Timeline, days: np.ndarray, key: tuple[str, str]) -> np.ndarray:
    """A law value for each day (NaN where not known), looked up once per distinct day."""
    distinct, index = np.unique(days, return_inverse=True)
    values = []
    for day in distinct.astype(object):
        interval = timeline.interval_for(day)
        found = interval.value(key) if interval else None
        values.append(np.nan if found is None or found.value is None else float(found.value))
    return np.asarray(values, dtype=np.float64)[index]


def _text(typed: pa.Table, name: str) -> np.ndarray:
    if name not in typed.column_names:
        return np.full(typed.num_rows, "", dtype=object)
    return np.asarray(pc.fill_null(pc.cast(typed.column(name), pa.string()), "").to_numpy(zero_copy_only=False))


def _number(typed: pa.Table, name: str, rows: int) -> pa.Array:
    if name in typed.column_names:
        return pc.cast(typed.column(name), pa.float64()).combine_chunks()
    return pa.nulls(rows, pa.float64())


def write_claims(result: Arrears, output: Path, *, source: Any = None) -> Path:
    """One row per work period, as CSV or as Parquet with the provenance in its metadata, amounts to the
    tiyn (in_tiyn); whole or not at all, and never over the input (`source`)."""
    refuse_overwriting(output, source)
    if output.suffix.lower() == ".csv":
        claims, _ = defuse_csv(in_tiyn(result.claims))  # ids and free texts a spreadsheet would run
        return write_whole(output, lambda tmp: pacsv.write_csv(claims, tmp))
    table = in_tiyn(result.claims).replace_schema_metadata({"labourwatch": json.dumps(result.provenance)})
    return write_whole(output, lambda tmp: pq.write_table(table, tmp))


MONEY = (*AMOUNTS, *TIME_LIMITS, PENALTY, "received", "owed")  # tenge, computed as floats
TIYN = pa.decimal128(38, 2)


def in_tiyn(claims: pa.Table) -> pa.Table:
    """The claims with every amount an exact decimal of tenge and tiyn, for output only (the sums are
    computed unrounded). Each float is read as the shortest decimal that gives it back, then rounded
    half up (away from zero) to the tiyn: 1.005 becomes 1.01, as an accountant rounds the written number,
    not 1.00 as the binary 1.00499... would. Digits past the tenth decimal are dropped first: they cannot
    move a number across a half tiyn."""
    exact = pa.decimal128(38, 10)
    for name in MONEY:
        if name not in claims.column_names:
            continue
        written = pc.cast(
            pc.cast(claims.column(name), pa.string()), options=pc.CastOptions(exact, allow_decimal_truncate=True)
        )
        tiyn = pc.cast(pc.round(written, ndigits=2, round_mode="half_towards_infinity"), TIYN)
        claims = claims.set_column(claims.column_names.index(name), name, tiyn)
    return claims


def law_of_parts(result: Arrears) -> list[dict[str, Any]]:
    """For each part (in order): its dates and the law values used, with their references."""
    out = []
    for part in result.parts.to_pylist():
        interval = result.timeline.interval_for(date.fromisoformat(str(part[REFERENCE_DATE])))
        values = {key: interval.value(key) if interval else None for key in LAW}
        out.append({**part, "law": values, "acts": interval.acts if interval else ()})
    return out


def claim_table(fields: dict[str, Any], record_id: str = "claim") -> pa.Table:
    """One claim from keyword values (the CLI's flags or a YAML/JSON file), as the calculator's input."""
    row = {"id": record_id, **{k: v for k, v in fields.items() if v is not None}}
    return pa.table({k: pa.array([as_text(v)], pa.string()) for k, v in row.items()})
