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

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.expr import nodes as n
from labourwatch.core.model import Act, Pack, ParamValue, Rule, Status

ParamKey = tuple[str, str]  # (pack id, parameter name)


Setting = tuple[str, str, Any]  # (pack id, parameter name, value) chosen by the user


@dataclass(frozen=True)
class Judgement:
    as_of: date | None = None
    law: str | None = None  # id of an act used as the yardstick
    verified_only: bool = False  # treat law values that are not verified as unknown
    settings: tuple[Setting, ...] = ()  # readings chosen by the user instead of the packs' defaults

    def describe(self) -> str:
        if self.as_of:
            how = f"as of {self.as_of.isoformat()}"
        elif self.law:
            how = f"under {self.law}"
        else:
            how = "at each record's reference date"
        how += " (verified values only)" if self.verified_only else ""
        return how + "".join(f"; {pack}:{name}={value!r}" for pack, name, value in self.settings)


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

    def index_for(self, when: date | None) -> int | None:
        if self.judgement.as_of is not None:
            return 0
        if when is None:
            return None
        i = bisect.bisect_right(self.starts, when) - 1
        return i if i >= 0 else None


def find_act(packs: Iterable[Pack], act_id: str) -> tuple[Pack, Act]:
    known: list[str] = []
    for pack in packs:
        if act_id in pack.acts:
            return pack, pack.acts[act_id]
        known.extend(pack.acts)
    raise LabourwatchError(f"unknown act '{act_id}'; the loaded packs know: {', '.join(sorted(known))}")


def build_timeline(packs: Sequence[Pack], judgement: Judgement) -> Timeline:
    if judgement.as_of and judgement.law:
        raise LabourwatchError("choose either a date (as_of) or an act (law), not both")
    check_settings(packs, judgement.settings)
    yardstick = find_act(packs, judgement.law) if judgement.law else None
    if judgement.as_of is not None:
        return Timeline(judgement, (_interval(0, judgement.as_of, None, None, packs, judgement, yardstick),))
    starts = sorted(_breakpoints(packs))
    ends: list[date | None] = [*starts[1:], None]
    intervals = tuple(
        _interval(i, s, s, e, packs, judgement, yardstick) for i, (s, e) in enumerate(zip(starts, ends, strict=True))
    )
    return Timeline(judgement, intervals, tuple(starts))


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
                note = f"set by the user instead of {value.value!r}"
                value = replace(value, value=chosen[(pack.id, name)], reference=replace(value.reference, note=note))
            elif value is not None and judgement.verified_only and value.status not in TRUSTED:
                value = None
            values[(pack.id, name)] = value
        in_force = fixed or next((a for a in pack.acts.values() if a.in_force(act_date)), None)
        if in_force is not None:
            acts.append(in_force.id)
    return Interval(index, start, end, values, tuple(acts))


TRUSTED = (Status.VERIFIED, Status.READING)  # readings are choices, not law values to verify


def check_settings(packs: Sequence[Pack], settings: Sequence[Setting]) -> None:
    """Only readings can be set, each to a value of its own type (and codes)."""
    params = {(p.id, name): param for p in packs for name, param in p.parameters.items()}
    readings = sorted(f"{k[0]}:{k[1]}" for k, param in params.items() if param.values[0].status is Status.READING)
    for pack, name, value in settings:
        param = params.get((pack, name))
        if param is None or param.values[0].status is not Status.READING:
            raise LabourwatchError(f"'{pack}:{name}' is not a reading that can be set; readings: {', '.join(readings)}")
        if param.codes and value not in param.codes:
            raise LabourwatchError(f"'{pack}:{name}' takes one of {', '.join(sorted(param.codes))}, not {value!r}")


def parameter_dependencies(packs: Sequence[Pack]) -> dict[str, frozenset[ParamKey]]:
    """For every rule, the parameters it uses directly or through the rules it refers to."""
    rules: dict[str, Rule] = {r.id: r for p in packs for r in p.rules.values()}
    memo: dict[str, frozenset[ParamKey]] = {}

    def deps(rule_id: str) -> frozenset[ParamKey]:
        if rule_id not in memo:
            found: set[ParamKey] = set()
            for root in rules[rule_id].nodes():
                for node in root.walk():
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
