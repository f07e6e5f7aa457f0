"""Submissions of the labourwatch questionnaire as KoboToolbox and ODK Central export them (CSV or XLSX),
turned into canonical records: group paths stripped (`/` or `-`), select_multiple from the summary
column or rebuilt from the 0/1 detail columns, "don't know" read as unknown, the instance id as the
record id, the interview date as the reference date. Every recoded value is reported, raw values are
kept beside the canonical ones (`raw:` columns), and nothing is dropped.

Still to come (issue #6): headers in label form, JSON submissions, repeat groups, other form versions,
mapping files for other sources, pyodk."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from labourwatch.core.model import Variable
from labourwatch.io.readers import ROW
from labourwatch.packs import load_schema

ID_COLUMNS = ("meta/instanceID", "meta-instanceID", "instanceID", "_uuid", "KEY")
DATE_COLUMNS = ("interview_date", "today", "SubmissionDate", "_submission_time", "end")
RAW = "raw:"


@dataclass(frozen=True)
class Recode:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Canonical:
    table: pa.Table
    recoded: list[Recode] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # source columns kept only as raw


def _leaf(header: str) -> list[str]:
    return re.split(r"[/-]", header)


def canonical_records(raw: pa.Table) -> Canonical:
    variables = load_schema().variables
    headers = [h for h in raw.column_names if h != ROW]
    columns: dict[str, pa.ChunkedArray] = {}
    details: dict[str, dict[str, pa.ChunkedArray]] = {}
    unmatched = []
    for header in headers:
        parts = _leaf(header)
        name = parts[-1]
        parent = variables.get(parts[-2]) if len(parts) >= 2 else None
        if parent is not None and parent.kind == "multiple" and name in parent.values:
            details.setdefault(parent.name, {})[name] = raw.column(header)
            continue
        if name in variables and name not in columns:
            columns[name] = raw.column(header)
        elif header not in ID_COLUMNS + DATE_COLUMNS:
            unmatched.append(header)
    for name, split in details.items():
        if name not in columns:
            columns[name] = _join_details(split)
    out: dict[str, Any] = {"id": _first(raw, ID_COLUMNS), "reference_date": _date(_first(raw, DATE_COLUMNS))}
    recoded: list[Recode] = []
    for name, col in columns.items():
        if name in ("id", "reference_date"):
            continue
        out[name], changes = _canonical_values(variables[name], _blank_is_null(pc.cast(col, pa.string())))
        recoded += [Recode(r + 1, name, v, reason) for r, v, reason in changes]
    for header in headers:
        out[RAW + header] = pc.cast(raw.column(header), pa.string())
    return Canonical(pa.table(out), recoded, unmatched)


def _first(raw: pa.Table, names: tuple[str, ...]) -> pa.ChunkedArray:
    for name in names:
        if name in raw.column_names:
            return pc.cast(raw.column(name), pa.string())
    return pa.chunked_array([pa.nulls(raw.num_rows, pa.string())])


def _blank_is_null(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """An empty answer (a skipped question, an empty select_multiple) is no answer."""
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(col), ""), pa.scalar(None, pa.string()), col)


def _date(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """The date part of an ISO date or date-time (with or without an offset)."""
    return pc.utf8_slice_codeunits(col, 0, 10)


def _join_details(split: dict[str, pa.ChunkedArray]) -> pa.ChunkedArray:
    """select_multiple rebuilt from its 0/1 detail columns: the codes marked 1, space-separated."""
    parts = []
    for code, col in split.items():
        marked = pc.is_in(pc.utf8_lower(pc.cast(col, pa.string())), value_set=pa.array(["1", "true"]))
        parts.append(pc.if_else(marked, code, ""))
    joined = pc.binary_join_element_wise(*parts, " ")
    tidy = pc.utf8_trim_whitespace(pc.replace_substring_regex(joined, r"\s+", " "))
    return pc.if_else(pc.equal(tidy, ""), pa.scalar(None, pa.string()), tidy)


def _canonical_values(var: Variable, col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, list[tuple[int, str, str]]]:
    """The form's answers in canonical codes. A yes/no question of the form answers yes, no or
    dont_know: dont_know becomes unknown (reported), never no."""
    if var.kind != "boolean":
        return col, []
    dont_know = pc.equal(col, "dont_know")
    rows = pc.indices_nonzero(pc.fill_null(dont_know, False)).to_pylist()
    changes = [(r, "dont_know", "don't know: read as unknown") for r in rows]
    values = pc.if_else(pc.fill_null(dont_know, False), pa.scalar(None, pa.string()), col)
    return values, changes
