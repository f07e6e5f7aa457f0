"""Changing cases, and screening them with the labourwatch core. Views call these; nothing here knows
about HTTP beyond the request passed on to the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from labourwatch.core.columns import ID, REFERENCE_DATE
from labourwatch.core.explain import Explanation
from labourwatch.packs import load_schema
from labourwatch.services import assessment
from labourwatch.services.request import Request
from labourwatch_web.cases import audit
from labourwatch_web.cases.crypto import OrganisationKeys, master_key, new_wrapped_keys
from labourwatch_web.cases.models import AuditEvent, Case, CaseChange, Organisation, Person, Status

SCREENING_PACKS = ("kz-labour", "kz-migration", "typology")  # typology brings every standard it compares


class Conflict(Exception):
    """Someone else saved the case since this user read it: nothing was overwritten."""


@cache
def _unwrapped(organisation_id: int, wrapped: bytes) -> OrganisationKeys:
    return OrganisationKeys.unwrap(master_key(settings.LABOURWATCH_MASTER_KEY), wrapped)


def keys_of(organisation: Organisation) -> OrganisationKeys:
    return _unwrapped(organisation.pk, bytes(organisation.keys))


def create_organisation(name: str) -> Organisation:
    return Organisation.objects.create(name=name, keys=new_wrapped_keys(master_key(settings.LABOURWATCH_MASTER_KEY)))


@dataclass(frozen=True)
class Identity:
    name: str
    document: str = ""
    phone: str = ""
    address: str = ""


def identity_of(person: Person) -> Identity:
    keys = keys_of(person.organisation)
    return Identity(
        name=keys.decrypt(person.name_sealed, "name"),
        document=keys.decrypt(person.document_sealed, "document"),
        phone=keys.decrypt(person.phone_sealed, "phone"),
        address=keys.decrypt(person.address_sealed, "address"),
    )


def _sealed(keys: OrganisationKeys, text: str, field: str) -> bytes | None:
    return keys.encrypt(text, field) if text else None


@transaction.atomic
def open_case(
    user: Any, who: Identity, *, sex: str = "", citizenship: str = "", request: HttpRequest | None = None
) -> Case:
    organisation = user.membership.organisation
    keys = keys_of(organisation)
    person = Person.objects.create(
        organisation=organisation,
        name_sealed=keys.encrypt(who.name, "name"),
        document_sealed=_sealed(keys, who.document, "document"),
        phone_sealed=_sealed(keys, who.phone, "phone"),
        address_sealed=_sealed(keys, who.address, "address"),
        name_index=keys.name_index(who.name),
        sex=sex,
        citizenship=citizenship,
    )
    last = Case.objects.select_for_update().filter(organisation=organisation).aggregate(Max("number"))
    case = Case.objects.create(
        organisation=organisation,
        person=person,
        number=(last["number__max"] or 0) + 1,
        created_by=user,
        assigned_to=user,
    )
    audit.record(AuditEvent.Action.CREATE_CASE, user, request=request, case=case)
    return case


def _save(case: Case, user: Any, version: int, changes: dict[str, Any], request: HttpRequest | None) -> Case:
    """Apply `changes` only if the case is still at `version`; else Conflict (no lost update)."""
    if not changes:
        return case
    saved = Case.objects.filter(pk=case.pk, version=version).update(version=version + 1, **changes)
    if not saved:
        raise Conflict(case.pk)
    before = {name: getattr(case, name) for name in changes}
    CaseChange.objects.create(
        case=case, user=user, what={k: [_plain(before[k]), _plain(v)] for k, v in changes.items()}
    )
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=case, detail=", ".join(sorted(changes)))
    case.refresh_from_db()
    return case


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def check_answers(answers: dict[str, str]) -> dict[str, str]:
    """The answers as the core reads them, or LabourwatchError naming the question and the value."""
    assessment.assess(_table(answers), Request(packs=["kz-labour"]))
    return answers


def save_answers(
    user: Any, case: Case, answers: dict[str, str], version: int, request: HttpRequest | None = None
) -> Case:
    kept = {k: v for k, v in answers.items() if v not in ("", None)}
    check_answers(kept)
    return _save(case, user, version, {"answers": kept} if kept != case.answers else {}, request)


def close_case(user: Any, case: Case, reason: str, version: int, request: HttpRequest | None = None) -> Case:
    changes = {"status": Status.CLOSED, "closed": timezone.localdate(), "close_reason": reason}
    return _save(case, user, version, changes, request)


def _table(answers: dict[str, str]) -> pa.Table:
    row = {ID: "case", REFERENCE_DATE: answers.get(REFERENCE_DATE) or timezone.localdate().isoformat(), **answers}
    return pa.table({k: pa.array([str(v)], pa.string()) for k, v in row.items()})


def screen(case: Case, lang: str) -> Explanation:
    """The core's findings for the case's answers: every question of the schema counts as asked, so
    what is blank is unknown and comes back among the questions to ask next."""
    asked = [name for name, v in load_schema().variables.items() if v.question]
    request = Request(packs=list(SCREENING_PACKS), lang=lang, asked=asked)
    return assessment.explain(_table(case.answers), "case", request)
