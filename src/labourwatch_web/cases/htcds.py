"""Cases in the shape of IOM's Human Trafficking Case Data Standard (HTCDS) and of CTDC's published
microdata, de-identified for sharing as CTDC shares: no name, contact, date of birth or place; ages
in CTDC's bands; and k-anonymity checked on the quasi-identifiers (sex, age band, nationality, year,
industry) with CTDC's k = 11, a record in a smaller group withheld and counted in the report.

The mapping of answers to HTCDS values is data (cases/data/htcds.yaml)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
from django.http import HttpRequest
from django.utils import timezone

from labourwatch.i18n.yamlfiles import read_yaml
from labourwatch.stats.disclosure import anonymity
from labourwatch_web.cases import audit, services
from labourwatch_web.cases.exports import _cell
from labourwatch_web.cases.models import AuditEvent, Case, Referral

K = 11  # CTDC: every combination of the released quasi-identifiers is shared by at least 11 records
MAPPING = Path(__file__).with_name("data") / "htcds.yaml"
COLUMNS = ("id", "yearOfRegistration", "prs_Gender", "ageBroad", "prs_Nationality", "vic_MethodsOfControl",
           "vic_TypeOfLabourExploitation", "vic_LabourIndustry", "isForcedLabour", "cas_Status",
           "cas_ReferringOrganisation", "cas_IncomingReferralDate", "cas_ReferredOrganisation")  # fmt: skip
QUASI_IDENTIFIERS = ("yearOfRegistration", "prs_Gender", "ageBroad", "prs_Nationality", "vic_LabourIndustry")


@cache
def mapping() -> dict[str, Any]:
    loaded: dict[str, Any] = read_yaml(MAPPING)
    return loaded


@dataclass(frozen=True)
class Release:
    rows: list[dict[str, str]]  # the records released
    records: int  # the cases read
    withheld: int  # records in a group of fewer than K
    smallest: int | None  # the smallest group released (None when nothing is)

    @property
    def k_anonymous(self) -> bool:
        return self.smallest is None or self.smallest >= K

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in self.rows)
        return out.getvalue()


def prepare(user: Any) -> Release:
    """The organisation's cases the user sees as HTCDS rows, those that would break k-anonymity withheld."""
    referrals = ("referrals__from_organisation", "referrals__to_organisation")
    cases = list(
        Case.objects.visible_to(user)
        .select_related("person", "organisation")
        .prefetch_related(*referrals)
        .order_by("number")
    )
    rows = [_row(case) for case in cases]
    kept, smallest = _k_anonymous(rows)
    return Release([r for r, keep in zip(rows, kept, strict=True) if keep], len(rows), len(rows) - sum(kept), smallest)


def release(user: Any, request: HttpRequest | None = None) -> Release:
    """`prepare`, logged as an export with what it held."""
    released = prepare(user)
    detail = f"HTCDS: {len(released.rows)} of {released.records} cases, {released.withheld} withheld (k={K})"
    audit.record(AuditEvent.Action.EXPORT, user, request=request, detail=detail)
    return released


def _k_anonymous(rows: list[dict[str, str]]) -> tuple[list[bool], int | None]:
    """Which rows are in a group of at least K by the quasi-identifiers, and the smallest such group."""
    if not rows:
        return [], None
    combos = np.array(["\x1f".join(row[q] for q in QUASI_IDENTIFIERS) for row in rows])  # exact, no hashing
    _, codes = np.unique(combos, return_inverse=True)
    check = anonymity(codes.astype(np.int64), K)
    kept = check.key_sizes >= K
    return kept.tolist(), int(check.key_sizes[kept].min()) if kept.any() else None


def _row(case: Case) -> dict[str, str]:
    m, answers = mapping(), case.answers
    screening = services.screening_of(case)
    shown = {k for k, v in answers.items() if v == "yes"} | set(screening.holds)
    controls = sorted({method for name, method in m["methods_of_control"].items() if name in shown})
    sector = str(answers.get("sector", ""))
    return {
        "id": services.pseudonym_of(case),
        "yearOfRegistration": str(case.opened.year),
        "prs_Gender": m["gender"].get(answers.get("sex") or case.person.sex, "Unknown"),
        "ageBroad": _age_band(answers.get("age")),
        "prs_Nationality": _alpha2(str(answers.get("citizenship") or case.person.citizenship)),
        "vic_MethodsOfControl": " ".join(controls),
        "vic_TypeOfLabourExploitation": m["labour_type"].get(sector, ""),
        "vic_LabourIndustry": m["industry"].get(sector, ""),
        "isForcedLabour": "1" if "forced_labour" in screening.holds else "0",
        "cas_Status": m["status"][case.status],
        **_referral_fields(case),
    }


def _referral_fields(case: Case) -> dict[str, str]:
    """Where the case came from (a transfer accepted: the organisation and the day) and the organisations
    it was referred to that accepted; names of organisations, never of people."""
    accepted = [r for r in case.referrals.all() if r.state == Referral.State.ACCEPTED]
    came = next(
        (r for r in accepted if r.kind == Referral.Kind.TRANSFER and r.to_organisation_id == case.organisation_id), None
    )
    sent = sorted({r.to_organisation.name for r in accepted if r.from_organisation_id == case.organisation_id})
    came_on = timezone.localdate(came.answered_at) if came and came.answered_at else None  # the day in Almaty
    return {
        "cas_ReferringOrganisation": came.from_organisation.name if came else "",
        "cas_IncomingReferralDate": came_on.isoformat() if came_on else "",
        "cas_ReferredOrganisation": "; ".join(sent),
    }


def _age_band(age: Any) -> str:
    try:
        years = int(str(age))
    except ValueError:
        return ""
    return next((label for lowest, label in reversed(mapping()["age_bands"]) if years >= lowest), "")


def _alpha2(alpha3: str) -> str:
    """ISO 3166 alpha-3 (as intake keeps it) as the alpha-2 HTCDS asks for; empty when not a country."""
    country = pycountry.countries.get(alpha_3=alpha3.upper()) if len(alpha3) == 3 else None
    return str(country.alpha_2) if country else ""
