"""The official calendar as arrays: counts of working days, rest days and holidays between two dates for
a million periods at once (cumulative sums over the calendar's days, no loop over periods)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from labourwatch.packs.calendar import HOLIDAY, REST, WORKING, WorkingCalendar, calendar_path, load_calendar
from labourwatch.packs.paths import RULEPACKS_ROOT

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIVE_DAY = 0b0011111  # Monday to Friday: such a schedule follows the official calendar, moves included

# The columns the arrears calculator gives each part of a period (variables of the schema).
CALENDAR_DAYS = "calendar_working_days"  # working days of the five-day calendar in the part
SCHEDULE = ("schedule_working_days", "schedule_rest_days", "schedule_holidays")  # the worker's days by kind
DAYS_A_WEEK = "schedule_days_a_week"
CALENDAR_COLUMNS = (CALENDAR_DAYS, *SCHEDULE, DAYS_A_WEEK)  # and the month's days: the pack gives them


ALL_DAYS = 0b1111111


@dataclass(frozen=True)
class CalendarArrays:
    first: np.datetime64  # the calendar's first day
    by_mask: np.ndarray  # (128 schedules, 3 kinds, days + 1): days of each kind a schedule works before day i

    @classmethod
    def of(cls, calendar: WorkingCalendar) -> CalendarArrays:
        first = np.datetime64(date(calendar.first_year, 1, 1), "D")
        days = np.arange(first, np.datetime64(date(calendar.last_year + 1, 1, 1), "D"))
        kinds = np.array([calendar.kind(d) for d in days.astype(object)], dtype=np.int64)
        weekdays = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        on = (np.arange(128)[:, None] >> weekdays[None, :]) & 1  # schedules x days: is the day worked
        counts = np.zeros((128, 3, len(days) + 1), dtype=np.int32)
        for kind in (WORKING, REST, HOLIDAY):  # three passes over ~10,000 days, once a process
            counts[:, kind, 1:] = np.cumsum(on * (kinds == kind), axis=1)
        return cls(first, counts)

    def between(self, starts: np.ndarray, ends: np.ndarray, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Days of each kind that each schedule works from start to end inclusive (periods x 3), and
        whether the calendar covers the period (where it does not, the counts are 0 and mean unknown)."""
        last = self.by_mask.shape[2] - 1
        lo = (starts - self.first).astype(np.int64)
        hi = (ends - self.first).astype(np.int64) + 1
        covered = (lo >= 0) & (hi <= last)
        lo, hi = np.clip(lo, 0, last), np.clip(hi, 0, last)
        return self.by_mask[masks, :, hi] - self.by_mask[masks, :, lo], covered


@cache
def official_arrays() -> CalendarArrays:
    return CalendarArrays.of(load_calendar())


def official_source() -> str:
    """The calendar's data, for provenance: the library and its version, and the pack's file."""
    return f"{load_calendar().source}; {calendar_path().relative_to(RULEPACKS_ROOT).as_posix()}"


def weekday_masks(typed: pa.Table) -> np.ndarray:
    """Each period's days of work as a bit mask (bit 0 = Monday; -1 when not known): the days named in
    work_weekdays, else the first 7 - rest_days_per_week days from Monday (rest falls at the end of the
    week: Sunday, then Saturday)."""
    masks = np.full(typed.num_rows, -1, dtype=np.int64)
    if "rest_days_per_week" in typed.column_names:
        rest = typed.column("rest_days_per_week").to_numpy(zero_copy_only=False).astype(np.float64)
        known = ~np.isnan(rest)
        masks[known] = (1 << (7 - rest[known].astype(np.int64))) - 1
    if "work_weekdays" in typed.column_names:
        named = typed.column("work_weekdays").combine_chunks()
        given = pc.fill_null(pc.greater(pc.list_value_length(named), 0), False).to_numpy(zero_copy_only=False)
        bit = pc.index_in(pc.list_flatten(named), value_set=pa.array(WEEKDAYS)).to_numpy(zero_copy_only=False)
        days = np.zeros(typed.num_rows, dtype=np.int64)
        np.bitwise_or.at(days, pc.list_parent_indices(named).to_numpy(), 1 << bit.astype(np.int64))
        masks = np.where(given, days, masks)
    return masks


def part_columns(starts: np.ndarray, ends: np.ndarray, masks: np.ndarray) -> dict[str, pa.Array]:
    """For each part (within one month): the calendar's working days in it, and the worker's days of work
    in it by kind (those of its month the pack gives: core.model.MonthSeries). A five-day schedule follows
    the calendar (it works the Saturdays made working and rests on the days moved off); any other works its
    weekdays as they fall. Unknown (null) outside the calendar's years, and the schedule's counts where
    the schedule is not known."""
    arrays = official_arrays()
    every = np.full(len(starts), ALL_DAYS)
    counts, covered = arrays.between(starts, ends, every)
    known = np.where(masks < 0, 0, masks)  # an unknown schedule counts no day (its counts are masked below)
    by_kind, _ = arrays.between(starts, ends, known)
    five_day = masks == FIVE_DAY
    working_days = counts[:, WORKING]
    by_kind[five_day] = 0
    by_kind[five_day, WORKING] = working_days[five_day]
    unknown_schedule = ~covered | (masks < 0)
    out = {CALENDAR_DAYS: pa.array(working_days, pa.float64(), mask=~covered)}
    out[DAYS_A_WEEK] = pa.array(np.bitwise_count(known.astype(np.uint8)), pa.float64(), mask=masks < 0)
    for name, kind in zip(SCHEDULE, (WORKING, REST, HOLIDAY), strict=True):
        out[name] = pa.array(by_kind[:, kind], pa.float64(), mask=unknown_schedule)
    return out
