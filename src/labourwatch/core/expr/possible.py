"""Which results a survey's questions make possible at all, whatever the answers: an abstract
version of evaluate.py over the kinds of result an expression can take. It ignores how the parts of
an expression depend on each other, so it may say a result is possible when no record could give
it, but never the reverse: when it says a finding can never hold, no answers make it hold. A
prevalence of a finding that can never hold says nothing (docs/concepts.md#asked)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from typing import Protocol

from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.evaluate import Tri, is_dimension, law_only
from labourwatch.core.types import ValueType

Kinds = frozenset[str]
T, F, U, N, A, V = "true", "false", "unknown", "not_measured", "never_measured", "value"
FIXED = "fixed"  # beside a value: the same on every record (literals and readings)
TRUE, FALSE, UNKNOWN, NOT_MEASURED, NEVER_MEASURED = T, F, U, N, A
ALWAYS_ABSENT: Kinds = frozenset({A})
ANSWERED_BOOL: Kinds = frozenset({T, F, U})
ANSWERED: Kinds = frozenset({V, U})


class Env(Protocol):
    def law(self, node: n.Node) -> Tri: ...  # an expression of law values and literals, evaluated
    def variable(self, name: str, boolean: bool) -> Kinds: ...
    def rule(self, name: str) -> Kinds: ...


def of_value(value: object) -> Kinds:
    if value is None:
        return frozenset({U})
    if isinstance(value, bool):
        return frozenset({T if value else F})
    return frozenset({V})


def _sometimes(kinds: Kinds) -> Kinds:
    """A never-measured part, in a combination where it is not left out: not measured here (and
    nothing in the combination is decided for every record)."""
    return frozenset(N if k == A else k for k in kinds if k != FIXED)


def _and(x: str, y: str) -> str:
    for k in (F, U, N):
        if k in (x, y):
            return k
    return T


def _or(x: str, y: str) -> str:
    for k in (T, U, N):
        if k in (x, y):
            return k
    return F


def _strict(parts: Iterable[Kinds], known: Kinds) -> Kinds:
    """An operation that needs every part: never measured with a part never measured; else known when
    every part can be, unknown or not measured when some part can be."""
    parts = list(parts)
    if any(p == ALWAYS_ABSENT for p in parts):
        return ALWAYS_ABSENT
    parts = [_sometimes(p) for p in parts]
    out: set[str] = set()
    if all(p & {T, F, V} for p in parts):
        out |= known
    out |= {k for p in parts for k in p & {U, N}}
    return frozenset(out)


def possible(node: n.Node, env: Env) -> Kinds:
    if law_only(node) is not None and not isinstance(node, n.ListLit):  # law values and literals: one value
        found = env.law(node)
        return of_value(found.value) | ({FIXED} if found.fixed else set())
    match node:
        case n.Literal(value=v):
            return of_value(v)
        case n.VarRef(name=name):
            return env.variable(name, node.type is ValueType.BOOL)
        case n.RuleRef(name=name):
            return env.rule(name)
        case n.Unary(op="not", operand=o):
            swap = {T: F, F: T}
            return frozenset(swap.get(k, k) for k in possible(o, env))
        case n.Unary(op="-", operand=o):
            return possible(o, env)
        case n.Binary(op="and" | "or" as op, left=a, right=b):
            pa, pb = possible(a, env), possible(b, env)
            decisive = F if op == "and" else T
            for fixed, other in ((pa, pb), (pb, pa)):  # decided for every record: settles it, or is no part
                if FIXED in fixed:
                    return frozenset({decisive, FIXED}) if decisive in fixed else other
            if pa == ALWAYS_ABSENT and pb == ALWAYS_ABSENT:
                return ALWAYS_ABSENT
            combine = _and if op == "and" else _or
            return frozenset(combine(x, y) for x, y in product(_sometimes(pa), _sometimes(pb)))
        case n.Binary(left=a, right=b):
            return _strict([possible(a, env), possible(b, env)], frozenset({V, U}))
        case n.Compare(left=a, right=b) | n.In(needle=a, haystack=b):
            return _strict([possible(a, env), possible(b, env)], frozenset({T, F}))
        case n.ListLit(items=items):
            return _strict([possible(i, env) for i in items], frozenset({V}))
        case n.Call(func=func, args=args):
            return _call(func, args, env)
    raise TypeError(f"cannot evaluate {node!r}")  # pragma: no cover


def _call(func: str, args: tuple[n.Node, ...], env: Env) -> Kinds:
    if func == "if":
        cond = possible(args[0], env)
        if cond == ALWAYS_ABSENT:
            return ALWAYS_ABSENT
        if FIXED in cond:  # decided for every record: only that branch, as it is
            return possible(args[1] if T in cond else args[2], env)
        out = {k for k in cond if k in (U, N)}
        for truth, branch in ((T, args[1]), (F, args[2])):
            if truth in cond:
                out |= _sometimes(possible(branch, env))
        return frozenset(out)
    if func in ("any", "at_least", "count", "coalesce"):
        items = [possible(a, env) for a in (args[1:] if func == "at_least" else args)]
        dimension = is_dimension(func, args)
        kept = [p for p in items if p != ALWAYS_ABSENT and not (dimension and p == {F, FIXED})]
        if items and not kept:
            return ALWAYS_ABSENT if func == "coalesce" or dimension else frozenset({N})
        if func == "count":
            return frozenset({V})
        if func == "coalesce":
            return _first_known(kept)
        k = 1.0 if func == "any" else (args[0].value if isinstance(args[0], n.Literal) else None)
        return _threshold(k if isinstance(k, float) else None, kept)
    parts = [possible(a, env) for a in args]
    if func == "is_missing":
        if parts[0] == ALWAYS_ABSENT:
            return frozenset({N})
        return frozenset({T if k == U else (N if k == N else F) for k in parts[0]})
    if func == "answer":
        return parts[0] | ({U} if parts[0] & {V, T, F} else set())
    return _strict(parts, frozenset({V, U}))  # min, max, days_between, year


def _first_known(items: list[Kinds]) -> Kinds:
    out = {k for p in items for k in p & {T, F, V}}
    if all(p & {U, N} for p in items):
        out |= {U} if any(U in p for p in items) else {N}
    return frozenset(out)


def _threshold(k: float | None, items: list[Kinds]) -> Kinds:
    if k is None:  # a threshold read from the law: anything the items allow
        return frozenset({T, F}) | {x for p in items for x in p & {U, N}}
    out = {x for p in items for x in _sometimes(p) & {U, N}}
    if sum(T in p for p in items) >= k:
        out.add(T)
    if sum(F in p for p in items) >= len(items) - k + 1:
        out.add(F)
    return frozenset(out)


def classify_possible(conditions: list[tuple[str, Kinds]], otherwise: str) -> Kinds:
    """The labels a classification can give, and whether it can be unknown or not measured."""
    kept = [(label, c) for label, c in conditions if c != ALWAYS_ABSENT]
    if conditions and not kept:
        return ALWAYS_ABSENT
    out: set[str] = set()
    for label, cond in kept:
        out |= {label} if T in cond else set()
        out |= {k for k in _sometimes(cond) if k in (U, N)}
    if all(F in c for _, c in kept):
        out.add(otherwise)
    return frozenset(out)
