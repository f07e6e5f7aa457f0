"""The benchmark's naive baseline must compute the same findings as labourwatch, or the comparison in
docs/benchmarks.md would mean nothing."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from labourwatch.api import assess_file
from labourwatch.services.synthetic import SynthSpec, write

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_assess.py"


def test_naive_baseline_agrees_with_labourwatch(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_assess", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    src = write(SynthSpec(1500, seed=5, start=date(2006, 1, 1), end=date(2025, 12, 31)), tmp_path / "in.parquet")
    bench.case_naive(src, tmp_path / "naive.parquet")
    assess_file(src, tmp_path / "lw.parquet", packs=bench.PACKS)
    naive, ours = pq.read_table(tmp_path / "naive.parquet"), pq.read_table(tmp_path / "lw.parquet")
    findings = [c for c in naive.column_names if c not in pq.read_schema(src).names]
    assert len(findings) == 15
    for name in findings:
        assert naive.column(name).to_pylist() == ours.column(name).to_pylist(), name
