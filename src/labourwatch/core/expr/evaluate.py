"""Reference semantics of the language, one record at a time (used for explanations and to test the
SQL compilers against). Three-valued (Kleene) logic: `None` is unknown. Each result carries the
missing inputs that made it unknown, so an explanation can name the answers that would settle it."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from labourwatch.core.expr import nodes as n

Value = Any  # bool | float | str | date | frozenset[str] | tuple[str, ...] | None


@dataclass(frozen=True)
class Tri:
    value: Value
    missing: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        return self.value is not None


UNKNOWN = Tri(None)


class Env(Protocol):
    def variable(self, name: str) -> Tri: ...
    def parameter(self, pack: str, name: str) -> Tri: ...
    def rule(self, name: str) -> Tri: ...


def _unknown(parts: Iterable[Tri]) -> Tri:
    missing: frozenset[str] = frozenset()
    for p in parts:
        if not p.known:
            missing |= p.missing
    return Tri(None, missing)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def evaluate(node: n.Node, env: Env) -> Tri:
    match node:
        case n.Literal(value=v):
            return Tri(v)
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
    if a.value is decisive or b.value is decisive:
        return Tri(decisive)
    if a.known and b.known:
        return Tri(not decisive)
    return _unknown((a, b))


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
        pool = Tri(tuple(evaluate(i, env).value for i in haystack.items))
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
        return evaluate(args[1] if cond.value else args[2], env)
    if func == "coalesce":
        tried = []
        for a in args:
            r = evaluate(a, env)
            if r.known:
                return r
            tried.append(r)
        return _unknown(tried)
    if func == "answer":
        given = evaluate(args[0], env)
        non_answers = {item.value for item in args[1].children() if isinstance(item, n.Literal)}
        if given.value in non_answers:
            return Tri(None, given.missing | _names(args[0]))
        return given
    if func in ("at_least", "count"):
        return _threshold(func, args, env)
    values = [evaluate(a, env) for a in args]
    if func == "is_missing":
        return Tri(not values[0].known)
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
    even when every unknown one does, unknown (naming the unknown ones) otherwise."""
    findings = [evaluate(a, env) for a in (args[1:] if func == "at_least" else args)]
    held = sum(1 for f in findings if f.value is True)
    if func == "count":
        return Tri(float(held))
    k = evaluate(args[0], env)
    open_ = [f for f in findings if not f.known]
    if not k.known:
        return _unknown([k])
    if held >= k.value:
        return Tri(True)
    if held + len(open_) < k.value:
        return Tri(False)
    return _unknown(open_)


def _names(node: n.Node) -> frozenset[str]:
    return frozenset(x.name for x in node.walk() if isinstance(x, n.VarRef))


def classify(cases: Iterable[tuple[str, n.Node]], otherwise: str, env: Env, unknown: str = "unknown") -> Tri:
    """First case whose condition holds. An unknown condition before any that holds makes the result
    unknown, because the missing answers could make that earlier case hold."""
    for label, when in cases:
        r = evaluate(when, env)
        if not r.known:
            return Tri(unknown, r.missing)
        if r.value:
            return Tri(label)
    return Tri(otherwise)
