"""One record's answers checked and typed in plain Python, with no database engine: for a form that
checks answers as they are given. engines/inputs.py does the same in SQL over whole columns, with the
patterns defined here; the two agree on every value and every problem, by code and parameters
(tests/core/test_record.py compares them).

An answer is text as a form gives it, or a value already typed: a bool, a number, a date, a list or
set of codes (for a question with several answers), or None. Text is read in these spellings only,
matched whole after blanks are trimmed (docs/reference/variables.md); anything else is a problem, never
read by a looser rule:
  booleans  yes/no, true/false, 1/0, да/нет (any case);
  numbers   digits with a point for decimals and an optional exponent ("7.5", "-3", "1e3"), or a comma
            followed by one or two digits ("7,5"), read as a decimal comma; NaN given as a number (not
            as text) is missing, as in pandas;
  dates     YYYY-MM-DD, or DD.MM.YYYY with one or two digits for day and month (as Excel writes them);
  multiple  codes separated by spaces (an XLSForm select_multiple).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.errors import Message, Problem
from labourwatch.core.model import Schema, Variable

EARLIEST_DATE = date(1991, 1, 1)  # the states concerned became independent in 1991

TRUE_WORDS = frozenset({"yes", "true", "1", "да"})
FALSE_WORDS = frozenset({"no", "false", "0", "нет"})
# Regular expressions in the syntax both Python and the engines (RE2) read; matched against the whole text.
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NUMBER_DECIMAL_COMMA = r"[+-]?[0-9]+,[0-9]{1,2}"
# The time zone in which a time stamp with a zone becomes the date whose law judges it: where the work
# was. The packs are Kazakhstan's; Almaty's zone (UTC+6 until 1 March 2024, UTC+5 since, as tzdata has
# it) is where most of the seed study's migrants worked. A reading, written down: western regions were
# on UTC+5 before 2024.
WORK_TIME_ZONE = "Asia/Almaty"

# A decimal of up to 15 significant digits is held exactly by a double (DBL_DIG); 9007199254740993
# would silently become ...992, so a longer one is refused rather than rounded.
SIGNIFICANT_DIGITS = 15
EXACT_INTEGER = 2**53  # the largest integer from which a double holds every integer exactly
DATE_ISO = r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
DATE_DAY_FIRST = r"[0-9]{1,2}\.[0-9]{1,2}\.[1-9][0-9]{3}"

# What the engines' TRIM removes from both ends: the Unicode space separators, not tabs or newlines.
_TRIMMED = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_CODE_SEPARATOR = re.compile("[\t\n\f\r ]+")  # \s of the engines' regular expressions (RE2): ASCII, no \v
_COUNTRY = re.compile("[A-Z]{3}")

_UNPARSED = {"boolean": "bad_boolean", "number": "bad_number", "integer": "bad_number", "date": "bad_date"}


class TypedRecord(NamedTuple):
    """The typed value of every variable of the schema (None when absent or blank), and what is wrong."""

    values: dict[str, Any]
    problems: list[Problem]


def type_record(schema: Schema, answers: Mapping[str, Any], *, today: date, require_date: bool = True) -> TypedRecord:
    """Check and type one record's answers, keyed by canonical variable names, as an assessment would.

    Values: a float for numbers, a bool, a date, a frozenset of codes for a question with several
    answers, trimmed text otherwise; None when absent or blank. Problems are in the order of the schema,
    each naming its variable and quoting the answer as text. A required variable absent from `answers`
    (not merely blank) is the engine's missing column: then only those are reported, as the engine does.
    Names that are not variables of the schema are ignored."""
    readings = {name: _read(var, answers.get(name)) for name, var in schema.variables.items()}
    values = {name: r.value for name, r in readings.items()}
    missing = [
        name
        for name, var in schema.variables.items()
        if var.required and name not in answers and (require_date or name != REFERENCE_DATE)
    ]
    if missing:
        return TypedRecord(values, [Problem(None, name, None, Message("column_missing")) for name in missing])
    problems: list[Problem] = []
    for name, var in schema.variables.items():
        if name in answers:
            required = var.required and (require_date or name != REFERENCE_DATE)
            r = readings[name]
            problems += [Problem(None, name, r.raw, m) for m in _messages(var, r, today=today, required=required)]
    if "entry_date" in answers and REFERENCE_DATE in answers:  # as engines.inputs.cross_checks
        entry, reference = readings["entry_date"], readings[REFERENCE_DATE]
        if entry.order is not None and reference.order is not None and entry.order > reference.order:
            problems.append(Problem(None, "entry_date", entry.raw, Message("entry_after_reference")))
    return TypedRecord(values, problems)


def type_answer(var: Variable, answer: Any, *, today: date, required: bool = False) -> tuple[Any, list[Message]]:
    """One answer typed and checked on its own (a form field): its value and what is wrong with it."""
    r = _read(var, answer)
    return r.value, _messages(var, r, today=today, required=required)


def as_varchar(answer: Any) -> str | None:
    """An answer as text, as DuckDB casts its column to VARCHAR (what a problem quotes): true/false,
    numbers as Python's repr, ISO dates; the codes of a list or set separated by spaces."""
    if answer is None:
        return None
    if isinstance(answer, str):
        return answer
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, numbers.Integral):
        return str(int(answer))
    if isinstance(answer, numbers.Real):
        return repr(float(answer))
    if isinstance(answer, Decimal):
        return format(answer, "f")
    if isinstance(answer, datetime):
        text = answer.replace(tzinfo=None).isoformat(sep=" ")
        return text.rstrip("0") if "." in text else text  # DuckDB drops the trailing zeros of the fraction
    if isinstance(answer, date):
        return answer.isoformat()
    if isinstance(answer, list | tuple):
        return " ".join(str(as_varchar(code)) for code in answer)
    if isinstance(answer, set | frozenset):
        return " ".join(sorted(str(as_varchar(code)) for code in answer))
    raise TypeError(f"an answer cannot be a {type(answer).__name__}: {answer!r}")


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    raw: str | None  # the answer as text, untrimmed: what a problem quotes
    text: str | None  # trimmed, None when blank: what makes a required answer missing
    value: Any  # the typed value given back
    order: Any  # the value the checks compare (the codes of a question with several answers, as a list)
    always_parses: bool  # typed already as the variable is (a number for a number): never unreadable
    exact: bool = True  # False for a number a double cannot hold exactly (more than 15 digits, 2**53 + 1)


def _read(var: Variable, answer: Any) -> _Reading:
    """As engines.inputs.parse_sql: the column's type there is the answer's Python type here."""
    if answer is None:
        return _Reading(None, None, None, None, True)
    raw = as_varchar(answer)
    assert raw is not None
    text = raw.strip(_TRIMMED) or None
    given = _kind_of(answer)
    if var.kind == "boolean":
        if given == "bool":
            return _Reading(raw, text, answer, answer, True)
        if given == "numeric":
            x = float(answer)
            flag = True if x == 1 else False if x == 0 else None
        else:
            flag = _read_boolean(text)
        return _Reading(raw, text, flag, flag, False)
    if var.kind in ("number", "integer"):
        if given == "numeric":  # NaN is how pandas and NumPy write a missing number
            x = float(answer)
            number = None if math.isnan(x) else x
            exact = not isinstance(answer, numbers.Integral) or abs(int(answer)) <= EXACT_INTEGER
            return _Reading(raw, text, number, number, True, exact)
        number = _read_number(text)
        exact = text is None or significant_digits(text) <= SIGNIFICANT_DIGITS
        return _Reading(raw, text, number, number, False, exact)
    if var.kind == "date":
        if given == "temporal":
            if isinstance(answer, datetime) and answer.tzinfo is not None:
                answer = answer.astimezone(ZoneInfo(WORK_TIME_ZONE))
            day = answer.date() if isinstance(answer, datetime) else answer
            return _Reading(raw, text, day, day, True)
        day = _read_date(text)
        return _Reading(raw, text, day, day, False)
    if var.kind == "multiple":
        codes = _CODE_SEPARATOR.split(text) if text is not None else None
        return _Reading(raw, text, frozenset(codes) if codes is not None else None, codes, False)
    return _Reading(raw, text, text, text, True)


def _kind_of(answer: Any) -> str:
    if isinstance(answer, bool):
        return "bool"
    if isinstance(answer, numbers.Real | Decimal):
        return "numeric"
    if isinstance(answer, date):
        return "temporal"
    return "text"


def _read_boolean(text: str | None) -> bool | None:
    if text is None:
        return None
    word = text.lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _read_number(text: str | None) -> float | None:
    if text is None:
        return None
    if re.fullmatch(NUMBER, text):
        return float(text)
    if re.fullmatch(NUMBER_DECIMAL_COMMA, text):
        return float(text.replace(",", "."))
    return None


def significant_digits(text: str) -> int:
    """The digits of a number's mantissa without leading and trailing zeros ("0012.3400e5": 4)."""
    return len(re.sub(r"[^0-9]", "", re.split(r"[eE]", text, maxsplit=1)[0]).strip("0"))


def _read_date(text: str | None) -> date | None:
    try:
        if text is not None and re.fullmatch(DATE_ISO, text):
            return date.fromisoformat(text)
        if text is not None and re.fullmatch(DATE_DAY_FIRST, text):
            return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:  # no such day (2016-02-30)
        pass
    return None


# --- checking --------------------------------------------------------------------------------------


def _messages(var: Variable, r: _Reading, *, today: date, required: bool) -> list[Message]:
    """As engines.inputs.checks, in its order; a check of a missing value finds nothing, as in SQL."""
    out = []
    if not r.always_parses and r.text is not None and r.order is None:
        out.append(Message(_UNPARSED.get(var.kind, "bad_value")))
    v = r.order
    codes = ", ".join(var.values)
    if v is not None:
        if not r.exact:
            out.append(Message("too_many_digits", {"digits": SIGNIFICANT_DIGITS}))
        if var.kind == "category" and v not in var.values:
            out.append(Message("bad_code", {"codes": codes}))
        elif var.kind == "multiple" and not all(code in var.values for code in v):
            out.append(Message("bad_codes", {"codes": codes}))
        elif var.kind == "country" and not _COUNTRY.fullmatch(v):
            out.append(Message("bad_country"))
        elif var.kind == "integer" and math.isfinite(v) and v != math.floor(v):
            out.append(Message("not_whole"))
        elif var.kind == "date":
            if v > today:
                out.append(Message("in_future"))
            if v < EARLIEST_DATE:
                out.append(Message("before_1991"))
        if var.kind in ("number", "integer"):
            if var.minimum is not None and v < var.minimum:
                out.append(Message("below_min", {"min": f"{var.minimum:g}"}))
            if var.maximum is not None and v > var.maximum:
                unit = Message("unit_" + var.unit, prefix=" ") if var.unit else ""
                out.append(Message("over_max", {"max": f"{var.maximum:g}", "unit": unit}))
    if required and r.text is None:
        out.append(Message("value_missing"))
    return out
