"""YAML rule tests, OpenFisca style, that live beside each pack (rulepacks/<pack>/tests/*.yaml).

Each case gives answers and the results the law prescribes:

    - name: 12 hours a day in 2010 is over the 8-hour norm
      input: {reference_date: 2010-03-01, hours_per_day: 12}
      output: {hours_over_daily_norm: true, overtime_over_daily_cap: true}

Optional keys: `as_of`, `law`, `verified_only`, `settings` (readings chosen instead of the defaults),
`asked` (the only questions or modules the survey asked) and `not_asked` (questions or modules it did
not ask); without them every question counts as asked.
Expected values: true, false, unknown, not_measured, a label, or a number (derived values; compared to
1e-6). Every
case runs twice, through the SQL compiled for DuckDB and through the reference evaluator, and both must
give the expected result.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.environment import RecordEnv, with_month_values
from labourwatch.core.errors import Location, PackError
from labourwatch.core.instrument import EVERY
from labourwatch.core.types import Progress
from labourwatch.core.values import NOT_MEASURED_LABEL, UNKNOWN_LABEL, as_text, result_in
from labourwatch.engines.base import Engine
from labourwatch.engines.duckdb import DuckDB
from labourwatch.packs import builtin_pack_dirs, load_packs
from labourwatch.packs.yamlio import line_of, load_yaml
from labourwatch.services import assessment
from labourwatch.services.request import Request


@dataclass(frozen=True)
class Case:
    pack: str
    name: str
    inputs: dict[str, Any]
    expected: dict[str, Any]
    location: Location
    as_of: date | None = None
    law: str | None = None
    verified_only: bool = False
    settings: tuple[tuple[str, Any], ...] = ()
    asked: tuple[str, ...] = (EVERY,)
    not_asked: tuple[str, ...] = ()


@dataclass
class CaseResult:
    case: Case
    ok: bool
    message: str = ""
    actual: dict[str, Any] = field(default_factory=dict)


def load_cases(pack_ids: Sequence[str] | None = None) -> list[Case]:
    cases = []
    for directory in builtin_pack_dirs():
        pack_id = str(load_yaml(directory / "pack.yaml")["id"])
        if pack_ids and pack_id not in pack_ids:
            continue
        for path in sorted((directory / "tests").glob("*.yaml")):
            cases += _cases(pack_id, path)
    return cases


def _cases(pack_id: str, path: Path) -> list[Case]:
    doc = load_yaml(path) or []
    if not isinstance(doc, list):
        raise PackError("a test file holds a list of cases", Location(str(path), 1))
    out = []
    for item in doc:
        where = Location(str(path), getattr(item, "line", None))
        keys = {"name", "input", "output", "as_of", "law", "verified_only", "settings", "asked", "not_asked"}
        unknown = set(item) - keys
        if unknown or not item.get("name") or "output" not in item:
            raise PackError(f"a case needs name, input and output (unknown keys: {sorted(unknown)})", where)
        as_of = item.get("as_of")
        out.append(
            Case(
                pack=pack_id,
                name=str(item["name"]),
                inputs=dict(item.get("input") or {}),
                expected=dict(item["output"]),
                location=Location(str(path), line_of(item, "name")),
                as_of=date.fromisoformat(str(as_of)) if as_of else None,
                law=item.get("law"),
                verified_only=bool(item.get("verified_only", False)),
                settings=tuple(sorted((item.get("settings") or {}).items())),
                asked=tuple(str(x) for x in item.get("asked") or (EVERY,)),
                not_asked=tuple(str(x) for x in item.get("not_asked") or ()),
            )
        )
    return out


def _same(expected: Any, actual: Any) -> bool:
    if expected == UNKNOWN_LABEL:
        return actual is None or actual == UNKNOWN_LABEL
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-6)
    return bool(expected == actual)


def _table(cases: Sequence[Case]) -> pa.Table:
    names = sorted({k for c in cases for k in c.inputs} - {"id"})
    columns: dict[str, list[str | None]] = {"id": [f"case-{i}" for i in range(len(cases))]}
    for name in names:
        columns[name] = [as_text(c.inputs.get(name)) for c in cases]
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


PACK_TESTS_MEMORY = "2GB"


def run_pack_tests(
    pack_ids: Sequence[str] | None = None, engine: Engine | None = None, progress: Progress | None = None
) -> list[CaseResult]:
    """Every case of these packs (all by default) on an engine (DuckDB by default) and on the reference
    evaluator: the conformance suite a backend must pass. `progress` is called with the cases done."""
    # One query compiles every pack over a few hundred cases: its plan, not its data, is large, so it gets
    # more memory than the default meant for streaming big inputs (it needed ~480 MB with 430 cases).
    engine = engine or DuckDB(memory_limit=PACK_TESTS_MEMORY)
    cases = load_cases(pack_ids)
    groups: dict[tuple[Any, ...], list[Case]] = defaultdict(list)
    for c in cases:
        groups[(c.as_of, c.law, c.verified_only, c.settings, c.asked, c.not_asked)].append(c)
    packs = load_packs()
    rules = {r.id: r for p in packs for r in p.rules.values()}
    results = []
    for (as_of, law, verified_only, settings, asked, not_asked), group in groups.items():
        table = _table(group)
        request = Request(
            as_of=as_of,
            law=law,
            verified_only=verified_only,
            settings=dict(settings),
            asked=asked,
            not_asked=not_asked,
        )
        plan = assessment.prepare(table, request)
        sql_rows = assessment.results(plan, engine).to_pylist()
        for i, case in enumerate(group):
            answers = with_month_values(plan.schema.answers(sql_rows[i]), plan.packs)  # as the engine typed them
            interval = plan.timeline.interval_for(answers.get(REFERENCE_DATE))
            env = RecordEnv(answers, interval, rules, plan.instrument, plan.presumptions, plan.timeline.readings)
            problems, actual = [], {}
            for key, expected in case.expected.items():
                if key not in rules:
                    problems.append(f"'{key}' is not a rule of the loaded packs")
                    continue
                found = env.rule(key)
                reference = NOT_MEASURED_LABEL if found.absent else found.value
                actual[key] = reference
                if not _same(expected, reference):
                    problems.append(f"{key}: expected {expected!r}, reference evaluator gives {reference!r}")
                if key in sql_rows[i]:
                    got = result_in(sql_rows[i], key)
                    if not _same(expected, got):
                        problems.append(f"{key}: expected {expected!r}, {engine.name} gives {got!r}")
            results.append(CaseResult(case, not problems, "; ".join(problems), actual))
        if progress:
            progress(len(group))
    return results
