"""The JSON API: the same operations as the pages, through the same selectors and services (so the
same scoping and audit), described by an OpenAPI schema at /api/openapi.json (django-ninja)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, NinjaAPI, Path, Schema, Status
from ninja.errors import ValidationError
from ninja.security import django_auth
from pydantic import ConfigDict, WithJsonSchema, create_model

from labourwatch.core.model import Variable
from labourwatch.core.record import EARLIEST_DATE, SIGNIFICANT_DIGITS
from labourwatch.core.types import pick
from labourwatch.packs import load_schema
from labourwatch_web.cases import audit, selectors, services
from labourwatch_web.cases.models import AuditEvent, Case, Role, membership_of

api = NinjaAPI(
    title="labourwatch cases", version="1", auth=django_auth, urls_namespace="api", docs_url=None
)  # sessions, with CSRF

CaseId = Annotated[int, Path(ge=1, le=2**62)]


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A request the schema refuses, said as every other problem is (422, `detail` and `problems`)."""
    problems = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in error.errors]
    return api.create_response(request, {"detail": "the request is not valid", "problems": problems}, status=422)


class CaseOut(Schema):
    id: int
    number: int
    status: str
    opened: date
    name: str
    version: int


class Finding(Schema):
    id: str
    label: str
    pack: str


class CaseDetail(CaseOut):
    document: str
    phone: str
    address: str
    employer: str
    work_site: str
    answers: dict[str, str]
    findings: list[Finding]
    situation: str | None
    ask_next: list[str]


Text = Annotated[str, Field(max_length=200)]


class Opening(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]  # full name, in any script
    document: Text = ""
    phone: Text = ""
    address: Text = ""
    citizenship: Annotated[str, Field(pattern=r"^([A-Z]{3})?$", description="ISO 3166 alpha-3, e.g. UZB")] = ""
    employer: Text = ""
    work_site: Text = ""
    open_even_if_duplicate: bool = False


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _days(last: int) -> str:
    return "|".join(f"{day:02d}" for day in range(1, last + 1))


_MONTH_DAYS = r"(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"


def date_pattern(first: date, last: date) -> str:
    """A regular expression for the ISO dates from `first` (a 1 January) to `last`, leap days included:
    JSON Schema has no bounds for dates, and the server refuses a date outside them."""
    years = range(first.year, last.year)
    leap = "|".join(str(y) for y in years if calendar.isleap(y))
    common = "|".join(str(y) for y in years if not calendar.isleap(y))
    months = [f"{m:02d}-(?:{_days(calendar.monthrange(last.year, m)[1])})" for m in range(1, last.month)]
    this_year = "|".join([*months, f"{last.month:02d}-(?:{_days(last.day)})"])
    whole = [f"(?:{common})-(?:{_MONTH_DAYS})"] if common else []
    whole += [f"(?:{leap})-(?:{_MONTH_DAYS}|02-29)"] if leap else []
    return "^(?:" + "|".join([*whole, f"{last.year}-(?:{this_year})"]) + ")$"


def _date() -> Any:
    """The dates the server reads: from 1991 to today, as on the day the server started (after midnight
    the schema is a day stricter than the server until it restarts, never looser)."""
    today = date.today()
    described = f"from {EARLIEST_DATE.isoformat()} to today"
    pattern = date_pattern(EARLIEST_DATE, today)
    schema = {"type": "string", "format": "date", "pattern": pattern, "description": described}
    return Annotated[date, WithJsonSchema(schema)]


def _typed(v: Variable) -> Any:
    """The JSON type of a question's answer, as the schema of the questionnaire says it."""
    if v.kind == "boolean":
        return bool
    if v.kind in ("integer", "number"):
        number = int if v.kind == "integer" else float
        described = f"read to {SIGNIFICANT_DIGITS} significant digits, as every input is"
        return Annotated[number, Field(ge=v.minimum, le=v.maximum, allow_inf_nan=False, description=described)]
    if v.kind == "country":
        return Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3, e.g. UZB")]
    if v.kind == "date":
        return _date()
    if v.kind == "category":
        return Literal[tuple(v.values)]
    if v.kind == "multiple":
        return list[Literal[tuple(v.values)]]  # type: ignore[misc]
    return Annotated[str, Field(max_length=200)]


QUESTIONS = {name: v for name, v in load_schema().variables.items() if v.question and not v.repeat}
FIELDS: dict[str, Any] = {name: (_typed(v) | None, None) for name, v in QUESTIONS.items()}
AnswerValues: Any = create_model("AnswerValues", __base__=_Strict, **FIELDS)  # one optional field per question


class Answers(Schema):
    version: int
    answers: AnswerValues


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, int | float):
        return format(value, f".{SIGNIFICANT_DIGITS}g")
    return value.isoformat() if isinstance(value, date) else str(value)


class Closing(Schema):
    version: int
    reason: Text


class Problem(Schema):
    detail: str
    problems: list[str] = []
    cases: list[int] = []


CONFLICT = {"detail": "the case was saved by someone else since this version: nothing was overwritten"}

# The problems each kind of operation may answer with, all in one shape.
READ: dict[int, type[Schema]] = {401: Problem, 422: Problem}
ONE = {**READ, 404: Problem}
WRITE = {**ONE, 400: Problem, 409: Problem}


def _out(case: Case) -> dict[str, Any]:
    name = services.identity_of(case.person).name
    fields = ("id", "number", "status", "opened", "version")
    return {"name": name, **{f: getattr(case, f) for f in fields}}


def _lang() -> str:
    return translation.get_language() or "ru"


class Search(Schema):
    q: Annotated[str, Field(min_length=1, max_length=200)]  # a name, in any script and order


@api.get("/cases", response={200: list[CaseOut], **READ})
def list_cases(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(c) for c in selectors.cases_for(request.user)[:100]]


@api.post("/cases/search", response={200: list[CaseOut], **READ, 400: Problem, 403: Problem})
def search_cases(request: HttpRequest, body: Search) -> list[dict[str, Any]]:
    """The user's cases of people with this name: a POST, so that no name is ever in a URL."""
    audit.record(AuditEvent.Action.SEARCH, request.user, request=request)
    return [_out(c) for c in selectors.cases_for(request.user, body.q)[:100]]


@api.post("/cases", response={201: CaseOut, 403: Problem, **WRITE})
def open_case(request: HttpRequest, body: Opening) -> Status[dict[str, Any]]:
    membership = membership_of(request.user)
    if membership is None or membership.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return Status(403, {"detail": "your role cannot open cases"})
    if not body.name.strip():
        return Status(422, {"detail": "the name is needed"})
    twins = selectors.likely_duplicates(request.user, body.name)
    if twins and not body.open_even_if_duplicate:
        numbers = [c.number for p in twins for c in p.cases.all()]
        return Status(409, {"detail": "this person may already have a case", "cases": numbers})
    who = services.Identity(body.name.strip(), body.document, body.phone, body.address)
    intake = services.Intake(citizenship=body.citizenship, employer=body.employer, work_site=body.work_site)
    case = services.open_case(request.user, who, intake, request)
    return Status(201, _out(case))


@api.get("/cases/{case_id}", response={200: CaseDetail, **ONE})
def get_case(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    case = selectors.case_for(request.user, case_id)
    audit.record(AuditEvent.Action.VIEW_CASE, request.user, request=request, case=case, detail="api")
    who = services.identity_of(case.person)
    screening, rules = services.screening_of(case), services.rules()
    return {
        **_out(case),
        "document": who.document,
        "phone": who.phone,
        "address": who.address,
        "employer": case.employer,
        "work_site": case.work_site,
        "answers": case.answers,
        "findings": [{"id": n, "label": pick(rules[n].label, _lang()), "pack": rules[n].pack} for n in screening.holds],
        "situation": screening.situation,
        "ask_next": screening.ask_next,
    }


@api.put(
    "/cases/{case_id}/answers",
    response={200: CaseOut, 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem},
)
def put_answers(request: HttpRequest, case_id: CaseId, body: Answers) -> Status[dict[str, Any]]:
    case = selectors.case_for(request.user, case_id)
    try:
        given = {k: _as_text(v) for k, v in body.answers.model_dump(exclude_none=True).items()}
        case = services.save_answers(request.user, case, given, body.version, request, _lang())
    except services.Conflict:
        return Status(409, CONFLICT)
    except services.Unreadable as error:
        return Status(422, {"detail": "some answers cannot be read", "problems": error.problems})
    return Status(200, _out(case))


@api.post(
    "/cases/{case_id}/close",
    response={200: CaseOut, 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem},
)
def close(request: HttpRequest, case_id: CaseId, body: Closing) -> Status[dict[str, Any]]:
    case = selectors.case_for(request.user, case_id)
    try:
        case = services.close_case(request.user, case, body.reason[:200], body.version, request)
    except services.Conflict:
        return Status(409, CONFLICT)
    return Status(200, _out(case))
