"""Which law applies: by record date, at a fixed date, or under a named act (the yardstick)."""

from __future__ import annotations

from datetime import date

import pytest

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.model import Status
from labourwatch.core.readings import Judgement
from labourwatch.core.timeline import build_timeline

MZP = ("kz-labour", "wages.mzp")
DAILY_CAP = ("kz-labour", "overtime.daily_cap")
PREMIUM_REST = ("kz-labour", "premiums.rest_day_holiday")


def value_at(packs, judgement, when, key):
    tl = build_timeline(packs, judgement)
    index = tl.index_for(when)
    pv = tl.intervals[index].value(key) if index is not None else None
    return None if pv is None else pv.value


def test_by_record_date(packs):
    j = Judgement()
    assert value_at(packs, j, date(2006, 11, 10), MZP) == 9200
    assert value_at(packs, j, date(2009, 6, 30), MZP) == 13470
    assert value_at(packs, j, date(2009, 7, 1), MZP) == 13717
    assert value_at(packs, j, date(2006, 11, 10), DAILY_CAP) is None  # 1999 Law: not retrieved
    assert value_at(packs, j, date(2016, 1, 1), PREMIUM_REST) == 1.5
    assert value_at(packs, j, date(2015, 12, 31), PREMIUM_REST) == 2


def test_before_the_packs_cover_anything_there_is_no_law(packs):
    tl = build_timeline(packs, Judgement())
    assert tl.index_for(date(1995, 1, 1)) is None
    assert tl.index_for(None) is None


def test_yardstick_moves_act_values_but_keeps_the_calendar(packs):
    """The seed study judged 2006 interviews by the 2007 Code and the 2006 minimum wage."""
    j = Judgement(law="kz-labour-code-2007")
    assert value_at(packs, j, date(2006, 11, 10), DAILY_CAP) == 2
    assert value_at(packs, j, date(2006, 11, 10), MZP) == 9200
    assert value_at(packs, j, date(2020, 5, 1), PREMIUM_REST) == 2  # the 2007 Code's last value
    tl = build_timeline(packs, j)
    assert "kz-labour-code-2007" in tl.intervals[tl.index_for(date(2020, 5, 1))].acts


def test_as_of_applies_one_date_to_every_record(packs):
    j = Judgement(as_of=date(2024, 6, 1))
    tl = build_timeline(packs, j)
    assert len(tl.intervals) == 1
    assert tl.index_for(None) == 0 and tl.index_for(date(2006, 1, 1)) == 0
    assert value_at(packs, j, date(2006, 1, 1), MZP) == 85000


def test_verified_only_drops_values_that_are_not_verified(packs):
    j = Judgement(verified_only=True)
    assert value_at(packs, j, date(2007, 2, 1), MZP) is None  # 2007 MZP is unverified
    assert value_at(packs, j, date(2012, 2, 1), MZP) == 17439


def test_unknown_act_names_the_known_ones(packs):
    with pytest.raises(LabourwatchError, match="kz-labour-code-2015"):
        build_timeline(packs, Judgement(law="kz-labour-code-2099"))


def test_as_of_and_law_together_are_refused(packs):
    with pytest.raises(LabourwatchError):
        build_timeline(packs, Judgement(as_of=date(2010, 1, 1), law="kz-labour-code-2007"))


def test_every_interval_is_a_contiguous_period(packs):
    tl = build_timeline(packs, Judgement())
    for a, b in zip(tl.intervals, tl.intervals[1:], strict=False):
        assert a.end == b.start
    assert tl.intervals[-1].end is None
    assert all(v is None or isinstance(v.status, Status) for iv in tl.intervals for v in iv.values.values())


def test_only_readings_can_be_set_and_they_are_never_unverified(packs):
    from labourwatch.core.timeline import parameter_dependencies, unverified_outputs

    with pytest.raises(LabourwatchError, match="not a reading"):
        build_timeline(packs, Judgement(settings=(("kz-labour", "wages.mzp", 1.0),)))
    with pytest.raises(LabourwatchError, match="takes one of"):
        build_timeline(packs, Judgement(settings=(("osce-kz-2006", "reading.hard_to_say_card", "maybe"),)))
    j = Judgement(settings=(("osce-kz-2006", "reading.licence_counts_as_contract", False),), verified_only=True)
    key = ("osce-kz-2006", "reading.licence_counts_as_contract")
    assert value_at(packs, j, date(2006, 11, 10), key) is False
    tl = build_timeline(packs, j)
    iv = tl.intervals[tl.index_for(date(2006, 11, 10))]
    outputs = [r for p in packs for r in p.outputs if r.id == "compliance"]
    assert unverified_outputs(iv, outputs, parameter_dependencies(packs)) == ""
