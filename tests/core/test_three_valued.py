"""The expression language's semantics: Kleene logic, and the SQL compiled for DuckDB agreeing with the
reference evaluator on random expressions over records with missing answers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlglot import exp

from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.evaluate import Tri, evaluate, not_asked
from labourwatch.core.expr.parser import parse
from labourwatch.core.expr.typecheck import Scope, Symbol, check
from labourwatch.core.expr.unparse import to_text
from labourwatch.core.types import ValueType as T
from labourwatch.core.values import NOT_MEASURED_LABEL
from labourwatch.engines.base import SqlEngine
from labourwatch.engines.compiler import Measured, SqlCompiler, as_sql, literal, typed_null
from labourwatch.engines.duckdb import DuckDB

DUCKDB = DuckDB()
SCOPE = Scope(
    pack="t",
    variables={
        "a": Symbol(T.BOOL),
        "b": Symbol(T.BOOL),
        "x": Symbol(T.NUMBER),
        "y": Symbol(T.NUMBER),
        "s": Symbol(T.STRING, frozenset({"yes", "no", "dont_know"})),
        "d": Symbol(T.DATE),
    },
    parameters={"k": Symbol(T.NUMBER), "lst": Symbol(T.LIST)},
    non_answers=frozenset({"dont_know"}),
)


NOT_ASKED = "<not asked>"  # a variable's value in these tests when its question was not asked


class Env:
    def __init__(self, values: dict[str, object], params: dict[str, object]) -> None:
        self.values, self.params = values, params

    def variable(self, name: str) -> Tri:
        v = self.values.get(name)
        if v == NOT_ASKED:
            return not_asked(name)
        return Tri(None, frozenset({name})) if v is None else Tri(v)

    def parameter(self, pack: str, name: str) -> Tri:
        v = self.params.get(name)
        return Tri(None, frozenset({"law:" + name})) if v is None else Tri(v)

    def rule(self, name: str) -> Tri:  # pragma: no cover - no rules in these expressions
        raise KeyError(name)


def sql_value(
    node: n.Node, values: dict[str, object], params: dict[str, object], engine: SqlEngine | None = None
) -> object:
    """The value of the SQL compiled for `node`, or `not_measured`."""

    def variable(name: str) -> Measured:
        if values.get(name) == NOT_ASKED:
            return Measured(typed_null(SCOPE.variables[name].type), True)
        return Measured(literal(values.get(name)))

    compiler = SqlCompiler({}, variable=variable, parameter=lambda _p, name: literal(params.get(name)))
    sql = compiler.compile(node)
    typed = {T.BOOL: "BOOLEAN", T.NUMBER: "DOUBLE", T.STRING: "VARCHAR", T.DATE: "DATE", T.NULL: "BOOLEAN"}[
        node.type or T.BOOL
    ]
    engine = engine or DUCKDB
    value = engine.scalar(exp.cast(sql.value, typed))
    if engine.scalar(as_sql(sql.absent)):
        assert value is None, "a result not measured has no value"
        return NOT_MEASURED_LABEL
    return value


def reference(node: n.Node, values: dict[str, object], params: dict[str, object]) -> object:
    """The reference evaluator's result, or `not_measured`."""
    result = evaluate(node, Env(values, params))
    return NOT_MEASURED_LABEL if result.absent else result.value


def compiled(text: str) -> n.Node:
    return check(parse(text), SCOPE)


# --- Kleene truth tables ---------------------------------------------------------------------------

KLEENE = [(True, True), (True, False), (True, None), (False, False), (False, None), (None, None)]


@pytest.mark.parametrize(("p", "q"), KLEENE + [(b, a) for a, b in KLEENE])
def test_and_or_not_follow_kleene(p, q):
    values = {"a": p, "b": q}
    expected_and = False if False in (p, q) else (None if None in (p, q) else True)
    expected_or = True if True in (p, q) else (None if None in (p, q) else False)
    for text, expected in (("a and b", expected_and), ("a or b", expected_or)):
        node = compiled(text)
        assert evaluate(node, Env(values, {})).value == expected
        assert sql_value(node, values, {}) == expected
    assert evaluate(compiled("not a"), Env(values, {})).value == (None if p is None else not p)


def test_unknown_condition_in_if_is_unknown_not_the_else_branch():
    node = compiled("if(a, 1, 2)")
    assert evaluate(node, Env({}, {})).value is None
    assert sql_value(node, {}, {}) is None  # plain SQL CASE would give 2


def test_division_by_zero_is_unknown():
    node = compiled("x / y")
    assert evaluate(node, Env({"x": 1.0, "y": 0.0}, {})).value is None
    assert sql_value(node, {"x": 1.0, "y": 0.0}, {}) is None  # DuckDB alone gives infinity


def test_min_with_an_unknown_is_unknown():
    node = compiled("min(x, y)")
    assert evaluate(node, Env({"x": 1.0}, {})).value is None
    assert sql_value(node, {"x": 1.0}, {}) is None  # LEAST alone would ignore the NULL


def test_answer_reads_non_answers_as_unknown_and_names_the_variable():
    node = compiled("answer(s) == 'no'")
    result = evaluate(node, Env({"s": "dont_know"}, {}))
    assert result.value is None
    assert result.missing == {"s"}
    assert sql_value(node, {"s": "dont_know"}, {}) is None
    assert sql_value(node, {"s": "no"}, {}) is True


def test_missing_answers_are_named_only_when_they_matter():
    node = compiled("a or x > 3")
    assert evaluate(node, Env({"a": True}, {})).missing == frozenset()
    assert evaluate(node, Env({"a": False}, {})).missing == {"x"}
    assert evaluate(node, Env({}, {})).missing == {"a", "x"}


def test_missing_law_is_named_apart_from_missing_answers():
    result = evaluate(compiled("x > p.k"), Env({"x": 1.0}, {}))
    assert result.value is None and result.missing == {"law:k"}


@pytest.mark.parametrize("k", [0, 1, 2, 3])
@pytest.mark.parametrize("a", [True, False, None])
@pytest.mark.parametrize("b", [True, False, None])
def test_at_least_is_exact_over_unknowns(k, a, b):
    """Unknown only when filling in the missing answers could give either result (supervaluation)."""
    node = compiled(f"at_least({k}, a, b, true)")
    fills = [
        sum(v for v in (a if a is not None else fa, b if b is not None else fb, True)) >= k
        for fa in (False, True)
        for fb in (False, True)
    ]
    expected = fills[0] if len(set(fills)) == 1 else None
    result = evaluate(node, Env({"a": a, "b": b}, {}))
    assert result.value == expected
    assert sql_value(node, {"a": a, "b": b}, {}) == expected
    if expected is None:
        assert result.missing == {n for n, v in (("a", a), ("b", b)) if v is None}


def test_count_counts_only_what_holds():
    node = compiled("count(a, b, true, unknown)")
    assert evaluate(node, Env({"a": True, "b": None}, {})).value == 2
    assert sql_value(node, {"a": True, "b": None}, {}) == 2


# --- random expressions: SQL and the reference evaluator agree ---------------------------------------

numbers = st.sampled_from(["x", "y", "p.k", "1", "2.5", "0", "days_between(d, @2010-01-01)"])


def num_expr(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return numbers
    sub = num_expr(depth - 1)
    return st.one_of(
        numbers,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(sub, sub).map(lambda t: f"min({t[0]}, {t[1]})"),
        st.tuples(sub, sub).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        st.tuples(bool_expr(depth - 1), sub, sub).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
        st.lists(bool_expr(depth - 1), min_size=1, max_size=3).map(lambda xs: f"count({', '.join(xs)})"),
    )


def bool_expr(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(
            [
                "a",
                "b",
                "true",
                "false",
                "unknown",
                "is_missing(x)",
                "s == 'yes'",
                "answer(s) != 'no'",
                "s in ['yes', 'no']",
                "s in p.lst",
                "d < @2008-01-01",
            ]
        ),
        st.tuples(numbers, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers).map(" ".join),
    )
    if depth == 0:
        return leaves
    sub = bool_expr(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda e: f"not ({e})"),
        st.tuples(st.sampled_from(["0", "1", "2", "p.k"]), st.lists(sub, min_size=1, max_size=4)).map(
            lambda t: f"at_least({t[0]}, {', '.join(t[1])})"
        ),
        st.lists(sub, min_size=1, max_size=3).map(lambda xs: f"any({', '.join(xs)})"),
        st.tuples(num_expr(depth - 1), st.sampled_from(["<", ">="]), num_expr(depth - 1)).map(" ".join),
    )


def _answers(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """An answer, a blank, or a question not asked."""
    return st.none() | st.just(NOT_ASKED) | values


records = st.fixed_dictionaries(
    {
        "a": _answers(st.booleans()),
        "b": _answers(st.booleans()),
        "x": _answers(st.sampled_from([0.0, 1.0, 2.5, -3.0, 7.25])),
        "y": _answers(st.sampled_from([0.0, 1.0, 4.0])),
        "s": _answers(st.sampled_from(["yes", "no", "dont_know"])),
        "d": _answers(st.sampled_from([date(2006, 11, 10), date(2010, 1, 1), date(2016, 3, 1)])),
    }
)
params = st.fixed_dictionaries(
    {"k": st.none() | st.sampled_from([2.0, 12.0]), "lst": st.none() | st.sampled_from([(), ("yes",)])}
)


@given(text=bool_expr(3), values=records, law=params)
def test_duckdb_sql_agrees_with_the_reference_evaluator(text, values, law):
    node = compiled(text)
    assert sql_value(node, values, law) == reference(node, values, law), text


@given(text=num_expr(3), values=records, law=params)
def test_numeric_expressions_agree(text, values, law):
    node = compiled(text)
    expected = reference(node, values, law)
    got = sql_value(node, values, law)
    if expected in (None, NOT_MEASURED_LABEL) or got in (None, NOT_MEASURED_LABEL):
        assert expected is got, text
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), text


@given(text=st.one_of(bool_expr(3), num_expr(3)))
def test_an_expression_written_back_parses_to_the_same_tree(text):
    """Explanations quote clauses with to_text: what they quote must mean what the rule says."""
    node = compiled(text)
    assert compiled(to_text(node)) == node, to_text(node)
