"""Reference semantics of the language, one record at a time (used for explanations and to test the
SQL compilers against). Three-valued (Kleene) logic: `None` is unknown. Each result carries the
missing inputs that made it unknown, so an explanation can name the answers that would settle it.

A fourth value, *not measured*, stands for what the survey never asked (docs/concepts.md#asked). It
is absent from the measure, as the ILO guidelines treat an indicator a survey did not cover: `or`,
`at_least`, `count` and `coalesce` leave it out (if all their parts are absent, so are they); `and`
needs every part, so it is false when another part is false, unknown when another is unknown, and
not measured otherwise; everything else that reads it is not measured. A result that is not measured
has no value, so it can never be read as "no"."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Protocol

from labourwatch.core.expr import nodes as n

Value = Any  # bool | float | str | date | frozenset[str] | tuple[str, ...] | None


@dataclass(frozen=True)
class Tri:
    value: Value
    missing: frozenset[str] = frozenset()  # unknown: the answers that would settle it; absent: those not asked
    absent: bool = False  # not measured: it rests on questions that were not asked
    always: bool = False  # not measured on any record, whatever the answers (left out of groups)
    fixed: bool = False  # the same known value on every record: literals and law values that do not change

    @property
    def known(self) -> bool:
        return self.value is not None


UNKNOWN = Tri(None)


def not_asked(name: str) -> Tri:
    return Tri(None, frozenset({name}), absent=True, always=True)


class Env(Protocol):
    def variable(self, name: str) -> Tri: ...
    def parameter(self, pack: str, name: str) -> Tri: ...
    def rule(self, name: str) -> Tri: ...


def _unknown(parts: Iterable[Tri]) -> Tri:
    """The result of an operation that needs every part, some of which have no value: not measured if
    any part is not (no answer could give it a value), otherwise unknown, naming the inputs behind it."""
    parts = [p for p in parts if not p.known]
    absent = [p for p in parts if p.absent]
    missing: frozenset[str] = frozenset().union(*(p.missing for p in absent or parts))
    return Tri(None, missing, absent=bool(absent), always=any(p.always for p in absent))


def _unsettled(parts: Sequence[Tri]) -> Tri:
    """The result when open parts could still decide it: unknown if an answer could (one part is
    unknown), else not measured; not measured on every record only when every part is."""
    unknown = [p for p in parts if not p.known and not p.absent]
    if unknown:
        return _unknown(unknown)
    return _absent(parts, always=all(p.always for p in parts))


def _measured(parts: Sequence[Tri], *, dimension: bool = False) -> list[Tri]:
    """The parts of a group left in the measure: all but those not measured on any record, and in a
    dimension those a reading rules out (false on every record)."""
    return [p for p in parts if not p.always and not (dimension and p.fixed and p.value is False)]


def _absent(parts: Iterable[Tri], *, always: bool) -> Tri:
    return Tri(None, frozenset().union(*(p.missing for p in parts if p.absent)), absent=True, always=always)


def _sometimes(t: Tri) -> Tri:
    """`t` as the result of one branch taken on this record: not measured here, not everywhere."""
    return Tri(t.value, t.missing, t.absent) if t.always else t


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@cache
def law_only(node: n.Node) -> tuple[n.ParamRef, ...] | None:
    """The law values an expression reads when it reads nothing else (no answer, no rule), else None."""
    if any(isinstance(x, n.VarRef | n.RuleRef) for x in node.walk()):
        return None
    return tuple(x for x in node.walk() if isinstance(x, n.ParamRef))


def evaluate(node: n.Node, env: Env) -> Tri:
    result = _evaluate(node, env)
    params = law_only(node)
    if params is None or not result.known or result.fixed:
        return result
    if all(env.parameter(p.pack, p.name).fixed for p in params):  # decided once for every record
        return Tri(result.value, fixed=True)
    return result


def _evaluate(node: n.Node, env: Env) -> Tri:
    match node:
        case n.Literal(value=v):
            return Tri(v, fixed=v is not None)
        case n.VarRef(name=name):
            return env.variable(name)
        case n.ParamRef(pack=pack, name=name):
            return env.parameter(pack, name)
        case n.RuleRef(name=name):
            return env.rule(name)
        case n.Unary(op="not", operand=o):
            r = evaluate(o, env)
            return Tri(not r.value, r.missing) if r.known else r
        case n.Unary(op="-", operand=o):
            r = evaluate(o, env)
            return Tri(-r.value) if r.known else r
        case n.Binary(op="and" | "or" as op, left=left, right=right):
            return _kleene(op, evaluate(left, env), evaluate(right, env))
        case n.Binary(op=op, left=left, right=right):
            a, b = evaluate(left, env), evaluate(right, env)
            if not (a.known and b.known):
                return _unknown((a, b))
            return Tri(_arith(op, a.value, b.value))
        case n.Compare(op=op, left=left, right=right):
            a, b = evaluate(left, env), evaluate(right, env)
            if not (a.known and b.known):
                return _unknown((a, b))
            return Tri(_COMPARE[op](a.value, b.value))
        case n.In(needle=needle, haystack=haystack, negated=negated):
            return _in(evaluate(needle, env), haystack, env, negated)
        case n.Call(func=func, args=args):
            return _call(func, args, env)
    raise TypeError(f"cannot evaluate {node!r}")  # pragma: no cover - the checker rejects these


def _kleene(op: str, a: Tri, b: Tri) -> Tri:
    decisive = op == "or"  # the value that settles the result whatever the other side is
    for fixed, other in ((a, b), (b, a)):  # a part decided for every record (a reading): no part at all
        if fixed.fixed:
            return Tri(decisive, fixed=True) if fixed.value is decisive else other
    if a.value is decisive or b.value is decisive:
        return Tri(decisive)
    if a.known and b.known:
        return Tri(not decisive)
    return _unsettled((a, b))


def _arith(op: str, a: float, b: float) -> float | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b if b != 0 else None  # division by zero is unknown, as in the SQL compilers


def _in(needle: Tri, haystack: n.Node, env: Env, negated: bool) -> Tri:
    if isinstance(haystack, n.ListLit):
        items = [evaluate(i, env) for i in haystack.items]
        if needle.absent or any(i.absent for i in items):
            return _unknown([needle, *items])
        pool = Tri(tuple(i.value for i in items))
    else:
        pool = evaluate(haystack, env)
    if not (needle.known and pool.known):
        return _unknown((needle, pool))
    found = needle.value in pool.value
    return Tri(found != negated)


def _call(func: str, args: tuple[n.Node, ...], env: Env) -> Tri:
    if func == "if":
        cond = evaluate(args[0], env)
        if not cond.known:
            return cond
        branch = evaluate(args[1] if cond.value else args[2], env)
        return branch if cond.fixed else _sometimes(branch)
    if func == "coalesce":
        every = [evaluate(a, env) for a in args]
        tried = _measured(every)
        if not tried:
            return _absent(every, always=True)
        return next((r for r in tried if r.known), None) or _unsettled(tried)
    if func == "answer":
        given = evaluate(args[0], env)
        non_answers = {item.value for item in args[1].children() if isinstance(item, n.Literal)}
        if given.value in non_answers:
            return Tri(None, given.missing | _names(args[0]))
        return given
    if func in ("any", "at_least", "count"):
        return _threshold(func, args, env)
    values = [evaluate(a, env) for a in args]
    if func == "is_missing":  # it reads the blank itself: never left out of a group
        return _sometimes(values[0]) if values[0].absent else Tri(not values[0].known)
    if not all(v.known for v in values):
        return _unknown(values)
    if func == "min":
        return Tri(min(v.value for v in values))
    if func == "max":
        return Tri(max(v.value for v in values))
    if func == "days_between":
        start: date = values[0].value
        end: date = values[1].value
        return Tri(float((end - start).days))
    if func == "year":
        return Tri(float(values[0].value.year))
    raise TypeError(f"unknown function {func}")  # pragma: no cover


def _threshold(func: str, args: tuple[n.Node, ...], env: Env) -> Tri:
    """at_least(k, ...) is exact under Kleene logic: true if k hold already, false if k cannot hold
    even when every open one does, unknown (naming the unknown ones) otherwise. An indicator not
    measured on any record is left out; with none left the result is not measured (on every record
    when it is a dimension: any, or at_least of one or more)."""
    every = [evaluate(a, env) for a in (args[1:] if func == "at_least" else args)]
    findings = _measured(every, dimension=is_dimension(func, args))
    if every and not findings:
        return _absent(every, always=is_dimension(func, args))
    held = sum(1 for f in findings if f.value is True)
    if func == "count":
        return Tri(float(held))
    k = Tri(1.0) if func == "any" else evaluate(args[0], env)
    open_ = [f for f in findings if not f.known]
    if not k.known:
        return _unknown([k])
    if held >= k.value:
        return Tri(True)
    if held + len(open_) < k.value:
        return Tri(False)
    return _unsettled(open_)


def is_dimension(func: str, args: tuple[n.Node, ...]) -> bool:
    """any(...) and at_least(k, ...) with k >= 1 written out: a group that holds when its indicators
    do, so it is out of the measure when all of them are. A count, or a threshold of 0 or read from
    the law, is about how many hold: it reads the blanks too, and is never left out."""
    if func == "any":
        return True
    k = args[0] if func == "at_least" and args else None
    return isinstance(k, n.Literal) and isinstance(k.value, float) and k.value >= 1


def _names(node: n.Node) -> frozenset[str]:
    return frozenset(x.name for x in node.walk() if isinstance(x, n.VarRef))


def classify(cases: Sequence[tuple[str, n.Node]], otherwise: str, env: Env, unknown: str = "unknown") -> Tri:
    """First case whose condition holds. An unknown condition before any that holds makes the result
    unknown, because the missing answers could make that earlier case hold; one not measured on this
    record makes it not measured. A condition not measured on any record is passed over (when every
    one is, so is the classification)."""
    tried = [evaluate(when, env) for _, when in cases]
    if cases and all(r.always for r in tried):
        return _absent(tried, always=True)
    for (label, _), r in zip(cases, tried, strict=True):
        if r.always:
            continue
        if r.absent:
            return _sometimes(r)
        if not r.known:
            return Tri(unknown, r.missing)
        if r.value:
            return Tri(label)
    return Tri(otherwise)
