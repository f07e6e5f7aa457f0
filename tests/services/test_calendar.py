"""The calendar's counts for many periods at once equal a day-by-day count."""

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from labourwatch.packs.calendar import HOLIDAY, REST, WORKING, load_calendar
from labourwatch.services.calendar import FIVE_DAY, part_columns, weekday_masks

CALENDAR = load_calendar()


def by_day(start: date, end: date, mask: int) -> dict[str, float]:
    days = [start + timedelta(i) for i in range((end - start).days + 1)]
    kinds = [CALENDAR.kind(d) for d in days]
    on = [bool(mask >> d.weekday() & 1) for d in days]
    counts = {k: sum(1 for kind, o in zip(kinds, on, strict=True) if o and kind == k) for k in (WORKING, REST, HOLIDAY)}
    if mask == FIVE_DAY:
        counts = {WORKING: kinds.count(WORKING), REST: 0, HOLIDAY: 0}
    return {
        "calendar_working_days": kinds.count(WORKING),
        "schedule_working_days": counts[WORKING],
        "schedule_rest_days": counts[REST],
        "schedule_holidays": counts[HOLIDAY],
    }


@settings(max_examples=60, deadline=None)
@given(
    st.dates(date(2000, 1, 1), date(2026, 12, 31)),
    st.integers(0, 30),
    st.sampled_from([FIVE_DAY, 0b0111111, 0b1111111, 0b1100001, 0]),
)
def test_vectorised_counts_equal_a_day_by_day_count(start, length, mask):
    end = min(
        start + timedelta(length),
        date(start.year, start.month + 1, 1) - timedelta(1) if start.month < 12 else date(start.year, 12, 31),
    )
    got = part_columns(np.array([start], "datetime64[D]"), np.array([end], "datetime64[D]"), np.array([mask]))
    for name, value in by_day(start, end, mask).items():
        assert got[name][0].as_py() == value, name


def test_outside_the_calendar_and_without_a_schedule_the_counts_are_unknown():
    got = part_columns(
        np.array(["1999-03-01", "2024-03-01"], "datetime64[D]"),
        np.array(["1999-03-31", "2024-03-31"], "datetime64[D]"),
        np.array([FIVE_DAY, -1]),
    )
    assert got["calendar_working_days"].to_pylist() == [None, 17]
    assert got["schedule_working_days"].to_pylist() == [None, None]


def test_the_days_of_work_come_from_the_named_days_else_the_rest_days_a_week():
    table = pa.table(
        {
            "rest_days_per_week": pa.array([2.0, 1.0, None, 0.0]),
            "work_weekdays": pa.array([None, None, ["mon", "sun"], []], pa.list_(pa.string())),
        }
    )
    assert weekday_masks(table).tolist() == [FIVE_DAY, 0b0111111, 0b1000001, 0b1111111]
