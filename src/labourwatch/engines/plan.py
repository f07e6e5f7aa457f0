"""What an assessment needs, whatever the engine: the input, the packs, the variables it holds, and the
law in force over each interval of time, as a small table of constants."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

import pyarrow as pa

from labourwatch.core.columns import PROVENANCE_COLUMNS
from labourwatch.core.errors import LabourwatchError, Message
from labourwatch.core.instrument import Instrument, from_columns, presumptions
from labourwatch.core.model import MonthSeries, Pack, Presumption, Rule, Schema
from labourwatch.core.readings import Judgement
from labourwatch.core.timeline import Timeline, build_timeline, parameter_dependencies, unverified_outputs
from labourwatch.core.types import ValueType


class Source(Protocol):
    """An input as the engines see it (io.readers builds them): its columns, and its records as Arrow
    batches numbered from 1 in the column core.columns.ROW."""

    label: str
    columns: dict[str, pa.DataType]
    total_rows: int | None
    header_lines: int
    notes: list[str]
    parquet_path: str | None  # a Parquet file an engine may scan itself, in parallel

    @property
    def open(self) -> Callable[[], pa.RecordBatchReader]: ...


@dataclass
class Plan:
    """What an assessment needs: the input, the packs, and the law in force over each interval."""

    schema: Schema
    packs: Sequence[Pack]
    timeline: Timeline
    source: Source
    present: dict[str, str]  # variable -> input column
    outputs: list[Rule]
    law: LawTable
    today: date
    instrument: Instrument
    presumptions: Mapping[str, Presumption]  # in force under the judgement

    @property
    def stamp(self) -> str:
        return " ".join(p.stamp for p in self.packs)

    def fingerprint(self) -> str:
        """Every field of the plan, hashed: two plans with the same fingerprint compile to the same
        queries, so an engine may keep what it compiled under it. (A field added to Plan must join the
        list: tests/engines/test_compiled.py fails until it does.)"""
        timeline = (self.timeline.judgement, self.timeline.starts, sorted(self.timeline.readings.items(), key=repr))
        source = (tuple((name, str(kind)) for name, kind in self.source.columns.items()), self.source.parquet_path)
        parts = (
            self.schema.version,
            self.stamp,
            timeline,
            source,
            sorted(self.present.items()),
            [rule.id for rule in self.outputs],
            self.law,
            self.today,
            (sorted(self.instrument.asked), self.instrument.basis),
            sorted(self.presumptions.items(), key=repr),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    @property
    def variables_read(self) -> set[str]:
        """The variables the packs' rules read."""
        return {v for pack in self.packs for rule in pack.rules.values() for v in rule.variables}

    def read_only(self) -> Plan:
        """This plan with, of the variables present, only those its packs' rules read and those every
        record needs (the id, the reference date): the others are neither typed nor checked (an output of
        the results only)."""
        kept = self.variables_read | {name for name, var in self.schema.variables.items() if var.required}
        return replace(self, present={name: col for name, col in self.present.items() if name in kept})

    @property
    def by_month(self) -> dict[str, MonthSeries]:
        """What the packs give each record from the month of its reference date, by variable."""
        return {name: series for pack in self.packs for name, series in pack.by_month.items()}


def plan(
    schema: Schema,
    packs: Sequence[Pack],
    source: Source,
    judgement: Judgement,
    *,
    today: date,
    instrument: Instrument | None = None,
) -> Plan:
    """`instrument`: the questions asked; by default those the input has columns for."""
    timeline = build_timeline(packs, judgement)
    present = {name: name for name in schema.variables if name in source.columns}
    outputs = [r for p in packs for r in p.outputs]
    clashes = [r.id for r in outputs if r.id in source.columns] + [c for c in PROVENANCE_COLUMNS if c in source.columns]
    if clashes:
        raise LabourwatchError(
            Message("input_has_result_columns", {"label": source.label, "columns": ", ".join(clashes)})
        )
    asked = instrument or from_columns(schema, source.columns)
    law = _law_table(packs, timeline, outputs)
    return Plan(schema, packs, timeline, source, present, outputs, law, today, asked, presumptions(packs, timeline))


@dataclass(frozen=True)
class LawTable:
    """The law in force over each interval, column by column (a few dozen rows: plain Python)."""

    types: dict[str, ValueType]  # column -> type
    columns: dict[str, list[Any]]  # column -> one value per interval

    def rows(self) -> list[dict[str, Any]]:
        names = list(self.columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*self.columns.values(), strict=True)]


ACTS, UNVERIFIED = "__lw_acts", "__lw_unverified"


def param_column(pack: str, name: str) -> str:
    return f"{pack}:{name}"


def _law_table(packs: Sequence[Pack], timeline: Timeline, outputs: Sequence[Rule]) -> LawTable:
    deps = parameter_dependencies(packs)
    ivs = timeline.intervals
    types = {ACTS: ValueType.STRING, UNVERIFIED: ValueType.STRING}
    columns: dict[str, list[Any]] = {
        ACTS: [" ".join(iv.acts) for iv in ivs],
        UNVERIFIED: [unverified_outputs(iv, outputs, deps) for iv in ivs],
    }
    for pack in packs:
        for name, param in pack.parameters.items():
            column = param_column(pack.id, name)
            types[column] = param.type
            columns[column] = [v.value if (v := iv.value((pack.id, name))) is not None else None for iv in ivs]
    return LawTable(types, columns)
