"""Parsing and type-checking: what a pack author gets wrong is reported with file, line and column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labourwatch.core.errors import ExpressionError
from labourwatch.core.expr import nodes as n
from labourwatch.core.expr.parser import parse
from labourwatch.core.expr.typecheck import Scope, Symbol, check
from labourwatch.core.types import ValueType as T

SCOPE = Scope(
    pack="t",
    variables={
        "hours_per_day": Symbol(T.NUMBER),
        "migration_card": Symbol(T.STRING, frozenset({"yes", "no", "hard_to_say"})),
        "written_contract": Symbol(T.BOOL),
        "reasons": Symbol(T.SET, frozenset({"debt", "other"})),
        "entry_date": Symbol(T.DATE),
    },
    parameters={"hours.weekly_norm": Symbol(T.NUMBER)},
    rules={"daily_norm": Symbol(T.NUMBER)},
    file="rules/x.yaml",
    non_answers=frozenset({"hard_to_say"}),
)


def test_precedence_and_binds_tighter_than_or():
    node = parse("a or b and c")
    assert isinstance(node, n.Binary) and node.op == "or"
    assert isinstance(node.right, n.Binary) and node.right.op == "and"


def test_arithmetic_precedence():
    node = parse("1 + 2 * 3")
    assert isinstance(node, n.Binary) and node.op == "+"


def test_names_resolve_to_variables_rules_and_parameters():
    node = check(parse("hours_per_day > daily_norm + p.hours.weekly_norm"), SCOPE)
    kinds = {type(x).__name__ for x in node.walk()}
    assert {"VarRef", "RuleRef", "ParamRef"} <= kinds
    assert node.type == T.BOOL


def test_syntax_error_points_into_the_file():
    with pytest.raises(ExpressionError) as err:
        parse("hours_per_day >\n  > 8", file="rules/x.yaml", first_line=10)
    assert err.value.location is not None
    assert (err.value.location.file, err.value.location.line) == ("rules/x.yaml", 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hours_perday > 8", "unknown name 'hours_perday' (did you mean 'hours_per_day'?)"),
        ("p.hours.weekly > 8", "unknown parameter 'hours.weekly' (did you mean 'hours.weekly_norm'?)"),
        ("migration_card == 'yse'", "'yse' is not a value of migration_card"),
        ("migration_card in ['yes', 'nope']", "'nope' is not a value of migration_card"),
        ("'other2' in reasons", "'other2' is not a value of reasons"),
        ("hours_per_day and written_contract", "expected a boolean here, found a number"),
        ("hours_per_day == 'x'", "cannot combine a number with a string"),
        ("migration_card < 'yes'", "'<' compares numbers or dates"),
        ("if(written_contract, 1)", "wrong number of arguments"),
        ("frobnicate(1)", "unknown function 'frobnicate'"),
        ("answer(hours_per_day) == 1", "answer() takes a coded answer"),
        ("days_between(hours_per_day, entry_date) > 3", "expected a date here"),
    ],
)
def test_type_errors_say_what_and_where(text, message):
    with pytest.raises(ExpressionError) as err:
        check(parse(text, file="rules/x.yaml", first_line=7), SCOPE)
    assert message in str(err.value)
    assert str(err.value).startswith("rules/x.yaml:7:")


def test_answer_carries_its_non_answer_codes():
    node = check(parse("answer(migration_card) == 'no'"), SCOPE)
    call = next(x for x in node.walk() if isinstance(x, n.Call))
    assert [c.value for c in call.args[1].children() if isinstance(c, n.Literal)] == ["hard_to_say"]


def test_no_eval_names_are_not_python():
    with pytest.raises(ExpressionError):
        check(parse("__import__('os')"), SCOPE)


def _render(node: n.Node) -> str:
    match node:
        case n.Literal(value=v):
            return repr(v) if isinstance(v, float) else ("true" if v is True else "false")
        case n.Name(name=name):
            return name
        case n.Binary(op=op, left=a, right=b) | n.Compare(op=op, left=a, right=b):
            return f"({_render(a)} {op} {_render(b)})"
        case n.Unary(op=op, operand=o):
            return f"({op} {_render(o)})"
    raise AssertionError(node)


leaf = st.one_of(
    st.sampled_from(["a", "b", "true", "false"]).map(lambda s: n.Name(s) if s in "ab" else n.Literal(s == "true")),
    st.floats(0, 1000, allow_nan=False).map(lambda f: n.Literal(float(round(f, 3)))),
)
trees = st.recursive(
    leaf,
    lambda sub: st.one_of(
        st.tuples(st.sampled_from(["and", "or", "+", "-", "*", "/"]), sub, sub).map(lambda t: n.Binary(*t)),
        st.tuples(st.sampled_from(["<", "==", ">="]), sub, sub).map(lambda t: n.Compare(*t)),
        sub.map(lambda o: n.Unary("not", o)),
    ),
    max_leaves=12,
)


@given(trees)
def test_parse_inverts_printing(tree):
    assert parse(_render(tree)) == tree
