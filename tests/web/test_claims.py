"""The legal claim of a case: built from its arrears, its stages kept (notes sealed), the deadlines of
the law in force on the day with their references, a reminder before one passes; every step logged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import localdate  # the application's day (Asia/Almaty), not the machine's

from labourwatch.core.model import Status
from labourwatch.i18n import number
from labourwatch.services import arrears
from labourwatch_web.cases import claims, services
from labourwatch_web.cases.models import AuditEvent, Case, Claim
from tests.web.conftest import cases_of
from tests.web.test_cases import raw_bytes

MARCH_TO_MAY = {"period_start": "2024-03-01", "period_end": "2024-05-31", "hours_per_day": "10",
                "rest_days_per_week": "0", "holidays_worked": "0", "agreed_pay": "70000", "agreed_pay_per": "month",
                "pay_currency": "KZT", "pay_received": "40000"}  # fmt: skip


@pytest.fixture
def case(seeded):
    a, _ = seeded
    found = next(c for c in cases_of(a) if services.identity_of(c.person).name == "Нурлан Сапаров")
    Case.objects.filter(pk=found.pk).update(answers={**found.answers, **MARCH_TO_MAY})
    found.refresh_from_db()
    return found


def test_a_claim_is_built_from_the_arrears_and_opens_the_case_to_the_lawyers(case, login):
    Case.objects.filter(pk=case.pk).update(legal_claim=False)
    client = login("caseworker")
    client.post(f"/cases/{case.pk}/legal-claim/")
    claim = Claim.objects.get(case=case)
    expected = arrears.in_tiyn(services.claim_arrears(case, "en").claims).to_pylist()[0]
    assert claim.amounts["owed"] == str(expected["owed"]) == "526079.55"
    assert (claim.period_start, claim.period_end) == (date(2024, 3, 1), date(2024, 5, 31))
    assert Case.objects.get(pk=case.pk).legal_claim
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert number(Decimal("526079.55"), "ru", 2) in page and "Иск" in page  # 526 079,55


def test_stages_are_kept_in_order_with_their_notes_sealed(case, login):
    client = login("lawyer")
    client.post(f"/cases/{case.pk}/legal-claim/")
    client.post(
        f"/cases/{case.pk}/legal-claim/stages/", {"kind": "filing", "on": "2025-01-20", "note": "Дело № 2-555/25"}
    )
    client.post(f"/cases/{case.pk}/legal-claim/stages/", {"kind": "demand", "on": "2024-12-01", "note": ""})
    client.post(f"/cases/{case.pk}/legal-claim/stages/", {"kind": "hearing", "on": "2025-02-31"})  # no such day
    claim = Claim.objects.get(case=case)
    assert [(s.kind, note) for s, note in claims.stages_of(claim)] == [("demand", ""), ("filing", "Дело № 2-555/25")]
    assert b"2-555/25" not in raw_bytes("SELECT * FROM cases_claimstage")
    assert AuditEvent.objects.filter(case=case, detail="claim stage filing").exists()


def test_a_stage_keeps_its_document_sealed_and_gives_it_back_to_who_sees_the_case(case, login):
    client = login("lawyer")
    client.post(f"/cases/{case.pk}/legal-claim/")
    judgement = SimpleUploadedFile("решение суда.pdf", b"%PDF-1.4 the court orders payment of 526079.55")
    client.post(
        f"/cases/{case.pk}/legal-claim/stages/", {"kind": "judgement", "on": "2025-06-01", "document": judgement}
    )
    stage = Claim.objects.get(case=case).stages.get()
    assert stage.document_name == "решение суда.pdf"
    assert b"court orders" not in raw_bytes("SELECT * FROM cases_claimstage")
    response = client.get(f"/cases/{case.pk}/legal-claim/stages/{stage.pk}/document/")
    assert response.content == b"%PDF-1.4 the court orders payment of 526079.55"
    assert AuditEvent.objects.filter(case=case, detail="claim document").exists()
    huge = SimpleUploadedFile("big.pdf", b"x" * (claims.DOCUMENT_LIMIT + 1))
    client.post(f"/cases/{case.pk}/legal-claim/stages/", {"kind": "filing", "on": "2025-01-01", "document": huge})
    assert Claim.objects.get(case=case).stages.count() == 1  # refused, said on the page


def test_the_money_recovered_is_a_number_to_the_tiyn(case, login):
    client = login("caseworker")
    client.post(f"/cases/{case.pk}/legal-claim/")
    client.post(f"/cases/{case.pk}/legal-claim/recovered/", {"recovered": "150 000,50"})
    assert str(Claim.objects.get(case=case).recovered) == "150000.50"
    for wrong in ("abc", "-5", "1.005", "NaN"):
        client.post(f"/cases/{case.pk}/legal-claim/recovered/", {"recovered": wrong})
        assert str(Claim.objects.get(case=case).recovered) == "150000.50", wrong


def claim_on(period_start: date) -> Claim:
    return Claim(period_start=period_start, period_end=period_start, amounts={})


@pytest.mark.django_db
def test_deadlines_follow_the_law_of_the_day_and_remind_a_month_before():
    claim = claim_on(date(2024, 3, 1))
    commission, court = claims.deadlines(claim, date(2025, 2, 10), "en")
    assert (commission.by, commission.days_left, commission.reminder) == (date(2025, 3, 1), 19, True)
    assert commission.status is Status.VERIFIED and "art. 160" in commission.reference
    assert court.by == date(2025, 3, 1)  # one year before the Constitutional Court's resolution of 8 June 2026
    commission, court = claims.deadlines(claim, date(2026, 12, 1), "en")
    assert commission.passed and not court.passed and not court.reminder
    assert court.by == date(2027, 3, 1) and "81-NP" in court.reference  # three years since


@pytest.mark.django_db
def test_a_deadline_the_law_of_the_day_does_not_give_is_unknown_never_a_date():
    commission, court = claims.deadlines(claim_on(date(2009, 3, 1)), date(2010, 1, 1), "en")
    assert commission.by is None and court.by is None and commission.status is Status.UNVERIFIED
    assert not commission.reminder and not commission.passed


def test_a_stage_meets_its_deadline_and_the_list_reminds_of_the_others(case, login):
    client = login("lawyer")
    client.post(f"/cases/{case.pk}/legal-claim/")
    claim = Claim.objects.get(case=case)
    Claim.objects.filter(pk=claim.pk).update(period_start=localdate().replace(day=1).replace(year=localdate().year - 1))
    listed = client.get("/claims/").content.decode()
    assert f"№ {case.number}" in listed  # the one-year deadline is this month
    assert number(Decimal("526079.55"), "ru", 2) in listed  # the money claimed
    client.post(f"/cases/{case.pk}/legal-claim/stages/", {"kind": "commission", "on": localdate().isoformat()})
    commission = claims.deadlines(Claim.objects.get(pk=claim.pk), localdate(), "en")[0]
    assert commission.met == localdate() and not commission.reminder and not commission.passed
