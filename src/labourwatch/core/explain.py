"""Why a record's findings are what they are: the answers used, the law values with their dates,
references and verification status, and the missing answers that would settle an unknown result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.coverage import Coverage, coverage
from labourwatch.core.environment import LAW_PREFIX, RecordEnv, with_month_values
from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.evaluate import Env, Tri, evaluate
from labourwatch.core.expr.unparse import to_text
from labourwatch.core.instrument import Instrument, presumptions
from labourwatch.core.model import (
    LegalRef,
    Pack,
    Parameter,
    ParamValue,
    Presumption,
    Rule,
    RuleKind,
    Schema,
    Status,
)
from labourwatch.core.questions import NextQuestion, next_questions
from labourwatch.core.readings import Judgement, Setting
from labourwatch.core.timeline import Interval, Timeline, build_timeline


@dataclass(frozen=True)
class LawValue:
    parameter: Parameter
    value: ParamValue | None


@dataclass(frozen=True)
class Tally:
    """How many of an indicator group hold, and which are unknown."""

    held: list[str]
    unknown: list[str]
    size: int
    not_measured: list[str] = field(default_factory=list)  # left out: they rest on questions not asked


@dataclass(frozen=True)
class Alternative:
    """A result under a reading other than the default."""

    setting: Setting
    result: Tri


@dataclass(frozen=True)
class RuleExplanation:
    rule: Rule
    result: Tri
    answers: dict[str, Any]
    derived: dict[str, Tri]
    law: list[LawValue]
    missing_answers: list[str]
    missing_law: list[str]
    decided_by: str = ""  # the clause that settled the result
    tallies: dict[str, Tally] = field(default_factory=dict)
    holding: list[str] = field(default_factory=list)  # the findings it reads that hold
    alternatives: list[Alternative] = field(default_factory=list)  # results that differ under other readings
    not_asked: list[str] = field(default_factory=list)  # questions it reads that the survey did not ask
    presumed: list[Presumption] = field(default_factory=list)  # presumptions standing in for some of them
    coverage: Coverage | None = None  # which of its indicators the survey measured
    calendar: dict[str, Any] = field(default_factory=dict)  # what the packs gave from the record's month


@dataclass(frozen=True)
class Explanation:
    record_id: str
    row: int
    judged_on: date | None
    timeline: Timeline
    interval: Interval | None
    packs: Sequence[Pack]
    rules: list[RuleExplanation] = field(default_factory=list)
    instrument: Instrument | None = None
    next_questions: list[NextQuestion] = field(default_factory=list)  # the most useful first
    answers: Mapping[str, Any] = field(default_factory=dict)  # the record's own answers (typed)

    def cited(self, references: Sequence[LegalRef]) -> list[LegalRef]:
        """The references that belong to the law applied to this record: an article of another act of
        the same packs (the 2015 Code, for a record judged under the 1999 Law) is left out."""
        if self.interval is None:
            return list(references)
        declared = {act for pack in self.packs for act in pack.acts}
        return [r for r in references if r.act is None or r.act not in declared or r.act in self.interval.acts]

    def basis_of(self, presumption: Presumption) -> LegalRef:
        """Where the reading behind a presumption comes from, as in force on the record's date."""
        reading = next(p.parameters[presumption.reading] for p in self.packs if p.id == presumption.pack)
        value = reading.at(self.judged_on) if self.judged_on else None
        return (value or reading.values[-1]).reference


def _reach(rule: Rule, rules: Mapping[str, Rule]) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Variables, parameters and derived rules a rule uses, directly or through other rules, in order."""
    variables: dict[str, None] = {}
    params: dict[tuple[str, str], None] = {}
    derived: dict[str, None] = {}

    def visit(r: Rule) -> None:
        for node in r.walked:
            if isinstance(node, n.VarRef):
                variables[node.name] = None
            elif isinstance(node, n.ParamRef):
                params[(node.pack, node.name)] = None
            elif isinstance(node, n.RuleRef) and node.name not in derived:
                derived[node.name] = None
                visit(rules[node.name])

    visit(rule)
    return list(variables), list(params), list(derived)


def deciding_clause(node: n.Node, env: Env) -> n.Node:
    """The part of an expression that settled its value: the first disjunct that holds in a true `or`,
    the first conjunct that fails in a false `and`, the branch an `if` took (or its condition, when
    unknown), followed down; otherwise the expression itself."""
    if isinstance(node, n.Call) and node.func == "if":
        cond = evaluate(node.args[0], env)
        return deciding_clause(node.args[1] if cond.value else node.args[2], env) if cond.known else node.args[0]
    value = evaluate(node, env).value
    if isinstance(node, n.Call) and node.func == "any" and value is True:
        return deciding_clause(next(a for a in node.args if evaluate(a, env).value is True), env)
    if isinstance(node, n.Binary) and node.op in ("or", "and") and value is (node.op == "or"):
        for part in _chain(node, node.op):
            if evaluate(part, env).value is value:
                return deciding_clause(part, env)
    return node


def _chain(node: n.Node, op: str) -> list[n.Node]:
    if isinstance(node, n.Binary) and node.op == op:
        return _chain(node.left, op) + _chain(node.right, op)
    return [node]


def _decided_by(rule: Rule, env: RecordEnv) -> str:
    if rule.kind is RuleKind.CLASSIFICATION:
        for case in rule.cases:
            r = evaluate(case.when, env)
            if not r.known or r.value:
                return f"{case.label}: {to_text(deciding_clause(case.when, env), rule.groups)}"
        return f"{rule.otherwise}: no case holds"
    assert rule.expr is not None
    clause = deciding_clause(rule.expr, env)
    return "" if clause is rule.expr else to_text(clause, rule.groups)


def _tallies(rule: Rule, env: RecordEnv) -> dict[str, Tally]:
    out = {}
    for name, members in rule.groups.items():
        results = {m: env.rule(m) for m in members}
        held = [m for m, r in results.items() if r.value is True]
        unknown = [m for m, r in results.items() if not r.known and not r.absent]
        absent = [m for m, r in results.items() if r.absent]
        out[name] = Tally(held, unknown, len(members), absent)
    return out


def reading_values(packs: Sequence[Pack]) -> list[tuple[Setting, bool]]:
    """Every value each reading can take (true and false, or each of its codes), and whether it is the
    pack's default. Readings that take any number have no list and are left out."""
    out: list[tuple[Setting, bool]] = []
    for pack in packs:
        for name, param in pack.parameters.items():
            default = param.values[-1].value
            if param.values[-1].status is not Status.READING:
                continue
            choices = (True, False) if isinstance(default, bool) else tuple(sorted(param.codes or ()))
            out += [((pack.id, name, v), v == default) for v in choices]
    return out


def explain_record(
    record_id: str,
    row: int,
    answers: Mapping[str, Any],
    packs: Sequence[Pack],
    timeline: Timeline,
    instrument: Instrument,
    schema: Schema,
) -> Explanation:
    judged_on = timeline.judgement.as_of or answers.get(REFERENCE_DATE)
    given, answers = answers, with_month_values(answers, packs)
    from_calendar = {name for name, value in answers.items() if given.get(name) is None and value is not None}
    interval = _interval(timeline, answers)
    rules = {r.id: r for p in packs for r in p.rules.values()}
    params = {(p.id, name): param for p in packs for name, param in p.parameters.items()}
    presumed = presumptions(packs, timeline)
    env = RecordEnv(answers, interval, rules, instrument, presumed, timeline.readings)
    others = _other_readings(answers, packs, timeline.judgement, rules, instrument)
    covered = coverage(packs, instrument, timeline)
    out = []
    for pack in packs:
        for rule in pack.outputs:
            result = env.rule(rule.id)
            variables, used_params, used_rules = _reach(rule, rules)
            missing = sorted(result.missing) if not result.absent else []
            out.append(
                RuleExplanation(
                    rule=rule,
                    result=result,
                    answers={
                        v: answers.get(v) for v in variables if instrument.was_asked(v) and v not in from_calendar
                    },
                    calendar={v: answers[v] for v in variables if v in from_calendar},
                    derived={d: env.rule(d) for d in used_rules if rules[d].kind is RuleKind.DERIVED},
                    law=[LawValue(params[k], interval.value(k) if interval else None) for k in used_params],
                    missing_answers=[m for m in missing if not m.startswith(LAW_PREFIX)],
                    missing_law=[m[len(LAW_PREFIX) :] for m in missing if m.startswith(LAW_PREFIX)],
                    decided_by=_decided_by(rule, env),
                    tallies=_tallies(rule, env),
                    holding=[d for d in used_rules if rules[d].kind is RuleKind.FINDING and env.rule(d).value is True],
                    alternatives=[
                        Alternative(setting, other.rule(rule.id))
                        for setting, other in others
                        if (other.rule(rule.id).value, other.rule(rule.id).absent) != (result.value, result.absent)
                    ],
                    not_asked=[v for v in variables if not instrument.was_asked(v) and v not in presumed],
                    presumed=[presumed[v] for v in variables if not instrument.was_asked(v) and v in presumed],
                    coverage=covered.get(rule.id),
                )
            )
    outputs = [r for p in packs for r in p.outputs]
    asking = next_questions(env, outputs, schema)
    return Explanation(record_id, row, judged_on, timeline, interval, packs, out, instrument, asking, dict(given))


def _interval(timeline: Timeline, answers: Mapping[str, Any]) -> Interval | None:
    return timeline.interval_for(answers.get(REFERENCE_DATE))


def _other_readings(
    answers: Mapping[str, Any],
    packs: Sequence[Pack],
    judgement: Judgement,
    rules: Mapping[str, Rule],
    instrument: Instrument | None,
) -> list[tuple[Setting, RecordEnv]]:
    """The record under each alternative reading, one reading changed at a time."""
    chosen = {(p, name): v for p, name, v in judgement.settings}
    out = []
    for setting, is_default in reading_values(packs):
        pack, name, value = setting
        in_effect = chosen[(pack, name)] == value if (pack, name) in chosen else is_default
        if in_effect:
            continue
        settings = (*(s for s in judgement.settings if (s[0], s[1]) != (pack, name)), setting)
        other = build_timeline(packs, Judgement(judgement.as_of, judgement.law, judgement.verified_only, settings))
        interval = _interval(other, answers)
        env = RecordEnv(answers, interval, rules, instrument, presumptions(packs, other), other.readings)
        out.append((setting, env))
    return out
