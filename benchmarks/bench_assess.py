"""Assessment throughput and peak memory at several sizes, in one run, against baselines:

  naive   the same findings written by hand in Python, row by row, with pandas `apply`
          (what an analyst would write without labourwatch);
  pandas  the same findings vectorised with pandas, and
  polars  with Polars, as a competent analyst would write them (baselines.py);
  scan    a plain DuckDB scan that reads the same input and writes the same columns, no rules.

labourwatch itself runs with kz-labour and kz-migration (the findings the baselines compute), with
kz-labour alone, with every pack, and with every pack writing the results only.

Each case runs in a fresh subprocess, so its peak resident memory (VmHWM) is its own. Inputs are
synthetic Parquet files made once under benchmarks/data/. Results go to docs/benchmarks.md.

    python benchmarks/bench_assess.py --sizes 100000 1000000 10000000 [--naive-max 1000000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from bisect import bisect_right
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DOC = HERE.parent / "docs" / "benchmarks.md"
MARK_BEGIN, MARK_END = "<!-- results:begin -->", "<!-- results:end -->"
PACKS_BEGIN, PACKS_END = "<!-- packs:begin -->", "<!-- packs:end -->"


def input_for(n: int) -> Path:
    from labourwatch.services.synthetic import SynthSpec, write

    path = DATA / f"synth-{n}.parquet"
    if not path.exists():
        # Reference dates over 2006-2026 so that every act and minimum wage is exercised.
        write(SynthSpec(n, seed=11, start=date(2006, 1, 1), end=date(2025, 12, 31)), path)
    return path


# --- the cases, each run in its own process ----------------------------------------------------------


PACKS = ["kz-labour", "kz-migration"]  # the findings the naive version computes too


def assessing(**options: Any) -> Callable[[Path, Path], int]:
    """A case assessing with labourwatch under these options (the packs, the output mode)."""

    def case(src: Path, out: Path) -> int:
        from labourwatch.api import assess_file

        return assess_file(src, out, **options).rows

    return case


def case_scan(src: Path, out: Path) -> int:
    import duckdb

    con = duckdb.connect()
    rows = con.execute(f"COPY (SELECT * FROM read_parquet('{src}')) TO '{out}' (FORMAT parquet)").fetchall()
    return int(rows[0][0])


def case_naive(src: Path, out: Path) -> int:
    """The findings of kz-labour and kz-migration, by hand, one row at a time."""
    import pandas as pd

    from labourwatch.core.columns import MONTH_WORKING_DAYS
    from labourwatch.packs import load_packs

    packs = load_packs()
    params = {(p.id, name): param for p in packs for name, param in p.parameters.items()}
    calendar = next(p.by_month[MONTH_WORKING_DAYS] for p in packs if MONTH_WORKING_DAYS in p.by_month)

    def law(pack: str, name: str, when: date) -> object:
        param = params[(pack, name)]
        i = bisect_right([v.start for v in param.values], when) - 1
        return param.values[i].value if i >= 0 else None

    def gt(a: object, b: object) -> bool | None:
        return None if a is None or b is None else a > b  # type: ignore[operator]

    def kleene_or(*xs: bool | None) -> bool | None:
        return True if any(x is True for x in xs) else (None if any(x is None for x in xs) else False)

    def kleene_and(*xs: bool | None) -> bool | None:
        return False if any(x is False for x in xs) else (None if any(x is None for x in xs) else True)

    def ge(a: object, b: object) -> bool | None:
        return None if a is None or b is None else a >= b  # type: ignore[operator]

    def band(certain: bool | None, possible: bool | None) -> bool | None:
        """Yes when certain, no only when not even possible, else unknown."""
        return pick(certain, True, pick(possible, None, False))

    def kleene_not(x: bool | None) -> bool | None:
        return None if x is None else not x

    def either(a: bool | None, b: bool | None) -> bool | None:
        """Either answer shows it; when one was not given, the other decides."""
        both = kleene_or(a, b)
        return both if both is not None else (a if a is not None else b)

    def pick(cond: bool | None, yes: object, no: object) -> object:
        return None if cond is None else (yes if cond else no)

    def val(row: pd.Series, name: str) -> object:
        v = row.get(name)
        return None if v is None or (isinstance(v, float) and v != v) else v

    def assess_row(row: pd.Series) -> pd.Series:
        when = row["reference_date"]
        hours, days, rest, age = (
            val(row, "hours_per_day"),
            val(row, "days_per_month"),
            val(row, "rest_days_per_week"),
            val(row, "age"),
        )
        hazardous = val(row, "hazardous_work")
        norm = law("kz-labour", "hours.weekly_norm", when)
        dpw = law("kz-labour", "hours.days_per_week", when)
        daily = norm / dpw if norm and dpw else None
        minor = (law("kz-labour", "hours.weekly_norm_age_16_18", when) or 0) / 5
        child = (law("kz-labour", "hours.weekly_norm_age_14_16", when) or 0) / 5
        haz = (law("kz-labour", "hours.weekly_norm_hazardous", when) or 0) / 5
        cap = law("kz-labour", "overtime.daily_cap", when)
        cap_haz = law("kz-labour", "overtime.daily_cap_hazardous", when)
        six_norm = law("kz-labour", "hours.daily_norm_six_day", when)
        six_reduced = law("kz-labour", "hours.daily_norm_six_day_reduced", when)
        six_child = (law("kz-labour", "hours.weekly_norm_age_14_16", when) or 0) / 6
        under18 = None if age is None else age < 18
        under16 = None if age is None else age < 16
        days_week = 7 - rest if rest is not None else (days / 4.348 if days is not None else None)
        weekly = hours * days_week if hours is not None and days_week is not None else None
        month_days = days if days is not None else ((7 - rest) * 4.348 if rest is not None else None)
        monthly = hours * month_days if hours is not None and month_days is not None else None
        avg = law("kz-labour", "wages.avg_monthly_hours", when)  # the lowest plausible (or verified) divisor
        avg_max = law("kz-labour", "wages.avg_monthly_hours_max", when)
        days_week_most = 7 - rest if rest is not None else (days * norm / avg if days is not None else None)
        weekly_most = hours * days_week_most if hours is not None and days_week_most is not None else None
        six = band(ge(days_week, 6), ge(days_week_most, 6))
        lawful_shift = kleene_and(
            val(row, "shift_work"), ge(law("kz-labour", "hours.shift_max", when), hours), ge(age, 18)
        )
        by_day = pick(lawful_shift, 0, max(hours - daily, 0) * days if None not in (hours, daily, days) else 0)
        mzp = law("kz-labour", "wages.mzp", when)
        pay, currency = val(row, "monthly_pay"), val(row, "pay_currency")
        kzt = None if currency is None else currency == "KZT"
        written = val(row, "written_contract")
        entry = val(row, "entry_date")
        since = (when - entry).days if entry is not None else None
        known = monthly is not None and by_day is not None
        overtime = max(monthly - avg, by_day, 0) if known and avg is not None else None
        overtime_least = max(monthly - avg_max, by_day, 0) if known and avg_max is not None else None
        months = min(since / 30.4375, 12) if since is not None else None
        months_most = min(since / 28, 12) if since is not None else None
        monthly_cap = law("kz-labour", "overtime.monthly_cap", when)
        hourly = pay / monthly if kzt and monthly and pay is not None else None
        own = pick(under16, child * 5, pick(under18, minor * 5, pick(hazardous, haz * 5, norm)))
        usual = law("kz-labour", "reading.full_month_days", when)
        norm_days = min(usual, calendar.on(when) or usual)  # the month's working days, at most the reading
        full = kleene_or(
            ge(weekly, norm),
            ge(monthly, None if daily is None else daily * norm_days),
            ge(weekly, own),
            ge(monthly, None if own is None or not dpw else own / dpw * norm_days),
        )
        days_week_rest = None if days is None else (True if days >= 28 else (None if days >= 27 else False))
        days_five_day = None if days is None else (True if days > 23 else (None if days >= 22 else False))
        yearly_cap = law("kz-labour", "overtime.yearly_cap", when)
        citizenship = val(row, "citizenship")
        members = law("kz-migration", "work.eaeu_members", when)
        eaeu = None if citizenship is None or members is None else citizenship in members
        extended = law("kz-migration", "registration.extended_deadline_countries", when)
        deadline = pick(
            None if citizenship is None or extended is None else citizenship in extended,
            law("kz-migration", "registration.extended_deadline_days", when),
            law("kz-migration", "registration.deadline_days", when),
        )
        registration = val(row, "residence_registration")
        stay_limit = pick(
            eaeu, law("kz-migration", "stay.limit_days_eaeu", when), law("kz-migration", "stay.limit_days", when)
        )
        licence, permit, employer = val(row, "employer_licence"), val(row, "work_permit_own"), val(row, "employer_type")
        card = val(row, "migration_card")
        return pd.Series(
            {
                "hours_over_daily_norm": kleene_and(
                    kleene_not(lawful_shift),
                    kleene_or(
                        gt(hours, daily),
                        kleene_and(under18, gt(hours, minor)),
                        kleene_and(under16, gt(hours, child)),
                        kleene_and(hazardous, gt(hours, haz)),
                        kleene_and(six, gt(hours, six_norm)),
                        kleene_and(six, kleene_or(under18, hazardous), gt(hours, six_reduced)),
                        kleene_and(six, under16, gt(hours, six_child)),
                    ),
                ),
                "hours_over_weekly_norm": band(
                    kleene_or(
                        gt(weekly, norm),
                        kleene_and(under18, gt(weekly, minor * 5)),
                        kleene_and(under16, gt(weekly, child * 5)),
                        kleene_and(hazardous, gt(weekly, haz * 5)),
                    ),
                    kleene_or(
                        gt(weekly_most, norm),
                        kleene_and(under18, gt(weekly_most, minor * 5)),
                        kleene_and(under16, gt(weekly_most, child * 5)),
                        kleene_and(hazardous, gt(weekly_most, haz * 5)),
                    ),
                ),
                "overtime_over_daily_cap": kleene_and(
                    kleene_not(lawful_shift),
                    kleene_or(
                        gt(hours, daily + cap if daily is not None and cap is not None else None),
                        kleene_and(hazardous, gt(hours, haz + cap_haz if cap_haz is not None else None)),
                        kleene_and(six, gt(hours, None if six_norm is None or cap is None else six_norm + cap)),
                        kleene_and(
                            six,
                            hazardous,
                            gt(hours, None if six_reduced is None or cap_haz is None else six_reduced + cap_haz),
                        ),
                    ),
                ),
                "no_weekly_rest_day": either(None if rest is None else rest < 1, days_week_rest),
                "monthly_pay_below_minimum_wage": None if not kzt else kleene_and(gt(mzp, pay), full),
                "hourly_pay_below_floor": None
                if hourly is None or not avg or not avg_max
                else band(hourly < mzp / avg_max, hourly < mzp / avg),
                "no_written_contract": None if written is None else not written,
                "registration_missing": kleene_and(
                    None if registration in (None, "hard_to_say") else registration == "no", gt(since, deadline)
                ),
                "stay_over_limit": kleene_and(
                    gt(since, stay_limit),
                    kleene_not(kleene_and(eaeu, written)),
                    None if permit in (None, "dont_know") else permit != "yes",
                ),
                "fewer_rest_days_than_five_day_week": either(None if rest is None else rest < 2, days_five_day),
                "overtime_over_monthly_cap": band(gt(overtime_least, monthly_cap), gt(overtime, monthly_cap)),
                "overtime_over_yearly_cap": None
                if overtime is None
                else False
                if overtime <= 0
                else band(
                    kleene_or(
                        gt(overtime_least, yearly_cap),
                        gt(None if overtime_least is None or months is None else overtime_least * months, yearly_cap),
                    ),
                    kleene_or(
                        gt(overtime, yearly_cap),
                        gt(None if overtime is None or months_most is None else overtime * months_most, yearly_cap),
                    ),
                ),
                "overtime_by_minor": kleene_and(
                    law("kz-labour", "overtime.minors_barred", when),
                    under18,
                    kleene_or(
                        gt(hours, minor),
                        kleene_and(under16, gt(hours, child)),
                        kleene_and(six, gt(hours, six_reduced)),
                        kleene_and(six, under16, gt(hours, six_child)),
                    ),
                ),
                "no_migration_card": kleene_and(
                    None if age is None else age >= 16, None if card in (None, "hard_to_say") else card == "no"
                ),
                "work_without_authorisation": kleene_and(
                    None if employer is None else employer != "self_employed",
                    None if eaeu is None else not eaeu,
                    None if licence in (None, "dont_know") else licence == "no",
                    None if permit in (None, "dont_know") else permit != "yes",
                ),
            }
        )

    frame = pd.read_parquet(src)
    results = frame.apply(assess_row, axis=1)
    pd.concat([frame, results], axis=1).to_parquet(out)
    return len(frame)


def case_pandas(src: Path, out: Path) -> int:
    from baselines import case_pandas  # beside this script, run from its folder

    return case_pandas(src, out)


def case_polars(src: Path, out: Path) -> int:
    from baselines import case_polars

    return case_polars(src, out)


CASES = {
    "labourwatch": assessing(packs=PACKS),
    "scan": case_scan,
    "naive": case_naive,
    "pandas": case_pandas,
    "polars": case_polars,
    "kz-labour": assessing(packs=["kz-labour"]),
    "all": assessing(),
    "all-results-only": assessing(results_only=True),
}
PACK_CASES = ["kz-labour", "all", "all-results-only"]  # the second table: other sets of packs, one output mode


def _peak_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map, so unlike
    ru_maxrss it does not carry over the parent's peak through fork and exec (seen here: a parent that
    had built a large input made every child report the parent's 1,960 MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, src: str, out: str) -> None:
    start = time.perf_counter()
    rows = CASES[name](Path(src), Path(out))
    seconds = time.perf_counter() - start
    peak_mib = _peak_mib()
    print(json.dumps({"case": name, "rows": rows, "seconds": seconds, "peak_mib": peak_mib}))


def measure(name: str, src: Path, n: int) -> dict[str, float]:
    return measure_with(__file__, name, src, n)


def measure_with(script: str, name: str, src: Path, n: int) -> dict[str, float]:
    """Run one case of `script` in a fresh process and read back its time and peak memory."""
    out = DATA / f"out-{name}-{n}.parquet"
    proc = subprocess.run(
        [sys.executable, script, "--child", name, str(src), str(out)], capture_output=True, text=True, check=True
    )
    out.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def table(results: list[dict[str, float]], sizes: list[int]) -> str:
    by = {(r["case"], int(r["rows"])): r for r in results}
    lines = [
        "| records | labourwatch s | rows/s | peak MiB | naive pandas s | speed-up vs naive | DuckDB scan s | x scan "
        "| vectorised pandas s | peak MiB | Polars s | peak MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        lw, scan, naive = by.get(("labourwatch", n)), by.get(("scan", n)), by.get(("naive", n))
        assert lw is not None and scan is not None
        naive_s = f"{naive['seconds']:.1f}" if naive else "not run"
        speedup = f"{naive['seconds'] / lw['seconds']:.0f}x" if naive else "-"
        others = [by.get((c, n)) for c in ("pandas", "polars")]
        vectorised = " | ".join(f"{r['seconds']:.2f} | {r['peak_mib']:.0f}" if r else "not run | -" for r in others)
        lines.append(
            f"| {n:,} | {lw['seconds']:.2f} | {n / lw['seconds']:,.0f} | {lw['peak_mib']:.0f} | {naive_s} | {speedup} "
            f"| {scan['seconds']:.2f} | {lw['seconds'] / scan['seconds']:.1f} | {vectorised} |"
        )
    return "\n".join(lines)


def packs_table(results: list[dict[str, float]], sizes: list[int]) -> str:
    """Each set of packs against the same run's scan: seconds, the ratio, and peak memory."""
    by = {(r["case"], int(r["rows"])): r for r in results}
    heads = {"kz-labour": "kz-labour alone", "all": "all packs", "all-results-only": "all packs, --results-only"}
    lines = [
        "| records | DuckDB scan s | " + " | ".join(f"{heads[c]} s | x scan | peak MiB" for c in PACK_CASES) + " |",
        "|---:|---:|" + "---:|---:|---:|" * len(PACK_CASES),
    ]
    for n in sizes:
        scan = by[("scan", n)]
        cases = [by[(c, n)] for c in PACK_CASES]
        cells = [f"{r['seconds']:.2f} | {r['seconds'] / scan['seconds']:.1f} | {r['peak_mib']:.0f}" for r in cases]
        lines.append(f"| {n:,} | {scan['seconds']:.2f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_results(begin: str, end: str, results: str) -> None:
    """Put a results table, with the date and the machine, between two markers of docs/benchmarks.md."""
    machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    block = f"{begin}\nRun on {date.today().isoformat()} ({machine}).\n\n{results}\n{end}"
    before, _, rest = DOC.read_text(encoding="utf-8").partition(begin)
    _, _, after = rest.partition(end)
    DOC.write_text(before + block + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--naive-max", type=int, default=1_000_000, help="largest size for the naive baseline")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "SRC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    DATA.mkdir(exist_ok=True)
    results = []
    for n in args.sizes:
        src = input_for(n)
        for name in ("labourwatch", "scan", "naive", "pandas", "polars", *PACK_CASES):
            if name == "naive" and n > args.naive_max:
                continue
            r = measure(name, src, n)
            print(f"{n:>10,} {name:<12} {r['seconds']:8.2f} s  {r['peak_mib']:7.0f} MiB", flush=True)
            results.append(r)
    write_results(MARK_BEGIN, MARK_END, table(results, args.sizes))
    write_results(PACKS_BEGIN, PACKS_END, packs_table(results, args.sizes))
    (DATA / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\n{table(results, args.sizes)}\n\n{packs_table(results, args.sizes)}")


if __name__ == "__main__":
    main()
