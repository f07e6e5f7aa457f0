"""Which job and which time an answer describes, and the check that a rule never joins answers about
different ones.

The 20th ICLS (2018) counts a person in forced labour when, during the reference period, they did
work that was both involuntary and coerced: the two conditions hold of the same job. A sale "ever"
and a passport kept now are facts of two jobs, and together they prove nothing about either. So every
question says what it describes (the schema's `period:`; a question with a phase describes
`THIS_JOB`, the job of the record in its reference period, unless it says otherwise), and every rule
is checked when its pack loads:

- a rule may *gather* facts of different periods, as `or`, `any(...)` and `coalesce(...)` do ("this
  job, or at any time"), and its result is then about each of them;
- it may not *join* them (`and`, `at_least(k, ...)` with k of 2 or more, `count`, comparisons,
  arithmetic, `if`): that would prove a finding of one job with the facts of another;
- a rule whose own question ties another period's fact to this job (the follow-up "was that in this
  job?") declares the period of its result (`period: job`), and it is not checked inside.

Answers with no period (the record's date, the age now, the law) are true of every period."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from labourwatch.core.expr import nodes as n

THIS_JOB = "job"

Periods = Mapping[str, frozenset[str]]  # period -> the answers of that period an expression reads


class PeriodJoin(Exception):
    """An expression joins answers about different periods (`periods` names them)."""

    def __init__(self, node: n.Node, periods: Periods) -> None:
        self.node = node
        self.periods = periods
        super().__init__(describe(periods))


def describe(periods: Periods) -> str:
    return "; ".join(f"{period}: {', '.join(sorted(names))}" for period, names in sorted(periods.items()))


def periods_of(
    node: n.Node,
    variable: Callable[[str], str | None],
    rule: Callable[[str], Periods],
) -> Periods:
    """The periods of the answers `node` reads (through the rules it reads too); raises PeriodJoin
    at the first place it joins two. `variable` gives a variable's period (None: true of every period),
    `rule` the periods of a rule already checked."""
    match node:
        case n.VarRef(name=name):
            period = variable(name)
            return {period: frozenset({name})} if period else {}
        case n.RuleRef(name=name):
            return rule(name)
    parts = [periods_of(child, variable, rule) for child in node.children()]
    merged = _merge(parts)
    if len(merged) > 1 and not _gathers(node):
        raise PeriodJoin(node, merged)
    return merged


def _gathers(node: n.Node) -> bool:
    """True for the operations that hold when one of their parts does ("this job, or at any time")."""
    match node:
        case n.Binary(op="or") | n.Call(func="any" | "coalesce"):
            return True
        case n.Call(func="at_least", args=(n.Literal(value=float(k)), *_)):
            return k <= 1
    return False


def _merge(parts: list[Periods]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for part in parts:
        for period, names in part.items():
            out[period] = out.get(period, frozenset()) | names
    return out
