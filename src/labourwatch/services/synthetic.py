"""Synthetic answers for demonstrations, tests and benchmarks. INVENTED DATA, not survey data.

The shares are rough orders of magnitude from the seed study (Anderson & Hancilova 2009) so that the
findings are not all alike; they are not calibrated to its tables. Generation is vectorised with NumPy
and chunked, so 10^7 records never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.packs import load_schema

CHUNK = 500_000


@dataclass(frozen=True)
class SynthSpec:
    n: int
    seed: int = 7
    start: date = date(2006, 10, 1)  # the seed study's fieldwork: Oct 2006 - Jan 2007
    end: date = date(2007, 1, 31)
    missing_share: float = 0.04  # answers left blank at random, to exercise "unknown"


def _choice(rng: np.random.Generator, n: int, options: dict[str, float]) -> np.ndarray:
    keys = list(options)
    p = np.array(list(options.values()), dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _yes_no(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def _blank(rng: np.random.Generator, arr: pa.Array, share: float) -> pa.Array:
    mask = pa.array(rng.random(len(arr)) < share)
    return pc.if_else(mask, pa.nulls(len(arr), arr.type), arr)


def chunk(spec: SynthSpec, first: int, n: int, rng: np.random.Generator) -> pa.Table:
    days = (spec.end - spec.start).days + 1
    ref = np.datetime64(spec.start) + rng.integers(0, days, n).astype("timedelta64[D]")
    entry = ref - rng.integers(1, 420, n).astype("timedelta64[D]")
    hours = np.clip(np.round(rng.normal(10.5, 2.4, n) * 2) / 2, 2, 18)
    days_month = _choice(rng, n, {"22": 0.25, "26": 0.33, "30": 0.42}).astype(np.int64)
    rest = np.select([days_month >= 30, days_month >= 26], [0, 1], 2)
    year_scale = 1 + (ref.astype("datetime64[Y]").astype(int) + 1970 - 2006) * 0.12
    pay = np.round(rng.lognormal(np.log(22000), 0.5, n) * year_scale, -2)
    columns = {
        "id": pa.array([f"SYN-{i:06d}" for i in range(first + 1, first + n + 1)]),
        REFERENCE_DATE: pa.array(ref.astype("datetime64[D]"), pa.date32()),
        "citizenship": pa.array(
            _choice(
                rng,
                n,
                {"UZB": 0.51, "KGZ": 0.30, "RUS": 0.10, "TJK": 0.03, "TKM": 0.01, "ARM": 0.02, "UKR": 0.03},
            ),
            pa.string(),
        ),
        "sex": pa.array(_choice(rng, n, {"male": 0.69, "female": 0.31}), pa.string()),
        "age": pa.array(np.clip(rng.normal(31, 9, n).round(), 15, 70), pa.float64()),
        "sector": pa.array(
            _choice(
                rng,
                n,
                {
                    "agriculture": 0.2,
                    "construction": 0.33,
                    "trade": 0.29,
                    "domestic_services": 0.06,
                    "health_education_food": 0.08,
                    "other": 0.04,
                },
            ),
            pa.string(),
        ),
        "employer_type": pa.array(
            _choice(rng, n, {"legal_entity": 0.35, "entrepreneur": 0.35, "household": 0.2, "self_employed": 0.1}),
            pa.string(),
        ),
        "first_visit": pa.array(_yes_no(rng, n, 0.4)),
        "entry_date": pa.array(entry.astype("datetime64[D]"), pa.date32()),
        "migration_card": pa.array(_choice(rng, n, {"yes": 0.78, "no": 0.19, "hard_to_say": 0.03}), pa.string()),
        "residence_registration": pa.array(
            _choice(rng, n, {"yes": 0.68, "no": 0.28, "hard_to_say": 0.04}), pa.string()
        ),
        "written_contract": pa.array(_yes_no(rng, n, 0.17)),
        "employer_licence": pa.array(_choice(rng, n, {"yes": 0.2, "no": 0.45, "dont_know": 0.35}), pa.string()),
        "work_permit_own": pa.array(_choice(rng, n, {"yes": 0.08, "no": 0.85, "dont_know": 0.07}), pa.string()),
        "work_legal_self_report": pa.array(_choice(rng, n, {"yes": 0.49, "no": 0.41, "hard_to_say": 0.1}), pa.string()),
        "hazardous_work": pa.array(_yes_no(rng, n, 0.1)),
        "hours_per_day": pa.array(hours, pa.float64()),
        "days_per_month": pa.array(days_month.astype(float), pa.float64()),
        "rest_days_per_week": pa.array(rest.astype(float), pa.float64()),
        "agreed_hours_per_day": pa.array(np.clip(hours - rng.integers(0, 5, n), 4, 16), pa.float64()),
        "monthly_pay": pa.array(pay, pa.float64()),
        "pay_currency": pa.array(_choice(rng, n, {"KZT": 0.85, "USD": 0.15}), pa.string()),
        "pay_timing": pa.array(
            _choice(
                rng,
                n,
                {
                    "monthly": 0.6,
                    "weekly": 0.1,
                    "daily": 0.05,
                    "end_of_season": 0.15,
                    "when_employer_wants": 0.1,
                },
            ),
            pa.string(),
        ),
        "accommodation": pa.array(
            _choice(rng, n, {"employer_provided": 0.5, "at_workplace": 0.17, "rented": 0.23, "relatives": 0.1}),
            pa.string(),
        ),
        "depends_on_employer_food_water": pa.array(_yes_no(rng, n, 0.4)),
        "documents_held_by_employer": pa.array(_yes_no(rng, n, 0.19)),
        "travel_debt": pa.array(_yes_no(rng, n, 0.2)),
        "violence": pa.array(_yes_no(rng, n, 0.03)),
        "threats": pa.array(_yes_no(rng, n, 0.08)),
        "confinement": pa.array(_yes_no(rng, n, 0.085)),
        "deceived_about_job": pa.array(_yes_no(rng, n, 0.15)),
        "can_leave_employer_freely": pa.array(_choice(rng, n, {"yes": 0.55, "no": 0.35, "hesitate": 0.1}), pa.string()),
        "pay_method": pa.array(
            _choice(rng, n, {"cash": 0.82, "bank": 0.05, "in_kind": 0.05, "not_paid": 0.08}), pa.string()
        ),
        "recruited_by": pa.array(
            _choice(rng, n, {"employer": 0.3, "intermediary": 0.2, "relatives_friends": 0.35, "myself": 0.15}),
            pa.string(),
        ),
        "reference_period": pa.array(np.full(n, "current", dtype=object), pa.string()),
        "age_at_recruitment": pa.array(
            np.clip(rng.normal(31, 9, n).round() - (ref - entry).astype(int) // 365, 14, 70), pa.float64()
        ),
    }
    columns |= _evidence(rng, n, set(columns))
    table = pa.table(columns)
    keep = {"id", REFERENCE_DATE}
    arrays = [
        col if name in keep else _blank(rng, col, spec.missing_share)
        for name, col in zip(table.column_names, table.columns, strict=True)
    ]
    return pa.table(dict(zip(table.column_names, arrays, strict=True)))


EVIDENCE_MODULES = {"recruitment", "coercion", "employment", "living", "working_time", "pay", "leaving"}


def _evidence(rng: np.random.Generator, n: int, done: set[str]) -> dict[str, pa.Array]:
    """The other evidence atoms of the standards: yes for a few, more often in the same jobs (a latent
    'abusiveness' of each job drives every atom), and one vulnerability per person or none."""
    abusive = rng.beta(0.6, 4.0, n)  # most jobs low, a few high: abuses cluster
    out: dict[str, pa.Array] = {}
    for name, var in load_schema().variables.items():
        if name in done or var.module not in EVIDENCE_MODULES:
            continue
        if var.kind == "boolean":
            out[name] = pa.array(rng.random(n) < np.clip(0.003 + 0.6 * abusive**2, 0, 0.95))
        elif var.kind == "multiple" and "none" in var.values:
            codes = {code: (0.5 if code == "none" else 0.5 / (len(var.values) - 1)) for code in var.values}
            out[name] = pa.array(_choice(rng, n, codes), pa.string())
    return out


def generate(spec: SynthSpec) -> Iterator[pa.Table]:
    rng = np.random.default_rng(spec.seed)
    for first in range(0, spec.n, CHUNK):
        yield chunk(spec, first, min(CHUNK, spec.n - first), rng)


def write_table(table: pa.Table, path: str | Path, *, note: str) -> Path:
    """Write one synthetic table to CSV or Parquet; Parquet metadata says it is synthetic."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".parquet":
        pq.write_table(table.replace_schema_metadata({b"labourwatch_synthetic": note.encode()}), out)
    else:
        columns = {
            name: pc.binary_join(col, " ") if pa.types.is_list(col.type) else col
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
        pacsv.write_csv(pa.table(columns), out)
    return out


def write(spec: SynthSpec, path: str | Path) -> Path:
    """Write `spec.n` synthetic records to CSV or Parquet, chunk by chunk; the file says it is synthetic."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    note = {
        b"labourwatch_synthetic": f"SYNTHETIC records, seed={spec.seed}, n={spec.n}; invented, not survey data".encode()
    }
    if out.suffix.lower() == ".parquet":
        writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
        for table in generate(spec):
            table = table.replace_schema_metadata(note)
            writer = writer or pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
    elif out.suffix.lower() == ".csv":
        writer = None
        for table in generate(spec):
            writer = writer or pacsv.CSVWriter(out, table.schema)
            writer.write_table(table)
    else:
        raise ValueError(f"{out}: write .csv or .parquet")
    if writer is not None:
        writer.close()
    return out
