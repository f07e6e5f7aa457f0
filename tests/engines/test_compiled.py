"""The SQL an engine keeps for a plan (engines/base.py, COMPILED): used again only for a plan that would
compile to the same query, and giving the same results as a query compiled afresh."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pyarrow as pa
import pytest

from labourwatch.engines import base
from labourwatch.engines.plan import Plan
from labourwatch.services import assessment
from labourwatch.services.request import Request

RECORDS = pa.table(
    {
        "id": ["a", "b", "c"],
        "reference_date": ["2024-06-03", "2019-02-01", "2024-06-03"],
        "age": ["34", "16", ""],
        "hours_per_day": ["12", "9", "8"],
        "rest_days_per_week": ["0", "1", "2"],
        "monthly_pay": ["60000", "150000", ""],
    }
)
REQUESTS = {
    "labour law": Request(packs=["kz-labour"]),
    "two packs": Request(packs=["kz-labour", "kz-migration"]),
    "one day's law": Request(packs=["kz-labour"], as_of=date(2016, 3, 1)),
    "verified only": Request(packs=["kz-labour"], verified_only=True),
    "a reading set": Request(packs=["kz-labour"], settings={"reading.presume_no_premiums": "false"}),
    "more asked": Request(packs=["kz-labour"], asked=["hours_per_day", "monthly_pay", "written_contract"]),
}


def _plan(request: Request, data: pa.Table = RECORDS) -> Plan:
    return assessment.prepare(data, request)


def test_every_field_of_a_plan_is_in_its_fingerprint():
    """A field added to Plan must be added to Plan.fingerprint, then here."""
    known = {
        "schema",
        "packs",
        "timeline",
        "source",
        "present",
        "outputs",
        "law",
        "today",
        "instrument",
        "presumptions",
    }
    assert {f.name for f in fields(Plan)} == known


def test_plans_that_differ_have_different_fingerprints():
    prints = {name: _plan(r).fingerprint() for name, r in REQUESTS.items()}
    assert len(set(prints.values())) == len(prints), prints
    other_columns = RECORDS.drop_columns(["monthly_pay"])
    assert _plan(REQUESTS["labour law"], other_columns).fingerprint() != prints["labour law"]
    retyped = RECORDS.set_column(3, "hours_per_day", pa.array([12.0, 9.0, 8.0]))
    assert _plan(REQUESTS["labour law"], retyped).fingerprint() != prints["labour law"]


def test_the_same_plan_has_the_same_fingerprint_whatever_the_values():
    other_values = RECORDS.set_column(3, "hours_per_day", pa.array(["7", "7", "7"]))
    assert _plan(REQUESTS["two packs"], other_values).fingerprint() == _plan(REQUESTS["two packs"]).fingerprint()


@pytest.mark.parametrize("name", list(REQUESTS))
def test_a_kept_query_gives_what_a_fresh_one_gives(name, monkeypatch):
    monkeypatch.setattr(base, "COMPILED", base.OrderedDict())
    fresh = assessment.assess(RECORDS, REQUESTS[name]).table
    assert len(base.COMPILED) == 1
    (key,) = base.COMPILED
    base.COMPILED[key] = base.COMPILED[key].replace("SELECT", "SELECT /* kept */", 1)  # to see it used
    kept = assessment.assess(RECORDS, REQUESTS[name]).table
    assert len(base.COMPILED) == 1 and "/* kept */" in base.COMPILED[key]
    drop = ["lw_created"] if "lw_created" in fresh.column_names else []
    assert kept.drop_columns(drop).equals(fresh.drop_columns(drop))


def test_only_the_latest_queries_are_kept(monkeypatch):
    monkeypatch.setattr(base, "COMPILED", base.OrderedDict())
    monkeypatch.setattr(base, "COMPILED_KEPT", 2)
    for name in ("labour law", "two packs", "verified only"):
        assessment.assess(RECORDS, REQUESTS[name])
    assert len(base.COMPILED) == 2
