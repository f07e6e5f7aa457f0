"""What every use case is asked: which packs, which law, which readings, and how to read the input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from labourwatch.core.instrument import Instrument, declared
from labourwatch.core.model import Pack, Schema
from labourwatch.core.readings import Judgement, judgement


class Options(TypedDict, total=False):
    """The keywords of a request, as the Python API takes them."""

    as_of: date | str | None  # judge every record under the law of this date
    law: str | None  # or under this act as the yardstick (e.g. "kz-labour-code-2007")
    verified_only: bool  # law values that are not verified count as unknown
    packs: Sequence[str] | None  # pack ids (default: every pack)
    settings: Mapping[str, Any] | None  # readings chosen: {"pack:name" or "name": value}
    encoding: str | None  # of a CSV input (default: detected)
    lang: str  # of messages
    asked: Sequence[str] | None  # the questions asked (variables, modules, or "all"); default: what the data came with
    not_asked: Sequence[str]  # questions or modules not asked, taken out of those


@dataclass(frozen=True)
class Request:
    """One use case's request: the fields of `Options`, held together."""

    as_of: date | str | None = None
    law: str | None = None
    verified_only: bool = False
    packs: Sequence[str] | None = None
    settings: Mapping[str, Any] | None = None
    encoding: str | None = None
    lang: str = "en"
    asked: Sequence[str] | None = None
    not_asked: Sequence[str] = ()

    @classmethod
    def of(cls, options: Options) -> Request:
        return cls(**options)

    def judgement(self, packs: Sequence[Pack]) -> Judgement:
        """The judgement this request asks for, checked against the loaded packs."""
        return judgement(
            packs, as_of=self.as_of, law=self.law, verified_only=self.verified_only, settings=self.settings
        )

    def instrument(self, schema: Schema, data_came_with: Instrument) -> Instrument:
        """The questions asked: what the data came with, unless the request declares otherwise."""
        return declared(schema, data_came_with, self.asked, self.not_asked)
