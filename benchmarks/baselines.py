"""Vectorised baselines: the findings of kz-labour and kz-migration that `case_naive` of bench_assess.py
computes row by row, written as a competent analyst would with pandas and with Polars.

Both give the same 15 columns as `case_naive`, value for value (True, False or unknown), with the same
readings: the law in force at each record's reference date (None before a value's first start), the
month's working days of the official calendar, the days-per-week fallbacks and the codes that mean "no
answer". Each case imports its library itself, so that a fresh process times the import as well.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

# The law the findings read, by short name: numbers, a yes/no, and lists of citizenships.
NUMBERS = {
    "norm": ("kz-labour", "hours.weekly_norm"),
    "days_per_week": ("kz-labour", "hours.days_per_week"),
    "norm_16_18": ("kz-labour", "hours.weekly_norm_age_16_18"),
    "norm_14_16": ("kz-labour", "hours.weekly_norm_age_14_16"),
    "norm_hazardous": ("kz-labour", "hours.weekly_norm_hazardous"),
    "six_norm": ("kz-labour", "hours.daily_norm_six_day"),
    "six_reduced": ("kz-labour", "hours.daily_norm_six_day_reduced"),
    "shift_max": ("kz-labour", "hours.shift_max"),
    "cap": ("kz-labour", "overtime.daily_cap"),
    "cap_hazardous": ("kz-labour", "overtime.daily_cap_hazardous"),
    "monthly_cap": ("kz-labour", "overtime.monthly_cap"),
    "yearly_cap": ("kz-labour", "overtime.yearly_cap"),
    "avg": ("kz-labour", "wages.avg_monthly_hours"),  # the lowest plausible (or verified) divisor
    "avg_max": ("kz-labour", "wages.avg_monthly_hours_max"),
    "mzp": ("kz-labour", "wages.mzp"),
    "usual_days": ("kz-labour", "reading.full_month_days"),
    "deadline": ("kz-migration", "registration.deadline_days"),
    "extended_deadline": ("kz-migration", "registration.extended_deadline_days"),
    "stay_limit": ("kz-migration", "stay.limit_days"),
    "stay_limit_eaeu": ("kz-migration", "stay.limit_days_eaeu"),
}
FLAGS = {"minors_barred": ("kz-labour", "overtime.minors_barred")}
LISTS = {
    "eaeu_members": ("kz-migration", "work.eaeu_members"),
    "extended_countries": ("kz-migration", "registration.extended_deadline_countries"),
}


def law_by_start() -> tuple[list[date], dict[str, list[Any]]]:
    """The dates on which any of the law above changes, and its values from each (None: no value yet)."""
    from labourwatch.packs import load_packs

    params = {(p.id, name): param for p in load_packs() for name, param in p.parameters.items()}
    chosen = {key: params[ref] for key, ref in {**NUMBERS, **FLAGS, **LISTS}.items()}
    starts = sorted({v.start for param in chosen.values() for v in param.values})
    values = {key: [None if (v := param.at(s)) is None else v.value for s in starts] for key, param in chosen.items()}
    return starts, values


def month_working_days() -> tuple[int, list[float]]:
    """The official calendar's working days of each month: its first year, then January of it onwards."""
    from labourwatch.core.columns import MONTH_WORKING_DAYS
    from labourwatch.packs import load_packs

    series = next(p.by_month[MONTH_WORKING_DAYS] for p in load_packs() if MONTH_WORKING_DAYS in p.by_month)
    return series.first_year, list(series.values)


def shared_findings(v: dict[str, Any], band: Any, pick: Any, either: Any) -> dict[str, Any]:
    """The findings written alike in pandas and Polars (the same operators on a Series and on an
    expression, and each library's own `band`, `pick` and `either`): `v` holds the columns they read."""
    lawful_shift, hours, daily, hazardous, six = v["lawful_shift"], v["hours"], v["daily"], v["hazardous"], v["six"]
    under18, under16, minor, child, haz = v["under18"], v["under16"], v["minor"], v["child"], v["haz"]
    six_norm, six_reduced, six_child, cap, cap_haz = (
        v[k] for k in ("six_norm", "six_reduced", "six_child", "cap", "cap_haz")
    )
    weekly, weekly_most, norm, rest, written = v["weekly"], v["weekly_most"], v["norm"], v["rest"], v["written"]
    overtime, overtime_least, months, months_most = v["overtime"], v["overtime_least"], v["months"], v["months_most"]
    return {
        "hours_over_daily_norm": ~lawful_shift
        & (
            (hours > daily)
            | (under18 & (hours > minor))
            | (under16 & (hours > child))
            | (hazardous & (hours > haz))
            | (six & (hours > six_norm))
            | (six & (under18 | hazardous) & (hours > six_reduced))
            | (six & under16 & (hours > six_child))
        ),
        "hours_over_weekly_norm": band(
            (weekly > norm)
            | (under18 & (weekly > minor * 5))
            | (under16 & (weekly > child * 5))
            | (hazardous & (weekly > haz * 5)),
            (weekly_most > norm)
            | (under18 & (weekly_most > minor * 5))
            | (under16 & (weekly_most > child * 5))
            | (hazardous & (weekly_most > haz * 5)),
        ),
        "overtime_over_daily_cap": ~lawful_shift
        & (
            (hours > daily + cap)
            | (hazardous & (hours > haz + cap_haz))
            | (six & (hours > six_norm + cap))
            | (six & hazardous & (hours > six_reduced + cap_haz))
        ),
        "no_weekly_rest_day": either(rest < 1, v["days_week_rest"]),
        "no_written_contract": ~written,
        "stay_over_limit": (v["since"] > v["stay_limit"]) & ~(v["eaeu"] & written) & v["no_permit"],
        "fewer_rest_days_than_five_day_week": either(rest < 2, v["days_five_day"]),
        "overtime_over_monthly_cap": band(overtime_least > v["monthly_cap"], overtime > v["monthly_cap"]),
        "overtime_over_yearly_cap": pick(
            overtime > 0,
            band(
                (overtime_least > v["yearly_cap"]) | (overtime_least * months > v["yearly_cap"]),
                (overtime > v["yearly_cap"]) | (overtime * months_most > v["yearly_cap"]),
            ),
            False,
        ),
        "overtime_by_minor": v["minors_barred"]
        & under18
        & (
            (hours > minor)
            | (under16 & (hours > child))
            | (six & (hours > six_reduced))
            | (six & under16 & (hours > six_child))
        ),
    }


# --- pandas ------------------------------------------------------------------------------------------


def case_pandas(src: Path, out: Path) -> int:
    """The findings with pandas, vectorised. Nullable dtypes carry the unknowns (`boolean` & and | are
    Kleene's, `Float64` arithmetic and comparisons propagate <NA>); the law in force is found by a binary
    search of its start dates."""
    import numpy as np
    import pandas as pd

    frame = pd.read_parquet(src, dtype_backend="numpy_nullable")
    index = frame.index

    def column(name: str, dtype: str) -> pd.Series:
        """An input column (nullable); all unknown when the file lacks it."""
        return frame[name] if name in frame else pd.Series(pd.NA, index=index, dtype=dtype)

    def certainly(cond: pd.Series) -> np.ndarray:
        """Where the condition is known to hold."""
        return cond.astype("boolean").to_numpy(dtype=bool, na_value=False)

    def truthy(x: pd.Series) -> np.ndarray:
        """Python's `if x`: known and not zero."""
        return certainly(x != 0)

    def pick(cond: pd.Series, yes: pd.Series | float | bool, no: pd.Series | float | bool) -> pd.Series:
        """`yes` where cond holds, `no` where it does not, unknown where cond is unknown."""
        if not isinstance(yes, pd.Series):  # a constant, in the other's dtype
            yes = pd.Series(yes, index=index, dtype=no.dtype)
        return yes.where(certainly(cond), no).mask(cond.isna())

    def band(certain: pd.Series, possible: pd.Series) -> pd.Series:
        """Yes when certain, no only when not even possible, else unknown."""
        return certain | (possible & pd.NA)

    def either(a: pd.Series, b: pd.Series) -> pd.Series:
        """Either answer shows it; when one was not given, the other decides."""
        return a.fillna(b) | b.fillna(a)

    def is_(answer: pd.Series, code: str, unknown: str | None = None) -> pd.Series:
        """The answer is `code`; unknown when not given or given as the `unknown` code."""
        found = (answer == code).astype("boolean")
        return found if unknown is None else found.mask(certainly(answer == unknown))

    def largest(a: pd.Series, b: pd.Series) -> pd.Series:
        """The larger of two numbers, unknown when either is."""
        return a.where(certainly(a >= b), b).mask(a.isna() | b.isna())

    def smallest(a: pd.Series, b: pd.Series) -> pd.Series:
        """The smaller of two numbers, unknown when either is."""
        return a.where(certainly(a <= b), b).mask(a.isna() | b.isna())

    def member(country: pd.Series, lists: list[Any], row: np.ndarray) -> pd.Series:
        """Whether the country is in the list of the law row in force; the list changes with the date, so
        each distinct list is compared with the records of the rows that carry it."""
        inside, known = np.zeros(len(country), bool), np.zeros(len(country), bool)
        for members in {v for v in lists if v is not None}:
            rows = np.isin(row, [i for i, v in enumerate(lists) if v == members])
            known |= rows
            inside |= rows & country.isin(members).to_numpy(dtype=bool)
        return pd.Series(inside, index=index, dtype="boolean").mask(~known | country.isna())

    # The law in force: row 0 of the table is "before any start" (all unknown).
    starts, values = law_by_start()
    ref = pd.to_datetime(frame["reference_date"]).to_numpy("datetime64[D]")
    row = np.searchsorted(np.array(starts, dtype="datetime64[D]"), ref, side="right")
    table = pd.DataFrame(
        {k: pd.array([None, *values[k]], dtype="Float64") for k in NUMBERS}
        | {k: pd.array([None, *values[k]], dtype="boolean") for k in FLAGS}
    )
    law = table.iloc[row].set_axis(index)

    # The month's working days from the calendar, unknown outside it.
    first_year, month_days = month_working_days()
    month = ref.astype("datetime64[M]").astype(np.int64) - (first_year - 1970) * 12
    covered = (month >= 0) & (month < len(month_days))
    calendar_days = np.where(covered, np.array(month_days)[np.clip(month, 0, len(month_days) - 1)], np.nan)
    calendar = pd.Series(calendar_days, index=index, dtype="Float64")

    hours, days = column("hours_per_day", "Float64"), column("days_per_month", "Float64")
    rest, age = column("rest_days_per_week", "Float64"), column("age", "Float64")
    hazardous = column("hazardous_work", "boolean")
    norm, dpw, avg, avg_max = law["norm"], law["days_per_week"], law["avg"], law["avg_max"]
    daily = (norm / dpw).where(truthy(norm) & truthy(dpw))
    minor = law["norm_16_18"].fillna(0) / 5
    child = law["norm_14_16"].fillna(0) / 5
    haz = law["norm_hazardous"].fillna(0) / 5
    cap, cap_haz = law["cap"], law["cap_hazardous"]
    six_norm, six_reduced = law["six_norm"], law["six_reduced"]
    six_child = law["norm_14_16"].fillna(0) / 6
    under18, under16 = age < 18, age < 16
    days_week = (7 - rest).fillna(days / 4.348)
    weekly = hours * days_week
    month_days_worked = days.fillna((7 - rest) * 4.348)
    monthly = hours * month_days_worked
    days_week_most = (7 - rest).fillna(days * norm / avg)
    weekly_most = hours * days_week_most
    six = band(days_week >= 6, days_week_most >= 6)
    lawful_shift = column("shift_work", "boolean") & (law["shift_max"] >= hours) & (age >= 18)
    by_day = pick(lawful_shift, 0.0, ((hours - daily).clip(lower=0) * days).fillna(0))
    mzp, pay = law["mzp"], column("monthly_pay", "Float64")
    kzt = is_(column("pay_currency", "string"), "KZT")
    written = column("written_contract", "boolean")
    entry = pd.to_datetime(column("entry_date", "object"))
    since = pd.Series(ref - entry.to_numpy("datetime64[D]"), index=index).dt.days.astype("Float64")
    overtime = largest((monthly - avg).clip(lower=0), by_day)
    overtime_least = largest((monthly - avg_max).clip(lower=0), by_day)
    months, months_most = (since / 30.4375).clip(upper=12), (since / 28).clip(upper=12)
    monthly_cap, yearly_cap = law["monthly_cap"], law["yearly_cap"]
    hourly = (pay / monthly).where(certainly(kzt) & truthy(monthly))
    own = pick(under16, child * 5, pick(under18, minor * 5, pick(hazardous, haz * 5, norm)))
    usual = law["usual_days"]
    norm_days = smallest(usual, calendar.where(truthy(calendar), usual))  # at most the reading
    full = (
        (weekly >= norm)
        | (monthly >= daily * norm_days)
        | (weekly >= own)
        | (monthly >= (own / dpw * norm_days).where(truthy(dpw)))
    )
    days_week_rest = (days >= 28).mask(certainly((days >= 27) & (days < 28)))
    days_five_day = (days > 23).mask(certainly((days >= 22) & (days <= 23)))
    citizenship = column("citizenship", "string")
    eaeu = member(citizenship, [None, *values["eaeu_members"]], row)
    extended = member(citizenship, [None, *values["extended_countries"]], row)
    deadline = pick(extended, law["extended_deadline"], law["deadline"])
    stay_limit = pick(eaeu, law["stay_limit_eaeu"], law["stay_limit"])
    no_permit = ~is_(column("work_permit_own", "string"), "yes", unknown="dont_know")

    minors_barred = law["minors_barred"]
    findings = {
        **shared_findings(locals(), band, pick, either),
        "monthly_pay_below_minimum_wage": ((mzp > pay) & full).where(certainly(kzt)),
        "hourly_pay_below_floor": band(hourly < mzp / avg_max, hourly < mzp / avg).where(
            certainly(hourly.notna()) & truthy(avg) & truthy(avg_max)
        ),
        "registration_missing": is_(column("residence_registration", "string"), "no", unknown="hard_to_say")
        & (since > deadline),
        "no_migration_card": (age >= 16) & is_(column("migration_card", "string"), "no", unknown="hard_to_say"),
        "work_without_authorisation": ~is_(column("employer_type", "string"), "self_employed")
        & ~eaeu
        & is_(column("employer_licence", "string"), "no", unknown="dont_know")
        & no_permit,
    }
    result = pd.DataFrame(findings, index=index).astype("boolean")
    pd.concat([frame, result], axis=1).to_parquet(out)
    return len(frame)


# --- Polars ------------------------------------------------------------------------------------------


def case_polars(src: Path, out: Path) -> int:
    """The findings with Polars, lazily. Polars' & and | are Kleene's on nulls, but `pl.when` takes a null
    condition as false, hence `pick`. The law in force is an as-of join of each distinct reference date
    with the law's start dates, joined back to the records."""
    import polars as pl

    records = pl.scan_parquet(src)
    names = records.collect_schema().names()
    unknown = pl.lit(None, dtype=pl.Boolean)

    def column(name: str, dtype: type[pl.DataType]) -> pl.Expr:
        """An input column; all null when the file lacks it."""
        return pl.col(name) if name in names else pl.lit(None, dtype=dtype)

    def law(name: str) -> pl.Expr:
        return pl.col(f"law_{name}")

    def truthy(x: pl.Expr) -> pl.Expr:
        """Python's `if x`: known and not zero (never null)."""
        return x.fill_null(0) != 0

    def pick(cond: pl.Expr, yes: pl.Expr | float | bool, no: pl.Expr | float | bool) -> pl.Expr:
        """`yes` where cond holds, `no` where it does not, null where cond is null."""
        return pl.when(cond.is_null()).then(None).when(cond).then(yes).otherwise(no)

    def band(certain: pl.Expr, possible: pl.Expr) -> pl.Expr:
        """Yes when certain, no only when not even possible, else unknown."""
        return certain | (possible & unknown)

    def either(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        """Either answer shows it; when one was not given, the other decides."""
        return a.fill_null(b) | b.fill_null(a)

    def is_(answer: pl.Expr, code: str, unknown_code: str | None = None) -> pl.Expr:
        """The answer is `code`; null when not given or given as the `unknown_code`."""
        return answer == code if unknown_code is None else pl.when(answer != unknown_code).then(answer == code)

    def largest(*xs: pl.Expr) -> pl.Expr:
        """The largest value, null when any is (pl.max_horizontal would skip nulls)."""
        return pl.when(pl.any_horizontal(x.is_null() for x in xs)).then(None).otherwise(pl.max_horizontal(xs))

    def smallest(*xs: pl.Expr) -> pl.Expr:
        """The smallest value, null when any is."""
        return pl.when(pl.any_horizontal(x.is_null() for x in xs)).then(None).otherwise(pl.min_horizontal(xs))

    def member(country: pl.Expr, lists: pl.Expr) -> pl.Expr:
        """Whether the country is in the list in force (null when either is)."""
        return pl.when(country.is_not_null()).then(lists.list.contains(country))

    starts, values = law_by_start()
    table = pl.DataFrame(
        [pl.Series("start", starts, dtype=pl.Date)]
        + [pl.Series(f"law_{k}", values[k], dtype=pl.Float64, strict=False) for k in NUMBERS]
        + [pl.Series(f"law_{k}", values[k], dtype=pl.Boolean) for k in FLAGS]
        + [
            pl.Series(f"law_{k}", [None if v is None else list(v) for v in values[k]], dtype=pl.List(pl.String))
            for k in LISTS
        ]
    )
    first_year, month_days = month_working_days()
    calendar = pl.DataFrame(
        {"month": range(len(month_days)), "calendar_days": month_days}, schema_overrides={"month": pl.Int64}
    )
    ref = pl.col("reference_date")
    by_date = (
        records.select(ref.unique().sort())
        .join_asof(table.lazy(), left_on="reference_date", right_on="start", strategy="backward")
        .with_columns(month=((ref.dt.year() - first_year) * 12 + ref.dt.month() - 1).cast(pl.Int64))
        .join(calendar.lazy(), on="month", how="left")
        .drop("start", "month")
    )
    frame = records.join(by_date, on="reference_date", how="left", maintain_order="left")

    hours, days = column("hours_per_day", pl.Float64), column("days_per_month", pl.Float64)
    rest, age = column("rest_days_per_week", pl.Float64), column("age", pl.Float64)
    hazardous = column("hazardous_work", pl.Boolean)
    norm, dpw, avg, avg_max = law("norm"), law("days_per_week"), law("avg"), law("avg_max")
    daily = pl.when(truthy(norm) & truthy(dpw)).then(norm / dpw)
    minor = law("norm_16_18").fill_null(0) / 5
    child = law("norm_14_16").fill_null(0) / 5
    haz = law("norm_hazardous").fill_null(0) / 5
    cap, cap_haz = law("cap"), law("cap_hazardous")
    six_norm, six_reduced = law("six_norm"), law("six_reduced")
    six_child = law("norm_14_16").fill_null(0) / 6
    under18, under16 = age < 18, age < 16
    days_week = (7 - rest).fill_null(days / 4.348)
    weekly = hours * days_week
    monthly = hours * days.fill_null((7 - rest) * 4.348)
    days_week_most = (7 - rest).fill_null(days * norm / avg)
    weekly_most = hours * days_week_most
    six = band(days_week >= 6, days_week_most >= 6)
    lawful_shift = column("shift_work", pl.Boolean) & (law("shift_max") >= hours) & (age >= 18)
    by_day = pick(lawful_shift, 0.0, ((hours - daily).clip(lower_bound=0) * days).fill_null(0))
    mzp, pay = law("mzp"), column("monthly_pay", pl.Float64)
    kzt = column("pay_currency", pl.String) == "KZT"
    written = column("written_contract", pl.Boolean)
    since = (ref - column("entry_date", pl.Date)).dt.total_days()
    overtime = largest(monthly - avg, by_day, pl.lit(0.0))
    overtime_least = largest(monthly - avg_max, by_day, pl.lit(0.0))
    months, months_most = (since / 30.4375).clip(upper_bound=12), (since / 28).clip(upper_bound=12)
    monthly_cap, yearly_cap = law("monthly_cap"), law("yearly_cap")
    hourly = pl.when(kzt.fill_null(False) & truthy(monthly)).then(pay / monthly)
    own = pick(under16, child * 5, pick(under18, minor * 5, pick(hazardous, haz * 5, norm)))
    usual, calendar_days = law("usual_days"), pl.col("calendar_days")
    norm_days = smallest(usual, pl.when(truthy(calendar_days)).then(calendar_days).otherwise(usual))
    full = (
        (weekly >= norm)
        | (monthly >= daily * norm_days)
        | (weekly >= own)
        | (monthly >= pl.when(truthy(dpw)).then(own / dpw * norm_days))
    )
    days_week_rest = pl.when(days >= 28).then(True).when(days >= 27).then(None).otherwise(days >= 28)
    days_five_day = pl.when(days > 23).then(True).when(days >= 22).then(None).otherwise(days > 23)
    citizenship = column("citizenship", pl.String)
    eaeu = member(citizenship, law("eaeu_members"))
    deadline = pick(member(citizenship, law("extended_countries")), law("extended_deadline"), law("deadline"))
    stay_limit = pick(eaeu, law("stay_limit_eaeu"), law("stay_limit"))
    no_permit = ~is_(column("work_permit_own", pl.String), "yes", "dont_know")

    minors_barred = law("minors_barred")
    findings = {
        **shared_findings(locals(), band, pick, either),
        "monthly_pay_below_minimum_wage": pl.when(kzt.fill_null(False)).then((mzp > pay) & full),
        "hourly_pay_below_floor": pl.when(hourly.is_not_null() & truthy(avg) & truthy(avg_max)).then(
            band(hourly < mzp / avg_max, hourly < mzp / avg)
        ),
        "registration_missing": is_(column("residence_registration", pl.String), "no", "hard_to_say")
        & (since > deadline),
        "no_migration_card": (age >= 16) & is_(column("migration_card", pl.String), "no", "hard_to_say"),
        "work_without_authorisation": (column("employer_type", pl.String) != "self_employed")
        & ~eaeu
        & is_(column("employer_licence", pl.String), "no", "dont_know")
        & no_permit,
    }
    result = frame.select(*names, **{k: v.cast(pl.Boolean) for k, v in findings.items()}).collect()
    result.write_parquet(out)
    return result.height
