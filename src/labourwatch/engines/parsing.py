"""How each canonical variable is read from an input column, and what makes a value invalid, as SQL
over the whole column at once (DuckDB dialect). The same expressions feed validation and assessment,
so a value is either parsed exactly as validated or reported: never silently coerced.

Accepted spellings, documented in docs/reference/variables.md:
  booleans  yes/no, true/false, 1/0, да/нет (any case);
  numbers   a point for decimals; a comma followed by one or two digits ("7,5") is read as a decimal comma;
            NaN in a floating-point column is missing, as in pandas;
  dates     YYYY-MM-DD or DD.MM.YYYY;
  multiple  codes separated by spaces (an XLSForm select_multiple).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from labourwatch.core.model import Schema, Variable
from labourwatch.i18n import t

EARLIEST_DATE = date(1991, 1, 1)  # the states concerned became independent in 1991


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def typed_name(variable: str) -> str:
    return quote(f"__v_{variable}")


def _kind_of(arrow: pa.DataType) -> str:
    if pa.types.is_boolean(arrow):
        return "bool"
    if pa.types.is_integer(arrow) or pa.types.is_floating(arrow) or pa.types.is_decimal(arrow):
        return "numeric"
    if pa.types.is_temporal(arrow):
        return "temporal"
    return "text"


def text_of(column: str) -> str:
    """The raw value as trimmed text, blank as NULL."""
    return f"NULLIF(TRIM(CAST({quote(column)} AS VARCHAR)), '')"


def parse_sql(var: Variable, column: str, arrow: pa.DataType) -> str:
    """SQL giving the typed value of `var` from input `column`; NULL when missing or unparseable."""
    c, kind, t = quote(column), _kind_of(arrow), text_of(column)
    if var.kind == "boolean":
        if kind == "bool":
            return c
        if kind == "numeric":
            return f"CASE WHEN {c} = 1 THEN TRUE WHEN {c} = 0 THEN FALSE END"
        return (
            f"CASE WHEN lower({t}) IN ('yes', 'true', '1', 'да') THEN TRUE "
            f"WHEN lower({t}) IN ('no', 'false', '0', 'нет') THEN FALSE END"
        )
    if var.kind in ("number", "integer"):
        if kind == "numeric":  # NaN is how pandas and NumPy write a missing number
            return f"CASE WHEN isnan(CAST({c} AS DOUBLE)) THEN NULL ELSE CAST({c} AS DOUBLE) END"
        decimal_comma = f"regexp_replace({t}, '^(-?[0-9]+),([0-9]{{1,2}})$', '\\1.\\2')"
        return f"TRY_CAST({decimal_comma} AS DOUBLE)"
    if var.kind == "date":
        if kind == "temporal":
            return f"CAST({c} AS DATE)"
        return f"COALESCE(TRY_CAST({t} AS DATE), TRY_CAST(TRY_STRPTIME({t}, '%d.%m.%Y') AS DATE))"
    if var.kind == "multiple":
        return f"CASE WHEN {t} IS NOT NULL THEN regexp_split_to_array({t}, '\\s+') END"
    return t


@dataclass(frozen=True)
class Check:
    column: str
    condition: str  # SQL, true when the value is invalid
    message: str


def checks(
    var: Variable, column: str, arrow: pa.DataType, *, today: date, required: bool, lang: str = "en"
) -> list[Check]:
    """What makes a value of `var` invalid, each with the message the user sees."""
    v, text = typed_name(var.name), text_of(column)
    unparsed = {"boolean": "bad_boolean", "number": "bad_number", "integer": "bad_number", "date": "bad_date"}
    out = []
    if not _always_parses(var, arrow):
        out.append(Check(column, f"({text} IS NOT NULL AND {v} IS NULL)", t(unparsed.get(var.kind, "bad_value"), lang)))
    codes_sql = ", ".join(sql_string(c) for c in var.values)
    codes = ", ".join(var.values)
    if var.kind == "category":
        out.append(Check(column, f"({v} NOT IN ({codes_sql}))", t("bad_code", lang, codes=codes)))
    elif var.kind == "multiple":
        out.append(Check(column, f"(NOT list_has_all([{codes_sql}], {v}))", t("bad_codes", lang, codes=codes)))
    elif var.kind == "country":
        out.append(Check(column, f"(NOT regexp_full_match({v}, '[A-Z]{{3}}'))", t("bad_country", lang)))
    elif var.kind == "integer":
        out.append(Check(column, f"({v} <> floor({v}))", t("not_whole", lang)))
    elif var.kind == "date":
        out.append(Check(column, f"({v} > DATE '{today.isoformat()}')", t("in_future", lang)))
        out.append(Check(column, f"({v} < DATE '{EARLIEST_DATE.isoformat()}')", t("before_1991", lang)))
    if var.minimum is not None:
        out.append(Check(column, f"({v} < {var.minimum})", t("below_min", lang, min=f"{var.minimum:g}")))
    if var.maximum is not None:
        unit = f" {t('unit_' + var.unit, lang)}" if var.unit else ""
        out.append(Check(column, f"({v} > {var.maximum})", t("over_max", lang, max=f"{var.maximum:g}", unit=unit)))
    if required:
        out.append(Check(column, f"({text} IS NULL)", t("value_missing", lang)))
    return out


def _always_parses(var: Variable, arrow: pa.DataType) -> bool:
    """A typed column that cannot fail to parse (a float column read as a number ...)."""
    kind = _kind_of(arrow)
    return (
        var.kind in ("string", "category", "country")
        or (var.kind in ("number", "integer") and kind == "numeric")
        or (var.kind == "date" and kind == "temporal")
        or (var.kind == "boolean" and kind == "bool")
    )


def cross_checks(present: Mapping[str, str], lang: str = "en") -> list[Check]:
    """Checks between variables: `present` maps variable names to their input columns."""
    out = []
    if "entry_date" in present and "reference_date" in present:
        condition = f"({typed_name('entry_date')} > {typed_name('reference_date')})"
        out.append(Check(present["entry_date"], condition, t("entry_after_reference", lang)))
    return out


def typed_projection(schema: Schema, columns: Mapping[str, pa.DataType]) -> dict[str, str]:
    """For every variable of the schema, SQL for its typed value (NULL of the right type when absent)."""
    sql_types = {
        "boolean": "BOOLEAN",
        "number": "DOUBLE",
        "integer": "DOUBLE",
        "date": "DATE",
        "multiple": "VARCHAR[]",
    }
    out = {}
    for name, var in schema.variables.items():
        if name in columns:
            out[name] = parse_sql(var, name, columns[name])
        else:
            out[name] = f"CAST(NULL AS {sql_types.get(var.kind, 'VARCHAR')})"
    return out
