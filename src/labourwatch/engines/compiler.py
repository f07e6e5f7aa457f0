"""Compile resolved expressions to SQL trees with sqlglot, one tree for every SQL engine.

SQL's NULL is the unknown of three-valued logic: AND, OR, NOT and comparisons already follow Kleene's
tables. Two places do not, and are guarded here: CASE treats an unknown condition as false, and
engines differ on division by zero (DuckDB gives infinity) and on LEAST/GREATEST with NULLs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlglot import exp

from labourwatch.core.expr import nodes as n
from labourwatch.core.model import Rule, RuleKind

ColumnFor = Callable[[str], exp.Expression]
ParamColumnFor = Callable[[str, str], exp.Expression]

UNKNOWN_LABEL = "unknown"


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


class SqlCompiler:
    """Compiles the rules of loaded packs. A rule referring to another rule either inlines it or, once
    the caller has computed that rule as a column of an inner query (`computed`), reads the column."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        variable: ColumnFor,
        parameter: ParamColumnFor,
        computed: ColumnFor | None = None,
    ) -> None:
        self.rules = rules
        self.variable = variable
        self.parameter = parameter
        self.computed = computed
        self.available: set[str] = set()  # rules already computed as columns
        self._memo: dict[str, exp.Expression] = {}

    def rule(self, rule_id: str) -> exp.Expression:
        if rule_id in self.available and self.computed is not None:
            return self.computed(rule_id)
        if rule_id not in self._memo:
            rule = self.rules[rule_id]
            if rule.kind is RuleKind.CLASSIFICATION:
                self._memo[rule_id] = _wrap(self.classification(rule))
            else:
                assert rule.expr is not None
                self._memo[rule_id] = self.compile(rule.expr)
        return self._memo[rule_id].copy()

    def layers(self, rule_ids: Sequence[str]) -> list[list[str]]:
        """The rules these need, grouped by depth: a rule's layer comes after every rule it reads. Each
        layer is one projection, so a rule read by many others is computed once, and the SQL grows with
        the number of rules instead of multiplying along the chains of rules reading rules."""
        depth: dict[str, int] = {}

        def visit(rule_id: str) -> int:
            if rule_id not in depth:
                refs = {x.name for root in self.rules[rule_id].nodes() for x in root.walk() if isinstance(x, n.RuleRef)}
                depth[rule_id] = 1 + max((visit(r) for r in refs), default=-1)
            return depth[rule_id]

        for rule_id in rule_ids:
            visit(rule_id)
        out: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for rule_id, d in depth.items():
            out[d].append(rule_id)
        return out

    def classification(self, rule: Rule) -> exp.Expression:
        ifs: list[tuple[exp.Expression, exp.Expression]] = []
        for case in rule.cases:
            cond = self.compile(case.when)
            ifs.append((_is_null(cond), exp.Literal.string(UNKNOWN_LABEL)))
            ifs.append((cond, exp.Literal.string(case.label)))
        return _case(ifs, exp.Literal.string(rule.otherwise or UNKNOWN_LABEL))

    def compile(self, node: n.Node) -> exp.Expression:
        return _wrap(self._compile(node))

    def _compile(self, node: n.Node) -> exp.Expression:
        match node:
            case n.Literal(value=v):
                return literal(v)
            case n.VarRef(name=name):
                return self.variable(name)
            case n.ParamRef(pack=pack, name=name):
                return self.parameter(pack, name)
            case n.RuleRef(name=name):
                return self.rule(name)
            case n.Unary(op="not", operand=o):
                return exp.Not(this=self.compile(o))
            case n.Unary(op="-", operand=o):
                return exp.Neg(this=self.compile(o))
            case n.Binary(op="/", left=a, right=b):
                right = exp.Nullif(this=self.compile(b), expression=literal(0.0))
                return exp.Div(this=self.compile(a), expression=right)
            case n.Binary(op=op, left=a, right=b):
                combined: exp.Expression = _BINARY[op](this=self.compile(a), expression=self.compile(b))
                return combined
            case n.Compare(op=op, left=a, right=b):
                compared: exp.Expression = _COMPARE[op](this=self.compile(a), expression=self.compile(b))
                return compared
            case n.In(needle=needle, haystack=haystack, negated=negated):
                found = self._in(self.compile(needle), haystack)
                return exp.Not(this=_wrap(found)) if negated else found
            case n.Call(func=func, args=args):
                return self._call(func, args)
        raise TypeError(f"cannot compile {node!r}")  # pragma: no cover - the checker rejects these

    @staticmethod
    def _threshold(func: str, compiled: list[exp.Expression]) -> exp.Expression:
        """count() and at_least(): sums of 0/1 tests that are never NULL; see evaluate._threshold."""

        def tally(tests: list[exp.Expression]) -> exp.Expression:
            total: exp.Expression = exp.Literal.number(0)
            for t in tests:
                total = exp.Add(this=total, expression=exp.cast(_wrap(t), exp.DataType.Type.INT))
            return _wrap(total)

        findings = compiled if func == "count" else compiled[1:]
        held = tally([exp.Is(this=f.copy(), expression=exp.true()) for f in findings])
        if func == "count":
            return exp.cast(held, exp.DataType.Type.DOUBLE)
        possible = tally([exp.Not(this=_wrap(exp.Is(this=f.copy(), expression=exp.false()))) for f in findings])
        k = compiled[0]
        return _case(
            [(exp.GTE(this=held, expression=k), exp.true()), (exp.LT(this=possible, expression=k.copy()), exp.false())],
            exp.Null(),
        )

    def _in(self, needle: exp.Expression, haystack: n.Node) -> exp.Expression:
        if isinstance(haystack, n.ListLit):
            return exp.In(this=needle, expressions=[self.compile(i) for i in haystack.items])
        pool = self.compile(haystack)
        # ARRAY_CONTAINS is NULL when either side is NULL, as Kleene logic wants.
        return exp.ArrayContains(this=pool, expression=needle)

    def _call(self, func: str, args: tuple[n.Node, ...]) -> exp.Expression:
        if func == "answer":
            value = self.compile(args[0])
            codes = [self.compile(c) for c in args[1].children()]
            if not codes:
                return value
            return _case([(exp.In(this=value.copy(), expressions=codes), exp.Null())], value)  # wrapped by compile
        compiled = [self.compile(a) for a in args]
        if func in ("at_least", "count"):
            return self._threshold(func, compiled)
        if func == "if":
            cond, yes, no = compiled
            return _case([(_is_null(cond), exp.Null()), (cond, yes)], no)
        if func == "coalesce":
            return exp.Coalesce(this=compiled[0], expressions=compiled[1:])
        if func == "is_missing":
            return _is_null(compiled[0])
        if func in ("min", "max"):
            any_null = exp.or_(*(_is_null(c) for c in compiled))
            pick = exp.Least if func == "min" else exp.Greatest
            return _case([(any_null, exp.Null())], pick(this=compiled[0], expressions=compiled[1:]))
        if func == "days_between":
            start, end = compiled
            diff = exp.DateDiff(this=end, expression=start, unit=exp.var("DAY"))
            return exp.cast(diff, exp.DataType.Type.DOUBLE)
        if func == "year":
            return exp.cast(exp.Year(this=compiled[0]), exp.DataType.Type.DOUBLE)
        raise TypeError(f"unknown function {func}")  # pragma: no cover
