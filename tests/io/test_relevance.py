"""The XLSForm skip logic the schema writes, evaluated as ODK Collect evaluates it (XPath rules: an
unanswered question is empty text; a number compared with empty text is false, except with !=)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from labourwatch.core.errors import LabourwatchError
from labourwatch.io.relevance import relevance_sql
from labourwatch.packs import load_schema


def evaluate(expression, **columns):
    con = duckdb.connect()
    con.register("t", pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}))
    return [row[0] for row in con.execute(f"SELECT {relevance_sql(expression)} FROM t").fetchall()]


@pytest.mark.parametrize(
    ("expression", "values", "asked"),
    [
        ("${h} > 8", ["9", "8", "", None, "8.5"], [True, False, False, False, True]),
        ("${h} != 8", ["9", "8", None], [True, False, True]),
        ("${r} != 'myself'", ["employer", "myself", None], [True, False, True]),
        ("${r} = 'a' or ${r} = 'b'", ["a", "b", "c", None], [True, True, False, False]),
        ("${v} != '' and not(selected(${v}, 'none'))", ["debt none", "debt", "", None], [False, True, False, False]),
        ('selected(${v}, "debt")', ["x debt", "debts", None], [True, False, False]),
    ],
)
def test_expressions_follow_xpath(expression, values, asked):
    names = {name for name in ("h", "r", "v") if "${" + name + "}" in expression}
    assert evaluate(expression, **{n: values for n in names}) == asked


def test_every_ask_if_of_the_schema_is_read():
    for var in load_schema().variables.values():
        if var.ask_if:
            assert relevance_sql(var.ask_if)


def test_an_expression_outside_the_subset_is_refused():
    with pytest.raises(LabourwatchError, match="outside the XLSForm subset"):
        relevance_sql("count-selected(${v}) > 1")
