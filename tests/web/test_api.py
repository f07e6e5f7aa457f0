"""The JSON API: the same scoping, audit and conflicts as the pages; its OpenAPI schema checked by
schemathesis (every operation, generated inputs: no server error, responses as the schema says)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi import checks

from labourwatch_web.cases import demo
from labourwatch_web.cases.api import date_pattern
from labourwatch_web.cases.models import AuditEvent, Case
from labourwatch_web.wsgi import application
from tests.web.conftest import cases_of, second_factor


def api_client(name: str) -> Client:
    client = Client()
    assert client.login(username=name, password=demo.PASSWORD)
    second_factor(client, name)
    return client


def test_open_read_answer_and_close_a_case(seeded):
    client = api_client("caseworker")
    opened = client.post("/api/cases", {"name": "Бахтияр Нуров", "document": "X1"}, content_type="application/json")
    assert opened.status_code == 201
    case_id = opened.json()["id"]
    twin = client.post("/api/cases", {"name": "Bakhtiyar Nurov"}, content_type="application/json")
    assert twin.status_code == 409 and twin.json()["cases"]
    body = {"version": 1, "answers": {"hours_per_day": "12", "written_contract": "no"}}
    assert client.put(f"/api/cases/{case_id}/answers", body, content_type="application/json").status_code == 200
    body["answers"] = {"hours_per_day": "8"}
    stale = client.put(f"/api/cases/{case_id}/answers", body, content_type="application/json")
    assert stale.status_code == 409
    bad = client.put(
        f"/api/cases/{case_id}/answers", {"version": 2, "answers": {"age": "old"}}, content_type="application/json"
    )
    assert bad.status_code == 422 and "age" in bad.json()["problems"][0]
    detail = client.get(f"/api/cases/{case_id}").json()
    assert detail["document"] == "X1" and "no_written_contract" in {f["id"] for f in detail["findings"]}
    assert (
        client.post(
            f"/api/cases/{case_id}/close", {"version": 2, "reason": "done"}, content_type="application/json"
        ).json()["status"]
        == "closing"  # a caseworker asks; a supervisor approves
    )
    assert AuditEvent.objects.filter(case_id=case_id, action="view_case", detail="api").count() == 1


def test_another_organisation_and_a_bare_password_get_nothing(seeded):
    a, _ = seeded
    theirs = cases_of(a)[0]
    other = api_client("other-caseworker")
    found = other.post("/api/cases/search", {"q": "Nurlan"}, content_type="application/json")
    assert found.status_code == 200 and "Нурлан" not in found.content.decode()
    assert other.get(f"/api/cases/{theirs.pk}").status_code == 404
    assert (
        other.post(
            f"/api/cases/{theirs.pk}/close", {"version": 1, "reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    bare = Client()
    assert bare.login(username="supervisor", password=demo.PASSWORD)
    assert bare.get("/api/cases").status_code == 401
    assert Client().get("/api/cases").status_code == 401
    assert Case.objects.get(pk=theirs.pk).status == "open"


def test_unsafe_methods_need_the_csrf_token(seeded):
    client = Client(enforce_csrf_checks=True)
    client.cookies = api_client("caseworker").cookies  # a verified session, without the token
    assert client.post("/api/cases", {"name": "X"}, content_type="application/json").status_code == 403


@given(st.dates(date(1985, 1, 1), date(2035, 12, 31)), st.dates(date(1991, 1, 2), date(2030, 12, 31)))
def test_the_date_pattern_holds_the_days_from_1991_to_the_last(day, last):
    first = date(1991, 1, 1)
    assert bool(re.fullmatch(date_pattern(first, last), day.isoformat())) == (first <= day <= last)


def test_the_date_pattern_knows_leap_days_and_month_ends():
    pattern = date_pattern(date(1991, 1, 1), date(2026, 3, 1))
    for text in ("2024-02-29", "2025-04-30", "2025-12-31", "2026-02-28", "2026-03-01"):
        assert re.fullmatch(pattern, text), text
    for text in ("2025-02-29", "2025-04-31", "2026-03-02", "2026-13-01", "2026-00-10", "1990-12-31"):
        assert not re.fullmatch(pattern, text), text


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def session(seeded):
    """As Django's test client does: the connection stays open around each WSGI call (request_started
    and request_finished would close it, and PostgreSQL's test transaction with it)."""
    client = api_client("supervisor")
    client.get("/cases/")  # sets the CSRF cookie
    cookies = {name: client.cookies[name].value for name in ("sessionid", "csrftoken")}
    for signal in (request_started, request_finished):  # after the test client's calls, which reconnect it
        signal.disconnect(close_old_connections)
    yield {"cookies": cookies, "headers": {"X-CSRFToken": cookies["csrftoken"]}}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _entry_after_reference(body: object) -> bool:
    answers = body.get("answers") if isinstance(body, dict) else None
    if not isinstance(answers, dict):
        return False
    entry, reference = answers.get("entry_date"), answers.get("reference_date")
    return isinstance(entry, str) and isinstance(reference, str) and entry > reference


def positive_data_acceptance(ctx, response, case):
    """Schemathesis' own check, but for the one rule between two answers that JSON Schema cannot state:
    an entry date after the reference date is refused (422), as the core refuses it."""
    if response.status_code == 422 and _entry_after_reference(case.body):
        return None
    return checks.positive_data_acceptance(ctx, response, case)


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_keeps_to_its_schema(case, session):
    """One logged-in session (the fixture) serves every generated request of an operation, on purpose."""
    # The session is given by the test, not generated from the schema's cookie scheme, so the two checks
    # that judge generated authentication (ignored_auth, and a missing `sessionid` as invalid data) do not apply.
    excluded = [checks.ignored_auth, checks.negative_data_rejection, checks.positive_data_acceptance]
    case.call_and_validate(**session, excluded_checks=excluded, additional_checks=[positive_data_acceptance])
