"""The evaluation environment of one record: its answers (or questions not asked), the law of its
interval, and the rules, each evaluated once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.expr.evaluate import Tri, classify, evaluate, not_asked
from labourwatch.core.instrument import Instrument
from labourwatch.core.model import Pack, Presumption, Rule, RuleKind
from labourwatch.core.timeline import Interval

LAW_PREFIX = "law:"  # how missing law values are told apart from missing answers


def with_month_values(answers: Mapping[str, Any], packs: Iterable[Pack]) -> Mapping[str, Any]:
    """The answers, with what the packs give from the month of the reference date (core.model.MonthSeries)
    where the record holds nothing, as the engines fill it."""
    day = answers.get(REFERENCE_DATE)
    given = {
        name: series.on(day) for pack in packs for name, series in pack.by_month.items() if answers.get(name) is None
    }
    known = {name: value for name, value in given.items() if value is not None}
    return {**answers, **known} if known else answers


class RecordEnv:
    """The evaluation environment of one record under one interval of law. Without an instrument,
    every question counts as asked."""

    def __init__(
        self,
        answers: Mapping[str, Any],
        interval: Interval | None,
        rules: Mapping[str, Rule],
        instrument: Instrument | None = None,
        presumed: Mapping[str, Presumption] | None = None,  # in force: core.instrument.presumptions
        readings: Mapping[tuple[str, str], Any] | None = None,  # chosen once for every record (Timeline.readings)
    ) -> None:
        self.readings = readings or {}
        self.answers = answers
        self.interval = interval
        self.rules = rules
        self.instrument = instrument
        self.presumed = presumed or {}
        self._memo: dict[str, Tri] = {}

    def variable(self, name: str) -> Tri:
        if self.instrument is not None and not self.instrument.was_asked(name):
            return Tri(self.presumed[name].value) if name in self.presumed else not_asked(name)
        value = self.answers.get(name)
        return Tri(None, frozenset({name})) if value is None else Tri(value)

    def parameter(self, pack: str, name: str) -> Tri:
        if (pack, name) in self.readings:
            return Tri(self.readings[(pack, name)], fixed=True)
        pv = self.interval.value((pack, name)) if self.interval else None
        if pv is None or pv.value is None:
            return Tri(None, frozenset({f"{LAW_PREFIX}{pack}:{name}"}))
        return Tri(pv.value)

    def rule(self, name: str) -> Tri:
        if name not in self._memo:
            rule = self.rules[name]
            if rule.kind is RuleKind.CLASSIFICATION:
                self._memo[name] = classify([(c.label, c.when) for c in rule.cases], rule.otherwise or "unknown", self)
            else:
                assert rule.expr is not None
                self._memo[name] = evaluate(rule.expr, self)
        return self._memo[name]


class LawEnv:
    """The readings chosen and the law of one interval (if any), for an expression that reads nothing
    else (no answer, no rule): such an expression has one value for every record."""

    def __init__(self, readings: Mapping[tuple[str, str], Any], interval: Interval | None = None) -> None:
        self.readings, self.interval = readings, interval

    def parameter(self, pack: str, name: str) -> Tri:
        if (pack, name) in self.readings:
            return Tri(self.readings[(pack, name)], fixed=True)
        value = self.interval.value((pack, name)) if self.interval else None
        return Tri(value.value if value else None)

    def variable(self, name: str) -> Tri:  # pragma: no cover - such expressions read no answer
        raise KeyError(name)

    def rule(self, name: str) -> Tri:  # pragma: no cover - nor any rule
        raise KeyError(name)
