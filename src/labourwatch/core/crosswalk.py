"""One answer, many frameworks: which indicators of each standard read each answer.

An indicator is a finding of a framework pack that reads no other finding of a framework; it reads an
answer when its expression reaches the variable directly or through anything else (the shared
evidence, the national yardstick of the labour law). The table is computed from the packs, so it
always says what the rules do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set

from labourwatch.core.expr import nodes as n
from labourwatch.core.instrument import ALWAYS_ASKED
from labourwatch.core.model import Pack, Rule, RuleKind

Crosswalk = dict[str, dict[str, list[str]]]  # variable -> pack -> indicators


def answers_read(rule: Rule, rules: Mapping[str, Rule], stop: Set[str] = frozenset()) -> set[str]:
    """The variables a rule reads itself or through the rules it reads, except those in `stop`."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = [rule]
    while stack:
        for node in stack.pop().walked:
            if isinstance(node, n.VarRef):
                found.add(node.name)
            elif isinstance(node, n.RuleRef) and node.name not in seen and node.name not in stop:
                seen.add(node.name)
                stack.append(rules[node.name])
    return found


def indicators(packs: Sequence[Pack], frameworks: Sequence[str]) -> list[Rule]:
    findings = {r.id for p in packs if p.id in frameworks for r in p.rules.values() if r.kind is RuleKind.FINDING}
    return [
        r
        for p in packs
        if p.id in frameworks
        for r in p.rules.values()
        if r.id in findings and not (set(r.reads) & findings)
    ]


def crosswalk(packs: Sequence[Pack], frameworks: Sequence[str]) -> Crosswalk:
    rules = {r.id: r for p in packs for r in p.rules.values()}
    found = indicators(packs, frameworks)
    stop = {r.id for r in found}
    out: Crosswalk = {}
    for rule in found:
        for variable in sorted(answers_read(rule, rules, stop) - ALWAYS_ASKED):  # answers, not the record's date
            out.setdefault(variable, {}).setdefault(rule.pack, []).append(rule.id)
    return out
