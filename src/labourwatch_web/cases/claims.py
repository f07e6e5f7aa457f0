"""A wage claim carried to the end: built from the case's arrears, its stages recorded with their days,
and the deadlines of the law in force on the day (each with its reference and verification status),
with a reminder before one passes.

The time limits run from when the worker knew or should have known of the breach (Labour Code 2015
art. 160). Which day that was for each month claimed is for the court; the deadlines here count from
the first day of the period claimed, the earliest it can be, so that none is shown later than it may
be (a reading, said on the page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from labourwatch.core.model import Parameter, Status
from labourwatch.i18n import t
from labourwatch.packs import load_packs
from labourwatch.services import arrears
from labourwatch_web.cases import audit, services
from labourwatch_web.cases.models import AuditEvent, Case, Claim, ClaimStage
from labourwatch_web.cases.services import Refused

REMIND_DAYS = 30  # a deadline this close is a reminder on the case and in the list of claims
# What each deadline is met by, and the parameter that gives its years on the day of the claim.
DEADLINES = {
    "commission": ("claims.limitation_years", (ClaimStage.Kind.COMMISSION, ClaimStage.Kind.FILING)),
    "court": ("claims.court_limitation_years_wages", (ClaimStage.Kind.FILING,)),
}
AMOUNTS = ("due_agreed_pay", "due_minimum_wage_shortfall", "due_overtime", "due_rest_day_holiday", "due_night",
           "due_unused_leave", "due_total", "received", "owed", "due_at_risk", "due_time_barred")  # fmt: skip


@transaction.atomic
def build_claim(user: Any, case: Case, lang: str, request: HttpRequest | None = None) -> Claim:
    """The claim from the case's arrears as computed today (LabourwatchError when the answers cannot
    give them); built again, it takes the amounts of the answers now. The case opens to the lawyers."""
    result = arrears.in_tiyn(services.claim_arrears(case, lang).claims).to_pylist()[0]
    amounts = {k: str(result[k]) for k in AMOUNTS if result.get(k) is not None}
    period = {
        "period_start": date.fromisoformat(result["period_start"]),
        "period_end": date.fromisoformat(result["period_end"]),
    }
    claim, _ = Claim.objects.update_or_create(case=case, defaults={"built_by": user, "amounts": amounts, **period})
    if not case.legal_claim:
        Case.objects.filter(pk=case.pk).update(legal_claim=True)
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=case, detail="claim built")  # no amount
    return claim


DOCUMENT_LIMIT = 10 * 1024 * 1024  # bytes of a stage's document


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes


def record_stage(
    user: Any,
    claim: Claim,
    kind: str,
    on: date | None,
    note: str,
    document: Document | None = None,
    request: HttpRequest | None = None,
) -> ClaimStage:
    """A stage on its day, with a note and a document (a demand, a filing, a judgement), both sealed."""
    if kind not in ClaimStage.Kind.values or on is None:
        raise Refused("web_stage_needs")
    if document is not None and len(document.data) > DOCUMENT_LIMIT:
        raise Refused("web_document_too_large")
    keys = services.keys_of(claim.case.organisation)
    sealed = services.sealed(keys, note.strip(), "claim stage")
    stage = ClaimStage.objects.create(
        claim=claim,
        kind=kind,
        on=on,
        note_sealed=sealed,
        document_name=document.name[:200] if document else "",
        document_sealed=keys.seal(document.data, "claim document") if document else None,
        recorded_by=user,
    )
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=claim.case, detail=f"claim stage {kind}")
    return stage


def document_of(stage: ClaimStage) -> Document:
    keys = services.keys_of(stage.claim.case.organisation)
    return Document(stage.document_name, keys.open(stage.document_sealed, "claim document"))


def stages_of(claim: Claim) -> list[tuple[ClaimStage, str]]:
    """The stages in the order of their days, with their notes opened."""
    keys = services.keys_of(claim.case.organisation)
    return [(s, keys.decrypt(s.note_sealed, "claim stage")) for s in claim.stages.order_by("on", "pk")]


def record_recovered(user: Any, claim: Claim, amount: str, request: HttpRequest | None = None) -> None:
    """The money recovered for the worker, in tenge (a number, to the tiyn)."""
    try:
        value = Decimal(amount.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise Refused("web_recovered_number") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise Refused("web_recovered_number")
    Claim.objects.filter(pk=claim.pk).update(recovered=value)
    audit.record(AuditEvent.Action.CHANGE_CASE, user, request=request, case=claim.case, detail="claim recovered")


@dataclass(frozen=True)
class Deadline:
    what: str  # a key of DEADLINES
    by: date | None  # None: the law of the day gives no time limit that is known
    met: date | None  # the day of the stage that met it
    reference: str
    status: Status
    days_left: int | None

    @property
    def reminder(self) -> bool:
        return self.met is None and self.days_left is not None and 0 <= self.days_left <= REMIND_DAYS

    @property
    def passed(self) -> bool:
        return self.met is None and self.days_left is not None and self.days_left < 0


@cache
def _parameters() -> dict[str, Parameter]:
    pack = next(p for p in load_packs(["kz-labour"]) if p.id == "kz-labour")
    return dict(pack.parameters)


def deadlines(claim: Claim, today: date, lang: str) -> list[Deadline]:
    """The claim's deadlines under the law in force today, counted from the first day of the period."""
    acts = services.acts()
    stages = list(claim.stages.all()) if claim.pk else []
    out = []
    for what, (name, meeting) in DEADLINES.items():
        law = _parameters()[name].at(today)
        years = law.value if law is not None else None
        by = _years_after(claim.period_start, years) if years is not None else None
        met = min((s.on for s in stages if s.kind in meeting), default=None)
        out.append(
            Deadline(
                what=what,
                by=by,
                met=met,
                reference=law.reference.cite(acts, lang) if law else t("unknown", lang),
                status=law.status if law else Status.UNVERIFIED,
                days_left=(by - today).days if by else None,
            )
        )
    return out


def _years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + int(years))
    except ValueError:
        return day.replace(year=day.year + int(years), day=28)


def reminders(cases: Any, today: date, lang: str) -> list[tuple[Claim, Deadline]]:
    """The deadlines of the claims of `cases` that pass within REMIND_DAYS or passed unmet, soonest first."""
    claims = (
        Claim.objects.filter(case__in=cases).select_related("case__person__organisation").prefetch_related("stages")
    )
    due = [(c, d) for c in claims for d in deadlines(c, today, lang) if d.reminder or d.passed]
    return sorted(due, key=lambda pair: pair[1].by or today)


@dataclass(frozen=True)
class Totals:
    claims: int
    owed: Decimal  # as built, tenge
    recovered: Decimal


def totals(cases: Any) -> Totals:
    """The claims of `cases`: how many, the money they claim (owed when built) and the money recovered."""
    found = list(Claim.objects.filter(case__in=cases).values_list("amounts", "recovered"))
    owed = sum((Decimal(amounts.get("owed", "0")) for amounts, _ in found), Decimal(0))
    recovered = sum((r for _, r in found if r is not None), Decimal(0))
    return Totals(len(found), owed, recovered)
