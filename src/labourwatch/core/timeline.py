"""Which law applies to a record: the periods over which every parameter is constant.

A record is judged under the law in force on its own reference date, unless the user fixes a date for
all records (`as_of`) or names an act as the yardstick (`law`). Under a yardstick, the act's own rules
(hours, overtime caps, premiums) are read at the record's date moved into the act's period, while values
indexed by the calendar (the minimum wage, the MCI) stay at the record's date: the seed study judged
2006 interviews by the 2007 Labour Code and the 2006 minimum wage of 9,200 tenge.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from labourwatch.core.expr import nodes as n
from labourwatch.core.model import Act, Pack, ParamValue, Rule, Status
from labourwatch.core.readings import Judgement, check, find_act
from labourwatch.i18n import LANGUAGES, t

ParamKey = tuple[str, str]  # (pack id, parameter name)


@dataclass(frozen=True)
class Interval:
    index: int
    start: date | None  # None: open (only when all records share one date)
    end: date | None  # exclusive; None: open
    values: Mapping[ParamKey, ParamValue | None]
    acts: tuple[str, ...]  # the acts applied, one per pack that declares acts

    def value(self, key: ParamKey) -> ParamValue | None:
        return self.values.get(key)


@dataclass(frozen=True)
class Timeline:
    judgement: Judgement
    intervals: tuple[Interval, ...]
    starts: tuple[date, ...] = field(default=())  # start of each interval, for lookup by date
    readings: Mapping[ParamKey, Any] = field(default_factory=dict)  # readings chosen once for every record

    def index_for(self, when: date | None) -> int | None:
        if self.judgement.as_of is not None:
            return 0
        if when is None:
            return None
        i = bisect.bisect_right(self.starts, when) - 1
        return i if i >= 0 else None

    def interval_for(self, when: date | None) -> Interval | None:
        """The law in force on this day (None: before the first value of any loaded law)."""
        index = self.index_for(when)
        return self.intervals[index] if index is not None else None


def build_timeline(packs: Sequence[Pack], judgement: Judgement) -> Timeline:
    check(packs, judgement)
    yardstick = find_act(packs, judgement.law) if judgement.law else None
    if judgement.as_of is not None:
        only = (_interval(0, judgement.as_of, None, None, packs, judgement, yardstick),)
        return Timeline(judgement, only, readings=_readings(packs, only))
    starts = sorted(_breakpoints(packs))
    ends: list[date | None] = [*starts[1:], None]
    intervals = tuple(
        _interval(i, s, s, e, packs, judgement, yardstick) for i, (s, e) in enumerate(zip(starts, ends, strict=True))
    )
    return Timeline(judgement, intervals, tuple(starts), _readings(packs, intervals))


def _readings(packs: Sequence[Pack], intervals: Sequence[Interval]) -> dict[ParamKey, Any]:
    """The readings (choices of interpretation, not law) that take one value over the whole timeline:
    a rule reading one is decided once, the same for every record, whatever its date."""
    out: dict[ParamKey, Any] = {}
    for pack in packs:
        for name, param in pack.parameters.items():
            if param.values[-1].status is not Status.READING:
                continue
            held = {repr(v.value) if (v := iv.value((pack.id, name))) else None for iv in intervals}
            value = intervals[0].value((pack.id, name)) if intervals else None
            if len(held) == 1 and value is not None and value.value is not None:
                out[(pack.id, name)] = value.value
    return out


def _breakpoints(packs: Iterable[Pack]) -> set[date]:
    points: set[date] = set()
    for pack in packs:
        for param in pack.parameters.values():
            points.update(v.start for v in param.values)
        for act in pack.acts.values():
            points.add(act.start)
            if act.end is not None:
                points.add(act.end + timedelta(days=1))
    return points


def _interval(
    index: int,
    when: date,
    start: date | None,
    end: date | None,
    packs: Sequence[Pack],
    judgement: Judgement,
    yardstick: tuple[Pack, Act] | None,
) -> Interval:
    values: dict[ParamKey, ParamValue | None] = {}
    acts: list[str] = []
    chosen = {(pack, name): value for pack, name, value in judgement.settings}
    for pack in packs:
        fixed = yardstick[1] if yardstick and yardstick[0].id == pack.id else None
        act_date = fixed.clamp(when) if fixed else when
        for name, param in pack.parameters.items():
            value = param.at(act_date if param.follows == "act" else when)
            if value is not None and (pack.id, name) in chosen:
                note = {lang: t("param_set_by_user", lang, value=repr(value.value)) for lang in LANGUAGES}
                value = replace(value, value=chosen[(pack.id, name)], reference=replace(value.reference, note=note))
            elif value is not None and judgement.verified_only and value.status not in TRUSTED:
                value = None
            values[(pack.id, name)] = value
        in_force = fixed or next((a for a in pack.acts.values() if a.in_force(act_date)), None)
        if in_force is not None:
            acts.append(in_force.id)
    return Interval(index, start, end, values, tuple(acts))


TRUSTED = (Status.VERIFIED, Status.READING)  # readings are choices, not law values to verify


def parameter_dependencies(packs: Sequence[Pack]) -> dict[str, frozenset[ParamKey]]:
    """For every rule, the parameters it uses directly or through the rules it refers to."""
    rules: dict[str, Rule] = {r.id: r for p in packs for r in p.rules.values()}
    memo: dict[str, frozenset[ParamKey]] = {}

    def deps(rule_id: str) -> frozenset[ParamKey]:
        if rule_id not in memo:
            found: set[ParamKey] = set()
            for node in rules[rule_id].walked:
                if isinstance(node, n.ParamRef):
                    found.add((node.pack, node.name))
                elif isinstance(node, n.RuleRef):
                    found |= deps(node.name)
            memo[rule_id] = frozenset(found)
        return memo[rule_id]

    return {rule_id: deps(rule_id) for rule_id in rules}


def unverified_outputs(interval: Interval, outputs: Iterable[Rule], deps: Mapping[str, frozenset[ParamKey]]) -> str:
    """The outputs whose result, in this interval, rests on a value that is not verified."""
    flagged = []
    for rule in outputs:
        statuses = [v.status for k in deps[rule.id] if (v := interval.value(k)) is not None]
        if any(s not in TRUSTED for s in statuses):
            flagged.append(rule.id)
    return " ".join(flagged)
