"""The OSCE study's Tables 1, 2 and 3 recomputed from microdata, each figure beside the published one.

Percentages are of the records in the class that answered the question (the paper notes that the number
answering each question varies), and every cell carries that denominator.

For the command line they are tables for a person (Table 1 as printed; Tables 2 and 3 a line per
condition and class) or, in a pipe, one long table of every figure beside the published one.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.packs import load_schema
from labourwatch.presentation.tables import Column, Grid
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


def _class_counts(result: dict[str, Any]) -> list[tuple[str, str, int, int | None]]:
    """(classification, class, computed, published): the published classes in their order, then any other."""
    printed = published()
    rows = []
    for name in ("compliance", "unfreedom"):
        order = [*printed[name], *(c for c in result[name] if c not in printed[name])]
        rows += [(name, str(c), int(result[name].get(c, 0)), printed[name].get(c)) for c in order]
    return rows


def _table1_grid(table1: dict[str, Any], lang: str) -> Grid:
    sectors = load_schema().variables["sector"].values
    columns = [
        Column("citizenship", "", kind="key"),
        *(Column(s, pick(sectors.get(s), lang) or s, kind="number") for s in table1["columns"]),
        Column("total", t("total", lang), kind="number"),
    ]
    rows = []
    for country, row in table1["rows"].items():
        cells = [c if c == p else f"{c} ({p})" for c, p in zip(row["computed"], row["published"], strict=True)]
        rows.append((country, *cells, row["total"]))
    return Grid(columns, rows, t("table1_title", lang))


def _percent_grid(result: dict[str, Any], key: str, lang: str) -> Grid:
    columns = [
        Column("condition", t("col_condition", lang), kind="key", group=True),
        Column("class", t("col_class", lang), kind="key"),
        Column("class_size", "N", kind="number"),
        Column("answered", "n", kind="number"),
        Column("percent", "%", kind="number", digits=1),
        Column("published", t("col_published", lang), kind="number"),
        Column("difference", t("col_difference", lang), kind="number", digits=1, signed=True),
    ]
    spec = result[key]
    rows = [
        (row, c["class"], spec["class_sizes"][c["class"]], c["answered"], c["percent"], c["published"], c["difference"])
        for row, cells in spec["rows"].items()
        for c in cells
    ]
    return Grid(columns, rows, t(f"{key}_title", lang))


def osce_grids(result: dict[str, Any], lang: str) -> list[Grid]:
    """Tables 1, 2 and 3 and the classes' sizes, for a person: Table 1 as printed (a published figure in
    brackets where it differs), Tables 2 and 3 a line per condition and class."""
    classes = Grid(
        [
            Column("classification", t("col_classification", lang), kind="key", group=True),
            Column("class", t("col_class", lang), kind="key"),
            Column("records", t("col_records", lang), kind="number"),
            Column("published", t("col_published", lang), kind="number"),
        ],
        _class_counts(result),
        t("demo_classes", lang),
    )
    return [
        _table1_grid(result["table1"], lang),
        _percent_grid(result, "table2", lang),
        _percent_grid(result, "table3", lang),
        classes,
    ]


def osce_long_grid(result: dict[str, Any]) -> Grid:
    """Every figure of the three tables and of the classes' sizes beside the published one, a line each:
    for a program (a pipe), whatever the table it comes from."""
    names = ("table", "row", "column", "class_size", "answered", "computed", "published", "difference")
    rows: list[tuple[Any, ...]] = []
    for country, row in result["table1"]["rows"].items():
        for sector, c, p in zip(result["table1"]["columns"], row["computed"], row["published"], strict=True):
            rows.append(("table1", country, sector, None, None, c, p, c - p))
        rows.append(("table1", country, "total", None, None, row["total"], None, None))
    for key in ("table2", "table3"):
        spec = result[key]
        for condition, cells in spec["rows"].items():
            for c in cells:
                size = spec["class_sizes"][c["class"]]
                rows.append(
                    (key, condition, c["class"], size, c["answered"], c["percent"], c["published"], c["difference"])
                )
    for name, cls, computed, printed in _class_counts(result):
        difference = None if printed is None else computed - printed
        rows.append((name, cls, None, None, None, computed, printed, difference))
    return Grid([Column(n, kind="number" if n not in names[:3] else "key") for n in names], rows)
