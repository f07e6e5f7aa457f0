"""The YAML rule tests beside each pack, run on DuckDB and on the reference evaluator."""

from __future__ import annotations

import pytest

from labourwatch.services.packtests import load_cases, run_pack_tests

RESULTS = {(r.case.location.file, r.case.location.line): r for r in run_pack_tests()}


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: f"{c.pack}: {c.name}")
def test_pack_case(case):
    result = RESULTS[(case.location.file, case.location.line)]
    assert result.ok, f"{case.location}: {result.message}"


def test_every_finding_has_a_case():
    cases = load_cases()
    covered = {key for c in cases for key in c.expected}
    from labourwatch.packs import load_packs

    findings = {r.id for p in load_packs() for r in p.outputs}
    assert findings <= covered, f"findings without a YAML case: {sorted(findings - covered)}"
