"""Reading cases, always through `Case.objects.visible_to` (the one gate)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from labourwatch_web.cases.models import AuditEvent, Case, Person, Role, Status, membership_of
from labourwatch_web.cases.services import keys_of


def _named(people: QuerySet[Any], user: Any, name: str, path: str = "") -> QuerySet[Any]:
    """`people` (or cases, through `path`) whose name has every part of `name`, in any script and order:
    one indexed lookup of a keyed hash per part."""
    membership = membership_of(user)
    tokens = keys_of(membership.organisation).name_tokens(name) if membership else []
    for token in tokens:
        people = people.filter(**{f"{path}name_tokens__token": token})
    return people if tokens else people.none()


def cases_for(user: Any, query: str = "") -> QuerySet[Case]:
    """The user's cases, newest first, without their answers (a list shows none); `query` finds people
    by name in any script."""
    cases = Case.objects.visible_to(user).select_related("person__organisation").defer("answers", "screening")
    cases = cases.order_by("-opened", "-number")
    return _named(cases, user, query, "person__") if query.strip() else cases


def waiting_for_caseworker(user: Any) -> QuerySet[Case]:
    """The user's open cases no caseworker has yet: those workers sent from the self-check."""
    return Case.objects.visible_to(user).filter(assigned_to__isnull=True, status=Status.OPEN)


def case_for(user: Any, pk: int) -> Case:
    """One of the user's cases, or 404: a case of another organisation does not exist for them."""
    return get_object_or_404(Case.objects.visible_to(user).select_related("person__organisation"), pk=pk)


def likely_duplicates(user: Any, name: str) -> list[Person]:
    """People of the organisation whose name has every part of `name`, in any script and order."""
    membership = membership_of(user)
    if membership is None:
        return []
    return list(_named(Person.objects.filter(organisation_id=membership.organisation_id), user, name)[:10])


def caseworkers_of(user: Any) -> QuerySet[Any]:
    """The active caseworkers of the user's organisation (to whom a supervisor may give a case)."""
    membership = membership_of(user)
    users = get_user_model().objects.filter(is_active=True, membership__role=Role.CASEWORKER)
    return users.filter(membership__organisation_id=membership.organisation_id if membership else None)


def who_looked(case: Case) -> QuerySet[AuditEvent]:
    return case.audit.select_related("user").order_by("-at")
