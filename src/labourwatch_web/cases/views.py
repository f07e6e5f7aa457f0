"""Thin views: read through selectors, change through services, render. Every read of a case is logged."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.types import pick
from labourwatch.i18n import number, t
from labourwatch.packs import load_schema
from labourwatch_web.cases import audit, claims, referrals, selectors, selfcheck, services
from labourwatch_web.cases.models import (
    AuditEvent,
    Case,
    CaseChange,
    Claim,
    ClaimStage,
    Consent,
    Referral,
    Role,
    Service,
    Share,
    membership_of,
)

View = Callable[..., HttpResponse]

FORM_MODULES = ("record", "demographics", "migration", "recruitment", "employment", "working_time", "pay", "living",
                "coercion", "leaving", "claim")  # fmt: skip


def _lang() -> str:
    return translation.get_language() or "ru"


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/forbidden.html", status=403)


def member_required(*roles: str) -> Callable[[View], View]:
    """Logged in, a member of an organisation, and (when `roles` are named) in one of them; else 403."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_of(request.user)
            if membership is None or (roles and membership.role not in roles):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return gated

    return decorate


CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.LAWYER)
HOME = {Role.ADMIN: "people:list", Role.RESEARCHER: "counts"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's first page: the cases, the organisation's people (admins), the aggregates (researchers)."""
    membership = membership_of(request.user)
    return redirect(HOME.get(membership.role, "cases:list") if membership else "cases:list")


class LoginView(auth_views.LoginView):
    """Django's login, refused for a while after too many failures for the name or the address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        since = timezone.now() - timezone.timedelta(seconds=settings.LOGIN_WINDOW)
        failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, at__gte=since)
        name = request.POST.get("username", "")[:150]
        address = audit.client_address(request)
        if max(failed.filter(username=name).count(), failed.filter(address=address).count()) >= settings.LOGIN_ATTEMPTS:
            audit.record(AuditEvent.Action.LOGIN_FAILED, None, request=request, username=name, detail="locked out")
            form = self.get_form()
            form.add_error(None, t("web_locked_out", _lang(), minutes=settings.LOGIN_WINDOW // 60))
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Confirm the login with a code; a user without a device first adds one to an authenticator app."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(AuditEvent.Action.SECOND_FACTOR, user, request=request, detail="enrolled" if enrolling else "")
            return redirect("home")
        audit.record(AuditEvent.Action.LOGIN_FAILED, user, request=request, detail="second factor")
        messages.error(request, t("web_code_wrong", _lang()))
    secret = b32encode(device.bin_key).decode() if enrolling else ""
    return render(request, "two_factor.html", {"enrolling": enrolling, "secret": secret, "url": device.config_url})


@member_required(*CASE_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    """The user's cases; a search by name comes by POST, so that no name is ever in a URL (or in the
    browser's history and the proxies' logs)."""
    query = request.POST.get("q", "")[:200] if request.method == "POST" else ""
    if query:
        audit.record(AuditEvent.Action.SEARCH, request.user, request=request)
    rows = [(c, services.identity_of(c.person).name) for c in selectors.cases_for(request.user, query)[:100]]
    waiting = selectors.waiting_for_caseworker(request.user).count()
    return render(request, "cases/list.html", {"rows": rows, "query": query, "waiting": waiting})


@member_required(Role.CASEWORKER, Role.SUPERVISOR)
def case_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        who = services.Identity(*(request.POST.get(f, "").strip()[:200] for f in IDENTITY))
        given = {f: request.POST.get(f, "").strip()[:200] for f in INTAKE}
        intake = services.Intake(**{**given, "citizenship": given["citizenship"].upper()})
        problems = ([t("web_name_needed", _lang())] if not who.name else []) + services.intake_problems(intake, _lang())
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            twins = selectors.likely_duplicates(request.user, who.name)
            if twins and request.POST.get("confirm") != "1":
                cases = [c for p in twins for c in p.cases.all()]
                return render(request, "cases/new.html", {"twins": cases, "post": request.POST, "sexes": _sexes()})
            case = services.open_case(request.user, who, intake, request)
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", {"twins": [], "post": request.POST, "sexes": _sexes()})


def _sexes() -> list[tuple[str, str]]:
    return [(code, pick(label, _lang())) for code, label in load_schema().variables["sex"].values.items()]


IDENTITY = ("name", "document", "phone", "address")
INTAKE = ("sex", "citizenship", "employer", "work_site")


@member_required(*CASE_ROLES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case)
    screening = services.screening_of(case)
    rules, variables = services.rules(), load_schema().variables
    supervising = request.user.membership.role == Role.SUPERVISOR
    context = {
        "case": case,
        "who": services.identity_of(case.person),
        "holds": [_finding(rules[name]) for name in screening.holds],
        "situation": _situation(rules["situation"], screening.situation),
        "unknown": screening.unknown,
        "next": [pick(variables[name].question, _lang()) for name in screening.ask_next],
        "changes": [_change(c) for c in case.changes.select_related("user").order_by("-at")[:20]],
        "services": case.services.order_by("done", "due"),
        "notes": services.notes_of(case),
        "kinds": _labelled("web_service_", Service.Kind.values),
        "has_period": all(k in case.answers for k in ("period_start", "period_end")),
        "looked": selectors.who_looked(case)[:20] if supervising else None,
        "caseworkers": selectors.caseworkers_of(request.user) if supervising else None,
        "supervising": supervising,
        "contact_language": selfcheck.languages().get(case.contact_language, case.contact_language),
        "unapproved": case.services.filter(approved_by__isnull=True).exists(),
        **_referral_context(request.user, case),
        **_claim_context(case),
    }
    return render(request, "cases/detail.html", context)


def _labelled(prefix: str, codes: list[str]) -> list[tuple[str, str]]:
    """Codes with their texts in the page's language: a form's choices."""
    return [(code, t(f"{prefix}{code}", _lang())) for code in codes]


def _referral_context(user: Any, case: Case) -> dict[str, Any]:
    """What the case page shows of consent and referrals, with the forms' choices."""
    return {
        "consents": case.consents.select_related("to_organisation").order_by("-given_on", "-pk"),
        "referrals": case.referrals.select_related("to_organisation").order_by("-made_at"),
        "organisations": referrals.organisations_besides(user),
        "shares": _labelled("web_share_", Share.values),
        "hows": _labelled("web_consent_", Consent.How.values),
        "referral_kinds": _labelled("web_referral_", Referral.Kind.values),
    }


def _claim_context(case: Case) -> dict[str, Any]:
    """What the case page shows of the claim: its amounts, stages and deadlines, and the form's choices."""
    claim, lang = Claim.objects.filter(case=case).first(), _lang()
    if claim is None:
        return {"claim": None}
    return {
        "claim": claim,
        "claim_amounts": [(t(f"web_amount_{k}", lang), number(Decimal(v), lang, 2)) for k, v in claim.amounts.items()],
        "recovered": number(claim.recovered, lang, 2) if claim.recovered is not None else "—",
        "stages": claims.stages_of(claim),
        "deadlines": claims.deadlines(claim, timezone.localdate(), lang),
        "stage_kinds": _labelled("web_stage_", ClaimStage.Kind.values),
    }


def _change(change: CaseChange) -> dict[str, Any]:
    """One line of history: when, who, and what changed, named as the page names it (answers by question)."""
    variables, lang, what = load_schema().variables, _lang(), []
    for field, (old, new) in change.what.items():
        if field != "answers":
            what.append(t(f"web_field_{field}", lang))
            continue
        changed = sorted(k for k in {*(old or {}), *(new or {})} if (old or {}).get(k) != (new or {}).get(k))
        what += [pick(variables[k].label, lang) if k in variables else k for k in changed]
    return {"at": change.at, "user": change.user.get_username(), "what": what}


def _situation(rule: Any, value: str | None) -> str:
    if value is None:
        return t("unknown", _lang())
    return pick(rule.labels[value], _lang()) if value in rule.labels else t(value, _lang())


def _finding(rule: Any) -> dict[str, str]:
    refs = "; ".join(ref.cite(services.acts(), _lang()) for ref in rule.references)
    return {"label": pick(rule.label, _lang()), "pack": rule.pack, "refs": refs}


@member_required(*CASE_ROLES)
def case_answers(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    answers = dict(case.answers)
    if request.method == "POST":
        answers = {name: " ".join(v.strip() for v in request.POST.getlist(name) if v.strip()) for name in _questions()}
        if request.htmx:  # an answer changed: say which questions the answers now skip, save nothing
            return render(request, "cases/skipped.html", {"skipped": _skipped(answers)})
        skipped = set(_skipped(answers))
        answers = {k: ("" if k in skipped else v) for k, v in answers.items()}  # not asked: no answer
        try:
            services.save_answers(request.user, case, answers, int(request.POST.get("version", "0")), request, _lang())
            return redirect("cases:detail", pk=case.pk)
        except services.Conflict:
            messages.error(request, t("web_conflict", _lang()))
            case.refresh_from_db()
        except services.Unreadable as error:
            for problem in error.problems:
                messages.error(request, problem)
    else:
        audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case, detail="answers")
    context = {"case": case, "modules": _form(answers), "skipped": _skipped(answers)}
    return render(request, "cases/answers.html", context)


@cache
def _questions() -> list[str]:
    return [n for n, v in load_schema().variables.items() if v.question and v.module in FORM_MODULES and not v.repeat]


def _skipped(answers: dict[str, Any]) -> list[str]:
    return sorted(services.skipped_given(answers, _questions()))


def _form(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions of the schema by module, each with its choices and the answer given."""
    lang = _lang()
    variables = load_schema().variables
    modules: dict[str, list[dict[str, Any]]] = {}
    for name in _questions():
        v = variables[name]
        value = str(answers.get(name, ""))
        choices = [(c, pick(label, lang)) for c, label in v.values.items()]
        if v.kind == "boolean":
            choices = [("yes", t("web_yes", lang)), ("no", t("web_no", lang))]
        modules.setdefault(v.module, []).append(
            {
                "name": name,
                "question": pick(v.question, lang),
                "kind": v.kind,
                "choices": choices,
                "value": value,
                "chosen": value.split() if v.kind == "multiple" else [value],
            }
        )
    return [{"module": t(f"module_{m}", lang), "questions": qs} for m, qs in modules.items()]


@member_required(*CASE_ROLES)
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    reason = request.POST.get("reason", "")[:200]
    return _changed(request, case, lambda v: services.close_case(request.user, case, reason, v, request))


@member_required(Role.SUPERVISOR)
@require_POST
def case_closure(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor approves the closure a caseworker asked for, or reopens the case."""
    case = selectors.case_for(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    return _changed(request, case, lambda v: services.decide_closure(request.user, case, approve, v, request))


@member_required(Role.SUPERVISOR)
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    caseworker = selectors.caseworkers_of(request.user).filter(pk=_int(request.POST.get("caseworker"))).first()
    return _changed(request, case, lambda v: services.assign_case(request.user, case, caseworker, v, request))


def _day(text: str | None) -> date | None:
    """A day typed as YYYY-MM-DD; None for none, or for one that is not a day (2024-02-31)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def say_refused(request: HttpRequest, refused: services.Refused) -> None:
    """Why a step was refused, on the next page."""
    messages.error(request, t(refused.key, _lang(), **refused.params))


def attachment(content: str | bytes, content_type: str, name: str) -> HttpResponse:
    """A download, saved under `name`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def _changed(request: HttpRequest, case: Any, change: Callable[[int], Any]) -> HttpResponse:
    """Apply `change` at the version the form read; a conflict or a refusal is said on the case page."""
    try:
        change(_int(request.POST.get("version")))
    except services.Conflict:
        messages.error(request, t("web_conflict", _lang()))
    except services.NotAllowed:
        messages.error(request, t("web_forbidden", _lang()))
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    kind = request.POST.get("kind", "")
    if kind in Service.Kind.values:
        due = _day(request.POST.get("due"))
        services.plan_service(request.user, case, kind, due, request.POST.get("note", "")[:500], request)
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    text = request.POST.get("text", "").strip()[:2000]
    if text:
        services.add_note(request.user, case, text, request)
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
@require_POST
def service_done(request: HttpRequest, pk: int, service: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    services.complete_service(request.user, get_object_or_404(case.services, pk=service), request)
    return redirect("cases:detail", pk=case.pk)


@member_required(*CASE_ROLES)
def case_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable statement of money owed (the core's arrears, the law of each day)."""
    case = selectors.case_for(request.user, pk)
    audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case, detail="claim statement")
    try:
        return HttpResponse(services.claim_statement(case, _lang()))
    except LabourwatchError as error:
        messages.error(request, error.text(_lang()))
        return redirect("cases:detail", pk=case.pk)
