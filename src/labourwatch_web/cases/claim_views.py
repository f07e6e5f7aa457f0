"""Thin views for the legal claim of a case (cases/claims.py does the work)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from labourwatch.core.errors import LabourwatchError
from labourwatch.i18n import number
from labourwatch_web.cases import audit, claims, selectors, services
from labourwatch_web.cases.models import AuditEvent, Claim, ClaimStage
from labourwatch_web.cases.views import CASE_ROLES, _day, _lang, attachment, member_required, say_refused


def _claim_of(request: HttpRequest, pk: int) -> Claim:
    return get_object_or_404(Claim, case=selectors.case_for(request.user, pk))


@member_required(*CASE_ROLES)
@require_POST
def claim_build(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    try:
        claims.build_claim(request.user, case, _lang(), request)
    except LabourwatchError as error:
        messages.error(request, error.text(_lang()))
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
@require_POST
def stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_of(request, pk)
    upload = request.FILES.get("document")
    document = claims.Document(upload.name or "", upload.read(claims.DOCUMENT_LIMIT + 1)) if upload else None
    kind, note = request.POST.get("kind", ""), request.POST.get("note", "")[:500]
    try:
        claims.record_stage(request.user, claim, kind, _day(request.POST.get("on")), note, document, request)
    except services.Refused as error:
        say_refused(request, error)
    return redirect("cases:detail", pk=pk)


@member_required(*CASE_ROLES)
def stage_document(request: HttpRequest, pk: int, stage: int) -> HttpResponse:
    """A stage's document, opened for whoever sees the case (logged as a read of it)."""
    found = get_object_or_404(ClaimStage, claim=_claim_of(request, pk), pk=stage, document_sealed__isnull=False)
    document = claims.document_of(found)
    audit.record(
        AuditEvent.Action.VIEW_CASE, request.user, request=request, case=found.claim.case, detail="claim document"
    )
    return attachment(document.data, "application/octet-stream", f"stage-{found.pk}{Path(document.name).suffix[:10]}")


@member_required(*CASE_ROLES)
@require_POST
def recovered(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_of(request, pk)
    try:
        claims.record_recovered(request.user, claim, request.POST.get("recovered", "")[:30], request)
    except services.Refused as error:
        say_refused(request, error)
    return redirect("cases:detail", pk=pk)


@member_required(*CASE_ROLES)
def claim_list(request: HttpRequest) -> HttpResponse:
    """The deadlines of the user's claims that pass within a month or passed unmet, soonest first."""
    cases, lang = selectors.cases_for(request.user), _lang()
    due = claims.reminders(cases, timezone.localdate(), lang)
    sums = claims.totals(cases)
    shown = {"count": sums.claims, "owed": number(sums.owed, lang, 2), "recovered": number(sums.recovered, lang, 2)}
    return render(request, "claims/list.html", {"due": due, "remind_days": claims.REMIND_DAYS, "totals": shown})
