"""Statistical disclosure control for what is published about people at risk (shared/research/
statistics.md §5): small-cell suppression of tables with secondary suppression audited by linear
programming, rounding, and k-anonymity / l-diversity of microdata on quasi-identifiers.

The proposed policy of §5.3 is the default: a cell, margin or denominator with fewer than 10
respondents (unweighted) is suppressed, weighted counts are rounded to 10, microdata need k >= 5."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Policy:
    threshold: int = 10  # fewest respondents a published cell, margin or denominator may rest on
    zeros_disclosive: bool = False  # a 0 can reveal that nobody in a group has the attribute
    round_base: float | None = 10  # weighted counts are rounded to this base (None: not rounded)
    k_anonymity: int = 5  # microdata: fewest records sharing a combination of quasi-identifiers

    def describe(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "zeros_disclosive": self.zeros_disclosive,
            "round_base": self.round_base,
            "k_anonymity": self.k_anonymity,
        }


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table with its margins: `values` (R+1 x C+1, the last row and column the margins, the
    corner the grand total), which entries are suppressed and why."""

    values: Floats
    counts: Counts
    primary: Mask  # fewer respondents than the threshold, or withheld by the caller
    secondary: Mask  # suppressed so that the primary ones cannot be worked out from the margins
    intervals: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)  # what the rest allows

    @property
    def suppressed(self) -> Mask:
        return self.primary | self.secondary


def with_margins(table: Floats) -> Floats:
    out = np.zeros((table.shape[0] + 1, table.shape[1] + 1))
    out[:-1, :-1] = table
    out[:-1, -1] = table.sum(axis=1)
    out[-1, :-1] = table.sum(axis=0)
    out[-1, -1] = table.sum()
    return out


def protect_table(
    values: Floats, counts: Counts, policy: Policy = Policy(), withheld: Mask | None = None
) -> ProtectedTable:
    """Suppress the cells and margins that rest on fewer than `threshold` respondents (and the entries
    `withheld` marks, such as a margin a linked table withholds), then enough other cells that none of
    them can be worked out from what is published, alone or as a small group (a row or column of the
    table with its margins then holds no suppressed entry, or at least two, and unless its margin is
    suppressed too they add up to `threshold` or more), and audit the result by linear programming:
    every suppressed entry must be able to take a range of values."""
    full_values, full_counts = with_margins(values), with_margins(counts.astype(np.float64)).astype(np.int64)
    small = full_counts < policy.threshold
    primary = small & ((full_counts > 0) | policy.zeros_disclosive)
    if withheld is not None:
        primary |= withheld
    secondary = _secondary(full_counts, primary, policy.threshold)
    suppressed = primary | secondary
    intervals = audit(full_values, suppressed)
    if policy.round_base:
        full_values = np.round(full_values / policy.round_base) * policy.round_base
    return ProtectedTable(full_values, full_counts, primary, secondary, intervals)


def _secondary(counts: Counts, primary: Mask, threshold: int) -> Mask:
    """The simple heuristic of statistics.md §5.1, with the group rule: while a row or column (margins
    included) holds exactly one suppressed entry, or publishes its margin while its suppressed cells
    add up to fewer than `threshold` (their sum is then a small cell of its own), suppress its smallest
    other entry, interior cells before margins."""
    suppressed = primary.copy()
    rows, cols = counts.shape
    interior = np.zeros_like(primary)
    interior[:-1, :-1] = True
    lines = [(i, slice(None)) for i in range(rows)] + [(slice(None), j) for j in range(cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not _exposed(counts[line], suppressed[line], threshold):
                continue
            candidates = np.where(~suppressed[line], counts[line] + np.where(interior[line], 0, 10**12), np.inf)
            if np.isinf(candidates).all():
                continue
            # a zero cell protects nothing: prefer the smallest positive count
            candidates = np.where(counts[line] == 0, candidates + 10**9, candidates)
            pick = int(np.argmin(candidates))
            index = (line[0], pick) if isinstance(line[0], int) else (pick, line[1])
            suppressed[index] = True
            changed = True
    return suppressed & ~primary


def _exposed(counts: Counts, suppressed: Mask, threshold: int) -> bool:
    """Whether a line's suppressed cells can be worked out, alone or as a small group, from the rest
    (the line's last entry is its margin)."""
    hidden = int(suppressed.sum())
    if hidden == 1:
        return True
    margin_published = not suppressed[-1]
    return hidden > 1 and margin_published and int(counts[:-1][suppressed[:-1]].sum()) < threshold


def audit(values: Floats, suppressed: Mask) -> dict[tuple[int, int], tuple[float, float]]:
    """For each suppressed entry of a table with margins, the smallest and largest value it can take
    given the published entries, the additivity of rows and columns, and non-negativity."""
    unknown = [(int(i), int(j)) for i, j in np.argwhere(suppressed)]
    if not unknown:
        return {}
    position = {idx: k for k, idx in enumerate(unknown)}
    rows, cols = values.shape
    a_eq: list[Floats] = []
    b_eq: list[float] = []
    lines = [[(i, j) for j in range(cols - 1)] + [(i, cols - 1)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows - 1)] + [(rows - 1, j)] for j in range(cols)]
    for line in lines:
        *parts, margin = line
        coef = np.zeros(len(unknown))
        rhs = 0.0
        for cell in parts:
            if cell in position:
                coef[position[cell]] += 1
            else:
                rhs -= float(values[cell])
        if margin in position:
            coef[position[margin]] -= 1
        else:
            rhs += float(values[margin])
        if coef.any():
            a_eq.append(coef)
            b_eq.append(rhs)
    out = {}
    for idx, k in position.items():
        objective = np.zeros(len(unknown))
        objective[k] = 1
        bounds = [(0, None)] * len(unknown)
        low = linprog(objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        hi = float("inf") if high.status == 3 or high.fun is None else -float(high.fun)
        out[idx] = (float(low.fun or 0.0), hi)
    return out


# --- microdata ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anonymity:
    k: int  # the smallest number of records sharing a combination of the quasi-identifiers
    at_risk: npt.NDArray[np.int64]  # rows (0-based) in combinations smaller than the policy's k
    key_sizes: Counts  # per record, how many records share its combination
    l_diversity: int | None  # distinct values of the sensitive variable in the least diverse combination


def anonymity(keys: npt.NDArray[np.int64], k: int, sensitive: npt.NDArray[np.int64] | None = None) -> Anonymity:
    """`keys`: one integer code per record for its combination of quasi-identifier values."""
    _, inverse, sizes = np.unique(keys, return_inverse=True, return_counts=True)
    per_record = sizes[inverse]
    diversity = None
    if sensitive is not None:
        pairs = np.unique(np.stack([inverse, sensitive]), axis=1)
        diversity = int(np.bincount(pairs[0]).min())
    at_risk = np.flatnonzero(per_record < k)
    return Anonymity(int(sizes.min()), at_risk.astype(np.int64), per_record.astype(np.int64), diversity)


def combine_codes(columns: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """One code per record for its combination of coded columns (each 0..m-1, -1 for missing)."""
    key = np.zeros(columns[0].shape[0], dtype=np.int64)
    for col in columns:
        key = key * (int(col.max()) + 2) + (col + 1)
    return key
