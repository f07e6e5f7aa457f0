"""Consent and referrals: refused without the worker's consent (unless a supervisor gives a reason),
the receiver sees exactly the parts shared and nothing after a revocation or a withdrawal (counted over
every endpoint), a transfer moves the case sealed with the receiver's keys; every step logged."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.utils.timezone import localdate  # the application's day (Asia/Almaty), not the machine's
from pypdf import PdfReader

from labourwatch_web.cases import claims, referrals, services
from labourwatch_web.cases.models import AuditEvent, Case, Claim, Consent, Referral
from tests.web.conftest import cases_of
from tests.web.test_isolation import leaks, urls_for


@pytest.fixture
def nurlan(seeded):
    """Organisation A's first case (Нурлан Сапаров), organisation B."""
    a, b = seeded
    return next(c for c in cases_of(a) if services.identity_of(c.person).name == "Нурлан Сапаров"), b


def consent(client, case, to, shares, **extra):
    data = {"to": to.pk, "shares": shares, "given_on": localdate().isoformat(), "how": "signed", **extra}
    return client.post(f"/cases/{case.pk}/consents/", data)


def refer(client, case, to, shares, kind="referral", **extra):
    data = {"to": to.pk, "referral_kind": kind, "service": "legal_claim", "shares": shares, **extra}
    return client.post(f"/cases/{case.pk}/refer/", data)


def test_a_referral_without_consent_is_refused_and_with_it_is_made_and_logged(nurlan, login):
    case, b = nurlan
    client = login("caseworker")
    response = refer(client, case, b, ["name", "screening"])
    assert response.url == f"/cases/{case.pk}/" and not Referral.objects.exists()
    assert "Отказано: согласие работника" in client.get(response.url).content.decode()
    consent(client, case, b, ["name", "screening"])
    response = refer(client, case, b, ["name", "screening"])
    made = Referral.objects.get()
    assert response.url == f"/referrals/{made.pk}/"
    assert (made.state, made.shares, made.consent, made.number) == (
        "pending",
        ["name", "screening"],
        Consent.objects.get(),
        case.number,
    )
    actions = list(AuditEvent.objects.filter(case=case).values_list("action", flat=True))
    assert "consent" in actions and "refer" in actions


def test_a_consent_must_cover_what_is_shared_and_its_organisation(nurlan, login):
    case, b = nurlan
    client = login("caseworker")
    consent(client, case, b, ["name"])
    refer(client, case, b, ["name", "contacts"])
    assert not Referral.objects.exists()  # the phone was not consented to
    assert consent(client, case, b, []).status_code == 302 and Consent.objects.count() == 1  # nothing chosen
    tomorrow = date.fromordinal(localdate().toordinal() + 1).isoformat()
    consent(client, case, b, ["name"], given_on=tomorrow)
    consent(client, case, b, ["name"], given_on="2024-02-31")  # no such day
    assert Consent.objects.count() == 1


def test_only_a_supervisor_may_refer_without_consent_and_the_reason_is_kept(nurlan, login, client):
    case, b = nurlan
    refer(login("caseworker"), case, b, ["name"], override_reason="urgent")
    assert not Referral.objects.exists()
    refer(login("supervisor"), case, b, ["name"], override_reason="danger to life: shelter tonight")
    made = Referral.objects.get()
    assert made.consent is None and made.override_reason == "danger to life: shelter tonight"
    assert AuditEvent.objects.filter(action="refer", detail__contains="without consent").exists()


def secrets(case) -> dict[str, list[str]]:
    who = services.identity_of(case.person)
    return {"name": [who.name, *who.name.split()], "contacts": [who.document, who.phone, who.address]}


def test_the_receiver_sees_exactly_what_was_shared_and_nothing_after_a_revocation(nurlan, login, client):
    case, b = nurlan
    sender = login("caseworker")
    consent(sender, case, b, ["name", "screening"])
    refer(sender, case, b, ["name", "screening"])
    made = Referral.objects.get()
    receiver = login("other-caseworker")
    page = receiver.get(f"/referrals/{made.pk}/").content.decode()
    assert "Нурлан Сапаров" in page and "N0000001" not in page  # the name was shared, the document not
    assert AuditEvent.objects.filter(action="view_referral", case=case).exists()
    urls = urls_for([c.pk for c in cases_of(case.organisation)], referral_ids=[made.pk])
    assert leaks(receiver, urls, secrets(case)["contacts"]) == []  # every endpoint, by GET and POST
    assert Referral.objects.get().state == "rejected"  # the scan's POSTs answered it: refer again
    refer(login("caseworker"), case, b, ["name", "screening"])
    again = Referral.objects.get(state="pending")
    assert "Нурлан Сапаров" in login("other-caseworker").get(f"/referrals/{again.pk}/").content.decode()
    login("caseworker").post(f"/referrals/{again.pk}/revoke/", {"reason": "the worker found help elsewhere"})
    assert Referral.objects.get(pk=again.pk).state == "revoked"
    urls = urls_for([c.pk for c in cases_of(case.organisation)], referral_ids=[made.pk, again.pk])
    assert leaks(login("other-caseworker"), urls, [s for part in secrets(case).values() for s in part]) == []


def test_a_withdrawn_consent_ends_its_referrals(nurlan, login, client):
    case, b = nurlan
    consent(login("caseworker"), case, b, ["name"])
    refer(client, case, b, ["name"])
    given = Consent.objects.get()
    client.post(f"/cases/{case.pk}/consents/{given.pk}/withdraw/")
    assert Referral.objects.get().state == "revoked" and Consent.objects.get().withdrawn_on == localdate()
    login("other-caseworker")
    page = client.get(f"/referrals/{Referral.objects.get().pk}/").content.decode()
    assert "Нурлан" not in page and "отозвано" in page


def test_the_receiver_accepts_or_rejects_with_a_reason(nurlan, login, client):
    case, b = nurlan
    consent(login("caseworker"), case, b, ["name"])
    refer(client, case, b, ["name"])
    made = Referral.objects.get()
    login("other-caseworker")
    client.post(f"/referrals/{made.pk}/answer/", {"decision": "reject"})
    assert Referral.objects.get().state == "pending"  # a rejection needs its reason
    client.post(f"/referrals/{made.pk}/answer/", {"decision": "reject", "reason": "no lawyer free this month"})
    rejected = Referral.objects.get()
    assert (rejected.state, rejected.reason, rejected.answered_by.username) == (
        "rejected",
        "no lawyer free this month",
        "other-caseworker",
    )
    assert "Нурлан" not in client.get(f"/referrals/{made.pk}/").content.decode()
    with pytest.raises(referrals.Refused):  # answered once
        referrals.answer(rejected.answered_by, rejected, True)


def test_a_transfer_moves_the_case_sealed_with_the_receivers_keys(nurlan, login, client):
    case, b = nurlan
    sender = login("caseworker")
    sender.post(f"/cases/{case.pk}/notes/", {"text": "Паспорт у работодателя"})
    claim = Claim.objects.create(case=case, built_by=case.created_by, period_start=date(2024, 3, 1),
                                 period_end=date(2024, 3, 31), amounts={})  # fmt: skip
    claims.record_stage(
        case.created_by, claim, "demand", date(2024, 5, 1), "Требование № 7", claims.Document("d.pdf", b"%PDF demand")
    )
    consent(sender, case, b, ["name", "contacts", "answers"])
    refer(sender, case, b, ["name", "contacts", "answers"], kind="transfer")
    made = Referral.objects.get()
    receiver = login("other-caseworker")
    receiver.post(f"/referrals/{made.pk}/answer/", {"decision": "accept"})
    moved = Case.objects.get(pk=case.pk)
    assert (
        moved.organisation == b and moved.person.organisation == b and moved.assigned_to.username == "other-caseworker"
    )
    assert moved.number == 2  # after B's own case
    assert services.identity_of(moved.person).document == "N0000001"  # opened with B's key
    assert services.notes_of(moved)[0][2] == "Паспорт у работодателя"
    stage = claims.stages_of(Claim.objects.get(case=moved))[0]
    assert stage[1] == "Требование № 7" and claims.document_of(stage[0]).data == b"%PDF demand"  # B's keys open them
    assert "Нурлан Сапаров" in receiver.post("/cases/", {"q": "Nurlan"}).content.decode()  # B's name index
    assert receiver.get(f"/cases/{case.pk}/").status_code == 200
    login("caseworker")
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # no longer A's
    client.post(f"/referrals/{made.pk}/revoke/", {"reason": "x"})
    assert Referral.objects.get().state == "accepted"  # a case that moved cannot be called back


def test_a_referral_outside_the_installation_is_a_pdf_of_only_what_was_consented_behind_a_password(nurlan, login):
    case, _ = nurlan
    client = login("caseworker")
    data = {"to_outside": "IOM Almaty", "shares": ["name", "screening"], "given_on": localdate().isoformat()}
    client.post(f"/cases/{case.pk}/consents/", {**data, "how": "spoken"})
    given = Consent.objects.get()
    assert client.post(f"/cases/{case.pk}/consents/{given.pk}/file/", {"password": "short"}).status_code == 302
    response = client.post(f"/cases/{case.pk}/consents/{given.pk}/file/", {"password": "river-stone-42"})
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    assert pdf.is_encrypted and not pdf.decrypt("wrong-guess-00")  # no text without the password
    assert pdf.decrypt("river-stone-42")
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    Path("out/browser").mkdir(parents=True, exist_ok=True)
    Path("out/browser/referral-outside.pdf").write_bytes(response.content)
    assert "Нурлан Сапаров" in text and "IOM Almaty" in text
    assert "N0000001" not in text and "+7 700 000 0001" not in text  # the contacts were not consented to
    assert AuditEvent.objects.filter(action="export", detail__startswith="referral file to outside").count() == 1
