"""Official exchange rates of the National Bank of Kazakhstan, as dated data: tenge for a unit of another
currency on a day. The pack ships the rates that were found with a source (kz-labour's data/nbk_rates.csv,
each row with its source and status); a user adds the rest from the National Bank's own tables with
`--rates FILE` (same columns). A day without a rate gives no conversion: unknown, never a neighbour's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from labourwatch.core.errors import DataError, Message, Problem
from labourwatch.packs.loader import RULEPACKS_ROOT

OFFICIAL = RULEPACKS_ROOT / "kz-labour" / "data" / "nbk_rates.csv"
COLUMNS = {"date": pa.date32(), "currency": pa.string(), "units": pa.float64(), "kzt": pa.float64()}


@dataclass(frozen=True)
class Rates:
    keys: np.ndarray  # "CUR:YYYY-MM-DD", sorted
    per_unit: np.ndarray  # tenge for one unit, in the order of keys
    sources: tuple[str, ...]  # the files read

    def lookup(self, currencies: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Tenge for one unit of each currency on each day: 1 for tenge, NaN where no rate is held."""
        wanted = np.char.add(np.char.add(currencies.astype(str), ":"), days.astype("datetime64[D]").astype(str))
        at = np.clip(np.searchsorted(self.keys, wanted), 0, max(len(self.keys) - 1, 0))
        found = self.keys[at] == wanted if len(self.keys) else np.zeros(len(wanted), bool)
        rate = np.where(found, self.per_unit[at] if len(self.keys) else np.nan, np.nan)
        return np.where(currencies.astype(str) == "KZT", 1.0, rate)


def load_rates(extra: Path | None = None) -> Rates:
    """The shipped rates, and a user's file on top (its rows win for the same currency and day)."""
    tables = [_read(OFFICIAL)] + ([_read(extra)] if extra else [])
    table = pa.concat_tables(tables)
    keys = pc.binary_join_element_wise(table["currency"], pc.cast(table["date"], pa.string()), ":").to_numpy(
        zero_copy_only=False
    )
    per_unit = (table["kzt"].to_numpy() / table["units"].to_numpy()).astype(np.float64)
    last = len(keys) - 1 - np.unique(keys[::-1], return_index=True)[1]  # the last row of each key wins
    order = last[np.argsort(keys[last])]
    return Rates(keys[order].astype(str), per_unit[order], tuple(str(t) for t in (OFFICIAL, extra) if t))


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
