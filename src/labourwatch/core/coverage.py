"""What a survey's questions can measure of each finding: which of its indicators were asked (ILO
practice: a prevalence means "as measured by these indicators"), which of its parts none of whose
indicators was asked, and which questions not asked a legal presumption stands in for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labourwatch.core.environment import LawEnv
from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.evaluate import Tri, evaluate
from labourwatch.core.expr.possible import (
    ALWAYS_ABSENT,
    ANSWERED,
    ANSWERED_BOOL,
    FALSE,
    FIXED,
    NEVER_MEASURED,
    NOT_MEASURED,
    TRUE,
    UNKNOWN,
    Kinds,
    classify_possible,
    of_value,
    possible,
)
from labourwatch.core.instrument import ALWAYS_ASKED, Instrument, presumptions
from labourwatch.core.model import Pack, Presumption, Rule, RuleKind
from labourwatch.core.timeline import Interval, Timeline


@dataclass(frozen=True)
class Coverage:
    """How far the survey measures one result."""

    rule: Rule
    measured: bool  # False: no answers to the questions asked give it a value
    indicators: tuple[str, ...]  # its indicators (rules), or the questions it rests on when it has none
    asked: tuple[str, ...]  # those the survey measured
    by_questions: bool  # True when `indicators` are questions (a rule of law, with no indicator groups)
    unmeasured_parts: tuple[str, ...] = ()  # parts (indicator groups) none of whose indicators was asked
    presumed: tuple[str, ...] = ()  # questions not asked that a presumption of the law stands in for
    can_hold: bool = True  # False: no answers to the questions asked make it hold
    can_fail: bool = True  # False: no answers make it false

    @property
    def supports_prevalence(self) -> bool:
        """Whether the questions can tell those for whom it holds from those for whom it does not."""
        return self.measured and self.can_hold and self.can_fail

    @property
    def complete(self) -> bool:
        return len(self.asked) == len(self.indicators)


def coverage(packs: Sequence[Pack], instrument: Instrument, timeline: Timeline) -> dict[str, Coverage]:
    """The coverage of every result of these packs under this instrument."""
    rules = {r.id: r for p in packs for r in p.rules.values()}
    presumed = presumptions(packs, timeline)
    # What each result can be under the latest law, whatever the answers to the questions asked.
    latest = timeline.intervals[-1] if timeline.intervals else None
    kinds = PossibleEnv(latest, rules, instrument, presumed, timeline.readings)

    def measured(rule_id: str) -> bool:
        return bool(kinds.rule(rule_id) - {UNKNOWN, NOT_MEASURED, NEVER_MEASURED, FIXED})

    out = {}
    for rule in (r for p in packs for r in p.outputs):
        reach = _reach(rule.id, rules)
        read = {x.name for r in reach for x in rules[r].walked if isinstance(x, n.VarRef)}
        variables = sorted(read - ALWAYS_ASKED)  # questions, not the record's date and what it gives
        leaves = indicators(rule.id, rules)
        if leaves:
            asked = tuple(x for x in leaves if measured(x))
        else:  # a rule of law: its questions
            leaves = tuple(variables)
            asked = tuple(v for v in leaves if instrument.was_asked(v) or v in presumed)
        out[rule.id] = Coverage(
            rule=rule,
            measured=measured(rule.id),
            indicators=leaves,
            asked=asked,
            by_questions=not rule_groups_reached(rule.id, rules),
            unmeasured_parts=tuple(r for r in reach if rules[r].groups and not measured(r)),
            presumed=tuple(v for v in variables if not instrument.was_asked(v) and v in presumed),
            can_hold=rule.kind is not RuleKind.FINDING or TRUE in kinds.rule(rule.id),
            can_fail=rule.kind is not RuleKind.FINDING or FALSE in kinds.rule(rule.id),
        )
    return out


class PossibleEnv:
    """What each question, law value and rule can be, whatever the answers (core/expr/possible.py)."""

    def __init__(
        self,
        interval: Interval | None,
        rules: Mapping[str, Rule],
        instrument: Instrument,
        presumed: Mapping[str, Presumption],
        readings: Mapping[tuple[str, str], Any],
    ) -> None:
        self.interval, self.rules, self.instrument, self.presumed = interval, rules, instrument, presumed
        self.readings = readings
        self._memo: dict[str, Kinds] = {}

    def law(self, node: n.Node) -> Tri:
        return evaluate(node, LawEnv(self.readings, self.interval))

    def variable(self, name: str, boolean: bool) -> Kinds:
        if self.instrument.was_asked(name):
            return ANSWERED_BOOL if boolean else ANSWERED
        return of_value(self.presumed[name].value) if name in self.presumed else ALWAYS_ABSENT

    def rule(self, name: str) -> Kinds:
        if name not in self._memo:
            rule = self.rules[name]
            if rule.kind is RuleKind.CLASSIFICATION:
                conditions = [(c.label, possible(c.when, self)) for c in rule.cases]
                self._memo[name] = classify_possible(conditions, rule.otherwise or "unknown")
            else:
                assert rule.expr is not None
                self._memo[name] = possible(rule.expr, self)
        return self._memo[name]


def indicators(rule_id: str, rules: Mapping[str, Rule]) -> tuple[str, ...]:
    """The indicators a result rests on: the members of the indicator groups it reads, directly or
    through other rules, down to those that have no groups of their own."""
    found: dict[str, None] = {}

    def visit(rid: str) -> None:
        rule = rules[rid]
        if rule.groups:
            for member in (m for members in rule.groups.values() for m in members):
                if rule_groups_reached(member, rules):
                    visit(member)
                else:
                    found[member] = None
        else:
            for ref in rule.reads:
                if rule_groups_reached(ref, rules):
                    visit(ref)

    visit(rule_id)
    return tuple(found)


def rule_groups_reached(rule_id: str, rules: Mapping[str, Rule]) -> bool:
    """The rule has indicator groups, or reads, directly or not, a rule that has."""
    return any(rules[r].groups for r in _reach(rule_id, rules))


def _reach(rule_id: str, rules: Mapping[str, Rule]) -> list[str]:
    """The rule and every rule it reads, directly or not."""
    seen: dict[str, None] = {}
    stack = [rule_id]
    while stack:
        rid = stack.pop()
        if rid not in seen:
            seen[rid] = None
            stack.extend(rules[rid].reads)
    return list(seen)
