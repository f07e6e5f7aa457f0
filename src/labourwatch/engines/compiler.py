"""Compile resolved expressions to SQL trees with sqlglot, one tree for every SQL engine.

SQL's NULL is the unknown of three-valued logic: AND, OR, NOT and comparisons already follow Kleene's
tables. Two places do not, and are guarded here: CASE treats an unknown condition as false, and
engines differ on division by zero (DuckDB gives infinity) and on LEAST/GREATEST with NULLs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlglot import exp

from labourwatch.core.environment import LawEnv
from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.evaluate import evaluate, is_dimension, law_only
from labourwatch.core.model import Rule, RuleKind
from labourwatch.core.types import ValueType
from labourwatch.core.values import UNKNOWN_LABEL

Absence = bool | exp.Expression  # not measured on every record (True), on none (False), or where an SQL test holds


@dataclass(frozen=True)
class Measured:
    """A compiled expression: its value under Kleene logic (NULL when unknown or not measured) and when
    it is not measured, because it rests on questions the survey did not ask (core/expr/evaluate.py
    gives the semantics). The test is never NULL, and where it holds the value is NULL. Whether a
    question was asked is known for the whole input, so the test folds to a constant almost everywhere
    and costs nothing; only a combination of a part not asked with one asked (`and`, `or`, `if`, a
    group) makes it depend on the record."""

    value: exp.Expression
    absent: Absence = False
    fixed: Any = None  # the value, when it is the same on every record (see evaluate.Tri.fixed)

    def copy(self) -> Measured:
        return Measured(self.value.copy(), _copy(self.absent), self.fixed)


VariableFor = Callable[[str], Measured]
ParamColumnFor = Callable[[str, str], exp.Expression]
ComputedFor = Callable[[str, bool], exp.Expression]  # a computed rule's column: its value, or its absence


def _copy(a: Absence) -> Absence:
    return a if isinstance(a, bool) else a.copy()


def as_sql(a: Absence) -> exp.Expression:
    return exp.Boolean(this=a) if isinstance(a, bool) else a.copy()


def _fold(parts: Sequence[Absence], absorbing: bool, join: Any) -> Absence:
    """OR (absorbing True) or AND (absorbing False) of absence tests, folded where they are constants."""
    if any(p is absorbing for p in parts):
        return absorbing
    tests = [p for p in parts if isinstance(p, exp.Expression)]  # the rest are the neutral constant
    if not tests:
        return not absorbing
    return tests[0] if len(tests) == 1 else join(*(_wrap(t) for t in tests), copy=False)


def any_of(*parts: Absence) -> Absence:
    return _fold(parts, True, exp.or_)


def all_of(*parts: Absence) -> Absence:
    return _fold(parts, False, exp.and_)


def _is(value: exp.Expression, truth: bool) -> exp.Expression:
    return exp.Is(this=_wrap(value.copy()), expression=exp.Boolean(this=truth))


def _connective(value: exp.Expression, a: Measured, b: Measured, *, decisive: bool) -> Measured:
    """`and` (decisive: false) or `or` (decisive: true): not measured where a part is not measured and
    every other part is neither decisive nor unknown, that is, it either holds the other value or is
    not measured too. A part decided for every record (a reading) settles it, or is no part at all."""
    for fixed, other in ((a, b), (b, a)):
        if fixed.fixed is not None:
            return Measured(literal(decisive), fixed=decisive) if fixed.fixed is decisive else other
    either = any_of(a.absent, b.absent)
    if either is False:
        return Measured(value)
    undecided = [any_of(m.absent, _is(m.value, not decisive)) for m in (a, b)]
    return Measured(value, all_of(either, *undecided))


def typed_null(kind: ValueType) -> exp.Expression:
    sql = {ValueType.NUMBER: "DOUBLE", ValueType.DATE: "DATE", ValueType.STRING: "VARCHAR", ValueType.SET: "VARCHAR[]"}
    return exp.cast(exp.Null(), sql.get(kind, "BOOLEAN"))


def guarded(m: Measured, kind: ValueType | None) -> Measured:
    """No value where not measured (the invariant of Measured), for operations that would make one."""
    if m.absent is False:
        return m
    if m.absent is True:
        return Measured(typed_null(kind or ValueType.BOOL), True)
    return Measured(_case([(as_sql(m.absent), typed_null(kind or ValueType.BOOL))], m.value), m.absent)


def literal(value: object) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(repr(float(value)))
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if isinstance(value, tuple | list):
        return exp.Array(expressions=[literal(v) for v in value])
    return exp.Literal.string(str(value))


def _case(ifs: Sequence[tuple[Any, Any]], default: exp.Expression) -> exp.Expression:
    return exp.Case(ifs=[exp.If(this=c, true=v) for c, v in ifs], default=default)


def _is_null(e: exp.Expression) -> exp.Expression:
    return exp.Is(this=_wrap(e.copy()), expression=exp.Null())


_ATOMS = (exp.Column, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Cast, exp.Array)


def _wrap(e: exp.Expression) -> exp.Expression:
    """Parenthesise composite operands: sqlglot prints trees as given, and SQL's precedence would
    otherwise regroup them (NOT x IS NULL is NOT (x IS NULL))."""
    return e if isinstance(e, _ATOMS) else exp.Paren(this=e)


# Typed loosely: sqlglot's node classes are not all visible to mypy as Expression subclasses.
_BINARY: dict[str, Any] = {
    "and": exp.And,
    "or": exp.Or,
    "+": exp.Add,
    "-": exp.Sub,
    "*": exp.Mul,
}
_COMPARE: dict[str, Any] = {
    "==": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


def _tally(tests: list[exp.Expression]) -> exp.Expression:
    """How many of these tests (never NULL) hold, as an integer."""
    total: exp.Expression = exp.Literal.number(0)
    for t in tests:
        total = exp.Add(this=total, expression=exp.cast(_wrap(t), exp.DataType.Type.INT))
    return _wrap(total)


def _reached(k: Measured | None, items: list[Measured]) -> tuple[exp.Expression, exp.Expression]:
    """Whether at least k of the items hold, and whether so many no longer can (too many are false).
    For one, the most common threshold, an OR and an AND of the tests; else sums of 0/1, compared with
    a whole k as an integer."""
    whole = k is not None and isinstance(k.fixed, float) and k.fixed.is_integer()
    need = 1 if k is None else int(k.fixed) if whole else None
    if need == 1 and items:
        held: Any = exp.or_(*(_is(m.value, True) for m in items), copy=False)
        out_of_reach: Any = exp.and_(*(_is(m.value, False) for m in items), copy=False)
        return _wrap(held), _wrap(out_of_reach)
    threshold = exp.Literal.number(need) if need is not None else k.value  # type: ignore[union-attr]
    possible = _tally([exp.Not(this=_is(m.value, False)) for m in items])
    held_count = _tally([_is(m.value, True) for m in items])
    return exp.GTE(this=held_count, expression=threshold), exp.LT(this=possible, expression=threshold.copy())


class SqlCompiler:
    """Compiles the rules of loaded packs. A rule referring to another rule either inlines it or, once
    the caller has computed that rule as a column of an inner query (`computed`), reads the column."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        variable: VariableFor,
        parameter: ParamColumnFor,
        computed: ComputedFor | None = None,
        readings: Mapping[tuple[str, str], Any] | None = None,
    ) -> None:
        self.rules = rules
        self.variable = variable
        self.parameter = parameter
        self.computed = computed
        self.readings = readings or {}  # chosen once for every record: read as constants
        self.available: set[str] = set()  # rules already computed as columns
        self._memo: dict[str, Measured] = {}

    def rule(self, rule_id: str) -> Measured:
        if rule_id not in self._memo:
            rule = self.rules[rule_id]
            if rule.kind is RuleKind.CLASSIFICATION:
                self._memo[rule_id] = self.classification(rule)
            else:
                assert rule.expr is not None
                self._memo[rule_id] = self.compile(rule.expr)
        inlined = self._memo[rule_id]
        if rule_id in self.available and self.computed is not None and inlined.fixed is None:
            absent = inlined.absent if isinstance(inlined.absent, bool) else self.computed(rule_id, True)
            return Measured(self.computed(rule_id, False), absent)
        return inlined.copy()

    def layers(self, rule_ids: Sequence[str]) -> list[list[str]]:
        """The rules these need, grouped by depth: a rule's layer comes after every rule it reads. Each
        layer is one projection, so a rule read by many others is computed once, and the SQL grows with
        the number of rules instead of multiplying along the chains of rules reading rules."""
        depth: dict[str, int] = {}

        def visit(rule_id: str) -> int:
            if rule_id not in depth:
                depth[rule_id] = 1 + max((visit(r) for r in self.rules[rule_id].reads), default=-1)
            return depth[rule_id]

        for rule_id in rule_ids:
            visit(rule_id)
        out: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for rule_id, d in depth.items():
            out[d].append(rule_id)
        return out

    def classification(self, rule: Rule) -> Measured:
        """The first case that holds; unknown after an unknown case, not measured after one not
        measured on the record; a case not measured on any record is passed over, and when every one
        is, so is the classification."""
        conditions = [(case.label, self.compile(case.when)) for case in rule.cases]
        conditions = [(label, c) for label, c in conditions if c.absent is not True]
        if rule.cases and not conditions:
            return guarded(Measured(exp.Null(), True), ValueType.STRING)
        labels: list[tuple[exp.Expression, exp.Expression]] = []
        absences: list[tuple[exp.Expression, exp.Expression]] = []
        for label, cond in conditions:
            if cond.absent is not False:
                labels.append((as_sql(cond.absent), exp.Null()))
                absences.append((as_sql(cond.absent), exp.true()))
            labels.append((_is_null(cond.value), exp.Literal.string(UNKNOWN_LABEL)))
            labels.append((cond.value.copy(), exp.Literal.string(label)))
            absences.append((_is_null(cond.value), exp.false()))
            absences.append((cond.value.copy(), exp.false()))
        value = _case(labels, exp.Literal.string(rule.otherwise or UNKNOWN_LABEL))
        if all(c.absent is False for _, c in conditions):
            return Measured(_wrap(value))
        return Measured(_wrap(value), _wrap(_case(absences, exp.false())))

    def compile(self, node: n.Node) -> Measured:
        fixed = self._fixed(node)
        if fixed is not None:
            return Measured(literal(fixed), fixed=fixed)
        m = self._compile(node)
        return Measured(_wrap(m.value), m.absent, m.fixed)

    def _fixed(self, node: n.Node) -> Any:
        """The value of an expression of literals and readings only (the same for every record), or None;
        as the reference evaluator decides it (evaluate.evaluate)."""
        params = law_only(node)
        if params is None or isinstance(node, n.ListLit) or any((p.pack, p.name) not in self.readings for p in params):
            return None
        value = evaluate(node, LawEnv(self.readings)).value
        return value if isinstance(value, bool | float | str) else None

    def _compile(self, node: n.Node) -> Measured:
        match node:
            case n.Literal(value=v):
                return Measured(literal(v))
            case n.VarRef(name=name):
                return self.variable(name)
            case n.ParamRef(pack=pack, name=name):
                return Measured(self.parameter(pack, name))
            case n.RuleRef(name=name):
                return self.rule(name)
            case n.Unary(op="not", operand=o):
                m = self.compile(o)
                return Measured(exp.Not(this=m.value), m.absent)
            case n.Unary(op="-", operand=o):
                m = self.compile(o)
                return Measured(exp.Neg(this=m.value), m.absent)
            case n.Binary(op="and", left=a, right=b):
                return self._and(self.compile(a), self.compile(b))
            case n.Binary(op="or", left=a, right=b):
                return self._or(self.compile(a), self.compile(b))
            case n.Binary(op="/", left=a, right=b):
                left, right = self.compile(a), self.compile(b)
                divisor = exp.Nullif(this=right.value, expression=literal(0.0))
                return Measured(exp.Div(this=left.value, expression=divisor), any_of(left.absent, right.absent))
            case n.Binary(op=op, left=a, right=b):
                return self._strict(_BINARY[op], self.compile(a), self.compile(b))
            case n.Compare(op=op, left=a, right=b):
                return self._strict(_COMPARE[op], self.compile(a), self.compile(b))
            case n.In(needle=needle, haystack=haystack, negated=negated):
                found = self._in(self.compile(needle), haystack)
                return Measured(exp.Not(this=_wrap(found.value)), found.absent) if negated else found
            case n.Call(func=func, args=args):
                return self._call(func, args)
        raise TypeError(f"cannot compile {node!r}")  # pragma: no cover - the checker rejects these

    @staticmethod
    def _strict(kind: Any, a: Measured, b: Measured) -> Measured:
        """An operation whose result is unknown with any unknown part, and not measured with any part
        not measured (NULL in, NULL out: the value needs no guard)."""
        combined: exp.Expression = kind(this=a.value, expression=b.value)
        return Measured(combined, any_of(a.absent, b.absent))

    @staticmethod
    def _and(a: Measured, b: Measured) -> Measured:
        """Kleene's AND on the values (what is not measured has none); not measured where a part is not
        and no other part is false or unknown."""
        return _connective(exp.And(this=a.value, expression=b.value), a, b, decisive=False)

    @staticmethod
    def _or(a: Measured, b: Measured) -> Measured:
        """Kleene's OR; not measured where a part is not and no other part is true or unknown."""
        return _connective(exp.Or(this=a.value, expression=b.value), a, b, decisive=True)

    @staticmethod
    def _threshold(func: str, k: Measured | None, items: list[Measured], dimension: bool) -> Measured:
        """any(), at_least() and count(): sums of 0/1 tests that are never NULL; see
        evaluate._threshold. An indicator not measured on any record is left out of both sums."""
        measured = [m for m in items if m.absent is not True and not (dimension and m.fixed is False)]
        kind = ValueType.NUMBER if func == "count" else ValueType.BOOL
        if items and not measured:  # out of the measure on every record only as a dimension
            return guarded(Measured(exp.Null(), True if dimension else exp.true()), kind)
        if func == "any" and all(m.absent is False for m in measured):  # then Kleene's OR, which is cheaper
            disjunction: Any = exp.or_(*(m.value for m in measured), copy=False)
            return Measured(_wrap(disjunction))
        if func == "count":
            return Measured(exp.cast(_tally([_is(m.value, True) for m in measured]), exp.DataType.Type.DOUBLE))
        reached, beyond = _reached(k, measured)
        value = _case([(reached, exp.true()), (beyond, exp.false())], exp.Null())
        if all(m.absent is False for m in measured):  # what is open is unknown, not unmeasured
            return Measured(value, k.absent if k is not None else False)
        open_unmeasured = all_of(*(any_of(m.absent, exp.Not(this=_is_null(m.value))) for m in measured))
        either: Any = exp.or_(reached.copy(), beyond.copy(), copy=False)
        undecided = exp.Not(this=_wrap(either))
        absent = exp.Coalesce(this=_wrap(as_sql(all_of(undecided, open_unmeasured))), expressions=[exp.false()])
        return Measured(value, any_of(k.absent if k is not None else False, absent))

    def _in(self, needle: Measured, haystack: n.Node) -> Measured:
        if isinstance(haystack, n.ListLit):
            items = [self.compile(i) for i in haystack.items]
            found = exp.In(this=needle.value, expressions=[i.value for i in items])
            return guarded(Measured(found, any_of(needle.absent, *(i.absent for i in items))), ValueType.BOOL)
        pool = self.compile(haystack)
        # ARRAY_CONTAINS is NULL when either side is NULL, as Kleene logic wants.
        return Measured(exp.ArrayContains(this=pool.value, expression=needle.value), any_of(needle.absent, pool.absent))

    def _call(self, func: str, args: tuple[n.Node, ...]) -> Measured:
        if func == "answer":
            given = self.compile(args[0])
            codes = [self.compile(c).value for c in args[1].children()]
            if not codes:
                return given
            value = _case([(exp.In(this=given.value.copy(), expressions=codes), exp.Null())], given.value)
            return Measured(value, given.absent)  # wrapped by compile
        if func in ("any", "at_least", "count"):
            compiled = [self.compile(a) for a in args]
            k = compiled[0] if func == "at_least" else None
            return self._threshold(func, k, compiled[func == "at_least" :], is_dimension(func, args))
        compiled = [self.compile(a) for a in args]
        values = [c.value for c in compiled]
        if func == "if":
            cond, yes, no = compiled
            if isinstance(cond.fixed, bool):  # decided for every record: only that branch
                return yes if cond.fixed else no
            value = _case([(_is_null(cond.value), exp.Null()), (cond.value, yes.value)], no.value)
            chose = (all_of(yes.absent, _is(cond.value, True)), all_of(no.absent, _is(cond.value, False)))
            return Measured(value, any_of(cond.absent, *chose))
        if func == "coalesce":
            present = [c for c in compiled if c.absent is not True] or compiled[:1]
            value = exp.Coalesce(this=present[0].value, expressions=[c.value for c in present[1:]])
            return Measured(value, all_of(*(c.absent for c in compiled)))
        absent = any_of(*(c.absent for c in compiled))
        if func == "is_missing":  # it reads the blank itself: never left out of a group
            return guarded(Measured(_is_null(values[0]), exp.true() if absent is True else absent), ValueType.BOOL)
        if func in ("min", "max"):
            any_null = exp.or_(*(_is_null(v) for v in values))
            pick = exp.Least if func == "min" else exp.Greatest
            return Measured(_case([(any_null, exp.Null())], pick(this=values[0], expressions=values[1:])), absent)
        if func == "days_between":
            start, end = values
            diff = exp.DateDiff(this=end, expression=start, unit=exp.var("DAY"))
            return Measured(exp.cast(diff, exp.DataType.Type.DOUBLE), absent)
        if func == "year":
            return Measured(exp.cast(exp.Year(this=values[0]), exp.DataType.Type.DOUBLE), absent)
        raise TypeError(f"unknown function {func}")  # pragma: no cover
