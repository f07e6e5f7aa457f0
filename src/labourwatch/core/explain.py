"""Why a record's findings are what they are: the answers used, the law values with their dates,
references and verification status, and the missing answers that would settle an unknown result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.evaluate import Tri, classify, evaluate
from labourwatch.core.model import Pack, Parameter, ParamValue, Rule, RuleKind
from labourwatch.core.timeline import Interval, Timeline

LAW_PREFIX = "law:"  # how missing law values are told apart from missing answers


class RecordEnv:
    """The evaluation environment of one record under one interval of law."""

    def __init__(self, answers: Mapping[str, Any], interval: Interval | None, rules: Mapping[str, Rule]) -> None:
        self.answers = answers
        self.interval = interval
        self.rules = rules
        self._memo: dict[str, Tri] = {}

    def variable(self, name: str) -> Tri:
        value = self.answers.get(name)
        return Tri(None, frozenset({name})) if value is None else Tri(value)

    def parameter(self, pack: str, name: str) -> Tri:
        pv = self.interval.value((pack, name)) if self.interval else None
        if pv is None or pv.value is None:
            return Tri(None, frozenset({f"{LAW_PREFIX}{pack}:{name}"}))
        return Tri(pv.value)

    def rule(self, name: str) -> Tri:
        if name not in self._memo:
            rule = self.rules[name]
            if rule.kind is RuleKind.CLASSIFICATION:
                self._memo[name] = classify(((c.label, c.when) for c in rule.cases), rule.otherwise or "unknown", self)
            else:
                assert rule.expr is not None
                self._memo[name] = evaluate(rule.expr, self)
        return self._memo[name]


@dataclass(frozen=True)
class LawValue:
    parameter: Parameter
    value: ParamValue | None


@dataclass(frozen=True)
class RuleExplanation:
    rule: Rule
    result: Tri
    answers: dict[str, Any]
    derived: dict[str, Tri]
    law: list[LawValue]
    missing_answers: list[str]
    missing_law: list[str]


@dataclass(frozen=True)
class Explanation:
    record_id: str
    row: int
    judged_on: date | None
    timeline: Timeline
    interval: Interval | None
    packs: Sequence[Pack]
    rules: list[RuleExplanation] = field(default_factory=list)


def _reach(rule: Rule, rules: Mapping[str, Rule]) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Variables, parameters and derived rules a rule uses, directly or through other rules, in order."""
    variables: dict[str, None] = {}
    params: dict[tuple[str, str], None] = {}
    derived: dict[str, None] = {}

    def visit(r: Rule) -> None:
        for root in r.nodes():
            for node in root.walk():
                if isinstance(node, n.VarRef):
                    variables[node.name] = None
                elif isinstance(node, n.ParamRef):
                    params[(node.pack, node.name)] = None
                elif isinstance(node, n.RuleRef) and node.name not in derived:
                    derived[node.name] = None
                    visit(rules[node.name])

    visit(rule)
    return list(variables), list(params), list(derived)


def explain_record(
    record_id: str,
    row: int,
    answers: Mapping[str, Any],
    packs: Sequence[Pack],
    timeline: Timeline,
) -> Explanation:
    judged_on = timeline.judgement.as_of or answers.get("reference_date")
    index = timeline.index_for(answers.get("reference_date"))
    interval = timeline.intervals[index] if index is not None else None
    rules = {r.id: r for p in packs for r in p.rules.values()}
    params = {(p.id, name): param for p in packs for name, param in p.parameters.items()}
    env = RecordEnv(answers, interval, rules)
    out = []
    for pack in packs:
        for rule in pack.outputs:
            result = env.rule(rule.id)
            variables, used_params, used_rules = _reach(rule, rules)
            missing = sorted(result.missing)
            out.append(
                RuleExplanation(
                    rule=rule,
                    result=result,
                    answers={v: answers.get(v) for v in variables},
                    derived={d: env.rule(d) for d in used_rules if rules[d].kind is RuleKind.DERIVED},
                    law=[LawValue(params[k], interval.value(k) if interval else None) for k in used_params],
                    missing_answers=[m for m in missing if not m.startswith(LAW_PREFIX)],
                    missing_law=[m[len(LAW_PREFIX) :] for m in missing if m.startswith(LAW_PREFIX)],
                )
            )
    return Explanation(record_id, row, judged_on, timeline, interval, packs, out)
