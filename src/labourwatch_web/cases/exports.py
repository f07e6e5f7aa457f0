"""Cases out as CSV, for a spreadsheet or R: the cases the user sees, their answers and screening.
Names, document numbers, phones and addresses only for a member the admin allowed to export them, and
every export is in the audit log with what it held.

The evidence export is the same cases as a survey file: one row per case under a pseudonym, its
reference date and the questionnaire's answers, nothing that names or places a person, so that
`labourwatch assess` and `labourwatch report` treat an organisation's cases as they treat a survey."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.http import HttpRequest

from labourwatch.core.columns import ID, REFERENCE_DATE
from labourwatch.packs import load_schema
from labourwatch_web.cases import audit, services
from labourwatch_web.cases.models import AuditEvent, Case, membership_of

IDENTITY = ("name", "document", "phone", "address")
CASE = ("number", "status", "opened", "closed")
FREE_TEXT = ("employer", "work_site", "close_reason")  # may name or place a person: with identities only
PERSON = ("sex", "citizenship")
SCREENING = ("situation", "findings")
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


class NotAllowed(Exception):
    """Identities asked for by a member without the permission: nothing was exported."""


def _cell(value: Any) -> str:
    """A value as text a spreadsheet shows as text: a leading formula sign is escaped unless it is a number."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA) and not NUMBER.fullmatch(text) else text


def export_cases(user: Any, *, identities: bool = False, request: HttpRequest | None = None) -> str:
    """The user's cases as CSV (one row per case, one column per question answered in any of them)."""
    membership = membership_of(user)
    if identities and not (membership and membership.may_export_identities):
        raise NotAllowed
    cases = list(Case.objects.visible_to(user).select_related("person__organisation").order_by("number"))
    answered = {name for case in cases for name in case.answers}
    questions = [name for name in load_schema().variables if name in answered]
    out = io.StringIO()
    writer = csv.writer(out)
    named = (*IDENTITY, *FREE_TEXT) if identities else ()
    writer.writerow([*CASE, *named, *PERSON, *SCREENING, *questions])
    for case in cases:
        writer.writerow([_cell(v) for v in _row(case, identities, questions)])
    held = f"{len(cases)} cases" + (", with identities" if identities else "")
    audit.record(AuditEvent.Action.EXPORT, user, request=request, detail=held)
    return out.getvalue()


def _row(case: Case, identities: bool, questions: list[str]) -> list[Any]:
    screening = services.screening_of(case)
    named: list[Any] = []
    if identities:
        who = services.identity_of(case.person)
        named = [getattr(who, f) for f in IDENTITY] + [getattr(case, f) for f in FREE_TEXT]
    return [
        *(getattr(case, f) for f in CASE),
        *named,
        *(getattr(case.person, f) for f in PERSON),
        screening.situation or "",
        " ".join(screening.holds),
        *(case.answers.get(name, "") for name in questions),
    ]


def export_evidence(user: Any, *, request: HttpRequest | None = None) -> str:
    """The user's cases de-identified, in the questionnaire's columns: `id` a pseudonym
    (`services.pseudonym_of`), and
    `reference_date` the answer, else the day of intake (a reading: what the worker told is of then)."""
    cases = list(Case.objects.visible_to(user).select_related("organisation", "person").order_by("number"))
    answered = {name for case in cases for name in case.answers}
    questions = [n for n in load_schema().variables if n in answered and n not in (REFERENCE_DATE, *PERSON)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([ID, REFERENCE_DATE, *PERSON, *questions])
    for case in cases:
        given = case.answers.get(REFERENCE_DATE) or case.opened.isoformat()
        row = [services.pseudonym_of(case), given, *(case.answers.get(f) or getattr(case.person, f) for f in PERSON)]
        writer.writerow([_cell(v) for v in (*row, *(case.answers.get(name, "") for name in questions))])
    audit.record(AuditEvent.Action.EXPORT, user, request=request, detail=f"{len(cases)} cases as evidence")
    return out.getvalue()
