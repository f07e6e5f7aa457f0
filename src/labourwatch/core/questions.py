"""Which unanswered question to ask next, for one record (a caseworker's screening): the questions
that would settle the most unknown results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labourwatch.core.environment import LAW_PREFIX, RecordEnv
from labourwatch.core.model import Rule, Schema, Variable

# Answers tried for questions with few possible answers; numbers and dates cannot be tried one by one.
_BOOLEANS = (True, False)


@dataclass(frozen=True)
class NextQuestion:
    variable: str
    bears_on: tuple[str, ...]  # the unknown results that need its answer
    settles: int | None  # how many of them any answer settles (None: numbers and dates are not tried)


def next_questions(env: RecordEnv, outputs: Iterable[Rule], schema: Schema) -> list[NextQuestion]:
    """Every unanswered question an unknown result of `env` waits for, the most useful first: by how
    many results any answer would settle, then by how many it bears on."""
    unknown = [r.id for r in outputs if _open(env, r.id)]
    waiting: dict[str, list[str]] = {}
    for rule_id in unknown:
        for name in sorted(env.rule(rule_id).missing):
            if not name.startswith(LAW_PREFIX) and name in schema.variables:
                waiting.setdefault(name, []).append(rule_id)
    out = [
        NextQuestion(name, tuple(results), _settled(env, schema.variables[name], results, schema))
        for name, results in waiting.items()
    ]
    return sorted(out, key=lambda q: (-(q.settles or 0), -len(q.bears_on), q.variable))


def _open(env: RecordEnv, rule_id: str) -> bool:
    result = env.rule(rule_id)
    return not result.absent and (not result.known or result.value == "unknown")


def _settled(env: RecordEnv, variable: Variable, results: Sequence[str], schema: Schema) -> int | None:
    """How many of `results` become known whatever the answer to `variable`."""
    answers = _answers(variable, schema)
    if not answers:
        return None
    settled = set(results)
    for answer in answers:
        tried = _with(env, variable.name, answer)
        settled = {r for r in settled if not _open(tried, r)}
    return len(settled)


def _answers(variable: Variable, schema: Schema) -> tuple[Any, ...]:
    if variable.kind == "boolean":
        return _BOOLEANS
    if variable.kind == "category":
        return tuple(code for code in variable.values if code not in schema.non_answers)
    return ()


def _with(env: RecordEnv, name: str, value: Any) -> RecordEnv:
    answers: Mapping[str, Any] = {**env.answers, name: value}
    return RecordEnv(answers, env.interval, env.rules, env.instrument, env.presumed, env.readings)
