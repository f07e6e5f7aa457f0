"""What researchers see of an organisation's cases: counts only, never a person, protected as published
statistics are (labourwatch.stats.disclosure): a count of fewer than 10 cases is withheld, and so is
any other that would let it be worked out from the totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from labourwatch.stats.disclosure import Mask, Policy, ProtectedTable, protect_table
from labourwatch_web.cases import services
from labourwatch_web.cases.models import Case, Status

POLICY = Policy(round_base=None)  # case counts are not weighted: nothing to round
STATUSES = (Status.OPEN, Status.CLOSING, Status.CLOSED)


@dataclass(frozen=True)
class Table:
    """Counts by one characteristic (rows) and the case's status (open, closed, all); None is withheld."""

    rows: list[tuple[str, list[int | None]]]  # the last row is the total


def _matrix(counts: dict[str, Counter[str]]) -> npt.NDArray[np.int64]:
    return np.array([[counts[label][s] for s in STATUSES] for label in sorted(counts)], dtype=np.int64)


def _protected(counts: dict[str, Counter[str]], withheld_totals: Mask) -> ProtectedTable:
    values = _matrix(counts)
    withheld = np.zeros((values.shape[0] + 1, values.shape[1] + 1), dtype=np.bool_)
    withheld[-1] = withheld_totals
    return protect_table(values.astype(np.float64), values, POLICY, withheld)


def _linked(by: dict[str, dict[str, Counter[str]]]) -> dict[str, ProtectedTable]:
    """Protect tables that publish the same totals (cases by status) together: a total one table has to
    withhold is withheld by all, or the others would give it away."""
    withheld = np.zeros(len(STATUSES) + 1, dtype=np.bool_)
    while True:
        tables = {dimension: _protected(counts, withheld) for dimension, counts in by.items()}
        union = np.logical_or.reduce([withheld, *(t.suppressed[-1] for t in tables.values())])
        if (union == withheld).all():
            return tables
        withheld = union


def _table(table: ProtectedTable, labels: list[str]) -> Table:
    shown = np.where(table.suppressed, -1, table.counts)
    rows = [(label, [None if v < 0 else int(v) for v in line]) for label, line in zip(labels, shown, strict=True)]
    return Table(rows)


def _screenings(cases: list[Case]) -> list[services.Screening]:
    return [services.screening_of(case) for case in cases]  # kept per case: only a stale one is computed


def aggregates(user: Any, total_label: str) -> dict[str, Table]:
    """The organisation's cases by situation, sector, citizenship and sex, each by status, with the findings that
    hold (by status too), all protected. Every case of the organisation counts, whoever handles it."""
    organisation = user.membership.organisation_id
    cases = list(Case.objects.filter(organisation_id=organisation).select_related("person__organisation"))
    dimensions = ("situation", "sector", "citizenship", "sex", "findings")
    by: dict[str, dict[str, Counter[str]]] = {k: {} for k in dimensions}
    for case, screening in zip(cases, _screenings(cases), strict=True):
        keys = {
            "situation": [screening.situation or "unknown"],
            "sector": [str(case.answers.get("sector") or "unknown")],
            "citizenship": [case.person.citizenship or "unknown"],
            "sex": [case.person.sex or "unknown"],
            "findings": screening.holds,
        }
        for dimension, values in keys.items():
            for value in values:
                by[dimension].setdefault(value, Counter())[case.status] += 1
    if not cases:
        return {}
    partitions = {d: counts for d, counts in by.items() if d != "findings"}
    tables = {d: _table(t, [*sorted(by[d]), total_label]) for d, t in _linked(partitions).items()}
    if by["findings"]:
        # findings overlap (a case has several): their sum counts no cases, so no total is shown
        findings = _protected(by["findings"], np.zeros(len(STATUSES) + 1, dtype=np.bool_))
        tables["findings"] = Table(_table(findings, [*sorted(by["findings"]), ""]).rows[:-1])
    return tables
