"""Consent and referrals between the organisations of one installation.

A worker consents to share parts of their case (Share) with one organisation; a caseworker then refers
the case to it for one service, or transfers it (the case moves when the receiver accepts). Without a
consent that covers the referral it is refused, unless a supervisor overrides with a reason. The
receiver sees only the parts shared, and only while the referral is pending or accepted: a revocation,
or the worker withdrawing consent, ends it. Every step is in the audit log."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter

from labourwatch.presentation.reports import write_pdf
from labourwatch_web.cases import audit, services
from labourwatch_web.cases.models import (
    AuditEvent,
    Case,
    ClaimStage,
    Consent,
    NameToken,
    Organisation,
    Referral,
    Role,
    Service,
    Share,
    membership_of,
)
from labourwatch_web.cases.services import Refused

OPEN_STATES = (Referral.State.PENDING, Referral.State.ACCEPTED)
PASSWORD_LENGTH = 10  # of the file for an outside organisation


def _role(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def _organisation_of(user: Any) -> int | None:
    membership = membership_of(user)
    return membership.organisation_id if membership else None


def _shares(shares: list[str]) -> list[str]:
    chosen = [s for s in Share.values if s in shares]
    if not chosen or len(chosen) != len(set(shares)):
        raise Refused("web_shares_needed")
    return chosen


def record_consent(
    user: Any,
    case: Case,
    *,
    shares: list[str],
    given_on: date | None,
    how: str,
    to_organisation: Organisation | None = None,
    to_outside: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """The worker's consent as the caseworker heard it: to one organisation of the installation, or to
    one outside it by name."""
    chosen = _shares(shares)
    inside = to_organisation is not None
    if inside == bool(to_outside.strip()) or to_organisation == case.organisation:
        raise Refused("web_consent_to_whom")
    if given_on is None or given_on > timezone.localdate():
        raise Refused("web_consent_date")
    if how not in Consent.How.values:
        raise Refused("web_consent_how")
    consent = Consent.objects.create(
        case=case,
        to_organisation=to_organisation,
        to_outside=to_outside.strip()[:200],
        shares=chosen,
        given_on=given_on,
        how=how,
        recorded_by=user,
    )
    to = f"organisation {to_organisation.pk}" if to_organisation else "outside"
    audit.record(AuditEvent.Action.CONSENT, user, request=request, case=case, detail=f"to {to}: {','.join(chosen)}")
    return consent


@transaction.atomic
def withdraw_consent(user: Any, consent: Consent, request: HttpRequest | None = None) -> None:
    """The worker takes the consent back from today: the referrals made under it end."""
    if consent.withdrawn_on is not None:
        return
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=timezone.localdate())
    ended = consent.referrals.filter(state__in=OPEN_STATES).exclude(
        kind=Referral.Kind.TRANSFER, state=Referral.State.ACCEPTED
    )  # a case that moved is the receiver's
    ended.update(state=Referral.State.REVOKED)  # the page says why: its consent was withdrawn
    audit.record(AuditEvent.Action.CONSENT, user, request=request, case=consent.case, detail="withdrawn")


def consent_for(case: Case, to_organisation: Organisation, shares: list[str]) -> Consent | None:
    """The latest consent in force that covers sharing `shares` of the case with the organisation."""
    found = case.consents.filter(to_organisation=to_organisation, withdrawn_on__isnull=True).order_by("-given_on")
    return next((c for c in found if set(shares) <= set(c.shares)), None)


def refer(
    user: Any,
    case: Case,
    to_organisation: Organisation,
    *,
    kind: str,
    service: str,
    shares: list[str],
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer (or transfer) the case: Refused without a consent that covers it, unless a supervisor gives
    the reason to go without."""
    chosen = _shares(shares)
    if to_organisation == case.organisation or kind not in Referral.Kind.values or service not in Service.Kind.values:
        raise Refused("web_referral_invalid")
    consent = consent_for(case, to_organisation, chosen)
    overriding = consent is None and _role(user) == Role.SUPERVISOR and override_reason.strip()
    if consent is None and not overriding:
        raise Refused("web_referral_no_consent")
    referral = Referral.objects.create(
        case=case,
        number=case.number,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        kind=kind,
        service=service,
        shares=chosen,
        consent=consent,
        override_reason=override_reason.strip()[:300] if overriding else "",
        made_by=user,
    )
    detail = f"{kind} {referral.pk} to organisation {to_organisation.pk}: {','.join(chosen)}"
    detail += " (without consent: supervisor's reason)" if overriding else ""
    audit.record(AuditEvent.Action.REFER, user, request=request, case=case, detail=detail)
    return referral


@transaction.atomic
def answer(user: Any, referral: Referral, accept: bool, reason: str = "", request: HttpRequest | None = None) -> None:
    """The receiving organisation accepts the referral (a transfer moves the case to it) or rejects it
    with a reason."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.pk not in received_by(user).values_list("pk", flat=True) or referral.state != Referral.State.PENDING:
        raise Refused("web_forbidden")
    if not accept and not reason.strip():
        raise Refused("web_reason_needed")
    referral.state = Referral.State.ACCEPTED if accept else Referral.State.REJECTED
    referral.answered_by, referral.answered_at, referral.reason = user, timezone.now(), reason.strip()[:300]
    referral.save(update_fields=["state", "answered_by", "answered_at", "reason"])
    if accept and referral.kind == Referral.Kind.TRANSFER:
        _move(referral.case, referral.to_organisation, user)
    audit.record(
        AuditEvent.Action.REFER, user, request=request, case=referral.case, detail=f"{referral.pk} {referral.state}"
    )


def moved(referral: Referral) -> bool:
    """Whether the case moved to the receiver: an accepted transfer, which cannot be revoked."""
    return referral.kind == Referral.Kind.TRANSFER and referral.state == Referral.State.ACCEPTED


def revoke(user: Any, referral: Referral, reason: str, request: HttpRequest | None = None) -> None:
    """The organisation that made the referral ends it: the receiver sees nothing of the case any more."""
    mine = referral.pk in made_by(user).values_list("pk", flat=True)
    if not mine or referral.state not in OPEN_STATES or moved(referral):
        raise Refused("web_forbidden")
    if not reason.strip():
        raise Refused("web_reason_needed")
    Referral.objects.filter(pk=referral.pk).update(state=Referral.State.REVOKED, reason=reason.strip()[:300])
    audit.record(AuditEvent.Action.REFER, user, request=request, case=referral.case, detail=f"{referral.pk} revoked")


def _move(case: Case, to: Organisation, user: Any) -> None:
    """The case, its person, notes and the notes and documents of its claim, sealed anew with the
    receiving organisation's keys, under its next number and given to the caseworker who accepted it."""
    person = case.person
    who, notes = services.identity_of(person), [(n, services.note_text(n)) for n in case.notes.all()]
    old = services.keys_of(case.organisation)
    stages = [
        (s, old.decrypt(s.note_sealed, "claim stage"), old.open(s.document_sealed, "claim document"))
        for s in ClaimStage.objects.filter(claim__case=case)
    ]
    keys = services.keys_of(to)
    person.organisation = to
    for field in ("name", "document", "phone", "address"):
        setattr(person, f"{field}_sealed", services.sealed(keys, getattr(who, field), field))
    person.save()
    person.name_tokens.all().delete()
    NameToken.objects.bulk_create(NameToken(person=person, token=token) for token in keys.name_tokens(who.name))
    for note, text in notes:
        note.text_sealed = keys.encrypt(text, "note")
        note.save(update_fields=["text_sealed"])
    for stage, stage_note, document in stages:
        stage.note_sealed = services.sealed(keys, stage_note, "claim stage")
        stage.document_sealed = keys.seal(document, "claim document") if stage.document_sealed else None
        stage.save(update_fields=["note_sealed", "document_sealed"])
    last = Case.objects.select_for_update().filter(organisation=to).aggregate(Max("number"))["number__max"] or 0
    assigned = user if _role(user) == Role.CASEWORKER else None
    changes = {"organisation": to, "number": last + 1, "assigned_to": assigned, "version": case.version + 1}
    Case.objects.filter(pk=case.pk).update(**changes)


# Selectors


def received_by(user: Any) -> QuerySet[Referral]:
    """Referrals to the user's organisation: every one for caseworkers and supervisors, those for a legal
    claim for lawyers; none for other roles."""
    role, organisation = _role(user), _organisation_of(user)
    found = Referral.objects.filter(to_organisation_id=organisation)
    if role == Role.LAWYER:
        return found.filter(service=Service.Kind.LEGAL_CLAIM)
    return found if role in (Role.CASEWORKER, Role.SUPERVISOR) else Referral.objects.none()


def made_by(user: Any) -> QuerySet[Referral]:
    """Referrals the user's organisation made: all for a supervisor, else those of cases the user sees
    or that the user made."""
    role, organisation = _role(user), _organisation_of(user)
    found = Referral.objects.filter(from_organisation_id=organisation)
    if role == Role.SUPERVISOR:
        return found
    if role in (Role.CASEWORKER, Role.LAWYER):
        return found.filter(Q(made_by=user) | Q(case__in=Case.objects.visible_to(user)))
    return Referral.objects.none()


def referral_for(user: Any, pk: int) -> Referral:
    """One referral the user's organisation made or received, or 404."""
    visible = (received_by(user) | made_by(user)).select_related("case__person__organisation")
    return get_object_or_404(visible.select_related("from_organisation", "to_organisation"), pk=pk)


def shared_parts(referral: Referral) -> dict[str, Any]:
    """What the receiver may read of the case: the parts shared, while the referral is pending or
    accepted; nothing otherwise."""
    return parts_of(referral.case, referral.shares) if referral.state in OPEN_STATES else {}


def parts_of(case: Case, shares: list[str]) -> dict[str, Any]:
    """The parts of the case named, by part: name, contacts, answers, screening, plan."""
    parts = set(shares)
    who = services.identity_of(case.person) if parts & {Share.NAME, Share.CONTACTS} else None
    out: dict[str, Any] = {}
    if who is not None and Share.NAME in parts:
        out["name"] = who.name
    if who is not None and Share.CONTACTS in parts:
        out["contacts"] = {"document": who.document, "phone": who.phone, "address": who.address}
    if Share.ANSWERS in parts:
        out["answers"] = {"employer": case.employer, "work_site": case.work_site, "answers": dict(case.answers)}
    if Share.SCREENING in parts:
        out["screening"] = services.screening_of(case)
    if Share.PLAN in parts:
        out["plan"] = list(case.services.order_by("done", "due"))
    return out


def organisations_besides(user: Any) -> QuerySet[Organisation]:
    """The other organisations of the installation, to refer to."""
    return Organisation.objects.exclude(pk=_organisation_of(user)).order_by("name")


def outside_file(user: Any, consent: Consent, password: str, page: str, request: HttpRequest | None = None) -> bytes:
    """For a referral to an organisation outside the installation: `page` (the parts the worker consented
    to share with it, as HTML) as a PDF encrypted (AES-256) with a password given to it another way."""
    if consent.to_outside == "" or consent.withdrawn_on is not None:
        raise Refused("web_forbidden")
    if len(password) < PASSWORD_LENGTH:
        raise Refused("web_outside_password")
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "referral.pdf"
        write_pdf(page, plain, translation.get_language() or "ru")
        writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    detail = f"referral file to outside ({consent.pk}): {','.join(consent.shares)}"
    audit.record(AuditEvent.Action.EXPORT, user, request=request, case=consent.case, detail=detail)
    return out.getvalue()
