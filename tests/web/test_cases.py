"""The case: opened with its identity encrypted, found by name in any script, screened by the core,
changed without lost updates, closed; every read and change logged."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from labourwatch_web.cases import services
from labourwatch_web.cases.models import AuditEvent, Case, Person
from tests.web.conftest import cases_of, second_factor


def raw_bytes(sql: str, params: list | None = None) -> bytes:
    """Every value of the rows as the database holds them, as bytes (text as UTF-8)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        values = [v for row in cursor.fetchall() for v in row]
    return b"|".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in values)


def test_raw_bytes_would_see_a_name_kept_in_clear(seeded):
    assert b"SYNTHETIC" in raw_bytes("SELECT * FROM cases_organisation")  # the check can fail


def test_a_new_case_stores_no_identity_in_clear(seeded, login):
    client = login("caseworker")
    response = client.post("/cases/new/", {"name": "Жанна Ким", "document": "ID-777", "phone": "+7 701 1234567"})
    case = Case.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    raw = raw_bytes("SELECT * FROM cases_person WHERE id = %s", [case.person_id])
    assert all(s.encode() not in raw for s in ("Жанна", "Zhanna", "ID-777", "1234567"))
    assert services.identity_of(case.person).document == "ID-777"


def test_search_finds_a_name_in_the_other_script(seeded, login):
    client = login("caseworker")
    assert "Нурлан Сапаров" in client.post("/cases/", {"q": "Nurlan"}).content.decode()
    assert "Dilnoza Aliyeva" in client.post("/cases/", {"q": "Алиева"}).content.decode()
    assert "Нурлан" not in client.post("/cases/", {"q": "Nurbek"}).content.decode()
    assert AuditEvent.objects.filter(action="search").count() == 3


def test_intake_warns_of_a_likely_duplicate_before_opening(seeded, login):
    client = login("caseworker")
    people = Person.objects.count()
    response = client.post("/cases/new/", {"name": "Nurlan Saparov"})
    assert response.status_code == 200 and "№ 1" in response.content.decode()
    assert Person.objects.count() == people
    assert client.post("/cases/new/", {"name": "Nurlan Saparov", "confirm": "1"}).status_code == 302
    assert Person.objects.count() == people + 1


def test_the_case_page_shows_the_core_findings_and_questions_to_ask(seeded, login):
    a, _ = seeded
    client = login("caseworker")
    nurlan = next(c for c in cases_of(a) if c.number == 1)
    page = client.get(f"/cases/{nurlan.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Принудительный труд (МКСТ 2018)" in page  # passport kept and refused, cannot leave
    assert "Что спросить дальше" in page
    assert AuditEvent.objects.filter(action="view_case", case=nurlan).count() == 1


def test_answers_are_checked_saved_and_a_concurrent_edit_is_refused(seeded, login):
    a, _ = seeded
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 2)
    bad = client.post(f"/cases/{case.pk}/answers/", {"version": case.version, "hours_per_day": "twelve"})
    assert "hours_per_day = «twelve»:" in bad.content.decode()  # the question, the value and why
    case.refresh_from_db()
    assert case.version == 1
    ok = client.post(f"/cases/{case.pk}/answers/", {"version": case.version, "hours_per_day": "11", "age": "27"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.answers == {"hours_per_day": "11", "age": "27"} and case.version == 2
    stale = client.post(f"/cases/{case.pk}/answers/", {"version": 1, "hours_per_day": "8"})
    assert "ничего не перезаписано" in stale.content.decode() or "nothing was overwritten" in stale.content.decode()
    case.refresh_from_db()
    assert case.answers["hours_per_day"] == "11" and case.changes.count() == 1


def test_two_caseworkers_saving_one_version_cannot_both_win(seeded):
    a, _ = seeded
    case = cases_of(a)[0]
    services.close_case(case.created_by, case, "returned home", case.version)
    with pytest.raises(services.Conflict):
        services.save_answers(case.created_by, case, {"age": "40"}, version=1)
    case.refresh_from_db()
    assert case.status == "closing" and case.close_reason == "returned home"  # a supervisor approves


def test_pages_need_a_login_and_carry_the_security_headers(client, seeded):
    response = client.get("/cases/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    page = client.get("/login/")
    assert page["Cache-Control"] == "no-store" and "default-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY" and page["X-Content-Type-Options"] == "nosniff"


def test_a_form_without_its_csrf_token_is_refused(seeded):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "caseworker", "password": "x"}).status_code == 403


def test_a_plan_of_assistance_is_kept_with_due_dates_and_completion(seeded, login):
    a, _ = seeded
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 1)
    client.post(f"/cases/{case.pk}/services/", {"kind": "documents", "due": "2026-12-15", "note": "passport"})
    service = case.services.get()
    assert service.due.isoformat() == "2026-12-15" and service.done is None
    assert "15.12.2026" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/cases/{case.pk}/services/{service.pk}/done/")
    service.refresh_from_db()
    assert service.done is not None
    assert AuditEvent.objects.filter(case=case, detail="service documents done").exists()
    response = client.post(f"/cases/{case.pk}/services/", {"kind": "shelter", "due": "2026-02-31"})  # no such day
    assert response.status_code == 302 and case.services.get(kind="shelter").due is None


def test_money_owed_comes_from_the_core_as_a_printable_statement(seeded, login):
    a, _ = seeded
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 2)
    assert client.get(f"/cases/{case.pk}/claim/").status_code == 302  # no work period yet: said on the case page
    answers = {"version": case.version, "period_start": "2024-03-01", "period_end": "2024-03-31",
               "hours_per_day": "10", "rest_days_per_week": "0", "holidays_worked": "0", "agreed_pay": "70000",
               "agreed_pay_per": "month", "pay_currency": "KZT", "pay_received": "40000"}  # fmt: skip
    assert client.post(f"/cases/{case.pk}/answers/", answers).status_code == 302
    statement = client.get(f"/cases/{case.pk}/claim/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<html" in statement and "170\u00a0625,00" in statement.replace(" ", "\u00a0") and "414-V" in statement


def test_intake_keeps_the_employer_and_the_work_site(seeded, login):
    client = login("caseworker")
    form = {"name": "Тимур Оспанов", "employer": "ТОО Пример", "work_site": "Алматы, стройка", "citizenship": "TJK"}
    case = Case.objects.get(pk=int(client.post("/cases/new/", form).url.strip("/").split("/")[-1]))
    assert (case.employer, case.work_site, case.person.citizenship) == ("ТОО Пример", "Алматы, стройка", "TJK")
    cases = Case.objects.count()
    bad = client.post("/cases/new/", {"name": "Олжас Ким", "sex": "m", "citizenship": "Uzbek"}).content.decode()
    assert "sex = «m»" in bad and "citizenship = «UZBEK»" in bad and Case.objects.count() == cases
    assert "ТОО Пример" in client.get(f"/cases/{case.pk}/").content.decode()


def hidden(page: str) -> set[str]:
    """The questions the page's style hides, as skipped by the questionnaire."""
    style = re.search(r'<style id="skipped">(.*?)</style>', page, re.S)
    return set(re.findall(r"#q-(\w+)", style.group(1))) if style else set()


def test_the_form_skips_what_the_questionnaire_skips_and_shows_it_once_asked(seeded, login):
    a, _ = seeded
    assert "documents_refused_on_request" in services.skipped_given({}, ["documents_refused_on_request"])
    held = {"documents_held_by_employer": "yes"}
    assert services.skipped_given(held, ["documents_refused_on_request", "age"]) == set()
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 2)
    url = f"/cases/{case.pk}/answers/"
    page = client.get(url).content.decode()
    assert "documents_refused_on_request" in hidden(page) and 'id="q-documents_refused_on_request"' in page
    fragment = client.post(url, {"version": case.version, **held}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<style id="skipped">') and "<input" not in fragment  # no answer is re-drawn
    assert "documents_refused_on_request" not in hidden(fragment) and hidden(fragment)
    case.refresh_from_db()
    assert case.version == 1  # an htmx change shows questions, never saves
    stale = {"version": 1, "documents_held_by_employer": "no", "documents_refused_on_request": "yes"}
    assert client.post(url, stale).status_code == 302
    case.refresh_from_db()
    assert case.answers == {"documents_held_by_employer": "no"}  # a skipped question keeps no answer


def test_a_follow_up_of_a_skipped_question_is_skipped_too():
    names = ["works_with_parents", "parents_in_forced_labour"]
    child = {"age": "15", "works_with_parents": "with_parents"}
    assert services.skipped_given(child, names) == set()
    adult = {**child, "age": "30"}  # the parents question is skipped, so is the one that follows from it
    assert services.skipped_given(adult, names) == set(names)


def test_several_answers_are_boxes_kept_as_the_questionnaire_codes_them(seeded, login):
    a, _ = seeded
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 2)
    url = f"/cases/{case.pk}/answers/"
    reasons = ["cant_leave_employer", "debt"]
    assert client.post(url, {"version": 1, "reasons_not_changing_job": reasons}).status_code == 302
    case.refresh_from_db()
    assert case.answers["reasons_not_changing_job"] == "cant_leave_employer debt"
    form = client.get(url).content.decode()
    assert 'value="debt" checked' in form and 'type="checkbox" name="reasons_not_changing_job"' in form
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    history = page.split("History")[1]
    assert "Why not change the job" in history and "reasons_not_changing_job" not in history


def test_a_user_of_no_organisation_is_refused_not_failed(db, client):
    get_user_model().objects.create_user("loner", password="a-long-password-2026")
    client.login(username="loner", password="a-long-password-2026")
    second_factor(client, "loner")
    for url in ("/cases/", "/cases/new/", "/counts/", "/people/", "/cases/export.csv"):
        assert client.get(url).status_code == 403, url
    assert client.post("/api/cases", {"name": "x"}, content_type="application/json").status_code == 403


def test_notes_are_kept_sealed_and_shown_to_who_sees_the_case(seeded, login):
    a, _ = seeded
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 1)
    client.post(f"/cases/{case.pk}/notes/", {"text": "Звонил брат, Бекзат, +7 777 1112233"})
    raw = raw_bytes("SELECT * FROM cases_note")
    assert b"1112233" not in raw and "Бекзат".encode() not in raw
    assert "Звонил брат, Бекзат" in client.get(f"/cases/{case.pk}/").content.decode()
    assert AuditEvent.objects.filter(case=case, detail="note").count() == 1


def test_a_supervisor_approves_a_closure_or_reopens_and_assigns_cases(seeded, login, client):
    a, _ = seeded
    case = next(c for c in cases_of(a) if c.number == 2)
    worker = login("caseworker")
    worker.post(f"/cases/{case.pk}/close/", {"version": 1, "reason": "went home"})
    case.refresh_from_db()
    assert case.status == "closing" and case.closed is None
    assert worker.post(f"/cases/{case.pk}/closure/", {"version": 2, "decision": "approve"}).status_code == 403
    client.logout()
    boss = login("supervisor")
    assert "Утвердить закрытие" in boss.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    boss.post(f"/cases/{case.pk}/closure/", {"version": 2, "decision": "reopen"})
    case.refresh_from_db()
    assert case.status == "open" and case.close_reason == ""
    boss.post(f"/cases/{case.pk}/close/", {"version": 3, "reason": "returned home"})
    case.refresh_from_db()
    assert case.status == "closed" and case.closed is not None  # a supervisor's own closure needs no approval
    outsider = get_user_model().objects.get(username="other-caseworker")
    boss.post(f"/cases/{case.pk}/assign/", {"version": 4, "caseworker": outsider.pk})
    case.refresh_from_db()
    assert case.assigned_to.username == "caseworker"  # not someone of another organisation
    page = boss.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Status" in page.split("History")[1]


def test_planning_a_legal_claim_opens_the_case_to_the_lawyers(seeded, login):
    a, _ = seeded
    case = next(c for c in cases_of(a) if c.number == 2 and not c.legal_claim)
    lawyer = login("lawyer")
    assert lawyer.get(f"/cases/{case.pk}/").status_code == 404
    services.plan_service(case.created_by, case, "legal_claim", None, "unpaid wages")
    case.refresh_from_db()
    assert case.legal_claim and case.changes.filter(what__has_key="legal_claim").exists()
    assert lawyer.get(f"/cases/{case.pk}/").status_code == 200
