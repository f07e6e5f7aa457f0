"""Reading cases, always through `Case.objects.visible_to` (the one gate)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from labourwatch_web.cases.models import AuditEvent, Case, Person
from labourwatch_web.cases.services import keys_of


def cases_for(user: Any, query: str = "") -> QuerySet[Case]:
    """The user's cases, newest first; `query` finds people by name in any script."""
    cases = Case.objects.visible_to(user).select_related("person").order_by("-opened", "-number")
    if not query.strip():
        return cases
    tokens = keys_of(user.membership.organisation).name_index(query).split()
    for token in tokens:
        cases = cases.filter(person__name_index__contains=token)
    return cases if tokens else cases.none()


def case_for(user: Any, pk: int) -> Case:
    """One of the user's cases, or 404: a case of another organisation does not exist for them."""
    return get_object_or_404(Case.objects.visible_to(user).select_related("person", "organisation"), pk=pk)


def likely_duplicates(user: Any, name: str) -> list[Person]:
    """People of the organisation whose name has every part of `name`, in any script and order."""
    organisation = user.membership.organisation
    tokens = keys_of(organisation).name_index(name).split()
    people = Person.objects.filter(organisation=organisation)
    for token in tokens:
        people = people.filter(name_index__contains=token)
    return list(people[:10]) if tokens else []


def who_looked(case: Case) -> QuerySet[AuditEvent]:
    return case.audit.select_related("user").order_by("-at")
