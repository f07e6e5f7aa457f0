"""What researchers see of an organisation's cases: counts only, never a person, protected as published
statistics are (labourwatch.stats.disclosure): a count of fewer than 10 cases is withheld, and so is
any other that would let it be worked out from the totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from labourwatch.stats.disclosure import Policy, protect_table
from labourwatch_web.cases import services
from labourwatch_web.cases.models import Case, Status

POLICY = Policy(round_base=None)  # case counts are not weighted: nothing to round
STATUSES = (Status.OPEN, Status.CLOSING, Status.CLOSED)


@dataclass(frozen=True)
class Table:
    """Counts by one characteristic (rows) and the case's status (open, closed, all); None is withheld."""

    rows: list[tuple[str, list[int | None]]]  # the last row is the total


def _protected(counts: dict[str, Counter[str]], total_label: str) -> Table:
    labels = sorted(counts)
    values = np.array([[counts[label][s] for s in STATUSES] for label in labels], dtype=np.float64)
    table = protect_table(values, values.astype(np.int64), POLICY)
    shown = np.where(table.suppressed, -1, table.counts)
    rows = [
        (label, [None if v < 0 else int(v) for v in line])
        for label, line in zip([*labels, total_label], shown, strict=True)
    ]
    return Table(rows)


def _without_total(table: Table) -> Table:
    """Findings overlap (a case has several): their sum counts no cases, so no total is shown."""
    return Table(table.rows[:-1])


def _screenings(cases: list[Case]) -> list[services.Screening]:
    return [services.screening_of(case) for case in cases]  # kept per case: only a stale one is computed


def aggregates(user: Any, total_label: str) -> dict[str, Table]:
    """The organisation's cases by situation, citizenship and sex, each by status, with the findings that
    hold (by status too), all protected. Every case of the organisation counts, whoever handles it."""
    organisation = user.membership.organisation_id
    cases = list(Case.objects.filter(organisation_id=organisation).select_related("person__organisation"))
    by: dict[str, dict[str, Counter[str]]] = {k: {} for k in ("situation", "citizenship", "sex", "findings")}
    for case, screening in zip(cases, _screenings(cases), strict=True):
        keys = {
            "situation": [screening.situation or "unknown"],
            "citizenship": [case.person.citizenship or "unknown"],
            "sex": [case.person.sex or "unknown"],
            "findings": screening.holds,
        }
        for dimension, values in keys.items():
            for value in values:
                by[dimension].setdefault(value, Counter())[case.status] += 1
    tables = {dimension: _protected(counts, total_label) for dimension, counts in by.items() if counts}
    if "findings" in tables:
        tables["findings"] = _without_total(tables["findings"])
    return tables
