"""One rule for writing a value as text, wherever a value becomes text (a cell, a key, a table built
from answers): true/false, ISO dates, whole numbers without ".0", the codes of a set separated by spaces
(as an XLSForm select_multiple), and no value (None, NaN) as None."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

from labourwatch.core.columns import NOT_MEASURED

UNKNOWN_LABEL = "unknown"
NOT_MEASURED_LABEL = "not_measured"  # docs/concepts.md#asked


def as_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # NaN: a missing number
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # a date cell of a spreadsheet is a datetime at midnight
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, frozenset | set):
        return " ".join(sorted(_texts(value)))
    if isinstance(value, list | tuple):
        return " ".join(_texts(value))
    return str(value)


def _texts(values: Any) -> list[str]:
    return [text for v in values if (text := as_text(v)) is not None]


def result_text(value: Any) -> str:
    """A result as a count's key: "unknown" when there is none."""
    text = as_text(value)
    return UNKNOWN_LABEL if text is None else text


def result_in(row: dict[str, Any], rule_id: str) -> Any:
    """A result of an assessed row, `not_measured` where it rests on questions not asked."""
    return NOT_MEASURED_LABEL if rule_id in (row.get(NOT_MEASURED) or "").split() else row.get(rule_id)
