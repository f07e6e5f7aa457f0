"""The international standards and wage arrears at several sizes, in one run.

  labour     kz-labour + kz-migration (15 findings): the reference point of bench_assess.py
  standards  every standard (ICLS 2018, ILO 2012, ILO/EC 2009, ILO 11, Palermo, the typology) on top
             of the labour law: about 240 result columns
  scan       a plain DuckDB scan reading the input and writing it back: the floor
  arrears    money owed for N work periods of one to eighteen months, split at months and changes of
             law, against the same number of records assessed with kz-labour alone

The inputs are the synthetic records of bench_assess.py with every evidence atom of the standards
filled at random (and about a tenth left unanswered), so no result is trivially unknown. Each case runs
in its own process. Results go to docs/benchmarks.md.

    python benchmarks/bench_standards.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import DATA, case_scan, input_for, measure_with, write_results

MARK_BEGIN, MARK_END = "<!-- standards:begin -->", "<!-- standards:end -->"
STANDARDS = ["typology", "ilo-2012", "ilo-11"]  # with what they require: all five standards


def standards_input(n: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from labourwatch.packs import load_schema

    path = DATA / f"standards-{n}.parquet"
    if path.exists():
        return path
    table = pq.read_table(input_for(n))
    rng = np.random.default_rng(5)
    for name, var in load_schema().variables.items():
        if name in table.column_names or var.module in ("claim", "monitoring") or name == "segment_end":
            continue
        if var.kind == "boolean":
            values = np.where(rng.random(n) < 0.15, "true", "false").astype(object)
        elif var.kind in ("category", "multiple"):
            values = rng.choice(sorted(var.values), n).astype(object)
        elif var.kind == "integer":
            values = rng.integers(16, 60, n).astype(str).astype(object)
        else:
            continue
        values[rng.random(n) < 0.1] = None
        table = table.append_column(name, pa.array(values, pa.string()))
    pq.write_table(table, path, row_group_size=100_000)
    return path


def claims_input(n: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = DATA / f"claims-{n}.parquet"
    if path.exists():
        return path
    rng = np.random.default_rng(9)
    start = np.datetime64("2008-01-01") + rng.integers(0, 6200, n).astype("timedelta64[D]")
    end = start + rng.integers(30, 540, n).astype("timedelta64[D]")
    columns = {
        "id": np.char.add("C-", np.arange(n).astype(str)),
        "period_start": start.astype(str),
        "period_end": end.astype(str),
        "hours_per_day": rng.integers(8, 14, n).astype(str),
        "rest_days_per_week": rng.integers(0, 3, n).astype(str),
        "holidays_worked": rng.integers(0, 6, n).astype(str),
        "agreed_pay": (rng.integers(20, 200, n) * 1000).astype(str),
        "agreed_pay_per": np.full(n, "month"),
        "pay_currency": np.full(n, "KZT"),
        "pay_received": (rng.integers(0, 400, n) * 1000).astype(str),
    }
    pq.write_table(
        pa.table({k: pa.array(v.tolist(), pa.string()) for k, v in columns.items()}), path, row_group_size=100_000
    )
    return path


def case_labour(src: Path, out: Path) -> int:
    from labourwatch.api import assess_file

    return assess_file(src, out, packs=["kz-labour", "kz-migration"]).rows


def case_standards(src: Path, out: Path) -> int:
    from labourwatch.api import assess_file

    return assess_file(src, out, packs=STANDARDS).rows


def case_arrears(src: Path, out: Path) -> int:
    import pyarrow.parquet as pq

    from labourwatch.arrears import arrears

    result = arrears(src, keep_parts=False)
    pq.write_table(result.claims, out)
    return result.claims.num_rows


def case_labour_claims(src: Path, out: Path) -> int:
    """The same claims assessed once each with kz-labour (one law date per claim, no split)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from labourwatch.api import assess

    table = pq.read_table(src)
    table = table.append_column("reference_date", pc.cast(table.column("period_end"), pa.string()))
    result = assess(table, packs=["kz-labour"]).table
    pq.write_table(result, out)
    return result.num_rows


CASES = {
    "labour": case_labour,
    "standards": case_standards,
    "scan": case_scan,
    "arrears": case_arrears,
    "labour_claims": case_labour_claims,
}


def table(results: list[dict[str, float]], sizes: list[int]) -> str:
    by = {(r["case"], int(r["rows"])): r for r in results}
    lines = [
        "| records | scan s | labour law s | standards s | x labour law | x scan | peak MiB | "
        "claims | arrears s | parts/claim | x one assessment |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        scan, labour, std = by[("scan", n)], by[("labour", n)], by[("standards", n)]
        arr, one = by[("arrears", n)], by[("labour_claims", n)]
        lines.append(
            f"| {n:,} | {scan['seconds']:.2f} | {labour['seconds']:.2f} | {std['seconds']:.2f} "
            f"| {std['seconds'] / labour['seconds']:.1f} | {std['seconds'] / scan['seconds']:.1f} "
            f"| {std['peak_mib']:.0f} | {n:,} | {arr['seconds']:.2f} | {arr.get('parts', 0):.1f} "
            f"| {arr['seconds'] / one['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", nargs=3, metavar=("CASE", "SRC", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import bench_assess

        bench_assess.CASES.update(CASES)
        bench_assess.child(*args.child)
        return
    DATA.mkdir(exist_ok=True)
    results = []
    for n in args.sizes:
        records, claims = standards_input(n), claims_input(n)
        for name, src in (
            ("scan", records),
            ("labour", records),
            ("standards", records),
            ("arrears", claims),
            ("labour_claims", claims),
        ):
            r = measure_with(__file__, name, src, n)
            if name == "arrears":
                r["parts"] = _parts_per_claim(claims)
            print(f"{n:>10,} {name:<14} {r['seconds']:8.2f} s  {r['peak_mib']:7.0f} MiB", flush=True)
            results.append(r)
    write_results(MARK_BEGIN, MARK_END, table(results, args.sizes))
    print(f"\n{table(results, args.sizes)}")


def _parts_per_claim(src: Path) -> float:
    """Months touched per claim (changes of law within a month add a few more parts)."""
    import numpy as np
    import pyarrow.parquet as pq

    t = pq.read_table(src, columns=["period_start", "period_end"])
    start = np.array(t.column("period_start").to_pylist(), dtype="datetime64[M]")
    end = np.array(t.column("period_end").to_pylist(), dtype="datetime64[M]")
    return float(((end - start).astype(int) + 1).mean())


if __name__ == "__main__":
    main()
