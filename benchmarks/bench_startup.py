"""Commands people wait for (issue #18): `labourwatch --help`, and `explain` of one record in files of
10^3 to 10^7 records, as whole processes (median of several runs), with the disk cache empty (the first
run after an install or an edit of a pack) and filled (every run after). Beside them, in the same run:
Python importing the libraries any explanation needs (DuckDB and Arrow), the floor for a command that
reads a file; and, with --before REV, the same commands on an earlier commit, from a git worktree.

    python benchmarks/bench_startup.py --sizes 1000 1000000 10000000 --before 98bebbf
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import input_for, write_results

MARK_BEGIN, MARK_END = "<!-- startup:begin -->", "<!-- startup:end -->"
ROOT = Path(__file__).resolve().parents[1]


def _seconds(command: list[str], env: dict[str, str], runs: int, before_each: str | None = None) -> float:
    """The median wall time of the command as a new process; `before_each` is a folder emptied before
    each run (the cache, for a cold start)."""
    times = []
    for _ in range(runs):
        if before_each:
            subprocess.run(["rm", "-rf", before_each], check=True)
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _worktree(rev: str) -> Path:
    folder = Path(tempfile.gettempdir()) / f"labourwatch-bench-{rev}"
    if not folder.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev], check=True)
    return folder / "src"


def _commands(sizes: list[int]) -> dict[str, list[str]]:
    lw = [sys.executable, "-m", "labourwatch"]
    commands = {"`labourwatch --help`": [*lw, "--help"]}
    for n in sizes:
        last = f"SYN-{n:06d}"  # the last record: nothing is found early
        commands[f"`explain` in {n:,} records"] = [*lw, "explain", str(input_for(n)), "--id", last]
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also run the commands on this commit")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LABOURWATCH_CACHE")}
    cache = tempfile.mkdtemp(prefix="lw-bench-cache-")
    now = base | {"LABOURWATCH_CACHE": cache}
    columns = ["cache empty s", "cache filled s"]
    if args.before:
        old = base | {"PYTHONPATH": str(_worktree(args.before))}
        columns.append(f"{args.before} s")
    floor = [sys.executable, "-c", "import duckdb, pyarrow, pyarrow.parquet"]
    rows = [
        "| command | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
        f"| Python importing DuckDB and Arrow (the floor) | {_seconds(floor, now, args.runs):.2f} |"
        + " |" * (len(columns) - 1),
    ]
    for name, command in _commands(args.sizes).items():
        cold = _seconds(command, now, args.runs, before_each=cache)
        _seconds(command, now, 1)  # fill the cache
        warm = _seconds(command, now, args.runs)
        line = f"| {name} | {cold:.2f} | {warm:.2f} |"
        if args.before:
            line += f" {_seconds(command, old, args.runs):.2f} |"
        rows.append(line)
        print(line, flush=True)
    write_results(MARK_BEGIN, MARK_END, "\n".join(rows))


if __name__ == "__main__":
    main()
