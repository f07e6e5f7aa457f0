"""The OSCE study's Tables 1, 2 and 3 recomputed from microdata, each figure beside the published one.

Percentages are of the records in the class that answered the question (the paper notes that the number
answering each question varies), and every cell carries that denominator.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from labourwatch.i18n import t
from labourwatch.studies.osce import published

NAMED_ROWS = ("TJK", "UZB", "KGZ", "TKM", "RUS")  # Table 1's rows; every other citizenship is "other"


def _table1(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    t1 = published()["table1"]
    named = ", ".join(f"'{c}'" for c in NAMED_ROWS)
    counts = con.execute(
        f"SELECT CASE WHEN citizenship IN ({named}) THEN citizenship ELSE 'other' END AS row, sector, count(*) "
        "FROM assessed GROUP BY ALL"
    ).fetchall()
    cells = {(r, s): int(n) for r, s, n in counts}
    rows = {}
    for country, printed in t1["rows"].items():
        computed = [cells.get((country, s), 0) for s in t1["sectors"]]
        rows[country] = {"computed": computed, "published": printed, "total": sum(computed)}
    return {
        "columns": t1["sectors"],
        "rows": rows,
        "without_sector": sum(n for (_, s), n in cells.items() if s is None),
        "erratum": t1["erratum"],
    }


def _percent_table(con: duckdb.DuckDBPyConnection, name: str, by: str) -> dict[str, Any]:
    spec = published()[name]
    present = _columns(con)
    rows = {}
    for row, printed in spec["rows"].items():
        by_class: dict[str, tuple[int, float | None]] = {}
        if row in present:  # a condition the input did not ask about stays empty
            result = con.execute(
                f'SELECT {by}, count("{row}"), avg(CAST("{row}" AS DOUBLE)) FROM assessed GROUP BY ALL'
            ).fetchall()
            by_class = {cls: (int(n), share) for cls, n, share in result}
        cells = []
        for cls, pub in zip(spec["columns"], printed, strict=True):
            n, share = by_class.get(cls, (0, None))
            percent = None if share is None else round(100 * share, 1)
            cells.append(
                {
                    "class": cls,
                    "percent": percent,
                    "answered": n,
                    "published": pub,
                    "difference": None if percent is None else round(percent - pub, 1),
                }
            )
        rows[row] = cells
    sizes = dict(con.execute(f"SELECT {by}, count(*) FROM assessed GROUP BY ALL").fetchall())
    return {"columns": spec["columns"], "class_sizes": {c: int(sizes.get(c, 0)) for c in spec["columns"]}, "rows": rows}


def erratum_text(table1: dict[str, Any], lang: str = "en") -> str:
    """The sentence explaining the one misprinted cell of the published Table 1."""
    fix = table1["erratum"]
    return t(
        "table1_erratum",
        lang,
        row=fix["row"],
        column=fix["column"],
        printed=fix["printed"],
        implied=fix["implied_by_totals"],
    )


def _columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("DESCRIBE assessed").fetchall()}


def osce_tables(assessed: pa.Table) -> dict[str, Any]:
    """Tables 1–3 from a table assessed with the osce-kz-2006 pack (it must hold its outputs)."""
    con = duckdb.connect()
    con.register("assessed", assessed)
    return {
        "source": published()["source"],
        "table1": _table1(con),
        "table2": _percent_table(con, "table2", "unfreedom"),
        "table3": _percent_table(con, "table3", "compliance"),
        "compliance": dict(con.execute("SELECT compliance, count(*) FROM assessed GROUP BY ALL").fetchall()),
        "unfreedom": dict(con.execute("SELECT unfreedom, count(*) FROM assessed GROUP BY ALL").fetchall()),
    }
