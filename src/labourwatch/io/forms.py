"""Submissions of the labourwatch questionnaire turned into canonical records, whatever the export: names
or labels (in any of the form's languages) as headers, with or without group paths (`/` or `-`), choice
names or labels as values, select_multiple as one column or as 0/1 detail columns, "don't know" read as
unknown, a question the form skipped given the answer its skip implies, several form versions side by
side, and repeat groups as linked tables. The instance id (without its `uuid:` prefix) is the record id.

Every recoded value is reported; raw values are kept beside the canonical ones (`raw:` columns); a value
that matches nothing is left as it came, for validation to reject with its row and column."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from labourwatch.core.columns import RAW_PREFIX, REFERENCE_DATE, ROW
from labourwatch.core.errors import LabourwatchError, Message
from labourwatch.core.model import Variable
from labourwatch.core.record import WORK_TIME_ZONE
from labourwatch.forms.definition import LANGUAGES, YES_NO_DK_TEXTS, choice_text, form_text, question_text, questions
from labourwatch.io.relevance import relevance_sql
from labourwatch.io.submissions import PARENT_ROW, Submissions
from labourwatch.packs import load_schema

RAW = RAW_PREFIX
SEPARATORS = "/-"
# Metadata, by the full header or its last path part, in order of preference.
ID = ("__id", "instanceID", "KEY", "_uuid")
DATE = ("interview_date", "today", "SubmissionDate", "__system/submissionDate", "_submission_time", "end")
VERSION = ("__system/formVersion", "FormVersion", "__version__", "_version_")
REVIEW = ("__system/reviewState", "ReviewState", "_validation_status/uid", "_validation_status")
DEPRECATED = ("deprecatedID",)
BOOLEAN_CODES = {
    "yes": "yes",
    "no": "no",
    "dont_know": "dont_know",
    "true": "yes",
    "false": "no",
    "1": "yes",
    "0": "no",
}


@dataclass(frozen=True)
class Recode:
    row: int
    column: str
    value: str
    reason: str
    table: str = ""  # the repeat group, or "" for the records


@dataclass
class Canonical:
    records: pa.Table
    repeats: dict[str, pa.Table] = field(default_factory=dict)  # name -> rows with id and index
    recoded: list[Recode] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # source columns kept only as raw
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # table ("" or repeat) -> variable -> header


# --- what the form calls things, in every language -----------------------------------------------------


def norm_label(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class FormIndex:
    by_label: dict[str, str]  # any question text, normalised -> variable
    choices: dict[str, dict[str, str]]  # variable -> (code or label, normalised) -> code


@cache
def form_index() -> FormIndex:
    yes_no = {norm_label(form_text(key, lg)): code for code, key in YES_NO_DK_TEXTS.items() for lg in LANGUAGES}
    by_label: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for var in questions():  # the form's own questions, in all its languages
        for lg in LANGUAGES:
            by_label.setdefault(norm_label(question_text(var, lg)), var.name)
        if var.kind == "boolean":
            choices[var.name] = yes_no | BOOLEAN_CODES
        elif var.values:
            labels = {
                norm_label(choice_text(label, lg)): code for code, label in var.values.items() for lg in LANGUAGES
            }
            choices[var.name] = labels | {code.casefold(): code for code in var.values}
    return FormIndex(by_label, choices)


# --- headers -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    variable: str
    code: str | None = None  # a select_multiple detail column: 0/1 for this code


def _parts(header: str) -> list[str]:
    """A header's group path: `pay/monthly_pay`, `pay-monthly_pay` -> [pay, monthly_pay]."""
    return re.split(f"[{re.escape(SEPARATORS)}]", header)


def _suffixes(header: str) -> list[str]:
    """The header, then what follows each group separator: `Pay/Were you paid?` -> itself, `Were you paid?`."""
    cuts = [i + 1 for i, ch in enumerate(header) if ch in SEPARATORS]
    return [header] + [header[i:] for i in cuts]


def resolve(header: str, variables: dict[str, Variable]) -> Column | None:
    parts = _parts(header)
    leaf, parent = parts[-1], (parts[-2] if len(parts) >= 2 else None)
    if parent in variables and variables[parent].kind == "multiple" and leaf in variables[parent].values:
        return Column(header, parent, leaf)
    if leaf in variables:
        return Column(header, leaf)
    index = form_index()
    for text in _suffixes(header):
        if (name := index.by_label.get(norm_label(text))) in variables:
            return Column(header, name)
        for cut in (i for i, ch in enumerate(text) if ch in SEPARATORS):  # "<question>/<choice>" in labels
            name = index.by_label.get(norm_label(text[:cut]))
            if name in variables and variables[name].kind == "multiple":
                code = index.choices[name].get(norm_label(text[cut + 1 :]))
                if code is not None:
                    return Column(header, name, code)
    return None


def _meta(headers: list[str], names: tuple[str, ...]) -> str | None:
    for name in names:
        for header in headers:
            if header == name or _parts(header)[-1] == name:
                return header
    return None


# --- values --------------------------------------------------------------------------------------------


def answer_text(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Text, with an empty answer (a skipped question, an empty select_multiple) as no answer."""
    col = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def join_details(split: dict[str, pa.ChunkedArray]) -> pa.ChunkedArray:
    """select_multiple rebuilt from its 0/1 detail columns: the codes marked 1, space-separated."""
    parts = []
    for code, col in split.items():
        marked = pc.match_substring_regex(pc.utf8_lower(pc.cast(col, pa.string())), r"^\s*(1(\.0+)?|true)\s*$")
        marked = pc.fill_null(marked, False)
        parts.append(pc.if_else(marked, code, ""))
    joined = pc.binary_join_element_wise(*parts, " ")
    return answer_text(pc.replace_substring_regex(joined, r"\s+", " "))


def _split_labels(text: str, labels: dict[str, str]) -> list[str] | None:
    """Several choice labels in one cell (`Debt; No documents`): the codes, or None if anything is left."""
    rest = norm_label(text)
    codes = []
    ordered = sorted(labels, key=len, reverse=True)
    while rest:
        match = next(
            (lb for lb in ordered if rest.startswith(lb) and rest[len(lb) : len(lb) + 1] in ("", " ", ";", ",")), None
        )
        if match is None:
            return None
        codes.append(labels[match])
        rest = rest[len(match) :].lstrip(" ;,")
    return codes


def _decode(var: Variable, col: pa.ChunkedArray, label: str) -> tuple[pa.ChunkedArray, list[Recode]]:
    """Choice labels (or names in another case) as codes, decided once per distinct value; the codes of a
    select_multiple in the form's order, so that the order they were ticked in does not matter."""
    labels = form_index().choices.get(var.name)
    if labels is None:
        return col, []
    table: dict[str, str] = {}
    recoded = []
    for value in pc.unique(col.drop_null()).to_pylist():
        if var.kind == "multiple":
            named = all(c in var.values for c in value.split())
            codes = value.split() if named else _split_labels(value, labels)
            order = list(var.values)
            code = None if codes is None else " ".join(sorted(set(codes), key=order.index))
        else:
            named = value in var.values
            code = labels.get(norm_label(value))
        if code is None or code == value:
            continue
        table[value] = code
        if not named:
            rows = pc.indices_nonzero(pc.fill_null(pc.equal(col, value), False))
            reason = f"label read as '{code}' (rows: {len(rows)})"
            recoded.append(Recode(int(rows[0].as_py()) + 1, var.name, value, reason, label))
    if not table:
        return col, []
    where = pc.index_in(col, value_set=pa.array(list(table), pa.string()))
    return pc.coalesce(pc.take(pa.array(list(table.values()), pa.string()), where), col), recoded


def _dont_know(var: Variable, col: pa.ChunkedArray, label: str) -> tuple[pa.ChunkedArray, list[Recode]]:
    """A yes/no question answers yes, no or dont_know: dont_know becomes unknown (reported), never no."""
    if var.kind != "boolean":
        return col, []
    dont_know = pc.fill_null(pc.equal(col, "dont_know"), False)
    rows = pc.indices_nonzero(dont_know).to_pylist()
    recoded = [Recode(r + 1, var.name, "dont_know", "don't know: read as unknown", label) for r in rows]
    return pc.if_else(dont_know, pa.scalar(None, pa.string()), col), recoded


def _if_skipped(columns: dict[str, Any], variables: dict[str, Variable]) -> list[Recode]:
    """Questions the form skipped get the answer the skip implies (a travel question skipped because the
    person found the job alone: no journey arranged). Only where the source has the question and every
    answer its skip logic reads; a question left unanswered where it was asked stays unknown."""
    recoded: list[Recode] = []
    con = duckdb.connect()
    for name, col in list(columns.items()):
        var = variables[name]
        refs = re.findall(r"\$\{(\w+)\}", var.ask_if or "")
        if var.if_skipped is None or not refs or not all(r in columns for r in refs):
            continue
        answers = pa.table({r: columns[r] for r in dict.fromkeys(refs)} | {"__answer": col})
        sql = f"SELECT NOT {relevance_sql(var.ask_if or '')} AND __answer IS NULL FROM answers"
        skipped = _query(con, sql, answers=answers).column(0)
        filled = _form_value(var.if_skipped)
        columns[name] = pc.if_else(skipped, pa.scalar(filled, pa.string()), col)
        reason = f"not asked ({var.ask_if} is false): read as '{filled}'"
        recoded += [Recode(r + 1, name, "", reason) for r in pc.indices_nonzero(skipped).to_pylist()]
    return recoded


def _query(con: duckdb.DuckDBPyConnection, sql: str, **tables: pa.Table) -> pa.Table:
    for name, table in tables.items():
        con.register(name, table)
    relation = con.sql(sql)
    assert relation is not None  # a SELECT always gives rows
    return relation.to_arrow_table()


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- records and repeats -------------------------------------------------------------------------------


@dataclass
class _Answers:
    columns: dict[str, pa.ChunkedArray]  # variable -> canonical text
    recoded: list[Recode]
    unmatched: list[str]  # headers not read
    headers: dict[str, str]  # variable -> the header it came from


def _answers(table: pa.Table, variables: dict[str, Variable], label: str, source: str) -> _Answers:
    """The canonical answers a table carries, decoded, with what was recoded and the headers not read."""
    columns: dict[str, pa.ChunkedArray] = {}
    details: dict[str, dict[str, pa.ChunkedArray]] = {}
    unmatched = []
    headers: dict[str, str] = {}
    for header in (h for h in table.column_names if h not in (ROW, PARENT_ROW)):
        column = resolve(header, variables)
        if column is None:
            unmatched.append(header)
        elif column.code is not None:
            details.setdefault(column.variable, {})[column.code] = table.column(header)
            headers.setdefault(column.variable, column.header.rsplit("/", 1)[0] + "/...")
        elif column.variable in columns:  # two answers to one question: which one is meant is not ours to pick
            where = {"label": source, "variable": column.variable, "first": headers[column.variable]}
            raise LabourwatchError(Message("header_twice", where | {"second": header}))
        else:
            columns[column.variable] = answer_text(table.column(header))
            headers[column.variable] = header
    for name, split in details.items():
        if name not in columns:
            columns[name] = join_details(split)
    recoded: list[Recode] = []
    for name, col in columns.items():
        col, labels = _decode(variables[name], col, label)
        columns[name], unknown = _dont_know(variables[name], col, label)
        recoded += labels + unknown
    return _Answers(columns, recoded, unmatched, headers)


def canonical_records(subs: Submissions) -> Canonical:
    schema = load_schema().variables
    variables = {n: v for n, v in schema.items() if v.repeat is None and n not in ("id", REFERENCE_DATE)}
    records = subs.records
    headers = [h for h in records.column_names if h != ROW]
    meta = {key: _meta(headers, names) for key, names in (("id", ID), ("date", DATE), ("version", VERSION))}
    meta |= {"review": _meta(headers, REVIEW), "deprecated": _meta(headers, DEPRECATED)}
    answers = _answers(records.drop_columns([h for h in meta.values() if h]), variables, "", subs.label)
    columns, recoded = answers.columns, answers.recoded + _if_skipped(answers.columns, variables)
    ids = _record_id(records, meta["id"])
    dates, recoded_dates = local_dates(_optional(records, meta["date"]), meta["date"])
    recoded += recoded_dates
    out: dict[str, Any] = {"id": ids, REFERENCE_DATE: dates}
    out |= columns
    out["form_version"] = _optional(records, meta["version"])
    out["review_state"] = _optional(records, meta["review"])
    out["replaces_id"] = pc.replace_substring_regex(_optional(records, meta["deprecated"]), "^uuid:", "")
    out |= {RAW + h: pc.cast(records.column(h), pa.string()) for h in headers}
    unmatched = [h for h in answers.unmatched if not _is_tool_metadata(h)]
    sources = {"": answers.headers | {k: h for k, h in (("id", meta["id"]), (REFERENCE_DATE, meta["date"])) if h}}
    repeats = {}
    for name, rows in subs.repeats.items():
        repeats[name], inner = _repeat(name, rows, ids, schema)
        recoded += inner.recoded
        unmatched += [f"{name}: {h}" for h in inner.unmatched if not _is_tool_metadata(h)]
        sources[name] = inner.headers
    return Canonical(pa.table(out), repeats, recoded, unmatched, sources)


_ZONED = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})$"
_NAIVE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
_IN_UTC = ("_submission_time",)  # Kobo writes the server's UTC time without saying so


def local_dates(stamps: pa.ChunkedArray, header: str | None) -> tuple[pa.Array, list[Recode]]:
    """The reference date of each record from the form's date or time stamp. A date stays as written; a
    time stamp with a zone (ODK's `end`, Central's `SubmissionDate`) becomes its date where the work was,
    in WORK_TIME_ZONE, never the machine's, and each record whose date that moves from the one written is
    listed; a stamp without a zone keeps the date written (the device's clock), except Kobo's
    `_submission_time`, which is UTC. Anything else is kept whole, for the checks to refuse."""
    text = written_text = pc.utf8_trim_whitespace(stamps.combine_chunks())
    zoned = pc.fill_null(pc.match_substring_regex(text, _ZONED), False)
    naive = pc.fill_null(pc.match_substring_regex(text, _NAIVE), False)
    if header in _IN_UTC:
        text = pc.if_else(naive, pc.binary_join_element_wise(text, "Z", ""), text)
        zoned, naive = pc.or_(zoned, naive), pc.and_(naive, False)
    written = pc.utf8_slice_codeunits(text, 0, 10)
    out = pc.if_else(naive, written, text)
    if not pc.any(zoned).as_py():
        return out, []
    rows = pc.indices_nonzero(zoned)
    local = _local_date_texts(pc.take(text, rows))
    out = pc.replace_with_mask(out, zoned, local)
    converted = pc.not_equal(local, pc.take(text, rows))  # a stamp that is no time is kept, not converted
    moved = pc.indices_nonzero(pc.and_(converted, pc.not_equal(local, pc.take(written, rows)))).to_pylist()
    reason = f"a time stamp: its date in {WORK_TIME_ZONE}, where the work was"
    listed = rows.to_pylist()
    return out, [Recode(listed[i] + 1, REFERENCE_DATE, written_text[listed[i]].as_py(), reason) for i in moved]


def _local_date_texts(stamps: pa.Array) -> pa.Array:
    """YYYY-MM-DD in WORK_TIME_ZONE of time stamps with a zone; a stamp that is no time (hour 25) kept."""
    try:
        instants = pc.cast(stamps, pa.timestamp("us", tz="UTC"))
    except pa.ArrowInvalid:  # one bad stamp fails the cast: each on its own, on this rare path only
        if len(stamps) == 1:
            return stamps
        return pa.concat_arrays([_local_date_texts(stamps.slice(i, 1)) for i in range(len(stamps))])
    local = pc.local_timestamp(pc.cast(instants, pa.timestamp("us", tz=WORK_TIME_ZONE)))
    return pc.strftime(local, "%Y-%m-%d")


def _record_id(records: pa.Table, header: str | None) -> pa.ChunkedArray:
    """The instance id without the `uuid:` Kobo's `_uuid` lacks, so that every export gives the same id."""
    return pc.replace_substring_regex(_optional(records, header), "^uuid:", "")


def _optional(records: pa.Table, header: str | None) -> pa.ChunkedArray:
    if header is None:
        return pa.chunked_array([pa.nulls(records.num_rows, pa.string())])
    return answer_text(records.column(header))


def _is_tool_metadata(header: str) -> bool:
    """Columns the tools add to every export (`_id`, `__system/...`, `SubmitterID`, `meta/...`)."""
    root = _parts(header)[0]
    tool = {"start", "end", "deviceid", "formhub", "meta", "__system", "KEY", "PARENT_KEY", "__version__"}
    central = {
        "SubmissionDate",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "DeviceID",
        "Edits",
    }
    return header.startswith("_") or root in tool or header in central


def _repeat(
    name: str, rows: pa.Table, ids: pa.ChunkedArray, schema: Mapping[str, Variable]
) -> tuple[pa.Table, _Answers]:
    answers = _answers(rows, {n: v for n, v in schema.items() if v.repeat == name}, name, f"[{name}]")
    parent = pc.subtract(rows.column(PARENT_ROW), 1)
    order = pa.table({"parent": parent, "row": rows.column(ROW)})
    sql = "SELECT row_number() OVER (PARTITION BY parent ORDER BY row) AS i FROM order_ ORDER BY row"
    position = _query(duckdb.connect(), sql, order_=order).column("i")
    out: dict[str, Any] = {"id": pc.take(ids, parent), "index": pc.cast(position, pa.int64())}
    out |= answers.columns
    out |= {RAW + h: pc.cast(rows.column(h), pa.string()) for h in rows.column_names if h not in (ROW, PARENT_ROW)}
    return pa.table(out), answers
