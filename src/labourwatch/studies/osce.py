"""A SYNTHETIC sample calibrated to the published figures of the OSCE 2006/07 survey of CIS migrants in
Kazakhstan (Anderson & Hancilova 2009). It is invented data, never the survey's: it generates raw answers,
not classifications, so that the study's classes emerge from the rules of the `osce-kz-2006` pack.

Exact by construction: Table 1 (sector x citizenship, with the one misprinted cell corrected from the
printed totals); the compliance classes 227 / 853 / 265 (the paper's counts sum to 1,499, so the last
record falls among the 155 unknown); the unfreedom classes 353 / 694 / 376 (77 unknown), including the
paper's shares within the compliant and non-compliant. Approximate (within sampling error): the
conditions of Tables 2 and 3, drawn per record with a rate fitted to both tables; and the shares the
text reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from labourwatch.core.columns import REFERENCE_DATE, REFERENCE_PERIOD
from labourwatch.i18n.yamlfiles import read_yaml

PUBLISHED_PATH = Path(__file__).with_name("osce-kz-2006.yaml")
FIELDWORK = (date(2006, 10, 1), date(2007, 1, 31))

# How the "other" citizenship row of Table 1 is spread (the paper: 58 from the South Caucasus, and
# people from Ukraine, Belarus, Moldova and Chechnya).
OTHER_CITIZENSHIPS = ["ARM", "AZE", "GEO"] * 19 + ["GEO"] + ["UKR", "BLR", "MDA"] * 8
# Records without a sector, by citizenship: the text's national totals minus Table 1's rows.
WITHOUT_SECTOR = {"UZB": 18, "KGZ": 5, "other": 1}

# Compliance classes by sector (agriculture 6.9 % compliant, construction 18.5 %, non-compliance
# concentrated in agriculture); each row sums to the sector's size, each column to the class's total.
COMPLIANCE_BY_SECTOR = {  # non_compliant, compliant, unknown; semi-compliant is the rest
    "agriculture": (80, 20, 30),
    "construction": (50, 90, 50),
    "trade": (45, 95, 40),
    "domestic_services": (15, 15, 10),
    "health_education_food": (15, 25, 12),
    "other": (10, 15, 8),
    None: (12, 5, 5),
}
# Unfreedom classes within each compliance class: free, unfree, unknown; ambivalent is the rest.
UNFREEDOM_BY_COMPLIANCE = {
    "non_compliant": (15, 100, 10),  # 6.6 % free, 44 % unfree
    "compliant": (72, 58, 10),  # 27 % free, 22 % unfree
    "semi_compliant": (230, 190, 45),
    "unknown": (36, 28, 12),
}


@cache
def published() -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(PUBLISHED_PATH)
    return data


def corrected_table1() -> dict[str, list[int]]:
    """Table 1 with the misprinted cell replaced by the value its printed row and column totals imply."""
    t1 = published()["table1"]
    rows = {k: list(v) for k, v in t1["rows"].items()}
    fix = t1["erratum"]
    rows[fix["row"]][t1["sectors"].index(fix["column"])] = fix["implied_by_totals"]
    return rows


@dataclass(frozen=True)
class Frame:
    """Who is in the sample: citizenship, sector, and the classes their answers must produce."""

    citizenship: np.ndarray[Any, Any]
    sector: np.ndarray[Any, Any]
    compliance: np.ndarray[Any, Any]
    unfreedom: np.ndarray[Any, Any]


def _frame(rng: np.random.Generator) -> Frame:
    t1 = published()["table1"]
    citizenship: list[str] = []
    sector: list[str | None] = []
    for country, cells in corrected_table1().items():
        for name, count in zip(t1["sectors"], cells, strict=True):
            citizenship += [country] * count
            sector += [name] * count
    for country, count in WITHOUT_SECTOR.items():
        citizenship += [country] * count
        sector += [None] * count
    sectors = np.array(sector, dtype=object)
    compliance = np.empty(len(sectors), dtype=object)
    for name, (non, comp, unknown) in COMPLIANCE_BY_SECTOR.items():
        idx = rng.permutation(np.flatnonzero(np.array([s == name for s in sector])))
        semi = len(idx) - non - comp - unknown
        compliance[idx] = (
            ["non_compliant"] * non + ["compliant"] * comp + ["unknown"] * unknown + ["semi_compliant"] * semi
        )
    unfreedom = np.empty(len(sectors), dtype=object)
    for cls, (free, unfree, unknown) in UNFREEDOM_BY_COMPLIANCE.items():
        idx = rng.permutation(np.flatnonzero(compliance == cls))
        ambivalent = len(idx) - free - unfree - unknown
        unfreedom[idx] = ["free"] * free + ["unfree"] * unfree + ["unknown"] * unknown + ["ambivalent"] * ambivalent
    citizens = np.array(citizenship, dtype=object)
    others = np.flatnonzero(citizens == "other")
    citizens[others] = OTHER_CITIZENSHIPS[: len(others)]
    return Frame(citizens, sectors, compliance, unfreedom)


def _legal_answers(f: Frame, rng: np.random.Generator) -> dict[str, np.ndarray[Any, Any]]:
    """Migration card, registration, contract, licence and "is your work legal" for each target class."""
    n = len(f.sector)
    card = np.full(n, "yes", dtype=object)
    reg = np.full(n, "yes", dtype=object)
    contract = np.zeros(n, dtype=object)
    licence = rng.choice(np.array(["no", "dont_know"], dtype=object), n)
    legal = np.where(rng.random(n) < 0.5, "yes", "no").astype(object)
    for i in range(n):  # a few hundred cases of a fixed list of patterns; not a hot path
        cls, maybe_trade = f.compliance[i], f.sector[i] in ("trade", None)
        if cls == "non_compliant":
            card[i], reg[i], contract[i] = "no", "no", False
            # "legal" without a contract is not legal, except perhaps in trade (and with no sector known)
            legal[i] = "no" if maybe_trade or rng.random() < 0.7 else "yes"
        elif cls == "compliant":
            contract[i] = rng.random() < 0.75
            licence[i] = "yes" if not contract[i] else licence[i]
            legal[i] = "yes" if rng.random() < 0.9 else legal[i]
        elif cls == "unknown":
            if rng.random() < 0.9:  # card and registration, but the contract was not answered
                contract[i] = None
            else:  # neither card nor registration; legality and contract not answered
                card[i], reg[i], contract[i], legal[i] = "no", "no", None, None
        else:  # semi-compliant: card and registration without contract or licence, or one of them missing
            pattern = rng.random()
            contract[i] = False
            if pattern < 0.78:
                pass
            elif pattern < 0.90:
                reg[i] = "no"
            elif pattern < 0.95:
                card[i] = "hard_to_say"
            else:
                card[i], contract[i] = "no", rng.random() < 0.5
    return {
        "migration_card": card,
        "residence_registration": reg,
        "written_contract": contract,
        "employer_licence": licence,
        "work_legal_self_report": legal,
    }


def _leaving_answers(f: Frame, rng: np.random.Generator) -> dict[str, np.ndarray[Any, Any]]:
    """The two questions behind the unfreedom classes, answered so that each target class results."""
    n = len(f.sector)
    can_leave = np.empty(n, dtype=object)
    reasons = np.empty(n, dtype=object)
    other_reason = np.array(["no_better_job", "would_lose_pay", "not_applicable", "debt"], dtype=object)
    for i in range(n):
        cls, r = f.unfreedom[i], rng.random()
        if cls == "free":
            can_leave[i], reasons[i] = "yes", rng.choice(other_reason)
        elif cls == "unfree":
            can_leave[i], reasons[i] = (
                ("no", "cant_leave_employer")
                if r < 0.8
                else (("hesitate", "cant_leave_employer") if r < 0.9 else ("no", "hesitate"))
            )
        elif cls == "ambivalent":
            can_leave[i], reasons[i] = (
                ("yes", "cant_leave_employer") if r < 0.3 else ("no", rng.choice(other_reason[:2]))
            )
        else:
            can_leave[i], reasons[i] = (None, None) if r < 0.6 else ("hesitate", "no_better_job")
    return {"can_leave_employer_freely": can_leave, "reasons_not_changing_job": reasons}


def _condition(f: Frame, rng: np.random.Generator, row: str) -> np.ndarray[Any, Any]:
    """True with the probability the published tables give for the record's classes. A condition in
    both tables gets a rate per (compliance, unfreedom) pair fitted to both tables' columns by iterative
    proportional fitting over the sample's joint class counts (the fit ends on Table 3's side, where the
    two rounded tables cannot both be met exactly). Unknown classes take the mean."""
    p = published()
    t3 = p["table3"]["rows"].get(row)
    t2 = p["table2"]["rows"].get(row)
    c_cols, u_cols = p["table3"]["columns"], p["table2"]["columns"]
    c_rate = dict(zip(c_cols, t3, strict=True)) if t3 else {}
    u_rate = dict(zip(u_cols, t2, strict=True)) if t2 else {}
    if not (t3 and t2):
        lookup, classes = (c_rate, f.compliance) if t3 else (u_rate, f.unfreedom)
        mean = float(np.mean(list(lookup.values())))
        rate = np.array([lookup.get(c, mean) for c in classes], dtype=float) / 100
        return rng.random(len(f.sector)) < rate
    cs, us = [*c_cols, "unknown"], [*u_cols, "unknown"]
    counts = np.array([[np.sum((f.compliance == c) & (f.unfreedom == u)) for u in us] for c in cs], dtype=float)
    fit = np.full(counts.shape, float(np.mean(t3)) / 100)
    for _ in range(200):  # alternate: match Table 2's columns, then Table 3's
        for j, u in enumerate(u_cols):
            got = (counts[:, j] * fit[:, j]).sum() / counts[:, j].sum()
            fit[:, j] *= (u_rate[u] / 100) / got if got > 0 else 1
        for i, c in enumerate(c_cols):
            got = (counts[i] * fit[i]).sum() / counts[i].sum()
            fit[i] *= (c_rate[c] / 100) / got if got > 0 else 1
        fit = np.clip(fit, 0, 0.95)
    index_c = {c: i for i, c in enumerate(cs)}
    index_u = {u: j for j, u in enumerate(us)}
    rate = np.array([fit[index_c[c], index_u[u]] for c, u in zip(f.compliance, f.unfreedom, strict=True)])
    return rng.random(len(f.sector)) < rate


STUDY_SIZE = 1500


def calibrated_sample(seed: int = 2006, n: int = STUDY_SIZE) -> pa.Table:
    """`n` SYNTHETIC records of raw answers calibrated to the published figures (see the module). Larger
    samples are whole blocks of the study's 1,500, each with its own seed, so every proportion holds
    exactly at multiples of 1,500; the last block is cut short when `n` is not one."""
    blocks = [_block(seed + i, first=i * STUDY_SIZE) for i in range(-(-n // STUDY_SIZE))]
    return pa.concat_tables(blocks).slice(0, n)


def _block(seed: int, first: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    f = _frame(rng)
    n = len(f.sector)
    days = (FIELDWORK[1] - FIELDWORK[0]).days + 1
    ref = [FIELDWORK[0] + timedelta(days=int(d)) for d in rng.integers(0, days, n)]
    over11 = _condition(f, rng, "works_over_11_hours")
    hours = np.where(
        over11,
        rng.choice([11.5, 12, 12, 12, 13, 14], n),
        np.where(rng.random(n) < 0.5, rng.choice([9, 10, 11], n), rng.choice([6, 8, 8], n)),
    ).astype(float)
    under_min = _condition(f, rng, "earns_under_minimum_wage")
    pay = np.where(under_min, rng.integers(40, 91, n) * 100, rng.integers(93, 400, n) * 100).astype(float)
    no_pay = _condition(f, rng, "no_remuneration")
    answers: dict[str, Any] = {
        "id": [f"OSCE-SYN-{i:04d}" for i in range(first + 1, first + n + 1)],
        REFERENCE_DATE: ref,
        REFERENCE_PERIOD: np.full(n, "current", dtype=object),  # migrants asked about the job they were in
        "citizenship": f.citizenship,
        "sector": f.sector,
        "sex": np.where(rng.random(n) < 0.3, "female", "male").astype(object),
        "age": np.clip(rng.normal(30, 8, n).round(), 17, 65),
        "entry_date": [d - timedelta(days=int(k)) for d, k in zip(ref, rng.integers(10, 400, n), strict=True)],
        **_legal_answers(f, rng),
        **_leaving_answers(f, rng),
        "hours_per_day": np.where(rng.random(n) < 168 / 1500, np.nan, hours),
        "days_per_month": np.where(rng.random(n) < 0.42, 30.0, rng.choice([22.0, 26.0], n)),
        "monthly_pay": np.where(rng.random(n) < 0.3, np.nan, pay),
        "pay_currency": np.full(n, "KZT", dtype=object),
        "pay_method": np.where(no_pay, "not_paid", "cash").astype(object),
        "pay_timing": np.where(_condition(f, rng, "uncertain_payment"), "end_of_season", "monthly").astype(object),
        "can_be_fired_any_time": _condition(f, rng, "can_be_fired_any_time"),
        "work_too_intense": _condition(f, rng, "work_too_intense"),
        "confinement": _condition(f, rng, "physically_confined"),
        "violence": _condition(f, rng, "violence"),
        "threats": _condition(f, rng, "threats"),
        "harsh_conditions": _condition(f, rng, "harsh_conditions"),
        "inhuman_conditions": _condition(f, rng, "inhuman_conditions"),
        "documents_held_by_employer": rng.random(n) < 0.19,
        "travel_debt": rng.random(n) < 0.20,
        "depends_on_employer_food_water": rng.random(n) < 0.40,
        "needed_medical_care": rng.random(n) < 0.29,
    }
    return pa.table({k: _column(v) for k, v in answers.items()})


def _column(values: Any) -> pa.Array:
    if isinstance(values, np.ndarray) and values.dtype == float:
        return pa.array(values, mask=np.isnan(values))  # missing answers as nulls, not NaN
    if isinstance(values, np.ndarray) and values.dtype == object:
        return pa.array(list(values))
    return pa.array(values)
