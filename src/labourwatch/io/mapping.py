"""Other sources (SPSS .sav, Stata .dta, CSV in UTF-8 or Windows-1251, Excel) read through a mapping
file: which column holds which canonical variable, and which code means which canonical code.

    id: resp_no                      # the column with the record id
    reference_date: interview_date   # a column, or one date for every record: "2019-06-01"
    variables:
      age: q2                        # same values as the canonical variable
      sex: {column: q1, codes: {1: male, 2: female, 9: null}}    # null: no answer
      reasons_not_changing_job:      # a select_multiple kept as 0/1 columns
        columns: {q30_1: cant_leave_employer, q30_2: debt}

`labourwatch map --suggest SOURCE` writes a first draft from names, variable labels and value labels;
a person checks it before use. Values are never guessed at import: a code the mapping does not list is
left as it came, and validation rejects it with its row and column."""

from __future__ import annotations

import datetime as dt
import difflib
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
from labourwatch.forms.definition import LANGUAGES, question_text, questions
from labourwatch.i18n import t
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

ID_NAMES = ("id", "respondent", "resp_id", "respid", "record_id", "case_id", "_uuid", "instanceid", "key", "anketa")
DATE_NAMES = (REFERENCE_DATE, "interview_date", "date", "int_date", "data", "today")
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
    variables = {v.name: v for v in _askable()}
    scored = sorted(
        ((score, col, name) for col in columns for name, score in _scores(col, labels, variables).items()),
        reverse=True,
    )
    chosen: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for score, col, name in scored:
        if score >= MATCH and col not in used and name not in chosen:
            chosen[name] = (col, score)
            used.add(col)
    id_col = _first_named(columns, ID_NAMES) or columns[0]
    date_col = _first_named([c for c in columns if c != id_col], DATE_NAMES)
    lines = [
        f"# Draft mapping for {path.name}, written by `labourwatch map --suggest`.",
        "# Check every line before use: the guesses come from names and labels only.",
        f"id: {_yaml(id_col)}",
        f"reference_date: {_yaml(date_col)}" if date_col else '# reference_date: "2020-01-01"   # no date column found',
        "variables:",
    ]
    for name, (col, score) in sorted(chosen.items(), key=lambda item: columns.index(item[1][0])):
        if col in (id_col, date_col):
            continue
        var = variables[name]
        why = labels.variables.get(col, "")
        lines.append(f"  {name}:   # {col}{' — ' + why if why else ''} (match {score:.2f})")
        lines.append(f"    column: {_yaml(col)}")
        codes, unsure = _suggest_codes(var, labels.values.get(col, {}))
        if codes:
            lines.append("    codes:")
            lines += [
                f"      {_key(k)}: {_yaml(v) if v is not None else 'null'}   # {labels.values[col][k]}"
                for k, v in codes.items()
            ]
        lines += [f"      # ? {_key(k)}: {label}" for k, label in unsure.items()]
    left = [c for c in columns if c not in used and c not in (id_col, date_col)]
    if left:
        lines.append("# not mapped: " + ", ".join(left))
    return "\n".join(lines) + "\n"


def _askable() -> list[Variable]:
    return questions()


def _scores(col: str, labels: Labels, variables: dict[str, Variable]) -> dict[str, float]:
    out = {}
    label = norm_label(labels.variables.get(col, ""))
    for name, var in variables.items():
        score = difflib.SequenceMatcher(None, _simple(col), _simple(name)).ratio()
        if label:
            for lg in LANGUAGES:
                score = max(score, difflib.SequenceMatcher(None, label, norm_label(question_text(var, lg))).ratio())
            score = max(score, difflib.SequenceMatcher(None, label, norm_label(str(var.label.get("en", "")))).ratio())
        fit = _value_fit(var, labels.values.get(col, {}))
        out[name] = min(1.0, score + 0.2 * fit) if fit else score
    return out


def _simple(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


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


def _first_named(columns: list[str], names: tuple[str, ...]) -> str | None:
    for name in names:
        for col in columns:
            if _simple(col) == name or col.casefold() == name:
                return col
    return None


def _key(code: str) -> str:
    """A numeric code as a YAML number, as people write them; anything else quoted as needed."""
    return code if re.fullmatch(r"-?\d+", code) else _yaml(code)


def _yaml(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_style=None).strip().removesuffix("...").strip()
