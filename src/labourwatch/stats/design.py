"""A survey design, declared once with the data, and Taylor-linearisation variance as R's `survey`
package computes it (`svydesign`, one stage, "ultimate cluster"; shared/research/statistics.md §1.1–1.3).

Everything is vectorised over records: PSU totals are `np.add.at` sums, strata are integer codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from labourwatch.core.errors import LabourwatchError

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class LonelyPsu(StrEnum):
    """What a stratum with a single PSU contributes (R's option `survey.lonely.psu`)."""

    FAIL = "fail"  # an error: the variance cannot be estimated (R's default)
    REMOVE = "remove"  # nothing
    CERTAINTY = "certainty"  # nothing (the PSU was sampled with certainty)
    ADJUST = "adjust"  # the PSU total, centred at the grand mean (0 for means)
    AVERAGE = "average"  # the average of the other strata


@dataclass(frozen=True)
class Design:
    """Weights, strata, PSUs (clusters) and the finite population correction of a one-stage design.

    `fpc` is, per record, the number of PSUs in the population of its stratum, or a sampling fraction
    (all values at most 1), as in `svydesign(fpc=)`. Without clusters each record is its own PSU;
    without strata there is one stratum; without weights every record weighs 1 (or N_h / n_h with fpc).
    `method` notes how the sample was drawn (e.g. "snowball"): a report must then say that its
    figures describe the sample, not a population."""

    weights: Floats
    strata: Ints  # stratum code of each record, 0..H-1
    psu: Ints  # PSU code of each record, unique across strata, 0..P-1
    n_psu: Ints  # sampled PSUs per stratum (the whole design, also for domains)
    fraction: Floats  # sampling fraction of each stratum (0 without fpc: with replacement)
    lonely_psu: LonelyPsu = LonelyPsu.FAIL
    method: str | None = None
    labels: dict[str, Any] = field(default_factory=dict, compare=False)  # the columns it came from

    @property
    def n(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def build(
        cls,
        n: int,
        *,
        weights: Sequence[float] | Floats | None = None,
        strata: Sequence[Any] | npt.NDArray[Any] | None = None,
        psu: Sequence[Any] | npt.NDArray[Any] | None = None,
        fpc: Sequence[float] | Floats | None = None,
        nest: bool = False,
        lonely_psu: LonelyPsu | str = LonelyPsu.FAIL,
        method: str | None = None,
    ) -> Design:
        stratum_codes = _codes(strata, n)
        if psu is None:
            psu_codes = np.arange(n, dtype=np.int64)
        else:
            psu_codes = _codes(psu, n)
            if nest:  # PSU ids repeat across strata: a PSU is a (stratum, id) pair
                psu_codes = _codes(stratum_codes * (int(psu_codes.max()) + 1) + psu_codes, n)
            owners = np.full(psu_codes.max() + 1, -1, dtype=np.int64)
            np.maximum.at(owners, psu_codes, stratum_codes)
            if np.any(owners[psu_codes] != stratum_codes):
                raise LabourwatchError("a PSU appears in more than one stratum; use nest=True if PSU ids repeat")
        n_strata = int(stratum_codes.max()) + 1 if n else 0
        first_psu = np.full(int(psu_codes.max()) + 1 if n else 0, -1, dtype=np.int64)
        first_psu[psu_codes] = stratum_codes
        n_psu = np.bincount(first_psu[first_psu >= 0], minlength=n_strata).astype(np.int64)
        fraction = _fraction(fpc, stratum_codes, n_psu, n_strata)
        if weights is None:
            w = np.ones(n) if fpc is None else 1.0 / fraction[stratum_codes]
        else:
            w = np.asarray(weights, dtype=np.float64)
        return cls(w, stratum_codes, psu_codes, n_psu, fraction, LonelyPsu(lonely_psu), method)

    def restrict(self, rows: npt.NDArray[np.bool_]) -> Design:
        """The same design with records outside `rows` weighing 0: a domain (R's subset()). PSUs and
        strata keep their sampled counts, so empty PSUs count as zero totals."""
        return dataclasses.replace(self, weights=np.where(rows, self.weights, 0.0))

    def degf(self, rows: npt.NDArray[np.bool_] | None = None) -> int:
        """PSUs less strata, counting only records with weight (and in `rows`, for a domain)."""
        keep = self.weights != 0 if rows is None else rows & (self.weights != 0)
        psus = np.unique(self.psu[keep])
        strata = np.unique(self.strata[keep])
        return int(psus.size - strata.size)

    def psu_totals(self, z: Floats) -> Floats:
        """Influence values (records x p) summed within each PSU."""
        z = z.reshape(self.n, -1)
        totals = np.zeros((self.n_psus, z.shape[1]))
        for k in range(z.shape[1]):  # one vectorised bincount per column
            totals[:, k] = np.bincount(self.psu, weights=z[:, k], minlength=self.n_psus)
        return totals

    @property
    def n_psus(self) -> int:
        return int(self.psu.max()) + 1 if self.n else 0

    def variance(self, z: Floats) -> Floats:
        """The covariance matrix of the totals of influence values z (records x p), ultimate cluster."""
        return self.variance_of_totals(self.psu_totals(z))

    def variance_of_totals(self, totals: Floats) -> Floats:
        """The same, from influence values already summed by PSU (PSUs x p)."""
        psu_stratum = np.full(totals.shape[0], 0, dtype=np.int64)
        psu_stratum[self.psu] = self.strata
        n_h = self.n_psu[psu_stratum].astype(np.float64)
        sums = np.zeros((self.n_psu.size, totals.shape[1]))
        np.add.at(sums, psu_stratum, totals)
        centred = totals - sums[psu_stratum] / n_h[:, None]
        lonely = n_h == 1
        if lonely.any():
            centred, scale = self._lonely(centred, totals, lonely)
        else:
            scale = 1.0
        factor = np.where(lonely, 1.0, n_h / np.maximum(n_h - 1, 1)) * (1 - self.fraction[psu_stratum])
        weighted = centred * factor[:, None]
        return np.asarray(scale * (weighted.T @ centred), dtype=np.float64)

    def _lonely(self, centred: Floats, totals: Floats, lonely: npt.NDArray[np.bool_]) -> tuple[Floats, float]:
        policy = self.lonely_psu
        if policy is LonelyPsu.FAIL:
            raise LabourwatchError(
                "a stratum has a single PSU, so its variance cannot be estimated; choose what it contributes "
                "with lonely_psu = remove, certainty, adjust or average"
            )
        out = centred.copy()
        if policy is LonelyPsu.ADJUST:
            out[lonely] = totals[lonely]  # centred at the grand mean, which is 0 for mean-type influence
            return out, 1.0
        out[lonely] = 0.0
        if policy is LonelyPsu.AVERAGE:
            strata = self.n_psu.size
            return out, strata / max(int((self.n_psu > 1).sum()), 1)
        return out, 1.0


def _codes(values: Sequence[Any] | npt.NDArray[Any] | None, n: int) -> Ints:
    if values is None:
        return np.zeros(n, dtype=np.int64)
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":  # text (or mixed): compare as text
        array = array.astype(str)
    _, inverse = np.unique(array, return_inverse=True)
    return inverse.astype(np.int64).reshape(n)


def _fraction(fpc: Sequence[float] | Floats | None, strata: Ints, n_psu: Ints, n_strata: int) -> Floats:
    """Sampling fraction n_h / N_h per stratum, from population sizes (> 1) or fractions (<= 1)."""
    if fpc is None:
        return np.zeros(n_strata)
    values = np.asarray(fpc, dtype=np.float64)
    per_stratum = np.full(n_strata, np.nan)
    per_stratum[strata] = values
    check = np.full(n_strata, np.nan)
    np.fmax.at(check, strata, values)
    if not np.allclose(check, per_stratum, equal_nan=True):
        raise LabourwatchError("the fpc must be the same for every record of a stratum")
    if np.all(values <= 1):
        return per_stratum
    if np.any(values <= 1):
        raise LabourwatchError("the fpc mixes population sizes (above 1) and sampling fractions (at most 1)")
    if np.any(per_stratum < n_psu):
        raise LabourwatchError("an fpc is smaller than the number of PSUs sampled in its stratum")
    return np.asarray(n_psu / per_stratum, dtype=np.float64)
