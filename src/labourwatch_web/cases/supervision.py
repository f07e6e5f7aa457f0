"""Supervision: the steps of the plans that are due or overdue, a supervisor's approval of a plan, and
an organisation's dashboard (its case load, how long cases take, referrals, money claimed and
recovered). Counts are computed by the database, not case by case."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from labourwatch_web.cases import audit, claims, services
from labourwatch_web.cases.models import AuditEvent, Case, Referral, Role, Service, Status, membership_of

SOON_DAYS = 7  # a step due within a week is listed with the overdue ones


def due_steps(cases: QuerySet[Case], today: date) -> QuerySet[Service]:
    """The steps of the plans of `cases` not done and due within SOON_DAYS or overdue, the oldest first."""
    soon = today + timedelta(days=SOON_DAYS)
    steps = Service.objects.filter(case__in=cases, done__isnull=True, due__isnull=False, due__lte=soon)
    return steps.select_related("case", "case__assigned_to").order_by("due", "pk")


def approve_plan(user: Any, case: Case, request: HttpRequest | None = None) -> int:
    """A supervisor approves the steps of the case's plan not yet approved; returns how many."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.SUPERVISOR or membership.organisation_id != case.organisation_id:
        raise services.NotAllowed(case.pk)  # only a supervisor of the case's organisation approves
    approved = case.services.filter(approved_by__isnull=True).update(approved_by=user, approved_on=timezone.localdate())
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=case, detail=f"plan approved ({approved})")
    return approved


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    load: list[tuple[str, int]]  # open cases by the caseworker they are given to ("" for none), most first
    days_to_close: tuple[float, float] | None  # median and mean days from intake to closure
    overdue: int  # steps of plans past their due day
    made: dict[str, int]  # referrals made, by state
    received: dict[str, int]
    money: claims.Totals


def dashboard(user: Any, today: date) -> Dashboard:
    """The organisation's dashboard, for its supervisors."""
    organisation = user.membership.organisation_id
    cases = Case.objects.filter(organisation_id=organisation)
    by_status = dict(cases.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    open_cases = cases.exclude(status=Status.CLOSED)
    load = open_cases.values_list("assigned_to__username").annotate(n=Count("pk")).order_by("-n")
    durations = (
        cases.filter(closed__isnull=False).annotate(took=F("closed") - F("opened")).values_list("took", flat=True)
    )
    days = [d.days if isinstance(d, timedelta) else int(d) for d in durations]
    overdue = Service.objects.filter(case__in=cases, done__isnull=True, due__lt=today).count()
    return Dashboard(
        by_status={s: by_status.get(s, 0) for s in Status.values},
        load=[(name or "", n) for name, n in load],
        days_to_close=(statistics.median(days), statistics.fmean(days)) if days else None,
        overdue=overdue,
        made=_by_state(Referral.objects.filter(from_organisation_id=organisation)),
        received=_by_state(Referral.objects.filter(to_organisation_id=organisation)),
        money=claims.totals(cases),
    )


def _by_state(found: QuerySet[Referral]) -> dict[str, int]:
    counts = dict(found.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {s: counts.get(s, 0) for s in Referral.State.values}
