"""Changing cases, and screening them with the labourwatch core. Views call these; nothing here knows
about HTTP beyond the request passed on to the audit log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from labourwatch.core.columns import ID, REFERENCE_DATE
from labourwatch.core.errors import DataError, LabourwatchError, Problem
from labourwatch.core.explain import Explanation
from labourwatch.core.model import Act, Rule, RuleKind
from labourwatch.i18n import t
from labourwatch.io.relevance import relevance_sql
from labourwatch.packs import load_packs, load_schema
from labourwatch.presentation.reports.statement import render_statement
from labourwatch.services import arrears, assessment
from labourwatch.services.request import Request
from labourwatch_web.cases import audit
from labourwatch_web.cases.crypto import OrganisationKeys, master_key, new_wrapped_keys
from labourwatch_web.cases.models import (
    AuditEvent,
    Case,
    CaseChange,
    NameToken,
    Note,
    Organisation,
    Person,
    Role,
    Service,
    Status,
    membership_of,
)

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


def sealed(keys: OrganisationKeys, text: str, field: str) -> bytes | None:
    return keys.encrypt(text, field) if text else None


@dataclass(frozen=True)
class Intake:
    """What intake records beside the identity: not identifying alone, so kept in clear."""

    sex: str = ""
    citizenship: str = ""
    employer: str = ""
    work_site: str = ""


def intake_problems(intake: Intake, lang: str) -> list[str]:
    """What intake cannot keep as given: the sex as the questionnaire codes it, citizenship as ISO alpha-3."""
    problems = []
    if intake.sex and intake.sex not in load_schema().variables["sex"].values:
        problems.append(t("web_problem", lang, column="sex", value=intake.sex[:20], why=t("web_not_a_code", lang)))
    if intake.citizenship and not re.fullmatch(r"[A-Z]{3}", intake.citizenship):
        problems.append(
            t("web_problem", lang, column="citizenship", value=intake.citizenship[:20], why=t("web_not_iso3", lang))
        )
    return problems


@transaction.atomic
def open_case(user: Any, who: Identity, intake: Intake = Intake(), request: HttpRequest | None = None) -> Case:
    case = create_case(user.membership.organisation, who, intake, by=user)
    audit.record(AuditEvent.Action.CREATE_CASE, user, request=request, case=case)
    return case


@transaction.atomic
def create_case(
    organisation: Organisation,
    who: Identity,
    intake: Intake = Intake(),
    *,
    by: Any = None,
    answers: dict[str, str] | None = None,
    contact_language: str = "",
) -> Case:
    """A new case of the organisation, its person's identity sealed; `by` None: the worker sent it."""
    keys = keys_of(organisation)
    person = Person.objects.create(
        organisation=organisation,
        name_sealed=keys.encrypt(who.name, "name"),
        document_sealed=sealed(keys, who.document, "document"),
        phone_sealed=sealed(keys, who.phone, "phone"),
        address_sealed=sealed(keys, who.address, "address"),
        sex=intake.sex,
        citizenship=intake.citizenship,
    )
    NameToken.objects.bulk_create(NameToken(person=person, token=token) for token in keys.name_tokens(who.name))
    last = Case.objects.select_for_update().filter(organisation=organisation).aggregate(Max("number"))
    return Case.objects.create(
        organisation=organisation,
        person=person,
        number=(last["number__max"] or 0) + 1,
        created_by=by,
        assigned_to=by,
        employer=intake.employer,
        work_site=intake.work_site,
        answers=answers or {},
        contact_language=contact_language,
    )


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
    if hasattr(value, "get_username"):
        return value.get_username()
    return value.isoformat() if isinstance(value, date) else value


def unreadable_values(answers: dict[str, str], lang: str) -> list[Problem]:
    """The answers the core cannot read (it checks every value of the schema, whatever the packs)."""
    try:
        assessment.check(_table(answers), Request(packs=["kz-labour"], lang=lang))
    except DataError as error:
        return list(error.problems)
    return []


def problems_in(answers: dict[str, str], lang: str) -> list[str]:
    """What the core cannot read in the answers, each naming the question and the value."""
    return [
        t("web_problem", lang, column=p.column or "", value=p.value or "", why=p.text(lang))
        for p in unreadable_values(answers, lang)
    ]


class Unreadable(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def save_answers(
    user: Any, case: Case, answers: dict[str, str], version: int, request: HttpRequest | None = None, lang: str = "en"
) -> Case:
    """Save the answers if the core can read every one (else Unreadable, nothing saved) and nobody
    saved the case since `version` (else Conflict)."""
    kept = {k: v for k, v in answers.items() if v not in ("", None)}
    questions = {name for name, v in load_schema().variables.items() if v.question}
    unknown = [t("web_not_a_question", lang, name=k[:60]) for k in kept if k not in questions]
    problems = unknown or problems_in(kept, lang)
    if problems:
        raise Unreadable(problems)
    return _save(case, user, version, {"answers": kept} if kept != case.answers else {}, request)


def _is_supervisor(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Role.SUPERVISOR


def close_case(user: Any, case: Case, reason: str, version: int, request: HttpRequest | None = None) -> Case:
    """A supervisor closes the case; anyone else asks to, and the case waits for a supervisor's approval."""
    if not _is_supervisor(user):
        return _save(case, user, version, {"status": Status.CLOSING, "close_reason": reason}, request)
    return _save(
        case, user, version, {"status": Status.CLOSED, "closed": timezone.localdate(), "close_reason": reason}, request
    )


class Refused(Exception):
    """The step is not allowed or not valid (nothing changed): `key` of the message catalogue says why,
    with `params`."""

    def __init__(self, key: str, **params: str) -> None:
        self.key, self.params = key, params
        super().__init__(key)


class NotAllowed(Exception):
    """The user's role cannot do this to the case: nothing changed."""


def decide_closure(user: Any, case: Case, approve: bool, version: int, request: HttpRequest | None = None) -> Case:
    """A supervisor approves a closure asked for (the case is closed) or reopens the case."""
    if not _is_supervisor(user) or case.status != Status.CLOSING:
        raise NotAllowed(case.pk)
    if approve:
        return _save(case, user, version, {"status": Status.CLOSED, "closed": timezone.localdate()}, request)
    return _save(case, user, version, {"status": Status.OPEN, "close_reason": ""}, request)


def assign_case(user: Any, case: Case, caseworker: Any, version: int, request: HttpRequest | None = None) -> Case:
    """A supervisor gives the case to a caseworker of the organisation."""
    membership = membership_of(caseworker)
    if not _is_supervisor(user) or membership is None or membership.organisation_id != case.organisation_id:
        raise NotAllowed(case.pk)
    return _save(case, user, version, {"assigned_to": caseworker}, request)


def skipped_given(answers: dict[str, str], names: list[str]) -> set[str]:
    """The questions among `names` the questionnaire would not ask given these answers (their `ask_if`,
    read by the same XLSForm relevance as imported forms, in DuckDB over the one row). A skipped question's
    answer counts as not given, so a question that follows only from it is skipped too."""
    variables = load_schema().variables
    conditional = [n for n in names if variables[n].ask_if]
    questions = [n for n, v in variables.items() if v.question]
    skipped: set[str] = set()
    if not conditional:
        return skipped
    with duckdb.connect() as con:
        for _ in range(len(conditional)):  # until a pass skips nothing more (chains of follow-ups are short)
            given = {n: (None if n in skipped else answers.get(n) or None) for n in questions}
            con.register("answers", pa.table({n: pa.array([v], pa.string()) for n, v in given.items()}))
            flags = con.execute(f"SELECT {_skip_tests(tuple(conditional))} FROM answers").fetchall()[0]
            now = {n for n, flag in zip(conditional, flags, strict=True) if flag}
            if now == skipped:
                break
            skipped = now
    return skipped


@cache
def _skip_tests(names: tuple[str, ...]) -> str:
    variables = load_schema().variables
    return ", ".join(f"NOT coalesce({relevance_sql(variables[n].ask_if or '')}, false)" for n in names)


def _table(answers: dict[str, str]) -> pa.Table:
    row = {ID: "case", REFERENCE_DATE: answers.get(REFERENCE_DATE) or timezone.localdate().isoformat(), **answers}
    return pa.table({k: pa.array([str(v)], pa.string()) for k, v in row.items()})


@dataclass(frozen=True)
class Screening:
    """What the core found in the case's answers, by rule and variable ids (any language shows them)."""

    holds: list[str]  # findings that hold
    situation: str | None  # the typology's class, None while unknown
    unknown: int  # findings still unknown
    ask_next: list[str]  # the questions that would settle the most, the most useful first


def _screened(case: Case) -> Screening:
    """Every question of the schema counts as asked: what is blank is unknown and comes back among the
    questions to ask next."""
    asked = [name for name, v in load_schema().variables.items() if v.question]
    request = Request(packs=list(SCREENING_PACKS), asked=asked)
    found: Explanation = assessment.explain(_table(case.answers), "case", request)
    findings = [r for r in found.rules if r.rule.kind is RuleKind.FINDING]
    situation = next((r.result for r in found.rules if r.rule.id == "situation"), None)
    return Screening(
        holds=[r.rule.id for r in findings if r.result.value is True],
        situation=str(situation.value) if situation is not None and situation.known else None,
        unknown=sum(1 for r in findings if not r.result.known),
        ask_next=[q.variable for q in found.next_questions[:8]],
    )


def screening_of(case: Case) -> Screening:
    """The case's screening, computed once per version of its answers and of the packs, then kept:
    reading a case costs no assessment."""
    stamp = f"{case.version}|{packs_stamp()}"
    if case.screening.get("stamp") != stamp:
        found = _screened(case)
        case.screening = {"stamp": stamp, **found.__dict__}
        Case.objects.filter(pk=case.pk, version=case.version).update(screening=case.screening)
    kept = {k: v for k, v in case.screening.items() if k != "stamp"}
    return Screening(**kept)


def warm() -> None:
    """Read the packs and the questionnaire now (at start, before a server forks its workers), not on
    a caseworker's first page."""
    load_schema()
    rules()
    acts()
    packs_stamp()


@cache
def packs_stamp() -> str:
    return " ".join(p.stamp for p in load_packs(list(SCREENING_PACKS)))


@cache
def rules() -> dict[str, Rule]:
    return {r.id: r for p in load_packs(list(SCREENING_PACKS)) for r in p.rules.values()}


@cache
def acts() -> dict[str, Act]:
    return {a.id: a for p in load_packs(list(SCREENING_PACKS)) for a in p.acts.values()}


def claim_arrears(case: Case, lang: str) -> arrears.Arrears:
    """The money owed for the case's work period (the arrears service, the law of each day);
    LabourwatchError when the period or the pay is not known yet."""
    missing = [k for k in ("period_start", "period_end") if k not in case.answers]
    if missing:
        raise LabourwatchError(t("web_claim_needs", lang, names=", ".join(missing)))
    return arrears_of(case.answers, f"case-{case.number}", lang)


def claim_fields_of(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that make a claim; the pay in tenge unless they name its currency."""
    return {"pay_currency": "KZT", **arrears.claim_fields(dict(answers))}


def arrears_of(answers: Mapping[str, Any], record_id: str, lang: str) -> arrears.Arrears:
    """The money owed for the work period the answers give (the arrears service, the law of each day)."""
    return arrears.arrears(arrears.claim_table(claim_fields_of(answers), record_id), lang=lang)


def claim_statement(case: Case, lang: str) -> str:
    """The printable statement of money owed for the case's work period."""
    return render_statement(claim_arrears(case, lang), 0, lang)


def add_note(user: Any, case: Case, text: str, request: HttpRequest | None = None) -> Note:
    note = Note.objects.create(case=case, user=user, text_sealed=keys_of(case.organisation).encrypt(text, "note"))
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=case, detail="note")
    return note


def pseudonym_of(case: Case) -> str:
    """The case's name in a de-identified export: a keyed hash, the same in every export of its
    organisation, which names no case outside it."""
    return keys_of(case.organisation).pseudonym(f"case {case.pk}")


def note_text(note: Note) -> str:
    return keys_of(note.case.organisation).decrypt(note.text_sealed, "note")


def notes_of(case: Case) -> list[tuple[Any, str, str]]:
    """The case's notes, newest first: when, by whom, the text."""
    notes = case.notes.select_related("user", "case__organisation").order_by("-at")
    return [(n.at, n.user.get_username(), note_text(n)) for n in notes]


def plan_service(
    user: Any, case: Case, kind: str, due: date | None, note: str, request: HttpRequest | None = None
) -> Service:
    """A service of the plan; a legal claim makes the case one the organisation's lawyers see."""
    service = Service.objects.create(case=case, kind=kind, due=due, note=note, created_by=user)
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=case, detail=f"service {kind}")
    if kind == Service.Kind.LEGAL_CLAIM and not case.legal_claim:
        _save(case, user, case.version, {"legal_claim": True}, request)
    return service


def complete_service(user: Any, service: Service, request: HttpRequest | None = None) -> None:
    Service.objects.filter(pk=service.pk, done__isnull=True).update(done=timezone.localdate())
    audit.record(
        AuditEvent.Action.CHANGE_CASE, user, request=request, case=service.case, detail=f"service {service.kind} done"
    )
