"""The law as data: variables, dated parameters with their legal references, acts, rules and packs."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any

from labourwatch.core.articles import article_in
from labourwatch.core.errors import Location
from labourwatch.core.expr.nodes import Node, RuleRef, VarRef
from labourwatch.core.expr.typecheck import Symbol
from labourwatch.core.types import Text, ValueType, pick

# --- variables -------------------------------------------------------------------------------------

VARIABLE_KINDS: dict[str, ValueType] = {
    "string": ValueType.STRING,
    "country": ValueType.STRING,
    "category": ValueType.STRING,
    "multiple": ValueType.SET,
    "date": ValueType.DATE,
    "integer": ValueType.NUMBER,
    "number": ValueType.NUMBER,
    "boolean": ValueType.BOOL,
}


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    label: Text
    module: str
    question: Text | None = None
    description: Text | None = None
    values: Mapping[str, Text] = field(default_factory=dict)
    phase: str | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    ask_if: str | None = None  # when a questionnaire asks it (XLSForm relevance, ${name} for variables)
    if_skipped: Any = None  # the answer a skipped question implies (skipped travel question: no journey arranged)
    repeat: str | None = None  # asked once per item of a repeat group (each payment): a linked table, not a column
    period: str | None = None  # the job and time the answer describes (core/periods.py); None: true of all

    @property
    def type(self) -> ValueType:
        return VARIABLE_KINDS[self.kind]

    @property
    def codes(self) -> frozenset[str] | None:
        return frozenset(self.values) if self.values else None

    @property
    def symbol(self) -> Symbol:
        return Symbol(self.type, self.codes)


@dataclass(frozen=True)
class Schema:
    variables: Mapping[str, Variable]
    version: str
    non_answers: frozenset[str] = frozenset()
    periods: Mapping[str, Text] = field(default_factory=dict)  # what each period of an answer means

    def symbols(self) -> dict[str, Symbol]:
        return {name: v.symbol for name, v in self.variables.items()}

    def answers(self, typed: Mapping[str, Any]) -> dict[str, Any]:
        """Every variable's value, from the typed values an engine gives (None when absent), with the
        codes of a question with several answers as a set, as the rules read them."""
        out: dict[str, Any] = {}
        for name, var in self.variables.items():
            value = typed.get(name)
            out[name] = frozenset(value) if var.kind == "multiple" and value is not None else value
        return out


# --- parameters ------------------------------------------------------------------------------------


class Status(StrEnum):
    """How far a legal value was checked against its source (the tags of research/law.md)."""

    VERIFIED = "verified"  # [V] seen in the cited source
    PARTLY_VERIFIED = "partly_verified"  # [P] seen only in a secondary source, or article/date unconfirmed
    UNVERIFIED = "unverified"  # [U] no confirming source found
    DERIVED = "derived"  # computed from other values by a stated method
    READING = "reading"  # not law: a documented choice of interpretation, which the user may change


@dataclass(frozen=True)
class LegalRef:
    act: str | None = None  # id of an act declared by the pack, when the value comes from one
    title: Text | None = None  # the instrument, when it is not one of the pack's acts (a budget law)
    article: str | None = None  # as the pack writes it ("art. 104(1)"); cited in each language's form
    date: str | None = None  # date of the instrument, as the source gives it
    links: tuple[str, ...] = ()
    note: Text | None = None

    def source(self, acts: Mapping[str, Act], lang: str = "en") -> str:
        """The instrument cited: the act's title, else the reference's own."""
        return pick(acts[self.act].title, lang) if self.act and self.act in acts else pick(self.title, lang)

    def cite(self, acts: Mapping[str, Act], lang: str = "en") -> str:
        article = article_in(self.article, lang) if self.article else ""
        return ", ".join(p for p in (self.source(acts, lang), article) if p)


@dataclass(frozen=True)
class ParamValue:
    start: date
    value: Any  # None: no value is known for this period (results that need it are unknown)
    status: Status
    reference: LegalRef
    location: Location | None = None


@dataclass(frozen=True)
class Parameter:
    pack: str
    name: str
    description: Text
    type: ValueType
    values: tuple[ParamValue, ...]  # sorted by start
    unit: str | None = None
    follows: str = "act"  # "act": part of the labour act; "calendar": indexed by date (MZP, MCI)
    codes: frozenset[str] | None = None

    def at(self, when: date) -> ParamValue | None:
        """The value in force on `when`, or None before the first one."""
        i = bisect.bisect_right(self.starts, when) - 1
        return self.values[i] if i >= 0 else None

    @property
    def symbol(self) -> Symbol:
        return Symbol(self.type, self.codes)

    @cached_property
    def starts(self) -> list[date]:
        """The days its values took effect (a timeline looks up every parameter in every interval)."""
        return [v.start for v in self.values]


@dataclass(frozen=True)
class Act:
    id: str
    title: Text
    start: date
    end: date | None  # last day in force; None while in force
    status: Status
    links: tuple[str, ...] = ()
    note: Text | None = None

    def clamp(self, when: date) -> date:
        if when < self.start:
            return self.start
        if self.end is not None and when > self.end:
            return self.end
        return when

    def in_force(self, when: date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)


# --- rules -----------------------------------------------------------------------------------------


class RuleKind(StrEnum):
    DERIVED = "derived"  # an intermediate value (a number, a date ...)
    FINDING = "finding"  # a yes / no / unknown statement about the record
    CLASSIFICATION = "classification"  # one label out of several, or `unknown`
    MEASURE = "measure"  # a number reported as a result column (a count, an amount)


@dataclass(frozen=True)
class Case:
    label: str
    when: Node


@dataclass(frozen=True)
class Rule:
    pack: str
    id: str
    kind: RuleKind
    label: Text
    type: ValueType
    expr: Node | None = None  # derived values and findings
    cases: tuple[Case, ...] = ()  # classifications
    otherwise: str | None = None
    labels: Mapping[str, Text] = field(default_factory=dict)  # labels of a classification's values
    description: Text | None = None
    references: tuple[LegalRef, ...] = ()
    source: str = ""  # the expression as written in the pack
    location: Location | None = None
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # named lists of indicators
    periods: Mapping[str, frozenset[str]] = field(default_factory=dict)  # what the result describes (core/periods.py)

    @property
    def codes(self) -> frozenset[str] | None:
        return frozenset(self.labels) | {"unknown"} if self.kind is RuleKind.CLASSIFICATION else None

    @property
    def symbol(self) -> Symbol:
        return Symbol(self.type, self.codes)

    def nodes(self) -> tuple[Node, ...]:
        return (self.expr,) if self.expr is not None else tuple(c.when for c in self.cases)

    @cached_property
    def walked(self) -> tuple[Node, ...]:
        """Every node of the rule's expressions, walked once: explaining a record walks each rule
        thousands of times, through every rule that reads it."""
        return tuple(x for root in self.nodes() for x in root.walk())

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The rules this rule reads directly, in the order it first names them."""
        return tuple(dict.fromkeys(x.name for x in self.walked if isinstance(x, RuleRef)))

    @cached_property
    def variables(self) -> tuple[str, ...]:
        """The variables this rule reads directly, in the order it first names them."""
        return tuple(dict.fromkeys(x.name for x in self.walked if isinstance(x, VarRef)))


@dataclass(frozen=True)
class Presumption:
    """What the law presumes of a fact when the survey did not ask it (work is not hazardous unless it
    is on the government's list): used only while the pack's reading `reading` is true, and named in
    every explanation that rests on it. Its legal basis is the reference of that reading."""

    variable: str
    value: Any
    pack: str
    reading: str  # a parameter of the pack, a true/false reading
    explanation: Text  # what the presumption means for the findings, as an explanation says it


@dataclass(frozen=True)
class MonthSeries:
    """A value for each month of a run of years, which a pack gives every record from the month of its
    reference date when the record does not hold it (the official calendar's working days of the month)."""

    first_year: int
    values: tuple[float, ...]  # January of first_year, then each month in turn

    def on(self, day: date | None) -> float | None:
        """The value of the date's month; None outside the series."""
        i = -1 if day is None else (day.year - self.first_year) * 12 + day.month - 1
        return self.values[i] if 0 <= i < len(self.values) else None


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: Text
    jurisdiction: str | None
    acts: Mapping[str, Act]
    parameters: Mapping[str, Parameter]
    rules: Mapping[str, Rule]  # in the order declared
    content_hash: str
    description: Text | None = None
    requires: tuple[str, ...] = ()
    presumptions: Mapping[str, Presumption] = field(default_factory=dict)  # by variable
    scope: Text | None = None  # what the pack measures and what it cannot
    by_month: Mapping[str, MonthSeries] = field(default_factory=dict)  # by variable

    @property
    def outputs(self) -> tuple[Rule, ...]:
        """Rules that become result columns (findings and classifications)."""
        return tuple(r for r in self.rules.values() if r.kind is not RuleKind.DERIVED)

    @property
    def stamp(self) -> str:
        return f"{self.id}@{self.version}+sha256:{self.content_hash[:12]}"
