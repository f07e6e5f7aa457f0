"""The benchmark's baselines (naive, and vectorised with pandas and Polars) must compute the same findings
as labourwatch, or the comparison in docs/benchmarks.md would mean nothing."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq
import pytest

from labourwatch.api import assess_file
from labourwatch.services.synthetic import SynthSpec, write

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_assess.py"
BASELINES = BENCH.with_name("baselines.py")


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load(BENCH)


@pytest.fixture(scope="module")
def assessed(tmp_path_factory) -> tuple[Path, Path]:
    """1,500 synthetic records and labourwatch's assessment of them with the baselines' packs."""
    tmp = tmp_path_factory.mktemp("baseline")
    src = write(SynthSpec(1500, seed=5, start=date(2006, 1, 1), end=date(2025, 12, 31)), tmp / "in.parquet")
    assess_file(src, tmp / "lw.parquet", packs=bench.PACKS)
    return src, tmp / "lw.parquet"


def assert_same_findings(src: Path, theirs: Path, ours: Path) -> None:
    their_table, our_table = pq.read_table(theirs), pq.read_table(ours)
    findings = [c for c in their_table.column_names if c not in pq.read_schema(src).names]
    assert len(findings) == 15
    for name in findings:
        assert their_table.column(name).to_pylist() == our_table.column(name).to_pylist(), name


def test_naive_baseline_agrees_with_labourwatch(assessed, tmp_path):
    src, ours = assessed
    bench.case_naive(src, tmp_path / "naive.parquet")
    assert_same_findings(src, tmp_path / "naive.parquet", ours)


@pytest.mark.parametrize("case", ["pandas", "polars"])
def test_vectorised_baseline_agrees_with_labourwatch(assessed, tmp_path, case):
    src, ours = assessed
    assert getattr(load(BASELINES), f"case_{case}")(src, tmp_path / f"{case}.parquet") == 1500
    assert_same_findings(src, tmp_path / f"{case}.parquet", ours)
