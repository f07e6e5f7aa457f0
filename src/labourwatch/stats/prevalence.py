"""Prevalence of findings with design-based confidence intervals, overall and by domain, and the
Rao–Scott test of each finding against the domain variable. An unknown finding is neither yes nor no:
each estimate is over the records where the finding is known, and says how many were unknown."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from labourwatch.stats.design import Design
from labourwatch.stats.estimate import CiMethod, TableTest, chisq, ci_proportion, mean

ALL = "(all)"


@dataclass(frozen=True)
class Row:
    variable: str
    domain: str  # ALL, or the value of the domain variable
    known: int | None  # records where the finding is known (None: withheld, fewer than the threshold)
    unknown: int | None
    estimate: float | None
    se: float | None
    lower: float | None
    upper: float | None
    deff: float | None  # against SRS without replacement (R's deff=TRUE), else with replacement
    df: int | None
    fallback: bool  # the interval is Clopper-Pearson because the estimate is 0 or 1
    suppressed: bool = False  # withheld by disclosure control: too few respondents
    not_measured: int | None = 0  # records where it rests on questions not asked (apart from `unknown`)
    unsupported: bool = False  # withheld: the questions asked cannot make it hold (or fail) on any record


def protect(rows: list[Row], threshold: int) -> list[Row]:
    """Disclosure control of published estimates: an estimate resting on fewer than `threshold`
    respondents is withheld, and so is any count of fewer (but more than none), which is shown as None."""

    def shown(count: int | None) -> int | None:
        return None if count is not None and 0 < count < threshold else count

    out = []
    for r in rows:
        small = r.known is not None and 0 < r.known < threshold
        if small:
            r = dataclasses.replace(r, estimate=None, se=None, lower=None, upper=None, deff=None, suppressed=True)
        out.append(
            dataclasses.replace(r, known=shown(r.known), unknown=shown(r.unknown), not_measured=shown(r.not_measured))
        )
    return out


@dataclass(frozen=True)
class Domains:
    """A coded domain variable: codes 0..k-1 per record (-1 where unknown) and the label of each code."""

    codes: npt.NDArray[np.int64]
    labels: Sequence[str]


def prevalence(
    findings: Mapping[str, npt.NDArray[np.float64]],
    design: Design,
    by: Domains | None = None,
    method: CiMethod | str = CiMethod.LOGIT,
    level: float = 0.95,
    unmeasured: Mapping[str, npt.NDArray[np.bool_]] | None = None,
) -> list[Row]:
    """One row per finding (1.0 / 0.0, NaN for unknown) and domain (ALL first, then each value of `by`).
    `unmeasured` marks, per finding, the records (NaN) where it was not measured: counted apart from
    the unknown, and like them outside the estimate."""
    groups: list[tuple[str, npt.NDArray[np.bool_]]] = [(ALL, np.ones(design.n, dtype=bool))]
    if by is not None:
        groups += [(label, by.codes == i) for i, label in enumerate(by.labels)]
    rows = []
    for name, values in findings.items():
        known = ~np.isnan(values)
        absent = unmeasured[name] if unmeasured and name in unmeasured else np.zeros(design.n, dtype=bool)
        for label, members in groups:
            domain = members & known
            unknown, not_measured = int((members & ~known & ~absent).sum()), int((members & absent).sum())
            if not domain.any():
                rows.append(
                    Row(name, label, 0, unknown, None, None, None, None, None, None, False, False, not_measured)
                )
                continue
            est = mean(np.nan_to_num(values), design, domain)
            ci = ci_proportion(est, method, level)
            deff = est.deff if np.isfinite(est.deff) else est.deff_replace
            rows.append(
                Row(
                    name,
                    label,
                    est.n,
                    unknown,
                    est.value,
                    est.se,
                    ci.lower,
                    ci.upper,
                    deff,
                    est.df,
                    ci.fallback,
                    not_measured=not_measured,
                )
            )
    return rows


def associations(
    findings: Mapping[str, npt.NDArray[np.float64]], design: Design, by: Domains
) -> dict[str, TableTest | None]:
    """The second-order Rao–Scott test (R's svychisq default) of each finding against `by`, on the
    records where both are known; None where either takes a single value there."""
    present = by.codes >= 0
    codes = np.where(present, by.codes, 0)
    out: dict[str, TableTest | None] = {}
    for name, values in findings.items():
        domain = present & ~np.isnan(values)
        answers = np.nan_to_num(values).astype(np.int64)
        if np.unique(codes[domain]).size < 2 or np.unique(answers[domain]).size < 2:
            out[name] = None
            continue
        # codes that do not occur in the domain would make empty rows: renumber those that do
        _, dense = np.unique(codes[domain], return_inverse=True)
        renumbered = np.zeros_like(codes)
        renumbered[domain] = dense
        out[name] = chisq(renumbered, answers, design, "F", domain=domain)
    return out
