"""The official working-time calendar against the Ministry's published balance, month by month."""

from datetime import date

import pytest

from labourwatch.packs import load_packs
from labourwatch.packs.calendar import HOLIDAY, REST, WORKING, load_calendar

CALENDAR = load_calendar()


def published_months():
    for year, pub in CALENDAR.published.items():
        for month in range(1, 13):
            for week, days, hours in (
                ("five_day", pub.five_day_days[month - 1], None),
                ("six_day", pub.six_day_days[month - 1], pub.six_day_hours[month - 1]),
            ):
                if days is not None:
                    yield pytest.param(year, month, week, days, hours, id=f"{year}-{month:02}-{week}")


@pytest.mark.parametrize(("year", "month", "week", "days", "hours"), list(published_months()))
def test_each_published_month_matches_or_its_difference_is_explained(year, month, week, days, hours):
    norm = CALENDAR.month(year, month, week=week)
    explained = month in CALENDAR.published[year].differences
    matches = norm.working_days == days and (hours is None or norm.hours == hours)
    assert matches != explained, f"{year}-{month}: {norm} against {days} days, {hours} h"


def test_a_published_year_total_matches_or_its_difference_is_explained():
    for year, pub in CALENDAR.published.items():
        if pub.year_five_day_days is not None:
            total = sum(CALENDAR.month(year, m).working_days for m in range(1, 13))
            assert (total == pub.year_five_day_days) != bool(pub.differences), year


def test_the_2024_balance_in_hours():
    assert [CALENDAR.month(2024, m).hours for m in (1, 3, 6)] == [168, 136, 160]
    assert CALENDAR.month(2024, 3, weekly_norm=36).hours == pytest.approx(122.4)
    assert CALENDAR.month(2024, 1, weekly_norm=36, week="six_day").hours == 150  # the balance: 25 days x 6 h


def test_each_years_total_lies_within_the_packs_bounds_of_the_average_monthly_hours():
    """kz-labour's avg_monthly_hours and avg_monthly_hours_max bound the year's balance; the calendar's
    year must lie within them wherever a source was found (2013 differs, explained above)."""
    (labour,) = [p for p in load_packs(["kz-labour"]) if p.id == "kz-labour"]
    low, high = labour.parameters["wages.avg_monthly_hours"], labour.parameters["wages.avg_monthly_hours_max"]
    checked = 0
    for year in range(CALENDAR.first_year, CALENDAR.last_year + 1):
        lo, hi = low.at(date(year, 6, 1)), high.at(date(year, 6, 1))
        if lo is None or lo.status.value == "derived" or year in CALENDAR.published:
            continue
        hours = sum(CALENDAR.month(year, m).hours for m in range(1, 13)) / 12
        assert float(lo.value) - 0.01 <= hours <= float(hi.value) + 0.01, year
        checked += 1
    assert checked >= 8


def test_carrying_over_and_days_moved_by_decree():
    assert CALENDAR.kind(date(2026, 3, 24)) == REST  # Nauryz on Saturday 21 March 2026, carried over
    assert CALENDAR.kind(date(2026, 3, 23)) == HOLIDAY
    assert CALENDAR.kind(date(2024, 5, 8)) == REST  # moved from Saturday 4 May by the Minister's order
    assert CALENDAR.kind(date(2024, 5, 4)) == WORKING
    assert (
        CALENDAR.kind(date(2024, 5, 4), "six_day") == WORKING and CALENDAR.kind(date(2024, 5, 8), "six_day") == WORKING
    )
    assert CALENDAR.kind(date(2024, 6, 17)) == WORKING  # Kurban Ait on Sunday 16 June is not carried over
    assert CALENDAR.kind(date(2026, 8, 31)) == WORKING  # no Constitution Day on 30 August in 2026
    with pytest.raises(ValueError):
        CALENDAR.kind(date(1999, 12, 31))


def test_kz_labour_gives_every_record_the_working_days_of_its_month():
    (labour,) = [p for p in load_packs(["kz-labour"]) if p.id == "kz-labour"]
    series = labour.by_month["calendar_month_working_days"]
    assert len(series.values) == 12 * (CALENDAR.last_year - CALENDAR.first_year + 1)
    assert [series.on(date(2024, m, 15)) for m in (1, 3, 6)] == [21, 17, 20]
    assert all(
        series.on(date(year, month, 1)) == CALENDAR.month(year, month).working_days
        for year in range(CALENDAR.first_year, CALENDAR.last_year + 1)
        for month in range(1, 13)
    )
    assert series.on(date(CALENDAR.first_year - 1, 12, 31)) is None
    assert series.on(date(CALENDAR.last_year + 1, 1, 1)) is None
    assert series.on(None) is None
