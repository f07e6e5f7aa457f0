"""Other sources (SPSS .sav, Stata .dta, CSV in UTF-8 or Windows-1251, Excel) read through a mapping
file: which column holds which canonical variable, and which code means which canonical code.

    id: resp_no                      # the column with the record id
    reference_date: interview_date   # a column, or one date for every record: "2019-06-01"
    variables:
      age: q2                        # same values as the canonical variable
      sex: {column: q1, codes: {1: male, 2: female, 9: null}}    # null: no answer
      reasons_not_changing_job:      # a select_multiple kept as 0/1 columns
        columns: {q30_1: cant_leave_employer, q30_2: debt}

`labourwatch map --suggest SOURCE` writes a first draft from names, variable labels and value labels
(what a column may be called: io/column_names.py); a person checks it before use. Values are never
guessed at import: a code the mapping does not list is left as it came, and validation rejects it with
its row and column."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from labourwatch.core.columns import REFERENCE_DATE, ROW
from labourwatch.core.errors import LabourwatchError
from labourwatch.core.model import Variable
from labourwatch.core.values import as_text
from labourwatch.i18n import t
from labourwatch.io.column_names import (
    Source,
    candidates,
    currency_named,
    ends_with_one_of,
    id_column,
    vocabulary,
)
from labourwatch.io.forms import RAW, Canonical, Recode, answer_text, form_index, join_details, norm_label
from labourwatch.io.optional import require
from labourwatch.io.readers import InputError
from labourwatch.io.submissions import Submissions, plain
from labourwatch.io.yamlfiles import load_user_yaml
from labourwatch.packs import load_schema

SPSS_LIKE = (".sav", ".zsav", ".dta")
MATCH = 0.8  # a weaker resemblance of names or labels is left unmapped for a person to decide


class MappingError(LabourwatchError):
    """The mapping file is wrong: names the file and the key."""


@dataclass(frozen=True)
class Target:
    variable: str
    column: str | None = None
    codes: dict[str, str | None] | None = None  # source code (as text) -> canonical code or no answer
    details: dict[str, str] | None = None  # 0/1 column -> code of a select_multiple


@dataclass(frozen=True)
class Mapping:
    id: str
    reference_date: str | None  # a column
    fixed_date: str | None  # or one date for all
    targets: list[Target]


@dataclass
class Labels:
    """What a statistical file says about its columns: variable labels and value labels."""

    variables: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> code (as text) -> label


# --- reading the source ----------------------------------------------------------------------------------


def read_plain(path: Path, *, encoding: str | None = None, lang: str = "en") -> tuple[Submissions, Labels]:
    if path.suffix.lower() in SPSS_LIKE and path.is_file():
        return _statistical(path, lang)
    return plain(path, encoding=encoding, lang=lang), Labels()


def _statistical(path: Path, lang: str) -> tuple[Submissions, Labels]:
    pyreadstat = require("pyreadstat")
    reader = pyreadstat.read_dta if path.suffix.lower() == ".dta" else pyreadstat.read_sav
    try:
        frame, meta = reader(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and OSError
        raise InputError(t("spss_unreadable", lang, label=path, reason=exc)) from None
    stored = pa.Table.from_pandas(frame, preserve_index=False)  # system-missing values become nulls
    columns = {name: _as_text(stored.column(name)) for name in stored.column_names}
    table = pa.table(columns).append_column(ROW, pa.array(range(1, len(frame) + 1), pa.int64()))
    labels = Labels(
        {k: v for k, v in meta.column_names_to_labels.items() if v},
        {
            col: {as_text(code) or "": str(label) for code, label in vl.items()}
            for col, vl in meta.variable_value_labels.items()
        },
    )
    return Submissions(str(path), table, header_lines=0), labels


def _as_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A statistical file's column as text, as `as_text` writes a value: 1.0 as "1", dates as ISO dates."""
    if pa.types.is_timestamp(col.type):
        days = pc.cast(col, pa.date32())
        if pc.all(pc.equal(pc.cast(days, col.type), col)).as_py() is not False:
            return pc.cast(days, pa.string())
        return pc.strftime(col, "%Y-%m-%dT%H:%M:%S")
    return pc.cast(col, pa.string())


# --- the mapping file ------------------------------------------------------------------------------------


def load_mapping(path: Path, columns: list[str], lang: str = "en") -> Mapping:
    try:
        doc = load_user_yaml(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(t("mapping_unreadable", lang, label=path, reason=str(exc).splitlines()[0])) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("variables"), dict):
        raise MappingError(t("mapping_shape", lang, label=path))
    variables = load_schema().variables

    def fail(key: str, problem: str) -> MappingError:
        return MappingError(t("mapping_bad", lang, label=path, where=key, problem=problem))

    def column(key: str, name: Any) -> str:
        if str(name) not in columns:
            raise fail(key, t("mapping_no_column", lang, column=name, columns=", ".join(columns[:30])))
        return str(name)

    if "id" not in doc:
        raise fail("id", t("mapping_needs_id", lang))
    date = doc.get(REFERENCE_DATE)
    fixed = date.isoformat() if isinstance(date, dt.date) else None
    targets = []
    for name, spec in doc["variables"].items():
        key = f"variables.{name}"
        var = variables.get(str(name))
        if var is None or name in ("id", REFERENCE_DATE):
            raise fail(key, t("mapping_no_variable", lang, name=name))
        spec = {"column": spec} if isinstance(spec, str | int) else spec
        if not isinstance(spec, dict) or not ({"column", "columns"} & set(spec)):
            raise fail(key, t("mapping_spec", lang))
        codes = spec.get("codes")
        if codes is not None and not isinstance(codes, dict):
            raise fail(f"{key}.codes", t("mapping_codes_shape", lang))
        if codes is not None:
            codes = {_code_key(k): None if v is None else str(v) for k, v in dict(codes).items()}
            wrong = [c for c in codes.values() if c is not None and not _is_code(var, c)]
            if wrong:
                raise fail(f"{key}.codes", t("mapping_bad_code", lang, codes=", ".join(wrong), name=name))
        details = None
        if "columns" in spec:
            details = {column(f"{key}.columns", c): str(code) for c, code in dict(spec["columns"]).items()}
            wrong = [c for c in details.values() if var.kind != "multiple" or c not in var.values]
            if wrong:
                raise fail(f"{key}.columns", t("mapping_bad_code", lang, codes=", ".join(wrong), name=name))
        source = column(key, spec["column"]) if "column" in spec else None
        targets.append(Target(str(name), source, codes, details))
    return Mapping(
        column("id", doc["id"]), None if fixed or date is None else column(REFERENCE_DATE, date), fixed, targets
    )


def _code_key(key: Any) -> str:
    return as_text(key) or ""


def _is_code(var: Variable, code: str) -> bool:
    if var.kind == "boolean":
        return code in ("yes", "no", "true", "false")
    if var.kind == "multiple":
        return all(c in var.values for c in code.split())
    return not var.values or code in var.values


def apply_file(
    source: Path, mapping_file: Path, *, encoding: str | None = None, lang: str = "en"
) -> tuple[Submissions, Canonical]:
    subs, labels = read_plain(source, encoding=encoding, lang=lang)
    columns = [c for c in subs.records.column_names if c != ROW]
    return subs, apply(subs, load_mapping(mapping_file, columns, lang), labels)


def apply(subs: Submissions, mapping: Mapping, labels: Labels | None = None) -> Canonical:
    table, variables = subs.records, load_schema().variables
    out: dict[str, Any] = {"id": answer_text(table.column(mapping.id))}
    if mapping.fixed_date:
        out[REFERENCE_DATE] = pa.array([mapping.fixed_date] * table.num_rows, pa.string())
    elif mapping.reference_date:
        out[REFERENCE_DATE] = pc.utf8_slice_codeunits(answer_text(table.column(mapping.reference_date)), 0, 10)
    recoded: list[Recode] = []
    headers = {"id": mapping.id} | ({REFERENCE_DATE: mapping.reference_date} if mapping.reference_date else {})
    for target in mapping.targets:
        if target.details:
            by_code = {code: c for c, code in target.details.items()}
            order = [code for code in variables[target.variable].values if code in by_code]
            col = join_details({code: table.column(by_code[code]) for code in order})
            headers[target.variable] = ", ".join(target.details)
        else:
            assert target.column is not None
            col = answer_text(table.column(target.column))
            headers[target.variable] = target.column
        if target.codes is not None:
            col, changes = _recode(col, target.codes, target.variable)
            recoded += changes
        out[target.variable] = col
    records = pa.table(out)
    for c in (c for c in table.column_names if c != ROW):
        records = records.append_column(_labelled_field(RAW + c, c, labels or Labels()), table.column(c))
    mapped = {c for t_ in mapping.targets for c in ([t_.column] if t_.column else list(t_.details or {}))}
    mapped |= {mapping.id, mapping.reference_date or ""}
    unmatched = [c for c in table.column_names if c != ROW and c not in mapped]
    return Canonical(records, {}, recoded, unmatched, {"": headers})


def _labelled_field(name: str, column: str, labels: Labels) -> pa.Field:
    """The raw column keeps the source's variable label and value labels as field metadata."""
    meta = {}
    if column in labels.variables:
        meta[b"label"] = labels.variables[column].encode()
    if column in labels.values:
        meta[b"value_labels"] = json.dumps(labels.values[column], ensure_ascii=False).encode()
    return pa.field(name, pa.string(), metadata=meta or None)


def _recode(col: pa.ChunkedArray, codes: dict[str, str | None], name: str) -> tuple[pa.ChunkedArray, list[Recode]]:
    keys = pa.array(list(codes), pa.string())
    col = pc.replace_substring_regex(col, r"^(-?\d+)\.0+$", r"\1")  # 8.0 written by a spreadsheet is code 8
    where = pc.index_in(col, value_set=keys)
    listed = pc.is_valid(where)
    mapped = pc.take(pa.array(list(codes.values()), pa.string()), where)
    recoded = pc.if_else(listed, mapped, col)  # a code not listed stays, for validation to reject
    changes = []
    for code, target in codes.items():
        rows = pc.indices_nonzero(pc.fill_null(pc.equal(col, code), False)).to_pylist()
        reason = "no answer" if target is None else f"read as '{target}'"
        if target != code:
            changes += [Recode(r + 1, name, code, f"mapping: {reason}") for r in rows]
    return recoded, changes


# --- suggesting a mapping --------------------------------------------------------------------------------

VALUE_FIT = 0.2  # value labels that are all choices of a variable add up to this much to a resemblance
NO_ANSWER = (
    "don't know",
    "dont know",
    "hard to say",
    "refused",
    "no answer",
    "не знаю",
    "затрудняюсь ответить",
    "отказ",
    "нет ответа",
)


def suggest(path: Path, *, encoding: str | None = None, lang: str = "en") -> str:
    """A draft mapping as YAML text, with each guess explained in a comment."""
    subs, labels = read_plain(path, encoding=encoding, lang=lang)
    columns = [c for c in subs.records.column_names if c != ROW]
    id_col = id_column(columns, labels.variables)
    chosen = _place([c for c in columns if c != id_col], labels)
    used = {id_col} | {col for col, _ in chosen.values()}
    date = chosen.pop(REFERENCE_DATE, None)
    lines = [
        "# " + t("suggest_draft", lang, name=path.name),
        "# " + t("suggest_check", lang),
        f"id: {_yaml(id_col)}",
        _date_line(date, labels, lang),
        "variables:",
    ]
    currency_in_data = "pay_currency" in chosen
    for name, (col, score) in sorted(chosen.items(), key=lambda item: columns.index(item[1][0])):
        lines += _entry(name, col, score, labels, lang)
        currency = None if currency_in_data else _currency_note(name, col, labels)
        lines += ["    # " + t("suggest_currency", lang, currency=currency)] if currency else []
    left = [c for c in columns if c not in used]
    if left:
        lines.append("# " + t("suggest_not_mapped", lang, columns=", ".join(left)))
    return "\n".join(lines) + "\n"


def _place(columns: list[str], labels: Labels) -> dict[str, tuple[str, float]]:
    """Each variable's column and score, the best resemblances first: a column goes to one variable at
    most; a tie goes to the earlier column, then to the earlier variable."""
    scored = sorted(
        (-score, position, rank, col, name)
        for position, col in enumerate(columns)
        for rank, (name, score) in enumerate(_scores(col, labels).items())
        if score >= MATCH
    )
    chosen: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for negated, _, _, col, name in scored:
        if name not in chosen and col not in used:
            chosen[name] = (col, -negated)
            used.add(col)
    return chosen


def _scores(col: str, labels: Labels) -> dict[str, float]:
    """How near the column's name or label comes to each candidate variable, with a bonus for value labels
    that are the variable's choices."""
    group_free = col.rsplit("/", 1)[-1]  # a form's group path: "demographics/age"
    texts = [text for text in dict.fromkeys((col, group_free, labels.variables.get(col, ""))) if text.strip()]
    sources = [Source(text) for text in texts]
    variables, value_labels = load_schema().variables, labels.values.get(col, {})
    out = {}
    for name, wanted in candidates().items():
        if variables[name].kind == "multiple" and any(_one_choice(name, text) for text in texts):
            continue  # a 0/1 column of one choice: a person maps those under `columns:`
        score = max((source.resemblance(w) for source in sources for w in wanted), default=0.0)
        out[name] = min(1.0, score + VALUE_FIT * _value_fit(variables[name], value_labels))
    return out


def _one_choice(name: str, text: str) -> bool:
    """Whether a name or label ends with a choice of the variable, as a 0/1 column of a select_multiple does."""
    return ends_with_one_of(text, form_index().choices.get(name, {}))


def _date_line(date: tuple[str, float] | None, labels: Labels, lang: str) -> str:
    if date is None:
        return '# reference_date: "2020-01-01"   # ' + t("suggest_no_date", lang)
    col, score = date
    label = labels.variables.get(col)
    return f"reference_date: {_yaml(col)}" + (f"   # {_one_line(label)} (match {score:.2f})" if label else "")


def _entry(name: str, col: str, score: float, labels: Labels, lang: str) -> list[str]:
    """A variable's lines in the draft: its column, the codes its value labels give, the labels left."""
    label = labels.variables.get(col, "")
    value_labels = labels.values.get(col, {})
    lines = [
        f"  {name}:   # {_one_line(col)}{' — ' + _one_line(label) if label else ''} (match {score:.2f})",
        f"    column: {_yaml(col)}",
    ]
    codes, unsure = _suggest_codes(load_schema().variables[name], value_labels)
    if codes:
        lines.append("    codes:")
        lines += [
            f"      {_key(k)}: {_yaml(v) if v is not None else 'null'}   # {_one_line(value_labels[k])}"
            for k, v in codes.items()
        ]
    lines += [f"      # ? {_key(k)}: {_one_line(text)}" for k, text in unsure.items()]
    return lines


def _currency_note(name: str, col: str, labels: Labels) -> str | None:
    """The currency an amount's name or label names: a mapping has no one value for every record, so the
    draft says it for the reviewer rather than set pay_currency."""
    if name not in vocabulary().amounts:
        return None
    return currency_named([col, labels.variables.get(col, "")])


def _one_line(text: str) -> str:
    """A label as a comment: a line break in it would end the comment and start a key of the draft."""
    return " ".join(text.split())


def _value_fit(var: Variable, value_labels: dict[str, str]) -> float:
    if not value_labels:
        return 0.0
    codes, _ = _suggest_codes(var, value_labels)
    return len(codes) / len(value_labels)


def _suggest_codes(var: Variable, value_labels: dict[str, str]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Source codes whose label is one of the form's choice labels (any language), or a no-answer label."""
    choices = form_index().choices.get(var.name, {})
    codes: dict[str, str | None] = {}
    unsure = {}
    for code, label in value_labels.items():
        text = norm_label(label)
        if text in choices:
            codes[code] = None if choices[text] == "dont_know" and var.kind == "boolean" else choices[text]
        elif any(text.startswith(n) for n in NO_ANSWER):
            codes[code] = None
        else:
            unsure[code] = label
    return codes, unsure


def _key(code: str) -> str:
    """A numeric code as a YAML number, as people write them; anything else quoted as needed."""
    return code if re.fullmatch(r"-?\d+", code) else _yaml(code)


def _yaml(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_style=None).strip().removesuffix("...").strip()
