"""io/formulas.py: which texts a spreadsheet would run, and that nothing else changes."""

from __future__ import annotations

import pyarrow as pa

from labourwatch.io.formulas import defuse_csv, defuse_rows


def test_texts_a_spreadsheet_would_run_get_an_apostrophe_and_nothing_else_changes():
    texts = ["=1+1", "+7 700 123", "-x", "@SUM(A1)", "\tcmd", "\rcmd", "-5", "+1.5e3", "a=b", "", None, "'="]
    table = pa.table({"t": texts, "n": pa.array(range(len(texts)), pa.int64())})
    safe, changed = defuse_csv(table)
    assert safe.column("t").to_pylist() == [
        "'=1+1", "'+7 700 123", "'-x", "'@SUM(A1)", "'\tcmd", "'\rcmd", "-5", "+1.5e3", "a=b", "", None, "'=",
    ]  # fmt: skip
    assert changed == 6
    assert safe.column("n").equals(table.column("n"))
    unchanged = pa.table({"t": ["a", "-5"]})
    assert defuse_csv(unchanged) == (unchanged, 0)


def test_rows_for_python_csv_writers_are_defused_alike():
    rows, changed = defuse_rows([["=cmd", 1, None, "-5"], ["ok", "@x", 2.5, "+x"]])
    assert rows == [["'=cmd", 1, None, "-5"], ["ok", "'@x", 2.5, "'+x"]]
    assert changed == 3
