"""Survey statistics against R's survey package, in one run: the prevalence of a finding in each of 5
domains with logit confidence intervals (`svyby(..., svyciprop)`) and the Rao–Scott F test of the
domain by the finding (`svychisq`), under a stratified cluster design (20 strata, 50 records a PSU).

labourwatch runs at 10^5, 10^6 and 10^7 records, R at 10^5 and 10^6 (where both run, the numbers are
compared). Times are of the computation alone, reading excluded on both sides. Each case runs in its
own process. Results go to docs/benchmarks.md.

    python benchmarks/bench_stats.py --sizes 100000 1000000 10000000 --r-max 1000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import DATA, _peak_mib, write_results

MARK_BEGIN, MARK_END = "<!-- stats:begin -->", "<!-- stats:end -->"
R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
d$g <- factor(d$g)
t0 <- proc.time()[["elapsed"]]
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d)
by <- svyby(~y, ~g, des, svyciprop, vartype = "ci", method = "logit")
x <- svychisq(~g + y, des)
seconds <- proc.time()[["elapsed"]] - t0
cat(sprintf("%.15g", c(seconds, coef(by), by[["ci_l"]], by[["ci_u"]], x$statistic, x$p.value)), sep = "\n")
"""


def make_input(n: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = DATA / f"stats-{n}.parquet"
    if path.exists():
        return path
    rng = np.random.default_rng(42)
    psu = rng.integers(0, max(n // 50, 40), n)
    stratum = psu % 20
    g = rng.integers(0, 5, n)
    y = (rng.random(n) < 0.1 + 0.04 * g + 0.05 * (psu % 3 == 0)).astype(np.int64)
    w = rng.uniform(0.5, 3.0, n)
    pq.write_table(pa.table({"stratum": stratum, "psu": psu, "g": g, "y": y, "w": w}), path, row_group_size=1_000_000)
    return path


def case_labourwatch(src: Path) -> dict[str, object]:
    import numpy as np
    import pyarrow.parquet as pq

    from labourwatch.stats.design import Design
    from labourwatch.stats.estimate import chisq, ci_proportion, mean

    t = pq.read_table(src)
    stratum, psu, g, y, w = (t.column(c).to_numpy() for c in ("stratum", "psu", "g", "y", "w"))
    start = time.perf_counter()
    design = Design.build(len(y), weights=w, strata=stratum, psu=psu)
    estimates, lower, upper = [], [], []
    for level in range(5):
        ci = ci_proportion(mean(y.astype(np.float64), design, g == level), "logit")
        estimates.append(ci.estimate)
        lower.append(ci.lower)
        upper.append(ci.upper)
    test = chisq(g.astype(np.int64), y.astype(np.int64), design, "F")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "numbers": [*estimates, *lower, *upper, test.value, test.p_value]}


def case_r(src: Path) -> dict[str, object]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    csv_path = src.with_suffix(".csv")
    if not csv_path.exists():
        pacsv.write_csv(pq.read_table(src), csv_path)
    script = DATA / "bench_stats.R"
    script.write_text(R_SCRIPT)
    out = subprocess.run(["Rscript", str(script), str(csv_path)], capture_output=True, text=True, check=True).stdout
    values = [float(v) for v in out.split()]
    return {"seconds": values[0], "numbers": values[1:]}


CASES = {"labourwatch": case_labourwatch, "r": case_r}


def child(name: str, src: str) -> None:
    result = CASES[name](Path(src))
    print(json.dumps({"case": name, **result, "peak_mib": _peak_mib()}))


def measure(name: str, src: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, str(src)], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| records | labourwatch s | labourwatch peak MiB | R s | x faster than R | largest difference |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        r_s = row.get("r_seconds")
        lines.append(
            f"| {row['n']:,} | {row['lw_seconds']:.3f} | {row['lw_peak']:.0f} | "
            + (f"{r_s:.2f} | {r_s / row['lw_seconds']:.0f}x | {row['diff']:.1e} |" if r_s else "not run | - | - |")
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--r-max", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "SRC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    DATA.mkdir(exist_ok=True)
    rows = []
    for n in args.sizes:
        src = make_input(n)
        lw = measure("labourwatch", src)
        row: dict[str, object] = {"n": n, "lw_seconds": lw["seconds"], "lw_peak": lw["peak_mib"]}
        print(f"{n:>10,} labourwatch {lw['seconds']:.3f} s", flush=True)
        if n <= args.r_max:
            r = measure("r", src)
            diff = max(abs(a - b) for a, b in zip(lw["numbers"], r["numbers"], strict=True))  # type: ignore[call-overload]
            row |= {"r_seconds": r["seconds"], "diff": diff}
            print(f"{n:>10,} R           {r['seconds']:.3f} s   largest difference {diff:.1e}", flush=True)
        rows.append(row)
    write_results(MARK_BEGIN, MARK_END, table(rows))
    print(table(rows))


if __name__ == "__main__":
    main()
