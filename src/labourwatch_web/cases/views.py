"""Thin views: read through selectors, change through services, render. Every read of a case is logged."""

from __future__ import annotations

from base64 import b32encode
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
from labourwatch.i18n import t
from labourwatch.packs import load_schema
from labourwatch_web.cases import audit, selectors, services
from labourwatch_web.cases.models import AuditEvent, Role, Service

FORM_MODULES = ("record", "demographics", "migration", "recruitment", "employment", "working_time", "pay", "living",
                "coercion", "leaving", "claim")  # fmt: skip


def _lang() -> str:
    return translation.get_language() or "ru"


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
            return redirect("cases:list")
        audit.record(AuditEvent.Action.LOGIN_FAILED, user, request=request, detail="second factor")
        messages.error(request, t("web_code_wrong", _lang()))
    secret = b32encode(device.bin_key).decode() if enrolling else ""
    return render(request, "two_factor.html", {"enrolling": enrolling, "secret": secret, "url": device.config_url})


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    if query:
        audit.record(AuditEvent.Action.SEARCH, request.user, request=request)
    cases = list(selectors.cases_for(request.user, query)[:100])
    names = {c.pk: services.identity_of(c.person).name for c in cases}
    return render(request, "cases/list.html", {"cases": cases, "names": names, "query": query})


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    if request.user.membership.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return render(request, "cases/forbidden.html", status=403)
    if request.method == "POST":
        who = services.Identity(
            name=request.POST.get("name", "").strip(),
            document=request.POST.get("document", "").strip(),
            phone=request.POST.get("phone", "").strip(),
            address=request.POST.get("address", "").strip(),
        )
        if not who.name:
            messages.error(request, t("web_name_needed", _lang()))
        else:
            twins = selectors.likely_duplicates(request.user, who.name)
            if twins and request.POST.get("confirm") != "1":
                cases = [c for p in twins for c in p.cases.all()]
                return render(request, "cases/new.html", {"who": who, "twins": cases, "post": request.POST})
            case = services.open_case(
                request.user, who, sex=request.POST.get("sex", ""), citizenship=request.POST.get("citizenship", ""),
                request=request,
            )  # fmt: skip
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", {"who": None, "twins": [], "post": {}})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case)
    screening = services.screening_of(case)
    rules, variables = services.rules(), load_schema().variables
    context = {
        "case": case,
        "who": services.identity_of(case.person),
        "holds": [_finding(rules[name]) for name in screening.holds],
        "situation": _situation(rules["situation"], screening.situation),
        "unknown": screening.unknown,
        "next": [pick(variables[name].question, _lang()) for name in screening.ask_next],
        "changes": case.changes.select_related("user").order_by("-at")[:20],
        "services": case.services.order_by("done", "due"),
        "kinds": [(k, t(f"web_service_{k}", _lang())) for k in Service.Kind.values],
        "has_period": all(k in case.answers for k in ("period_start", "period_end")),
        "looked": selectors.who_looked(case)[:20] if request.user.membership.role == Role.SUPERVISOR else None,
    }
    return render(request, "cases/detail.html", context)


def _situation(rule: Any, value: str | None) -> str:
    if value is None:
        return t("unknown", _lang())
    return pick(rule.labels[value], _lang()) if value in rule.labels else t(value, _lang())


def _finding(rule: Any) -> dict[str, str]:
    refs = "; ".join(ref.cite(services.acts(), _lang()) for ref in rule.references)
    return {"label": pick(rule.label, _lang()), "pack": rule.pack, "refs": refs}


@login_required
def case_answers(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case, detail="answers")
    answers = dict(case.answers)
    if request.method == "POST":
        answers = {name: request.POST.get(name, "").strip() for name in _questions()}
        try:
            services.save_answers(request.user, case, answers, int(request.POST.get("version", "0")), request, _lang())
            return redirect("cases:detail", pk=case.pk)
        except services.Conflict:
            messages.error(request, t("web_conflict", _lang()))
            case.refresh_from_db()
        except services.Unreadable as error:
            for problem in error.problems:
                messages.error(request, problem)
    return render(request, "cases/answers.html", {"case": case, "modules": _form(answers)})


def _questions() -> list[str]:
    return [n for n, v in load_schema().variables.items() if v.question and v.module in FORM_MODULES and not v.repeat]


def _form(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions of the schema by module, each with its choices and the answer given."""
    lang = _lang()
    variables = load_schema().variables
    modules: dict[str, list[dict[str, Any]]] = {}
    for name in _questions():
        v = variables[name]
        choices = [(c, pick(label, lang)) for c, label in v.values.items()]
        if v.kind == "boolean":
            choices = [("yes", t("web_yes", lang)), ("no", t("web_no", lang))]
        modules.setdefault(v.module, []).append(
            {
                "name": name,
                "question": pick(v.question, lang),
                "kind": v.kind,
                "choices": choices,
                "value": answers.get(name, ""),
            }
        )
    return [{"module": t(f"module_{m}", lang), "questions": qs} for m, qs in modules.items()]


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    try:
        services.close_case(
            request.user, case, request.POST.get("reason", "")[:200], int(request.POST.get("version", "0")), request
        )
    except services.Conflict:
        messages.error(request, t("web_conflict", _lang()))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    kind = request.POST.get("kind", "")
    if kind in Service.Kind.values:
        due = parse_date(request.POST.get("due", "") or "") if request.POST.get("due") else None
        services.plan_service(request.user, case, kind, due, request.POST.get("note", "")[:500], request)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def service_done(request: HttpRequest, pk: int, service: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    services.complete_service(request.user, get_object_or_404(case.services, pk=service), request)
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable statement of money owed (the core's arrears, the law of each day)."""
    case = selectors.case_for(request.user, pk)
    audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case, detail="claim statement")
    try:
        return HttpResponse(services.claim_statement(case, _lang()))
    except LabourwatchError as error:
        messages.error(request, error.text(_lang()))
        return redirect("cases:detail", pk=case.pk)
