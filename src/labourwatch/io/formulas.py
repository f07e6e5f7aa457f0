"""Text a spreadsheet would run. A cell that begins with =, +, -, @ (or a tab or a carriage return) is
read as a formula when a CSV file is opened in Excel or LibreOffice ("CSV injection", OWASP), so an
answer such as `=HYPERLINK("http://...")` would become a live link in a caseworker's sheet.

- CSV: such a text gets a leading apostrophe, which spreadsheets show as text; a plain number such as
  -5 is left alone. Every writer of a CSV file says how many cells it changed.
- Excel: a text cell is stored as text, which no spreadsheet evaluates, and is not changed; openpyxl
  alone takes a text beginning with = for a formula, so cells it marked so are marked as text again.

Hand-written: no kept library does either over Arrow columns."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from labourwatch.core.record import NUMBER

TRIGGER = r"^[=+\-@\t\r]"
Tabular = TypeVar("Tabular", pa.Table, pa.RecordBatch)


def defuse_csv(data: Tabular) -> tuple[Tabular, int]:
    """`data` with every text that a spreadsheet would run as a formula prefixed with an apostrophe,
    and how many cells that changed."""
    columns, changed = [], 0
    for column in data.columns:
        safe, n = _defused(column)
        columns.append(safe)
        changed += n
    if not changed:
        return data, 0
    return type(data).from_arrays(columns, schema=data.schema), changed


def _defused(column: Any) -> tuple[Any, int]:
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column, 0
    risky = pc.and_(
        pc.match_substring_regex(column, TRIGGER), pc.invert(pc.match_substring_regex(column, f"^{NUMBER}$"))
    )
    n = int(pc.sum(pc.fill_null(risky, False)).as_py() or 0)
    if not n:
        return column, 0
    return pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", column, ""), column), n


def defuse_rows(rows: list[list[Any]]) -> tuple[list[list[Any]], int]:
    """The same for rows written with Python's csv module (small tables: problems, estimates)."""
    out, changed = [], 0
    for row in rows:  # a few hundred rows at most
        safe = [f"'{v}" if isinstance(v, str) and _runs(v) else v for v in row]
        changed += sum(1 for v, w in zip(row, safe, strict=True) if v is not w)
        out.append(safe)
    return out, changed


def _runs(text: str) -> bool:
    return re.match(TRIGGER, text) is not None and re.fullmatch(NUMBER, text) is None


def excel_texts_as_text(workbook: Any) -> None:
    """Cells openpyxl marked as formulas because their text began with =: marked as text again (every
    cell labourwatch writes is a value, never a formula)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
