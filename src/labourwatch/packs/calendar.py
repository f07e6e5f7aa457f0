"""A jurisdiction's official working-time calendar: the kind of every day (working day, rest day, public
holiday) on the five-day and the six-day week, and the normal hours of a working day.

The days come from the `holidays` library (the field's standard: public holidays, their carrying over
and the days moved by decree, each with its act); a pack's `data/calendar.yaml` names the country, the
years covered, the daily hours of each week, and the Ministry's balance where it was seen, with every
difference explained. Pure: dates in, kinds and hours out (the services vectorise over them).
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import holidays as holiday_library

from labourwatch.core.errors import Location, PackError
from labourwatch.core.model import MonthSeries, Status
from labourwatch.core.types import Text
from labourwatch.packs.paths import RULEPACKS_ROOT
from labourwatch.packs.yamlio import load_yaml

WORKING, REST, HOLIDAY = 0, 1, 2  # the kinds of a day
KIND_NAMES = ("working", "rest", "holiday")
WEEKS = ("five_day", "six_day")
NOT_CARRIED = ("Orthodox Christmas", "Eid al-Adha")  # 2015 Code art. 84(5): these are never carried over


@dataclass(frozen=True)
class Published:
    """The Ministry's balance of one year as seen: working days a month (None where not seen)."""

    status: Status
    title: Text
    links: tuple[str, ...]
    five_day_days: tuple[int | None, ...]
    six_day_days: tuple[int | None, ...]
    six_day_hours: tuple[float | None, ...]
    year_five_day_days: int | None
    differences: dict[int, Text]  # month -> why the calendar differs from the balance there


@dataclass(frozen=True)
class MonthNorm:
    working_days: int
    hours: float


@dataclass(frozen=True)
class WorkingCalendar:
    first_year: int
    last_year: int
    daily_hours: dict[tuple[int, str], tuple[float, ...]]  # (weekly norm, week) -> hours Monday..Sunday
    published: dict[int, Published]
    names: dict[str, Text]  # the library's English name of a holiday -> its name in each language
    holidays: dict[date, str]  # public holidays on their own day (the library's English names)
    days_off: frozenset[date]  # five-day week: holidays carried over and days moved by decree
    days_on: frozenset[date]  # five-day week: rest days made working by decree
    six_day_off: frozenset[date]  # six-day week: holidays on a Sunday carried over (see the reading)
    source: str  # the library and its version

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def kind(self, day: date, week: str = "five_day") -> int:
        """WORKING, REST or HOLIDAY (a day the calendar does not cover is a ValueError)."""
        if not self.covers(day):
            raise ValueError(f"{day} is outside the calendar ({self.first_year}-{self.last_year})")
        if day in self.holidays:
            return HOLIDAY
        if week == "six_day":
            return REST if day.weekday() == 6 or day in self.six_day_off else WORKING
        if day in self.days_on:
            return WORKING
        return REST if day.weekday() >= 5 or day in self.days_off else WORKING

    def hours(self, day: date, weekly_norm: int = 40, week: str = "five_day") -> float:
        """The normal hours of the day (0 unless a working day); a moved working Saturday counts as the
        weekday it replaces, a full day."""
        if self.kind(day, week) != WORKING:
            return 0.0
        weekday = 0 if week == "five_day" and day.weekday() >= 5 else day.weekday()
        return self.daily_hours[(weekly_norm, week)][weekday]

    def days_off_and_on(self, year: int, week: str = "five_day") -> list[tuple[date, int, str]]:
        """The year's days that are not what their weekday makes them: holidays, days off on a weekday
        (carried over or moved) and rest days made working, with the holiday's name ("" otherwise)."""
        days = [date(year, 1, 1) + timedelta(i) for i in range(366 if gregorian.isleap(year) else 365)]
        first_rest_day = 6 if week == "six_day" else 5
        out = []
        for day in days:
            kind = self.kind(day, week)
            if kind == HOLIDAY or kind != (REST if day.weekday() >= first_rest_day else WORKING):
                out.append((day, kind, self.holidays.get(day, "")))
        return out

    def name(self, holiday: str, lang: str) -> str:
        found = self.names.get(holiday.split(" (")[0])
        return found.get(lang, found["en"]) if found else holiday

    def month(self, year: int, month: int, weekly_norm: int = 40, week: str = "five_day") -> MonthNorm:
        days = [date(year, month, d) for d in range(1, gregorian.monthrange(year, month)[1] + 1)]
        working = [d for d in days if self.kind(d, week) == WORKING]
        return MonthNorm(len(working), round(sum(self.hours(d, weekly_norm, week) for d in working), 2))


def month_working_days(calendar: WorkingCalendar) -> MonthSeries:
    """The five-day week's working days of every month the calendar covers: the norm of the month in
    days, as the Ministry's balance of working time gives it."""
    values = tuple(
        float(calendar.month(year, month).working_days)
        for year in range(calendar.first_year, calendar.last_year + 1)
        for month in range(1, 13)
    )
    return MonthSeries(calendar.first_year, values)


def calendar_path(pack: str = "kz-labour") -> Path:
    return RULEPACKS_ROOT / pack / "data" / "calendar.yaml"


@cache
def load_calendar(path: Path | None = None) -> WorkingCalendar:
    path = path or calendar_path()
    spec = load_yaml(path)
    first, last = (int(y) for y in spec["years"])
    years = range(first, last + 2)  # the next year too: its moves may take a day of this one
    observed = holiday_library.country_holidays(spec["country"], years=years, language="en_US")
    own_day = holiday_library.country_holidays(spec["country"], years=years, observed=False, language="en_US")
    real = {d: str(own_day[d]) for d in own_day if not str(own_day[d]).startswith("Day off")}
    return WorkingCalendar(
        first_year=first,
        last_year=last,
        daily_hours={
            (int(norm), week): tuple(float(h) for h in hours[week])
            for norm, hours in spec["daily_hours"].items()
            for week in WEEKS
        },
        published={int(y): _published(path, y, p) for y, p in (spec.get("published") or {}).items()},
        names={k: dict(v) for k, v in (spec.get("names") or {}).items()},
        holidays=real,
        days_off=frozenset(d for d in observed if d not in real),
        days_on=frozenset(observed.weekend_workdays),
        six_day_off=_carried_past_sundays(real),
        source=f"{spec['library']} {version(spec['library'])}",
    )


def _carried_past_sundays(holidays: dict[date, str]) -> frozenset[date]:
    """Six-day week: a holiday on a Sunday gives the next working day off, unless it is never carried."""
    carried: set[date] = set()
    for day, name in sorted(holidays.items()):
        if day.weekday() == 6 and not name.startswith(NOT_CARRIED):
            nxt = day + timedelta(days=1)
            while nxt in holidays or nxt in carried or nxt.weekday() == 6:
                nxt += timedelta(days=1)
            carried.add(nxt)
    return frozenset(carried)


def _published(path: Path, year: Any, spec: Any) -> Published:
    def months(key: str) -> tuple[Any, ...]:
        values = tuple(spec.get(key) or [None] * 12)
        if len(values) != 12:
            raise PackError(f"{key} of {year} must give 12 months", Location(str(path)))
        return values

    return Published(
        status=Status(spec["status"]),
        title=dict(spec["title"]),
        links=tuple(spec.get("links") or ()),
        five_day_days=months("five_day_days"),
        six_day_days=months("six_day_days"),
        six_day_hours=months("six_day_hours"),
        year_five_day_days=spec.get("year_five_day_days"),
        differences={int(m): dict(t) for m, t in (spec.get("differences") or {}).items()},
    )
