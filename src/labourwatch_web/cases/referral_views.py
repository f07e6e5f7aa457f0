"""Thin views for consent and referrals (cases/referrals.py does the work and decides who may)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_schema
from labourwatch_web.cases import audit, referrals, selectors, services
from labourwatch_web.cases.models import AuditEvent
from labourwatch_web.cases.views import (
    CASE_ROLES,
    _day,
    _finding,
    _int,
    _lang,
    _situation,
    attachment,
    member_required,
    say_refused,
)


@member_required(*CASE_ROLES)
@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    organisation = referrals.organisations_besides(request.user).filter(pk=_int(request.POST.get("to"))).first()
    try:
        referrals.record_consent(
            request.user,
            case,
            shares=request.POST.getlist("shares"),
            given_on=_day(request.POST.get("given_on")),
            how=request.POST.get("how", ""),
            to_organisation=organisation,
            to_outside=request.POST.get("to_outside", "")[:200],
            request=request,
        )
    except services.Refused as error:
        say_refused(request, error)
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    referrals.withdraw_consent(request.user, get_object_or_404(case.consents, pk=consent), request)
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
@require_POST
def consent_file(request: HttpRequest, pk: int, consent: int) -> HttpResponse:
    """The file for an organisation outside the installation: only what the worker consented to share
    with it, as a PDF that opens with the password the caseworker chose (and gives it by phone)."""
    case = selectors.case_for(request.user, pk)
    given = get_object_or_404(case.consents, pk=consent)
    page = render_to_string(
        "referrals/outside.html",
        {"consent": given, "case": case, "shared": _shown(referrals.parts_of(case, given.shares))},
        request=request,
    )
    try:
        sealed = referrals.outside_file(request.user, given, request.POST.get("password", ""), page, request)
    except services.Refused as error:
        say_refused(request, error)
        return redirect("cases:detail", pk=case.pk)
    return attachment(sealed, "application/pdf", f"referral-{case.number}-{given.pk}.pdf")


@member_required(*CASE_ROLES)
@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    organisation = referrals.organisations_besides(request.user).filter(pk=_int(request.POST.get("to"))).first()
    if organisation is None:
        say_refused(request, services.Refused("web_referral_invalid"))
        return redirect("cases:detail", pk=case.pk)
    try:
        made = referrals.refer(
            request.user,
            case,
            organisation,
            kind=request.POST.get("referral_kind", ""),
            service=request.POST.get("service", ""),
            shares=request.POST.getlist("shares"),
            override_reason=request.POST.get("override_reason", "")[:300],
            request=request,
        )
    except services.Refused as error:
        say_refused(request, error)
        return redirect("cases:detail", pk=case.pk)
    return redirect("referrals:detail", referral=made.pk)


@member_required(*CASE_ROLES)
def referral_list(request: HttpRequest) -> HttpResponse:
    """Referrals received by the user's organisation and made by it, newest first (numbers, no names)."""
    related = ("from_organisation", "to_organisation")
    received = referrals.received_by(request.user).select_related(*related).order_by("-made_at")[:200]
    made = referrals.made_by(request.user).select_related(*related).order_by("-made_at")[:200]
    lists = [(t("web_referrals_received", _lang()), received, True), (t("web_referrals_made", _lang()), made, False)]
    context = {"lists": lists}
    return render(request, "referrals/list.html", context)


@member_required(*CASE_ROLES)
def referral_detail(request: HttpRequest, referral: int) -> HttpResponse:
    """A referral: for the receiver, the parts of the case shared (logged as a read of the case)."""
    found = referrals.referral_for(request.user, referral)
    receiving = found.to_organisation_id == request.user.membership.organisation_id
    shared = referrals.shared_parts(found) if receiving else {}
    if shared:
        audit.record(
            AuditEvent.Action.VIEW_REFERRAL, request.user, request=request, case=found.case, detail=f"{found.pk}"
        )
    context = {
        "referral": found,
        "receiving": receiving,
        "shared": _shown(shared),
        "moved_here": receiving and referrals.moved(found),
        "revocable": not receiving and found.state in referrals.OPEN_STATES and not referrals.moved(found),
    }
    return render(request, "referrals/detail.html", context)


def _shown(shared: dict[str, Any]) -> dict[str, Any]:
    """The shared parts as the page shows them: answers by their questions, findings by their labels."""
    lang, variables = _lang(), load_schema().variables
    shown = dict(shared)
    if "answers" in shared:
        given = shared["answers"]["answers"]
        shown["answers"] = {
            **shared["answers"],
            "answers": [(pick(variables[k].label, lang) if k in variables else k, v) for k, v in given.items()],
        }
    if "screening" in shared:
        rules = services.rules()
        found = shared["screening"]
        shown["screening"] = {
            "situation": _situation(rules["situation"], found.situation),
            "holds": [_finding(rules[name]) for name in found.holds],
        }
    return shown


@member_required(*CASE_ROLES)
@require_POST
def referral_answer(request: HttpRequest, referral: int) -> HttpResponse:
    found = referrals.referral_for(request.user, referral)
    try:
        accept = request.POST.get("decision") == "accept"
        referrals.answer(request.user, found, accept, request.POST.get("reason", "")[:300], request)
    except services.Refused as error:
        say_refused(request, error)
    return redirect("referrals:detail", referral=found.pk)


@member_required(*CASE_ROLES)
@require_POST
def referral_revoke(request: HttpRequest, referral: int) -> HttpResponse:
    found = referrals.referral_for(request.user, referral)
    try:
        referrals.revoke(request.user, found, request.POST.get("reason", "")[:300], request)
    except services.Refused as error:
        say_refused(request, error)
    return redirect("referrals:detail", referral=found.pk)
