"""Thin views for supervision: the steps due, a plan's approval, the dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from labourwatch.i18n import number, t
from labourwatch.presentation import charts
from labourwatch_web.cases import selectors, supervision
from labourwatch_web.cases.models import Role
from labourwatch_web.cases.views import CASE_ROLES, _lang, member_required


@member_required(*CASE_ROLES)
def tasks(request: HttpRequest) -> HttpResponse:
    """The steps of the user's cases' plans that are overdue or due within a week."""
    today = timezone.localdate()
    steps = supervision.due_steps(selectors.cases_for(request.user), today)[:300]
    return render(request, "supervision/tasks.html", {"steps": steps, "today": today, "soon": supervision.SOON_DAYS})


@member_required(Role.SUPERVISOR)
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    supervision.approve_plan(request.user, case, request)
    messages.info(request, t("web_plan_approved", _lang()))
    return redirect("cases:detail", pk=case.pk)


@member_required(Role.SUPERVISOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organisation at a glance: its cases, who carries them, how long they take, referrals, money."""
    lang = _lang()
    board = supervision.dashboard(request.user, timezone.localdate())
    most = max((n for _, n in board.load), default=0)
    unassigned = t("web_unassigned", lang)
    load = [charts.Bar(name or unassigned, 100.0 * n / most, text=str(n)) for name, n in board.load] if most else []
    context = {
        "board": board,
        "load_chart": charts.bar_chart(load, t("web_load_caption", lang)),
        "chart_css": charts.CSS,
        "days": [number(d, lang, 1) for d in board.days_to_close] if board.days_to_close else None,
        "owed": number(board.money.owed, lang, 2),
        "recovered": number(board.money.recovered, lang, 2),
    }
    return render(request, "supervision/dashboard.html", context)
