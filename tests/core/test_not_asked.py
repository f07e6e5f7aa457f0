"""Properties of questions not asked (docs/concepts.md#asked), on random expressions and on the rules of
every pack: declaring an unanswered question not asked never turns a result from true to false or back;
answering one more question never turns a known result into unknown; and a finding is not measured
exactly when none of its indicators was asked."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from labourwatch.core.coverage import coverage
from labourwatch.core.environment import RecordEnv
from labourwatch.core.expr import nodes as n
from labourwatch.core.instrument import Instrument, presumptions
from labourwatch.core.model import RuleKind
from labourwatch.core.readings import judgement
from labourwatch.core.timeline import build_timeline
from labourwatch.core.values import NOT_MEASURED_LABEL
from labourwatch.packs import load_packs, load_schema
from tests.core.test_three_valued import NOT_ASKED, bool_expr, compiled, num_expr, params, records, reference

PACKS = load_packs()
SCHEMA = load_schema()
RULES = {r.id: r for p in PACKS for r in p.rules.values()}
OUTPUTS = [r.id for p in PACKS for r in p.outputs]
TIMELINE = build_timeline(PACKS, judgement(PACKS))
PRESUMED = presumptions(PACKS, TIMELINE)
QUESTIONS = sorted(SCHEMA.variables)


def _never_flips(before: Any, after: Any) -> bool:
    """A result that held does not fail, and one that failed does not hold. (It may become unknown or
    not measured: a result that reads the blank itself, through is_missing, count or at_least(0, ...),
    loses what the blank told it.)"""
    return not (isinstance(before, bool) and isinstance(after, bool) and before != after)


def _stays_known(before: Any, after: Any) -> bool:
    known = before is not None and before not in (NOT_MEASURED_LABEL, "unknown")
    return not known or (after is not None and after not in (NOT_MEASURED_LABEL, "unknown"))


# --- random expressions ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(bool_expr(3), num_expr(3)), values=records, law=params, name=st.sampled_from("abxysd"))
def test_declaring_a_blank_question_not_asked_never_turns_true_into_false(text, values, law, name):
    # count() of a blank is 0, of a question not asked nothing, which coalesce() passes over by design:
    # x < coalesce(count(a), 1) reads the blank itself, as is_missing() does.
    assume(not ("coalesce(" in text and ("count(" in text or "at_least(" in text)))
    node = compiled(text)
    blank = {**values, name: None}
    assert _never_flips(reference(node, blank, law), reference(node, {**blank, name: NOT_ASKED}, law)), text


def _without_is_missing(text: str) -> bool:
    """is_missing() reads the blank itself: answering the question changes what it says, by design."""
    return "is_missing" not in text


def _settled_by_answers(text: str) -> bool:
    """Where an answer can only settle what is unknown: not is_missing(), and no division, which an answer
    can make undefined (x / days_between(d, ...) with d answered on that day is unknown, as in SQL)."""
    return _without_is_missing(text) and "/" not in text


ANSWERS = {"a": True, "b": False, "x": 2.5, "y": 4.0, "s": "yes", "d": date(2010, 1, 1)}


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(bool_expr(3), num_expr(3)).filter(_settled_by_answers),
    values=records,
    law=params,
    name=st.sampled_from(sorted(ANSWERS)),
)
def test_answering_one_more_question_never_turns_a_known_result_into_unknown(text, values, law, name):
    node = compiled(text)
    blank = {**values, name: None}
    before, after = reference(node, blank, law), reference(node, {**blank, name: ANSWERS[name]}, law)
    assert _stays_known(before, after), text


# --- the rules of every pack ----------------------------------------------------------------------


def _answers(seed: int) -> dict[str, Any]:
    """Typed answers to every question (10 % blank), as an engine would give them."""
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"reference_date": date(2024, 6, 3)}
    for name, var in SCHEMA.variables.items():
        if name in out or rng.random() < 0.1:
            continue
        if var.kind == "boolean":
            out[name] = bool(rng.random() < 0.3)
        elif var.kind == "category":
            out[name] = str(rng.choice(sorted(var.values)))
        elif var.kind == "multiple":
            out[name] = frozenset(rng.choice(sorted(var.values), size=2, replace=False).tolist())
        elif var.kind in ("integer", "number"):
            hi = var.maximum if var.maximum is not None else 200_000
            out[name] = float(rng.integers(int(var.minimum or 0), int(hi) + 1))
        elif var.kind == "date":
            out[name] = date(2023, 1, 1)
        elif var.kind == "country":
            out[name] = "UZB"
    return out


def _results(answers: dict[str, Any], asked: frozenset[str]) -> dict[str, Any]:
    interval = TIMELINE.interval_for(answers["reference_date"])
    env = RecordEnv(answers, interval, RULES, Instrument(asked, "declared"), PRESUMED, TIMELINE.readings)
    out = {}
    for rule_id in OUTPUTS:
        result = env.rule(rule_id)
        out[rule_id] = NOT_MEASURED_LABEL if result.absent else result.value
    return out


instruments = st.lists(st.sampled_from(QUESTIONS), unique=True, max_size=len(QUESTIONS)).map(frozenset)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), asked=instruments, data=st.data())
def test_on_every_pack_a_blank_question_declared_not_asked_keeps_what_was_known(seed, asked, data):
    answers = _answers(seed)
    blanks = sorted(q for q in asked if answers.get(q) is None)
    if not blanks:
        return
    name = data.draw(st.sampled_from(blanks))
    before, after = _results(answers, asked), _results(answers, asked - {name})
    assert [r for r in OUTPUTS if not _never_flips(before[r], after[r])] == []


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), asked=instruments, data=st.data())
def test_on_every_pack_answering_one_more_question_keeps_what_was_known(seed, asked, data):
    answers = _answers(seed)
    full = _answers(seed + 1)
    blanks = sorted(q for q in asked if answers.get(q) is None and full.get(q) is not None)
    if not blanks:
        return
    name = data.draw(st.sampled_from(blanks))
    before, after = _results(answers, asked), _results({**answers, name: full[name]}, asked)
    assert [r for r in OUTPUTS if not _stays_known(before[r], after[r])] == []


def _is_dimension(rule_id: str) -> bool:
    """A rule that is one indicator group: any(...) or at_least(k, ...) of its indicators."""
    expr = RULES[rule_id].expr
    return isinstance(expr, n.Call) and expr.func in ("any", "at_least") and bool(RULES[rule_id].groups)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), asked=instruments)
# An adult is not a coerced child even when no sign of coercion was asked: a finding scoped by a
# condition that is not an indicator (age) can be false without any of its indicators.
@example(seed=0, asked=frozenset({"abducted", "age"}))
def test_a_finding_none_of_whose_indicators_was_asked_never_holds(seed, asked):
    """Every finding none of whose indicators was asked can never hold, and is never true; it is false
    only where a condition outside its indicators rules it out. A dimension (one indicator group) whose
    indicators were all asked is measured. (In between it depends: forced labour needs both of its
    dimensions, and an indicator that can only be unknown or not measured keeps its group from ever
    being false.)"""
    covered = coverage(PACKS, Instrument(asked, "declared"), TIMELINE)
    results = _results(_answers(seed), asked)
    for rule_id, c in covered.items():
        if c.by_questions or c.rule.kind is not RuleKind.FINDING:
            continue
        if not c.asked:
            assert not c.can_hold and results[rule_id] is not True, rule_id
            if _is_dimension(rule_id):  # nothing outside its indicators: never true or false
                assert not c.measured and results[rule_id] in (NOT_MEASURED_LABEL, None), rule_id
        elif _is_dimension(rule_id) and c.complete:
            assert c.measured, rule_id


def test_with_every_question_asked_and_answered_nothing_is_not_measured():
    answers = _answers(1)
    answers |= {name: v for name, v in _answers(2).items() if answers.get(name) is None}
    results = _results(answers, frozenset(QUESTIONS))
    assert [r for r, v in results.items() if v == NOT_MEASURED_LABEL] == []


@pytest.mark.parametrize("finding", ["forced_labour", "fl12_forced_labour", "thb_trafficked", "trafficking"])
def test_nothing_asked_measures_no_standard(finding):
    assert _results(_answers(3), frozenset())[finding] == NOT_MEASURED_LABEL
