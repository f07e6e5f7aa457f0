"""Resolve names and check types. Every error names the file and line of the offending expression."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from labourwatch.core.errors import ExpressionError, Location
from labourwatch.core.expr import nodes as n
from labourwatch.core.types import ValueType as T

PARAM_PREFIX = "p."


@dataclass(frozen=True)
class Symbol:
    """What a name stands for: its type and, for coded values, the codes it may take."""

    type: T
    codes: frozenset[str] | None = None


@dataclass(frozen=True)
class Scope:
    pack: str
    variables: Mapping[str, Symbol]
    parameters: Mapping[str, Symbol]
    rules: Mapping[str, Symbol] = field(default_factory=dict)
    file: str | None = None
    non_answers: frozenset[str] = frozenset()
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the rule's indicator groups
    inherited: Mapping[str, tuple[str, Symbol]] = field(default_factory=dict)  # parameters of required packs


# The functions of the language, with the one-line help shown in errors and in the docs.
FUNCTIONS: dict[str, str] = {
    "if": "if(condition, value_if_true, value_if_false): unknown when the condition is unknown",
    "coalesce": "coalesce(a, b, ...): the first value that is known",
    "min": "min(a, b, ...): the smallest; unknown if any is unknown",
    "max": "max(a, b, ...): the largest; unknown if any is unknown",
    "is_missing": "is_missing(x): true when x is unknown (never itself unknown)",
    "answer": "answer(x): the coded answer x, unknown when it is a non-answer such as 'dont_know'",
    "days_between": "days_between(start, end): days from start to end",
    "year": "year(date): the calendar year",
    "any": "any(a, b, ...): an indicator group: true when one of the findings holds, false when none can",
    "at_least": "at_least(k, a, b, ...): true when k or more of the findings hold, false when they cannot",
    "count": "count(a, b, ...): how many of the findings hold (an unknown one is not counted)",
}


class Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def fail(self, node: n.Node, message: str) -> ExpressionError:
        return ExpressionError(message, Location(self.scope.file, node.line, node.column))

    def check(self, node: n.Node) -> n.Node:
        method = getattr(self, "_" + type(node).__name__.lower())
        result: n.Node = method(node)
        return result

    # --- leaves ------------------------------------------------------------------------------------
    def _literal(self, node: n.Literal) -> n.Node:
        v = node.value
        if v is None:
            t = T.NULL
        elif isinstance(v, bool):
            t = T.BOOL
        elif isinstance(v, float):
            t = T.NUMBER
        elif isinstance(v, date):
            t = T.DATE
        else:
            t = T.STRING
        return dataclasses.replace(node, type=t)

    def _name(self, node: n.Name) -> n.Node:
        name = node.name
        if name.startswith(PARAM_PREFIX):
            pname = name[len(PARAM_PREFIX) :]
            sym = self.scope.parameters.get(pname)
            owner = self.scope.pack
            if sym is None and pname in self.scope.inherited:
                owner, sym = self.scope.inherited[pname]
            if sym is None:
                raise self.fail(node, f"unknown parameter '{pname}'{_hint(pname, self.scope.parameters)}")
            return n.ParamRef(owner, pname, line=node.line, column=node.column, type=sym.type)
        if name in self.scope.rules:
            return n.RuleRef(name, line=node.line, column=node.column, type=self.scope.rules[name].type)
        if name in self.scope.variables:
            return n.VarRef(name, line=node.line, column=node.column, type=self.scope.variables[name].type)
        known = {**self.scope.variables, **self.scope.rules}
        raise self.fail(node, f"unknown name '{name}'{_hint(name, known)}")

    def codes(self, node: n.Node) -> frozenset[str] | None:
        if isinstance(node, n.ParamRef) and node.pack != self.scope.pack:
            return self.scope.inherited[node.name][1].codes
        if isinstance(node, n.VarRef):
            return self.scope.variables[node.name].codes
        if isinstance(node, n.RuleRef):
            return self.scope.rules[node.name].codes
        if isinstance(node, n.ParamRef):
            return self.scope.parameters[node.name].codes
        if isinstance(node, n.Call) and node.func in ("answer", "if", "coalesce"):
            return self.codes(node.args[0] if node.func == "answer" else node.args[-1])
        return None

    def _check_code(self, coded: n.Node, literal: n.Node) -> None:
        codes = self.codes(coded)
        if codes is None or not isinstance(literal, n.Literal) or literal.value is None:
            return
        if str(literal.value) not in codes:
            what = getattr(coded, "name", "this value")
            raise self.fail(
                literal,
                f"'{literal.value}' is not a value of {what} (values: {', '.join(sorted(codes))})",
            )

    # --- operators ---------------------------------------------------------------------------------
    def _unary(self, node: n.Unary) -> n.Node:
        operand = self.check(node.operand)
        want = T.BOOL if node.op == "not" else T.NUMBER
        self.expect(operand, want)
        return dataclasses.replace(node, operand=operand, type=want)

    def _binary(self, node: n.Binary) -> n.Node:
        left, right = self.check(node.left), self.check(node.right)
        want = T.BOOL if node.op in ("and", "or") else T.NUMBER
        self.expect(left, want)
        self.expect(right, want)
        return dataclasses.replace(node, left=left, right=right, type=want)

    def _compare(self, node: n.Compare) -> n.Node:
        left, right = self.check(node.left), self.check(node.right)
        t = self.unify(node, left, right)
        if node.op not in ("==", "!=") and t not in (T.NUMBER, T.DATE, T.NULL):
            raise self.fail(node, f"'{node.op}' compares numbers or dates, not {t}")
        if t in (T.SET, T.LIST):
            raise self.fail(node, "use 'in' to test membership of a set of answers")
        self._check_code(left, right)
        self._check_code(right, left)
        return dataclasses.replace(node, left=left, right=right, type=T.BOOL)

    def _in(self, node: n.In) -> n.Node:
        needle, haystack = self.check(node.needle), self.check(node.haystack)
        if isinstance(haystack, n.ListLit):
            for item in haystack.items:
                if item.type == T.NULL:
                    raise self.fail(item, "'unknown' cannot be listed as a value")
                self.unify(node, needle, item)
                self._check_code(needle, item)
        elif haystack.type in (T.SET, T.LIST):
            self.expect(needle, T.STRING)
            self._check_code(haystack, needle)
        else:
            raise self.fail(haystack, "'in' needs a list [..], a multiple-choice answer or a list parameter")
        return dataclasses.replace(node, needle=needle, haystack=haystack, type=T.BOOL)

    def _listlit(self, node: n.ListLit) -> n.Node:
        return dataclasses.replace(node, items=tuple(self.check(i) for i in node.items), type=T.LIST)

    def _call(self, node: n.Call) -> n.Node:
        if node.func not in FUNCTIONS:
            raise self.fail(node, f"unknown function '{node.func}'{_hint(node.func, FUNCTIONS)}")
        args = tuple(self.check(a) for a in self.expand_groups(node.args))
        if node.func == "answer":
            args = self._answer_args(node, args)
        result = getattr(self, "_fn_" + node.func)(node, args)
        return dataclasses.replace(node, args=args, type=result)

    def expand_groups(self, args: tuple[n.Node, ...]) -> tuple[n.Node, ...]:
        """A group name among a function's arguments stands for its members, in order."""
        out: list[n.Node] = []
        for a in args:
            members = self.scope.groups.get(a.name) if isinstance(a, n.Name) else None
            if members is None:
                out.append(a)
            else:
                out.extend(n.Name(m, line=a.line, column=a.column) for m in members)
        return tuple(out)

    def _arity(self, node: n.Call, args: tuple[n.Node, ...], lo: int, hi: int | None = None) -> None:
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise self.fail(node, f"wrong number of arguments: {FUNCTIONS[node.func]}")

    def _fn_if(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._arity(node, args, 3, 3)
        self.expect(args[0], T.BOOL)
        return self.unify(node, args[1], args[2])

    def _fn_coalesce(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._arity(node, args, 2)
        t = T.NULL
        for a in args:
            t = self.unify(node, n.Literal(None, type=t), a)
        return t

    def _fn_min(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        t = self._fn_coalesce(node, args)
        if t not in (T.NUMBER, T.DATE):
            raise self.fail(node, f"{node.func}() takes numbers or dates")
        return t

    _fn_max = _fn_min

    def _fn_is_missing(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._arity(node, args, 1, 1)
        return T.BOOL

    def _answer_args(self, node: n.Call, args: tuple[n.Node, ...]) -> tuple[n.Node, ...]:
        """answer(x) is stored as answer(x, [its non-answer codes]) so every backend needs no schema."""
        self._arity(node, args, 1, 1)
        codes = self.codes(args[0])
        if codes is None:
            raise self.fail(node, "answer() takes a coded answer (a category variable)")
        non = tuple(n.Literal(c, type=T.STRING) for c in sorted(codes & self.scope.non_answers))
        return (args[0], n.ListLit(non, type=T.LIST))

    def _fn_answer(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        return args[0].type or T.NULL

    def _fn_days_between(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._arity(node, args, 2, 2)
        for a in args:
            self.expect(a, T.DATE)
        return T.NUMBER

    def _fn_at_least(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._arity(node, args, 1)  # an empty indicator group leaves just k
        self.expect(args[0], T.NUMBER)
        for a in args[1:]:
            self.expect(a, T.BOOL)
        return T.BOOL

    def _fn_count(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        for a in args:
            self.expect(a, T.BOOL)
        return T.NUMBER

    def _fn_any(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._fn_count(node, args)
        return T.BOOL

    def _fn_year(self, node: n.Call, args: tuple[n.Node, ...]) -> T:
        self._arity(node, args, 1, 1)
        self.expect(args[0], T.DATE)
        return T.NUMBER

    # --- helpers -----------------------------------------------------------------------------------
    def expect(self, node: n.Node, want: T) -> None:
        if node.type not in (want, T.NULL):
            raise self.fail(node, f"expected a {want} here, found a {node.type}")

    def unify(self, where: n.Node, a: n.Node, b: n.Node) -> T:
        if a.type == T.NULL:
            return b.type or T.NULL
        if b.type in (T.NULL, a.type):
            return a.type or T.NULL
        raise self.fail(where, f"cannot combine a {a.type} with a {b.type}")


def _hint(name: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check(node: n.Node, scope: Scope, *, want: T | None = None) -> n.Node:
    """Resolve and type `node` in `scope`; if `want` is given, the result must be of that type."""
    checker = Checker(scope)
    typed = checker.check(node)
    if want is not None:
        checker.expect(typed, want)
    return typed


def references(node: n.Node) -> tuple[set[str], set[str], set[str]]:
    """(variables, parameters, rules) that a resolved expression refers to directly."""
    variables, params, rules = set(), set(), set()
    for sub in node.walk():
        if isinstance(sub, n.VarRef):
            variables.add(sub.name)
        elif isinstance(sub, n.ParamRef):
            params.add(sub.name)
        elif isinstance(sub, n.RuleRef):
            rules.add(sub.name)
    return variables, params, rules
