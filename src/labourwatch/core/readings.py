"""How a request wants records judged, parsed and checked in one place: a date for all records or an
act as the yardstick, verified values only, and the readings chosen instead of the packs' defaults.
Errors speak of dates, acts and readings, never of command-line flags, so a web form can show them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from labourwatch.core.errors import LabourwatchError, Message
from labourwatch.core.model import Act, Pack, Parameter, Status
from labourwatch.core.record import NUMBER
from labourwatch.core.types import ValueType

Setting = tuple[str, str, Any]  # (pack id, parameter name, value) chosen by the user


@dataclass(frozen=True)
class Judgement:
    as_of: date | None = None
    law: str | None = None  # id of an act used as the yardstick
    verified_only: bool = False  # treat law values that are not verified as unknown
    settings: tuple[Setting, ...] = ()  # readings chosen by the user instead of the packs' defaults


TRUE_TEXTS = ("true", "yes", "1")
FALSE_TEXTS = ("false", "no", "0")


def parse_date(value: date | str | None, what: str) -> date | None:
    """A date given as a date or as YYYY-MM-DD text."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LabourwatchError(Message("reading_bad_date", {"what": what, "value": value})) from None


def parse_pairs(items: Iterable[str]) -> dict[str, str]:
    """NAME=VALUE texts (as typed by a user) as a mapping."""
    chosen = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise LabourwatchError(Message("reading_not_pair", {"item": item}))
        chosen[name.strip()] = value.strip()
    return chosen


def judgement(
    packs: Sequence[Pack],
    *,
    as_of: date | str | None = None,
    law: str | None = None,
    verified_only: bool = False,
    settings: Mapping[str, Any] | None = None,
) -> Judgement:
    """The checked judgement: `settings` maps "pack:name" or "name" to a value or its text."""
    chosen = Judgement(
        as_of=parse_date(as_of, "as_of"),
        law=law,
        verified_only=verified_only,
        settings=tuple(_setting(packs, key, raw) for key, raw in (settings or {}).items()),
    )
    check(packs, chosen)
    return chosen


def check(packs: Sequence[Pack], chosen: Judgement) -> None:
    """A date or an act, not both; an act the packs know; only readings set, each to one of its values."""
    if chosen.as_of is not None and chosen.law:
        raise LabourwatchError(Message("reading_date_and_act"))
    if chosen.law:
        find_act(packs, chosen.law)
    params = {(p.id, name): param for p in packs for name, param in p.parameters.items()}
    for pack_id, name, value in chosen.settings:
        param = params.get((pack_id, name))
        if param is None or not _is_reading(param):
            raise LabourwatchError(Message("reading_unknown", {"name": f"{pack_id}:{name}", "known": _known(packs)}))
        if param.codes and value not in param.codes:
            codes = ", ".join(sorted(param.codes))
            raise LabourwatchError(
                Message("reading_bad_code", {"name": f"{pack_id}:{name}", "codes": codes, "value": repr(value)})
            )


def find_act(packs: Iterable[Pack], act_id: str) -> tuple[Pack, Act]:
    known: list[str] = []
    for pack in packs:
        if act_id in pack.acts:
            return pack, pack.acts[act_id]
        known.extend(pack.acts)
    raise LabourwatchError(Message("reading_unknown_act", {"act": act_id, "known": ", ".join(sorted(known))}))


def _setting(packs: Sequence[Pack], key: str, raw: Any) -> Setting:
    pack_id, _, name = key.rpartition(":")
    owners = [p for p in packs if name in p.parameters and (not pack_id or p.id == pack_id)]
    if len(owners) != 1 or not _is_reading(owners[0].parameters[name]):
        raise LabourwatchError(Message("reading_unknown", {"name": key, "known": _known(packs)}))
    param = owners[0].parameters[name]
    return owners[0].id, name, _typed(param, key, raw)


def _typed(param: Parameter, key: str, raw: Any) -> Any:
    if param.type is ValueType.NUMBER and isinstance(raw, float | int) and not isinstance(raw, bool):
        raw = repr(raw)  # checked as the text would be: NaN and infinity are no setting
    if not isinstance(raw, str):
        return raw
    if param.type is ValueType.BOOL:
        if raw.lower() not in TRUE_TEXTS + FALSE_TEXTS:
            raise LabourwatchError(Message("reading_not_boolean", {"name": key, "value": raw}))
        return raw.lower() in TRUE_TEXTS
    if param.type is ValueType.NUMBER:
        if not re.fullmatch(NUMBER, raw.strip()):  # a finite decimal: not "nan", "inf" or "1_5"
            raise LabourwatchError(Message("reading_not_number", {"name": key, "value": raw}))
        return float(raw)
    return raw


def _is_reading(param: Parameter) -> bool:
    return param.values[0].status is Status.READING


def _known(packs: Sequence[Pack]) -> str:
    return ", ".join(sorted(f"{p.id}:{name}" for p in packs for name, q in p.parameters.items() if _is_reading(q)))


def settings_of(chosen: Judgement) -> dict[str, Any]:
    """The readings chosen, keyed "pack:name" (as a request and the provenance name them)."""
    return {f"{pack}:{name}": value for pack, name, value in chosen.settings}
