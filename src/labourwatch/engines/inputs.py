"""How each canonical variable is read from an input column, and what makes a value invalid, as sqlglot
trees over the whole column at once. The same expressions feed validation and assessment, so a value is
either parsed exactly as validated or reported: never silently coerced. core/record.py reads one record
by the same rules in Python (for forms), and a test holds the two together.

The spellings accepted are those of core/record.py (and docs/reference/variables.md), matched whole:
anything else is reported, never read by a looser cast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pyarrow as pa
from sqlglot import exp

from labourwatch.core.columns import REFERENCE_DATE
from labourwatch.core.errors import Message
from labourwatch.core.model import Schema, Variable
from labourwatch.core.record import (
    DATE_DAY_FIRST,
    DATE_ISO,
    EARLIEST_DATE,
    EXACT_INTEGER,
    FALSE_WORDS,
    NUMBER,
    NUMBER_DECIMAL_COMMA,
    SIGNIFICANT_DIGITS,
    TRUE_WORDS,
    WORK_TIME_ZONE,
)

DAY_FIRST = "%d.%m.%Y"
SQL_TYPES = {"boolean": "BOOLEAN", "number": "DOUBLE", "integer": "DOUBLE", "date": "DATE", "multiple": "VARCHAR[]"}


def column(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def typed_name(variable: str) -> str:
    """The column holding the typed value of a variable."""
    return f"__v_{variable}"


def typed(variable: str, table: str | None = None) -> exp.Column:
    return column(typed_name(variable), table)


def string(text: str) -> exp.Literal:
    return exp.Literal.string(text)


@cache
def sql_type(name: str) -> exp.DataType:
    """A type by its DuckDB name, parsed once (trees only read it: it may be shared)."""
    return exp.DataType.build(name, dialect="duckdb")


def func(name: str, *args: exp.Expression) -> exp.Expression:
    """A function call as DuckDB names it; sqlglot writes it for the engine's dialect."""
    # sqlglot's Func is an Expression at run time; its stubs do not say so.
    built: Any = exp.func(name, *args, dialect="duckdb", copy=False)
    return built  # type: ignore[no-any-return]


def case(whens: Sequence[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None) -> exp.Case:
    out = exp.Case()
    for condition, value in whens:
        out = out.when(condition, value, copy=False)
    return out.else_(default, copy=False) if default is not None else out


def is_text(arrow: pa.DataType | None) -> bool:
    """Whether a column is stored as text (and so may be compared with a text as it is stored)."""
    return arrow is not None and (pa.types.is_string(arrow) or pa.types.is_large_string(arrow))


def _kind_of(arrow: pa.DataType) -> str:
    if pa.types.is_boolean(arrow):
        return "bool"
    if pa.types.is_integer(arrow) or pa.types.is_floating(arrow) or pa.types.is_decimal(arrow):
        return "numeric"
    if pa.types.is_temporal(arrow):
        return "temporal"
    return "text"


def text_of(name: str) -> exp.Expression:
    """The raw value as trimmed text, blank as NULL."""
    return exp.Nullif(
        this=exp.Trim(this=exp.cast(column(name), sql_type("VARCHAR"), copy=False)), expression=string("")
    )


def _one_of(value: exp.Expression, texts: Iterable[str]) -> exp.Expression:
    return exp.In(this=exp.Lower(this=value), expressions=[string(t) for t in sorted(texts)])


def _matches(value: exp.Expression, pattern: str) -> exp.Expression:
    """The whole text matches the pattern (the spellings core/record.py documents and reads alike)."""
    return func("regexp_full_match", value.copy(), string(pattern))


def parse(var: Variable, name: str, arrow: pa.DataType) -> exp.Expression:
    """The typed value of `var` from input column `name`; NULL when missing or unparseable."""
    c, kind, text = column(name), _kind_of(arrow), text_of(name)
    if var.kind == "boolean":
        if kind == "bool":
            return c
        if kind == "numeric":
            return case(
                [
                    (exp.EQ(this=c, expression=exp.Literal.number(1)), exp.true()),
                    (exp.EQ(this=c, expression=exp.Literal.number(0)), exp.false()),
                ]
            )
        return case([(_one_of(text, TRUE_WORDS), exp.true()), (_one_of(text, FALSE_WORDS), exp.false())])
    if var.kind in ("number", "integer"):
        if kind == "numeric":  # NaN is how pandas and NumPy write a missing number
            as_double = exp.cast(c, sql_type("DOUBLE"), copy=False)
            return case([(exp.IsNan(this=as_double), exp.null())], as_double.copy())
        with_point = exp.Replace(this=text.copy(), expression=string(","), replacement=string("."))
        return case(
            [
                (_matches(text, NUMBER), exp.TryCast(this=text.copy(), to=sql_type("DOUBLE"))),
                (_matches(text, NUMBER_DECIMAL_COMMA), exp.TryCast(this=with_point, to=sql_type("DOUBLE"))),
            ]
        )
    if var.kind == "date":
        if kind == "temporal":
            if pa.types.is_timestamp(arrow) and arrow.tz is not None:  # the date where the work was
                return exp.cast(exp.AtTimeZone(this=c, zone=string(WORK_TIME_ZONE)), sql_type("DATE"), copy=False)
            return exp.cast(c, sql_type("DATE"), copy=False)
        day_first = func("try_strptime", text.copy(), string(DAY_FIRST))
        return case(
            [
                (_matches(text, DATE_ISO), exp.TryCast(this=text.copy(), to=sql_type("DATE"))),
                (_matches(text, DATE_DAY_FIRST), exp.TryCast(this=day_first, to=sql_type("DATE"))),
            ]
        )
    if var.kind == "multiple":
        split = func("regexp_split_to_array", text.copy(), string(r"\s+"))
        return case([(exp.not_(exp.Is(this=text, expression=exp.null()), copy=False), split)])
    return text


@dataclass(frozen=True)
class Check:
    column: str
    condition: exp.Expr  # true when the value is invalid
    message: Message


def checks(var: Variable, name: str, arrow: pa.DataType, *, today: date, required: bool) -> list[Check]:
    """What makes a value of `var` invalid, each with the message the user sees."""
    v, text = typed(var.name), text_of(name)

    def check(condition: exp.Expr, code: str, **params: Any) -> Check:
        return Check(name, exp.paren(condition, copy=False), Message(code, params))

    unparsed = {"boolean": "bad_boolean", "number": "bad_number", "integer": "bad_number", "date": "bad_date"}
    out = []
    if not _always_parses(var, arrow):
        failed = exp.and_(
            exp.not_(exp.Is(this=text, expression=exp.null()), copy=False),
            exp.Is(this=v, expression=exp.null()),
            copy=False,
        )
        out.append(check(failed, unparsed.get(var.kind, "bad_value")))
    codes = [string(c) for c in var.values]
    if var.kind == "category":
        out.append(
            check(
                exp.not_(exp.In(this=v.copy(), expressions=codes), copy=False), "bad_code", codes=", ".join(var.values)
            )
        )
    elif var.kind == "multiple":  # one pattern over the text: a tenth of the cost of a list's test
        alternatives = "(?:" + "|".join(re.escape(c) for c in var.values) + ")"
        listed = _matches(text, rf"{alternatives}(?:\s+{alternatives})*")
        out.append(check(exp.not_(listed, copy=False), "bad_codes", codes=", ".join(var.values)))
    elif var.kind == "country":
        out.append(check(exp.not_(func("regexp_full_match", v.copy(), string("[A-Z]{3}")), copy=False), "bad_country"))
    elif var.kind in ("number", "integer") and _kind_of(arrow) == "text":
        digits = exp.Length(this=exp.Trim(this=_mantissa_digits(text), expression=string("0")))
        too_long = exp.GT(this=digits, expression=exp.Literal.number(SIGNIFICANT_DIGITS))
        parsed = exp.not_(exp.Is(this=v.copy(), expression=exp.null()), copy=False)
        out.append(check(exp.and_(parsed, too_long, copy=False), "too_many_digits", digits=SIGNIFICANT_DIGITS))
    elif var.kind in ("number", "integer") and pa.types.is_integer(arrow):
        high, low = exp.Literal.number(EXACT_INTEGER), exp.Literal.number(-EXACT_INTEGER)
        beyond = exp.or_(exp.GT(this=column(name), expression=high), exp.LT(this=column(name), expression=low))
        out.append(check(beyond, "too_many_digits", digits=SIGNIFICANT_DIGITS))
    if var.kind == "integer":
        out.append(check(exp.NEQ(this=v.copy(), expression=exp.Floor(this=v.copy())), "not_whole"))
    elif var.kind == "date":
        out.append(check(exp.GT(this=v.copy(), expression=_date(today)), "in_future"))
        out.append(check(exp.LT(this=v.copy(), expression=_date(EARLIEST_DATE)), "before_1991"))
    if var.minimum is not None:
        out.append(check(exp.LT(this=v.copy(), expression=_number(var.minimum)), "below_min", min=f"{var.minimum:g}"))
    if var.maximum is not None:
        unit = Message("unit_" + var.unit, prefix=" ") if var.unit else ""
        over = exp.GT(this=v.copy(), expression=_number(var.maximum))
        out.append(check(over, "over_max", max=f"{var.maximum:g}", unit=unit))
    if required:
        out.append(check(exp.Is(this=text.copy(), expression=exp.null()), "value_missing"))
    return out


def _mantissa_digits(text: exp.Expression) -> exp.Expression:
    """The digits before any exponent (core.record.significant_digits reads them alike)."""
    mantissa = func("regexp_extract", text.copy(), string("^[^eE]*"))
    return func("regexp_replace", mantissa, string("[^0-9]"), string(""), string("g"))


def _date(day: date) -> exp.Expression:
    return exp.cast(string(day.isoformat()), sql_type("DATE"), copy=False)


def _number(value: float) -> exp.Expression:
    return exp.Literal.number(repr(float(value)))


def _always_parses(var: Variable, arrow: pa.DataType) -> bool:
    """A typed column that cannot fail to parse (a float column read as a number ...)."""
    kind = _kind_of(arrow)
    return (
        var.kind in ("string", "category", "country", "multiple")  # any text splits into codes
        or (var.kind in ("number", "integer") and kind == "numeric")
        or (var.kind == "date" and kind == "temporal")
        or (var.kind == "boolean" and kind == "bool")
    )


def cross_checks(present: Mapping[str, str]) -> list[Check]:
    """Checks between variables: `present` maps variable names to their input columns."""
    out = []
    if "entry_date" in present and REFERENCE_DATE in present:
        condition = exp.paren(exp.GT(this=typed("entry_date"), expression=typed(REFERENCE_DATE)))
        out.append(Check(present["entry_date"], condition, Message("entry_after_reference")))
    return out


def typed_projection(schema: Schema, columns: Mapping[str, pa.DataType]) -> dict[str, exp.Expression]:
    """For every variable of the schema, its typed value (NULL of the right type when absent)."""
    out: dict[str, exp.Expression] = {}
    for name, var in schema.variables.items():
        if name in columns:
            out[name] = parse(var, name, columns[name])
        else:
            out[name] = exp.cast(exp.null(), sql_type(SQL_TYPES.get(var.kind, "VARCHAR")), copy=False)
    return out
