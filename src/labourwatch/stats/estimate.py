"""Design-based estimates as R's `survey` computes them (shared/research/statistics.md §1.2–1.9):
means and proportions (`svymean`), totals (`svytotal`), design effects, domains (`svyby`), confidence
intervals for proportions (`svyciprop`, six methods, and Wilson) and the Rao–Scott and Wald tests of
two-way tables (`svychisq`). Each function is pure and vectorised over records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats as st

from labourwatch.core.errors import LabourwatchError
from labourwatch.stats.design import Design, Floats

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Estimate:
    value: float
    se: float
    deff: float  # against simple random sampling without replacement (R's deff=TRUE)
    deff_replace: float  # against simple random sampling with replacement (R's deff="replace")
    df: int  # degrees of freedom of the design (of the domain, for a domain)
    n: int  # records (in the domain)


def _domain(design: Design, domain: Mask | None) -> Mask:
    return np.ones(design.n, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)


def mean(y: Floats, design: Design, domain: Mask | None = None) -> Estimate:
    """The ratio (Hájek) mean of y; a proportion when y is 0/1. In a domain, records outside it weigh
    0 but their PSUs still count (the standard domain variance)."""
    rows = _domain(design, domain)
    w = np.where(rows, design.weights, 0.0)
    y = np.where(rows, np.asarray(y, dtype=np.float64), 0.0)
    _no_missing(y, rows)
    total_w = w.sum()
    ybar = float((w * y).sum() / total_w)
    z = w * (y - ybar) / total_w
    v = float(design.variance(z)[0, 0])
    s2 = _weighted_var(y, w, rows)
    n = int((rows & (design.weights != 0)).sum())
    srs = s2 / n
    return Estimate(ybar, v**0.5, _ratio(v, srs * (total_w - n) / total_w), _ratio(v, srs), design.degf(rows), n)


def total(y: Floats, design: Design, domain: Mask | None = None) -> Estimate:
    rows = _domain(design, domain)
    w = np.where(rows, design.weights, 0.0)
    y = np.where(rows, np.asarray(y, dtype=np.float64), 0.0)
    _no_missing(y, rows)
    v = float(design.variance(w * y)[0, 0])
    total_w = w.sum()
    s2 = _weighted_var(y, w, rows)
    n = int((rows & (design.weights != 0)).sum())
    srs = s2 * total_w**2 / n
    deff = _ratio(v, srs * (total_w - n) / total_w)
    return Estimate(float((w * y).sum()), v**0.5, deff, _ratio(v, srs), design.degf(rows), n)


def _ratio(a: float, b: float) -> float:
    """a / b, NaN when b is 0: with unit weights N equals n, so R's deff=TRUE divides by zero."""
    return float(a / b) if b else float("nan")


def _weighted_var(y: Floats, w: Floats, rows: Mask) -> float:
    """svyvar: the weighted variance with the n/(n-1) correction."""
    n = int((w != 0).sum())
    if n < 2:
        return float("nan")
    ybar = (w * y).sum() / w.sum()
    return float((w * (y - ybar) ** 2).sum() / w.sum() * n / (n - 1))


def _no_missing(y: Floats, rows: Mask) -> None:
    if np.isnan(y[rows]).any():
        raise LabourwatchError("the variable has missing values; estimate it on the records that have it (a domain)")


def cell_shares(cell: npt.NDArray[np.int64], cells: int, design: Design) -> tuple[Floats, Floats]:
    """The shares of the cells of a table (each record in cell 0..cells-1) with their covariance
    matrix, from weighted counts per PSU and cell: no records x cells matrix is built."""
    w = design.weights
    total_w = w.sum()
    by_psu_cell = np.bincount(design.psu * cells + cell, weights=w, minlength=design.n_psus * cells)
    by_psu_cell = by_psu_cell.reshape(design.n_psus, cells).astype(np.float64)
    p = by_psu_cell.sum(axis=0) / total_w
    weight_by_psu = np.bincount(design.psu, weights=w, minlength=design.n_psus)
    influence = (by_psu_cell - weight_by_psu[:, None] * p) / total_w
    return p, design.variance_of_totals(influence)


# --- confidence intervals for a proportion --------------------------------------------------------


class CiMethod(StrEnum):
    LOGIT = "logit"
    XLOGIT = "xlogit"
    LIKELIHOOD = "likelihood"
    ASIN = "asin"
    BETA = "beta"  # Korn and Graubard (1998)
    MEAN = "mean"
    WILSON = "wilson"


@dataclass(frozen=True)
class Interval:
    estimate: float
    lower: float
    upper: float
    method: CiMethod
    level: float
    df: float
    fallback: bool = False  # at 0 or 1 every method degenerates: Clopper–Pearson on the records instead


def ci_proportion(
    est: Estimate, method: CiMethod | str = CiMethod.LOGIT, level: float = 0.95, df: float | None = None
) -> Interval:
    """`svyciprop`: an interval for a proportion from its design-based estimate and variance. `df`
    defaults to the design's degrees of freedom; float("inf") gives normal quantiles."""
    method = CiMethod(method)
    df = float(est.df) if df is None else df
    p, v, alpha = est.value, est.se**2, 1 - level
    if p <= 0 or p >= 1 or v <= 0:
        x, n = p * est.n, est.n
        lo = 0.0 if x <= 0 else float(st.beta.ppf(alpha / 2, x, n - x + 1))
        hi = 1.0 if x >= n else float(st.beta.ppf(1 - alpha / 2, x + 1, n - x))
        return Interval(p, lo, hi, method, level, df, fallback=True)
    t = _q(1 - alpha / 2, df)
    if method in (CiMethod.LOGIT, CiMethod.XLOGIT):
        half = t * est.se / (p * (1 - p))
        logit = np.log(p / (1 - p))
        lo, hi = _expit(logit - half), _expit(logit + half)
    elif method is CiMethod.MEAN:
        lo, hi = p - t * est.se, p + t * est.se
    elif method is CiMethod.ASIN:
        theta, se_theta = np.arcsin(np.sqrt(p)), est.se / (2 * np.sqrt(p * (1 - p)))
        lo, hi = np.sin(theta - t * se_theta) ** 2, np.sin(theta + t * se_theta) ** 2
    elif method is CiMethod.BETA:
        n_eff = p * (1 - p) / v * (_q(alpha / 2, est.n - 1) / _q(alpha / 2, df)) ** 2
        lo = st.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        hi = st.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    elif method is CiMethod.WILSON:
        n_eff = p * (1 - p) / v
        centre, half = p + t**2 / (2 * n_eff), t / (2 * n_eff) * np.sqrt(4 * n_eff * p * (1 - p) + t**2)
        lo, hi = (centre - half) / (1 + t**2 / n_eff), (centre + half) / (1 + t**2 / n_eff)
    else:
        lo, hi = _likelihood(p, v, est.n, df, level)
    return Interval(p, float(lo), float(hi), method, level, df)


def _q(q: float, df: float) -> float:
    return float(st.norm.ppf(q) if np.isinf(df) else st.t.ppf(q, df))


def _expit(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def _likelihood(p: float, v: float, n: int, df: float, level: float) -> tuple[float, float]:
    """The profile-likelihood interval as R computes it (svyciprop -> confint.svyglm ->
    MASSprofile_glm -> confint_profile): the Rao–Scott-scaled binomial deviance is profiled on a grid of
    logit values, an FMM cubic spline is fitted through the signed roots, and the limits are read off
    it by linear interpolation. Solving the deviance equation exactly differs from R by up to about
    2e-5; this follows R's steps so that the numbers agree."""
    se_logit = (v**0.5) / (p * (1 - p))
    lam = n * v / (p * (1 - p))
    q = _q((1 - level) / 2, df) * lam**0.5
    alpha = float(st.norm.cdf(q)) / 2
    zmax = float(np.sqrt(st.f.isf(alpha, 1, n - 1)))
    b0 = float(np.log(p / (1 - p)))
    phi = n / (n - 1)

    def signed_root(b: float) -> float:
        mu = _expit(b)
        zz = 2 * n * (p * np.log(p / mu) + (1 - p) * np.log((1 - p) / (1 - mu))) / phi
        return float(np.sign(b - b0) * np.sqrt(max(zz, 0.0)))

    points = [(b0, 0.0)]
    for sign in (-1, 1):
        z, step = 0.0, 0
        while (step := step + 1) < 10 and abs(z) < zmax:
            b = b0 + sign * step * (zmax / 5) * se_logit
            z = signed_root(b)
            points.append((b, z))
    xs, zs = (np.array(c) for c in zip(*sorted(points), strict=True))
    grid = np.linspace(xs[0], xs[-1], 3 * xs.size)
    curve = fmm_spline(xs, zs, grid)
    order = np.argsort(curve, kind="stable")
    cut = -q  # R inverts at +-|q|
    lo, hi = np.interp([-cut, cut], curve[order], grid[order])
    return _expit(float(lo)), _expit(float(hi))


def fmm_spline(x: Floats, y: Floats, at: Floats) -> Floats:
    """The Forsythe–Malcolm–Moler cubic spline through (x, y), evaluated at `at` (R's spline(),
    method "fmm": the end conditions match the third derivative of the cubic through the first and the
    last four points). Hand-written because scipy has no FMM end condition."""
    n = x.size
    if n < 3:
        return np.interp(at, x, y)
    h = np.diff(x)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    d[:-1] = h
    c[1:] = np.diff(y) / h
    b[1:-1] = 2 * (h[:-1] + h[1:])
    c[1:-1] = c[2:] - c[1:-1]
    b[0], b[-1], c[0], c[-1] = -h[0], -h[-1], 0.0, 0.0
    if n > 3:
        c0 = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        cn = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c0 * h[0] ** 2 / (x[3] - x[0])
        c[-1] = -cn * h[-1] ** 2 / (x[n - 1] - x[n - 4])
    for i in range(1, n):  # tridiagonal elimination: over the handful of grid points, not records
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[-1] /= b[-1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    slope = np.empty(n)
    slope[-1] = (y[-1] - y[-2]) / h[-1] + h[-1] * (c[-2] + 2 * c[-1])
    slope[:-1] = np.diff(y) / h - h * (c[1:] + 2 * c[:-1])
    cubic = np.empty(n)
    cubic[:-1] = np.diff(c) / h
    cubic[-1] = cubic[-2]
    quad = 3 * c
    at_ = np.clip(np.searchsorted(x, at, side="right") - 1, 0, n - 1)
    dx = at - x[at_]
    return np.asarray(y[at_] + dx * (slope[at_] + dx * (quad[at_] + dx * cubic[at_])), dtype=np.float64)


# --- tests of two-way tables ---------------------------------------------------------------------


class ChisqStatistic(StrEnum):
    F = "F"  # second-order Rao–Scott
    CHISQ = "Chisq"  # first-order Rao–Scott
    WALD = "Wald"
    ADJ_WALD = "adjWald"


@dataclass(frozen=True)
class TableTest:
    statistic: ChisqStatistic
    value: float  # F, X² (Chisq) or W/k (Wald)
    p_value: float
    ndf: float
    ddf: float


def chisq(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    design: Design,
    statistic: ChisqStatistic | str = "F",
    domain: Mask | None = None,
) -> TableTest:
    """`svychisq(~rows + cols)`: the association of two coded variables (codes 0..R-1 and 0..C-1), on
    the records of `domain` if given (R's na.rm=TRUE: records with a missing answer form no part of it)."""
    statistic = ChisqStatistic(statistic)
    if domain is not None:
        design = design.restrict(np.asarray(domain, dtype=bool))
        rows, cols = np.where(domain, rows, 0), np.where(domain, cols, 0)
    r_levels, c_levels = int(rows.max()) + 1, int(cols.max()) + 1
    cell = rows + r_levels * cols  # the row index varies fastest, as in R
    nu = design.degf()
    k = (r_levels - 1) * (c_levels - 1)
    if statistic in (ChisqStatistic.WALD, ChisqStatistic.ADJ_WALD):
        return _wald(cell, design, r_levels, c_levels, nu, statistic)
    p, v = cell_shares(cell, r_levels * c_levels, design)
    table = p.reshape(c_levels, r_levels).T
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    n = int((design.weights != 0).sum())
    x2 = float(n * ((table - expected) ** 2 / expected).sum())
    cm = _interaction_residuals(r_levels, c_levels)
    d_inv = np.diag(np.where(p > 0, 1 / np.where(p > 0, p, 1), 0.0))
    delta = np.linalg.solve(cm.T @ (d_inv / n) @ cm, cm.T @ d_inv @ v @ d_inv @ cm)
    trace, trace2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    if statistic is ChisqStatistic.CHISQ:
        return TableTest(statistic, x2, float(st.chi2.sf(x2 / (trace / k), k)), k, float("inf"))
    d0 = trace**2 / trace2
    f = x2 / trace
    return TableTest(statistic, f, float(st.f.sf(f, d0, nu * d0)), d0, nu * d0)


def _interaction_residuals(r_levels: int, c_levels: int) -> Floats:
    """The row x column interaction columns of the cell model matrix, made orthogonal to the main
    effects (R: qr.resid(qr(X1), X12[, interaction])). Cells are ordered with the row varying fastest."""
    r_idx = np.tile(np.arange(r_levels), c_levels)
    c_idx = np.repeat(np.arange(c_levels), r_levels)
    rows = (r_idx[:, None] == np.arange(1, r_levels)).astype(float)
    cols = (c_idx[:, None] == np.arange(1, c_levels)).astype(float)
    x1 = np.column_stack([np.ones(r_levels * c_levels), rows, cols])
    inter = np.column_stack([rows[:, i] * cols[:, j] for j in range(c_levels - 1) for i in range(r_levels - 1)])
    coef, *_ = np.linalg.lstsq(x1, inter, rcond=None)
    return np.asarray(inter - x1 @ coef, dtype=np.float64)


def _wald(
    cell: npt.NDArray[np.int64], design: Design, r_levels: int, c_levels: int, nu: int, statistic: ChisqStatistic
) -> TableTest:
    """Y_rc = T_rc - T_r+ T_+c / N for r, c >= 2, from the cell totals T and their covariance."""
    cells = r_levels * c_levels
    by_psu_cell = np.bincount(design.psu * cells + cell, weights=design.weights, minlength=design.n_psus * cells)
    by_psu_cell = by_psu_cell.reshape(design.n_psus, cells).astype(np.float64)
    totals = by_psu_cell.sum(axis=0)
    sigma = design.variance_of_totals(np.asarray(by_psu_cell, dtype=np.float64))
    t = totals.reshape(c_levels, r_levels).T
    n_hat, row_t, col_t = t.sum(), t.sum(axis=1), t.sum(axis=0)
    y, jac = [], []
    for c in range(1, c_levels):
        for r in range(1, r_levels):
            y.append(t[r, c] - row_t[r] * col_t[c] / n_hat)
            d = np.zeros((r_levels, c_levels))
            d[r, :] -= col_t[c] / n_hat
            d[:, c] -= row_t[r] / n_hat
            d[r, c] += 1
            d += row_t[r] * col_t[c] / n_hat**2
            jac.append(d.T.reshape(-1))
    y_arr, j = np.array(y), np.array(jac)
    wald = float(y_arr @ np.linalg.solve(j @ sigma @ j.T, y_arr))
    k = (r_levels - 1) * (c_levels - 1)
    if statistic is ChisqStatistic.WALD:
        return TableTest(statistic, wald / k, float(st.f.sf(wald / k, k, nu)), k, nu)
    adjusted = wald * (nu - k + 1) / (k * nu)
    return TableTest(statistic, adjusted, float(st.f.sf(adjusted, k, nu - k + 1)), k, nu - k + 1)
