"""The seed study assessed as its own instrument (only its questions asked): no result is unknown
because of a question the study never asked. Unknown stays for answers left blank or not given ("hard
to say"), for law values the packs lack, and for the estimates of the labour-law pack that cannot
settle a result ("no" only when no at every plausible value) or where a standard does not apply; what
the study did not ask is not
measured; and every standard gets a true or false wherever its questions were answered."""

from __future__ import annotations

from typing import Any

import pytest

from labourwatch.api import assess
from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.environment import LAW_PREFIX, RecordEnv
from labourwatch.core.expr import nodes as n
from labourwatch.core.values import NOT_MEASURED_LABEL, result_in
from labourwatch.packs import load_packs
from labourwatch.services.assessment import prepare, typed
from labourwatch.services.request import Request
from labourwatch.studies.osce import calibrated_sample

PACKS = load_packs()
RULES = {r.id: r for p in PACKS for r in p.rules.values()}
LABOUR_LAW = [r.id for p in PACKS if p.id == "kz-labour" for r in p.outputs]
STANDARDS = ["forced_labour", "fl12_forced_labour", "trafficking", "thb_trafficked"]


@pytest.fixture(scope="module")
def study() -> dict[str, Any]:
    sample = calibrated_sample(2006)
    plan = prepare(sample, Request())
    answers = [plan.schema.answers(row) for row in typed(sample, require_date=True).to_pylist()]
    envs = [
        RecordEnv(
            a,
            plan.timeline.interval_for(a.get(REFERENCE_DATE)),
            RULES,
            plan.instrument,
            plan.presumptions,
            plan.timeline.readings,
        )
        for a in answers
    ]
    return {"plan": plan, "answers": answers, "envs": envs, "rows": assess(sample).table.to_pylist()}


def _says_unknown(rule_id: str) -> bool:
    """The rule, or a rule it reads, says `unknown` itself: where its estimate cannot settle it, or
    where the standard does not apply (the 2012 guidelines measure adults only)."""
    stack, seen = [rule_id], set()
    while stack:
        rule = RULES[stack.pop()]
        if rule.id in seen:
            continue
        seen.add(rule.id)
        for node in (x for root in rule.nodes() for x in root.walk()):
            if isinstance(node, n.Literal) and node.value is None:
                return True
            if isinstance(node, n.RuleRef):
                stack.append(node.name)
    return False


def test_the_instrument_is_the_studys_questions(study):
    instrument = study["plan"].instrument
    assert instrument.basis == "columns"
    assert {"hours_per_day", "documents_held_by_employer", "confinement"} <= instrument.asked
    assert "hazardous_work" not in instrument.asked and "hazardous_work" in study["plan"].presumptions


def test_no_result_is_unknown_because_of_a_question_not_asked(study):
    asked = study["plan"].instrument.asked
    wrong = []
    for env, answers in zip(study["envs"], study["answers"], strict=True):
        for rule_id in LABOUR_LAW + STANDARDS:
            result = env.rule(rule_id)
            if result.known or result.absent:
                continue
            questions = {m for m in result.missing if not m.startswith(LAW_PREFIX)}
            law = result.missing - questions
            blank = all(q in asked and answers.get(q) is None for q in questions)
            if not (questions and blank) and not law and not _says_unknown(rule_id):
                wrong.append((answers["id"], rule_id, sorted(result.missing)))
    assert wrong == []


def test_the_sql_agrees_with_the_reference_on_the_study(study):
    for row, env in list(zip(study["rows"], study["envs"], strict=True))[::25]:
        for rule_id in LABOUR_LAW + STANDARDS:
            found = env.rule(rule_id)
            assert result_in(row, rule_id) == (NOT_MEASURED_LABEL if found.absent else found.value), rule_id


def test_every_standard_is_true_or_false_where_its_questions_were_answered(study):
    for rule_id in ("forced_labour", "fl12_forced_labour", "thb_trafficked"):
        results = [env.rule(rule_id) for env in study["envs"]]
        unknown = [r for r in results if not r.known and not r.absent]
        # unknown only where an answer is missing, or where the rule itself says so
        assert all(r.missing or _says_unknown(rule_id) for r in unknown), rule_id
        assert sum(r.value is False for r in results) > 500, rule_id  # the study can say "no"


def test_trafficking_cannot_hold_on_the_studys_questions(study):
    """The study did not ask how workers were recruited or moved (the act of trafficking), so no record
    is trafficked: the finding is false where the means or purpose fail, else not measured."""
    results = [env.rule("trafficking") for env in study["envs"]]
    assert not any(r.value is True for r in results)
    assert any(r.absent for r in results)
