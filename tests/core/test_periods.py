"""A rule may gather answers about different jobs or times, never join them (core/periods.py)."""

from __future__ import annotations

import pytest

from labourwatch.core.expr.parser import parse
from labourwatch.core.expr.typecheck import Scope, check
from labourwatch.core.periods import PeriodJoin, Periods, periods_of
from labourwatch.packs import load_packs, load_schema

PERIODS = {"violence": "job", "threat_violence": "job", "sold_or_bought": "ever", "police_fines": "stay", "age": None}
RULES: dict[str, Periods] = {"tied": {"job": frozenset({"tied"})}}


def periods(text: str) -> Periods:
    schema = load_schema()
    scope = Scope(pack="t", variables=schema.symbols(), parameters={}, rules={"tied": schema.symbols()["violence"]})
    node = check(parse(text), scope)
    return periods_of(node, PERIODS.get, RULES.__getitem__)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("violence and threat_violence", {"job": {"violence", "threat_violence"}}),
        ("violence and age < 18", {"job": {"violence"}}),  # the age now is true of every period
        ("sold_or_bought or violence", {"ever": {"sold_or_bought"}, "job": {"violence"}}),
        ("any(sold_or_bought, violence)", {"ever": {"sold_or_bought"}, "job": {"violence"}}),
        ("at_least(1, sold_or_bought, violence)", {"ever": {"sold_or_bought"}, "job": {"violence"}}),
        ("coalesce(sold_or_bought, violence)", {"ever": {"sold_or_bought"}, "job": {"violence"}}),
        ("tied and violence", {"job": {"tied", "violence"}}),  # a rule that declared its period
        ("not sold_or_bought", {"ever": {"sold_or_bought"}}),
    ],
)
def test_what_an_expression_describes(text, expected):
    assert periods(text) == {k: frozenset(v) for k, v in expected.items()}


@pytest.mark.parametrize(
    "text",
    [
        "sold_or_bought and violence",
        "any(sold_or_bought, threat_violence) and violence",  # a gathered part is about each period
        "at_least(2, sold_or_bought, violence)",
        "count(sold_or_bought, violence) > 1",
        "if(sold_or_bought, violence, false)",
        "police_fines == 'unofficial' and violence",
        "sold_or_bought and police_fines == 'unofficial'",
    ],
)
def test_joining_two_periods_is_refused(text):
    with pytest.raises(PeriodJoin):
        periods(text)


def test_the_builtin_findings_describe_this_job():
    """Forced labour and trafficking join involuntariness and coercion: they must be of one job."""
    rules = {r.id: r for p in load_packs() for r in p.rules.values()}
    for name in ("forced_labour", "fl12_forced_labour", "trafficking", "situation", "sold_into_job"):
        assert set(rules[name].periods) == {"job"}, name
    assert set(rules["final_pay_late"].periods) == {"last_job"}
