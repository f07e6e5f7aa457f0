"""Which questions a survey asked. A question not asked is not the same as a question left blank: the
blank is unknown, while what was never asked is outside the survey's measure (docs/concepts.md#asked)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labourwatch.core.columns import ID, MONTH_WORKING_DAYS, REFERENCE_DATE
from labourwatch.core.errors import LabourwatchError, Message
from labourwatch.core.model import Pack, Presumption, Schema
from labourwatch.core.timeline import Timeline

# Where the list of questions came from, from the most to the least explicit.
DECLARED, FORM, MAPPING, COLUMNS = "declared", "form", "mapping", "columns"
# Not questions: the record's id and date, and what the date gives (the calendar's month, core.model.MonthSeries)
ALWAYS_ASKED = frozenset({ID, REFERENCE_DATE, MONTH_WORKING_DAYS})


@dataclass(frozen=True)
class Instrument:
    """The questions asked of every record of an input, and where that list came from."""

    asked: frozenset[str]
    basis: str  # one of DECLARED, FORM, MAPPING, COLUMNS
    detail: str = ""  # the form, the mapping file or the declaration, as the user gave it

    def was_asked(self, variable: str) -> bool:
        return variable in self.asked or variable in ALWAYS_ASKED

    def not_asked(self, variables: Iterable[str]) -> list[str]:
        return [v for v in variables if not self.was_asked(v)]

    @classmethod
    def from_json(cls, recorded: Mapping[str, Any], schema: Schema) -> Instrument:
        """As `to_json` (or an import) recorded it."""
        return cls(frozenset(recorded["asked"]) & set(schema.variables), recorded["basis"], recorded.get("detail", ""))

    def to_json(self, schema: Schema) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "detail": self.detail,
            "asked": sorted(self.asked & set(schema.variables)),
            "not_asked": self.not_asked(schema.variables),
        }


def from_columns(schema: Schema, columns: Iterable[str], basis: str = COLUMNS, detail: str = "") -> Instrument:
    """The questions an input has columns for: a column all blank was asked and not answered."""
    return Instrument(frozenset(c for c in columns if c in schema.variables), basis, detail)


EVERY = "all"  # as a declaration of the questions asked: every question of the schema


def declared(
    schema: Schema, base: Instrument, asked: Sequence[str] | None = None, not_asked: Sequence[str] = ()
) -> Instrument:
    """The questions asked as a user declares them: those named in `asked` (variables or modules, or
    "all"), or without it those of `base` (what the data came with), less those named in `not_asked`.
    An unknown name is an error naming the nearest known ones."""
    if asked is None and not not_asked:
        return base
    if asked is None:
        start, said = base.asked, [base.basis]
    elif list(asked) == [EVERY]:
        start, said = frozenset(schema.variables), [EVERY]
    else:
        start, said = _expand(schema, asked), list(asked)
    detail = "asked: " + ", ".join(said) + ("; not asked: " + ", ".join(not_asked) if not_asked else "")
    return Instrument(start - _expand(schema, not_asked), DECLARED, detail)


def _expand(schema: Schema, names: Iterable[str]) -> frozenset[str]:
    modules: dict[str, set[str]] = {}
    for variable in schema.variables.values():
        modules.setdefault(variable.module, set()).add(variable.name)
    out: set[str] = set()
    for name in names:
        if name in schema.variables:
            out.add(name)
        elif name in modules:
            out |= modules[name]
        else:
            close = difflib.get_close_matches(name, [*schema.variables, *modules], n=3)
            raise LabourwatchError(Message("unknown_question", {"name": name, "close": ", ".join(close) or "-"}))
    return frozenset(out)


def presumptions(packs: Iterable[Pack], timeline: Timeline) -> dict[str, Presumption]:
    """The presumptions in force, by variable: those whose reading is true under this judgement
    (decided once for the whole input, so a question is left out of the measure on every record or
    on none)."""
    chosen = timeline.readings
    return {
        name: presumption
        for pack in packs
        for name, presumption in pack.presumptions.items()
        if chosen.get((pack.id, presumption.reading)) is True
    }
