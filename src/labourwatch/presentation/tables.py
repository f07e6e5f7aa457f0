"""The tables the command line prints, drawn for a person at a terminal or written as TSV for a program.

A table is kept as data (columns, and rows of values), never as text laid out once:

- At a terminal it is drawn with rich at the terminal's width. Numbers are in the language's signs
  (i18n.number: 1,570 or 1 570), right-aligned; a cell too long for its column is wrapped over lines,
  never cut, so that two identifiers can never look the same.
- In a pipe it is TSV: one header row of stable English names (whatever --lang), then one line per row,
  values separated by tabs, numbers as plain decimals (1570.5), no value as an empty cell, no padding.
  A value is quoted only when it holds a double quote (as csv and spreadsheets read it), a tab or a line
  break in a value becomes a space, and a text a spreadsheet would run as a formula gets a leading '
  (io/formulas.py)."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeGuard

from rich import box
from rich.cells import cell_len
from rich.table import Table as RichTable

from labourwatch.core.values import as_text
from labourwatch.i18n import number, plain
from labourwatch.io.formulas import defuse_rows

MISSING = "-"  # no value, at a terminal (withheld, unknown, not applicable)


@dataclass(frozen=True)
class Shown:
    """A value a person reads one way and a program another: a translated label ("Итого" / total)."""

    text: str
    plain: str | int | float | Decimal | None


Value = str | int | float | Decimal | Shown | None


@dataclass(frozen=True)
class Column:
    name: str  # the TSV header: stable, English
    heading: str | None = None  # at a terminal (default: the name)
    kind: Literal["key", "text", "number"] = "text"  # a key is an identifier; a number is right-aligned
    digits: int | None = None  # decimals shown of a number (None: those it has)
    signed: bool = False  # a + before a positive number, at a terminal (a difference)
    shown: Literal["both", "terminal", "pipe"] = "both"  # a composite cell for a person, its parts for a program
    group: bool = False  # at a terminal, a key equal to the one above is left blank (rows read as groups)


@dataclass(frozen=True)
class Grid:
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value]]
    title: str = ""
    strong: frozenset[int] = field(default_factory=frozenset)  # rows drawn in bold (totals)

    def visible(self, where: Literal["terminal", "pipe"]) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.shown in ("both", where)]


def _missing(value: Value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_number(value: Value) -> TypeGuard[int | float | Decimal]:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell_text(value: Value, column: Column, lang: str) -> str:
    """A value as a person reads it."""
    if isinstance(value, Shown):
        return value.text
    if _missing(value):
        return MISSING
    if _is_number(value):
        return number(value, lang, column.digits, sign=column.signed)
    return as_text(value) or ""


def cell_plain(value: Value, column: Column) -> str:
    """A value as a program reads it: a tab or a line break in a text becomes a space."""
    if isinstance(value, Shown):
        value = value.plain
    if _missing(value):
        return ""
    if _is_number(value):
        return plain(value, column.digits)
    return " ".join(re.split(r"[\t\r\n]+", as_text(value) or ""))


def tsv(grid: Grid) -> str:
    """The table as TSV: a header row of the columns' names, then the rows."""
    kept = grid.visible("pipe")
    rows = [[cell_plain(row[i], grid.columns[i]) for i in kept] for row in grid.rows]
    safe, _ = defuse_rows(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow([grid.columns[i].name for i in kept])
    writer.writerows(safe)
    return buffer.getvalue()


GAP = 2  # spaces between two columns at a terminal


def drawn(grid: Grid, lang: str, width: int) -> RichTable:
    """The table for a terminal `width` columns wide: each column at least as wide as its longest word
    (a whole identifier, a whole number), the rest of the width shared by what is longer; only when even
    that is too wide does rich fold cells, and never cuts one."""
    kept = grid.visible("terminal")
    columns = [grid.columns[i] for i in kept]
    headings = [c.heading if c.heading is not None else c.name for c in columns]
    texts = [[cell_text(row[i], grid.columns[i], lang) for i in kept] for row in grid.rows]
    texts = _grouped(texts, grid, kept)
    # SIMPLE_HEAD: a rule under the headings, no lines between columns, whose divider is one space
    table = RichTable(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, GAP - 1, 0, 0), header_style="bold"
    )
    planned = _plan([[h, *(row[j] for row in texts)] for j, h in enumerate(headings)], columns, width)
    for j, (column, heading) in enumerate(zip(columns, headings, strict=True)):
        justify: Literal["left", "right"] = "right" if column.kind == "number" else "left"
        table.add_column(heading, justify=justify, overflow="fold", width=planned[j] if planned else None)
        if planned and column.kind == "key":
            for cells in texts:
                cells[j] = cells[j] if cell_len(cells[j]) <= planned[j] else _broken(cells[j], planned[j])
    for n, cells in enumerate(texts):
        table.add_row(*cells, style="bold" if n in grid.strong else None)
    return table


def _grouped(texts: list[list[str]], grid: Grid, kept: list[int]) -> list[list[str]]:
    """A grouping key left blank where it repeats the row above, so rows read as groups."""
    out = []
    for n, cells in enumerate(texts):
        if n:
            above = grid.rows[n - 1]
            row = grid.rows[n]
            cells = [
                "" if grid.columns[i].group and row[i] == above[i] else c for i, c in zip(kept, cells, strict=True)
            ]
        out.append(cells)
    return out


def _plan(by_column: list[list[str]], columns: list[Column], width: int) -> list[int] | None:
    """Content widths that fit `width`, or None when the table fits as it is. A column of numbers keeps
    each number whole and its heading's longest word; keys and texts keep their longest word (a whole
    identifier) while there is room, else the widest of them narrow first (an identifier then breaks
    after a _ or a -, or folds). Room left is shared in proportion to what each column needs beyond."""
    natural = [max(cell_len(line) for text in texts for line in text.split("\n")) for texts in by_column]
    room = width - GAP * (len(columns) - 1)
    if sum(natural) <= room:
        return None
    least = [
        max(_longest_word(text, whole=column.kind == "number" and k > 0) for k, text in enumerate(texts))
        for texts, column in zip(by_column, columns, strict=True)
    ]
    foldable = [column.kind != "number" for column in columns]
    fixed = sum(m for m, f in zip(least, foldable, strict=True) if not f)
    cap = max(least)
    while cap > 1 and fixed + sum(min(m, cap) for m, f in zip(least, foldable, strict=True) if f) > room:
        cap -= 1
    floor = [min(m, cap) if f else m for m, f in zip(least, foldable, strict=True)]
    if sum(floor) > room:
        return None  # not even so: rich folds every column
    spare, wanted = room - sum(floor), [n - f for n, f in zip(natural, floor, strict=True)]
    return [f + spare * w // sum(wanted) for f, w in zip(floor, wanted, strict=True)]


def _broken(identifier: str, width: int) -> str:
    """An identifier wider than its column, over lines broken after its separators (_ - . : = /)."""
    lines = [""]
    for piece in re.findall(r"[^_\-.:=/]+[_\-.:=/]*|[_\-.:=/]+", identifier):
        if lines[-1] and cell_len(lines[-1] + piece) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


def _longest_word(text: str, whole: bool) -> int:
    """Words are split at spaces and line breaks only: a no-break space holds a number together."""
    if whole:
        return cell_len(text)
    return max((cell_len(word) for word in re.split(r"[ \n]+", text)), default=0)
