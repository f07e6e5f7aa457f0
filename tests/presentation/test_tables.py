"""The tables the command line prints: drawn within the terminal's width without cutting a cell, or
written as TSV that csv, cut and spreadsheets read."""

from __future__ import annotations

import csv
import io

from rich.console import Console

from labourwatch.presentation.tables import Column, Grid, Shown, drawn, tsv

ONE = "icls_inv_e_very_low_or_no_wages_under_the_reading_one"
TWO = "icls_inv_e_very_low_or_no_wages_under_the_reading_two"
GRID = Grid(
    [
        Column("result", "Result", kind="key", group=True),
        Column("reading", "Other reading", kind="key"),
        Column("records", "Records (other reading)", kind="number"),
        Column("share", "Share of the records, as a fraction of all records", kind="number", digits=1),
    ],
    [(ONE, "kz-labour:reading.presume_no_premiums=false", 1518, 0.25), (TWO, "evidence:x=y", 45, None)],
    "Results under each reading",
)


def lines(grid: Grid, width: int, lang: str = "en") -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(drawn(grid, lang, width))
    return console.export_text().splitlines()


def test_drawn_within_the_width():
    for width in (80, 60, 40):
        shown = lines(GRID, width)
        assert all(len(line) <= width for line in shown), width
        assert "…" not in "".join(shown)
    wide = "\n".join(lines(GRID, 160))
    assert ONE in wide and TWO in wide  # whole when there is room


def test_identifiers_are_broken_over_lines_never_cut():
    """Two ids that differ at their end stay two: `sensitivity` used to show both as icls_inv_e_very_…"""
    grid = Grid([Column("result", kind="key"), Column("records", kind="number")], [(ONE, 1518), (TWO, 45)])
    for width in (80, 40, 24, 12):
        shown = lines(grid, width)
        assert all(len(line) <= width for line in shown), width
        rows = shown[next(n for n, line in enumerate(shown) if line.startswith("─")) + 1 :]
        assert "".join(line.split()[0] for line in rows) == ONE + TWO, width


def test_numbers_in_the_signs_of_the_language():
    shown = "\n".join(lines(GRID, 120, "ru"))
    assert "1\u00a0518" in shown and "0,3" in shown  # 0.25 to one decimal, half up


def test_a_group_key_is_shown_once():
    grid = Grid([Column("finding", kind="key", group=True), Column("domain")], [("a", "x"), ("a", "y"), ("b", "x")])
    shown = lines(grid, 40)
    assert [line.split()[0] for line in shown[2:]] == ["a", "y", "b"]


def test_tsv_has_one_header_row_and_plain_values():
    grid = Grid(
        [*GRID.columns, Column("ci", "CI", shown="terminal"), Column("total", shown="pipe")],
        [(*GRID.rows[0], "1.0–2.0", Shown("Итого", "total")), (*GRID.rows[1], None, "=cmd()\tx\ny")],
    )
    rows = list(csv.reader(io.StringIO(tsv(grid)), delimiter="\t"))
    assert rows[0] == ["result", "reading", "records", "share", "total"]
    assert rows[1] == [ONE, "kz-labour:reading.presume_no_premiums=false", "1518", "0.3", "total"]
    assert rows[2] == [TWO, "evidence:x=y", "45", "", "'=cmd() x y"]  # no formula, one line
    assert "│" not in tsv(grid) and "  " not in tsv(grid)
