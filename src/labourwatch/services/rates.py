"""Official exchange rates of the National Bank of Kazakhstan, as dated data: tenge for a unit of another
currency on a day. The pack ships the rates that were found with a source (kz-labour's data/nbk_rates.csv,
each row with its source and status); a user adds the rest from the National Bank's own tables with
`--rates FILE` (same columns). A day without a rate gives no conversion: unknown, never a neighbour's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from labourwatch.core.errors import DataError, Message, Problem
from labourwatch.packs.paths import RULEPACKS_ROOT

OFFICIAL = RULEPACKS_ROOT / "kz-labour" / "data" / "nbk_rates.csv"
COLUMNS = {"date": pa.date32(), "currency": pa.string(), "units": pa.float64(), "kzt": pa.float64()}


@dataclass(frozen=True)
class Rates:
    currencies: tuple[str, ...]  # the codes held, sorted
    keys: np.ndarray  # currency index x 2^20 + days since 1970, sorted (integers: no string per record)
    per_unit: np.ndarray  # tenge for one unit, in the order of keys
    sources: tuple[str, ...]  # the files read

    def lookup(self, currencies: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Tenge for one unit of each currency on each day: 1 for tenge, NaN where no rate is held."""
        codes, index = np.unique(currencies.astype(str), return_inverse=True)  # a few codes, many records
        held = np.array([self.currencies.index(c) if c in self.currencies else -1 for c in codes])[index]
        wanted = held * DAY_BITS + days.astype("datetime64[D]").astype(np.int64)
        at = np.clip(np.searchsorted(self.keys, wanted), 0, max(len(self.keys) - 1, 0))
        found = (held >= 0) & (self.keys[at] == wanted) if len(self.keys) else np.zeros(len(wanted), bool)
        rate = np.where(found, self.per_unit[at] if len(self.keys) else np.nan, np.nan)
        return np.where(codes[index] == "KZT", 1.0, rate)


DAY_BITS = 1 << 20  # days since 1970 stay below it until the year 4840


def load_rates(extra: Path | None = None) -> Rates:
    """The shipped rates, and a user's file on top (its rows win for the same currency and day)."""
    table = pa.concat_tables([_shipped()] + ([_read(extra)] if extra else []))
    names = table["currency"].to_numpy(zero_copy_only=False).astype(str)
    currencies, code = np.unique(names, return_inverse=True)
    keys = code * DAY_BITS + table["date"].to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
    per_unit = (table["kzt"].to_numpy() / table["units"].to_numpy()).astype(np.float64)
    last = len(keys) - 1 - np.unique(keys[::-1], return_index=True)[1]  # the last row of each key wins
    order = last[np.argsort(keys[last])]
    sources = ("kz-labour/data/nbk_rates.csv", *([str(extra)] if extra else []))
    return Rates(tuple(str(c) for c in currencies), keys[order], per_unit[order], sources)


@cache
def _shipped() -> pa.Table:
    """The pack's rates, read once a process."""
    return _read(OFFICIAL)


@dataclass(frozen=True)
class _File:
    label: str
    header_lines: int = 1


def _read(path: Path) -> pa.Table:
    source = _File(str(path))
    try:
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=COLUMNS))
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(
            source, [Problem(None, None, None, Message("rates_unreadable", {"error": str(exc)}))], 1
        ) from None
    missing = [c for c in COLUMNS if c not in table.column_names]
    bad = pc.or_(pc.less_equal(table["units"], 0), pc.less_equal(table["kzt"], 0)) if not missing else None
    if missing or pc.any(bad).as_py():
        rows = [] if missing else pc.indices_nonzero(bad).to_pylist()[:20]
        problems = [Problem(r + 1, "kzt", None, Message("rates_not_positive")) for r in rows] or [
            Problem(None, ", ".join(missing), None, Message("rates_columns"))
        ]
        raise DataError(source, problems, len(problems))
    return table.select(list(COLUMNS))
