"""Exports that researchers' tools open, with what each column means: SPSS `.sav` and Stata `.dta`
with variable and value labels (pyreadstat), Parquet, CSV and Excel.

Coded answers and classifications become integer codes 1..k with value labels; findings become 1 (yes)
and 0 (no), with unknown left missing, never 0. Stata allows 32 characters in a name, so longer names
are shortened to 28 (a value-label set is named after its variable, with a number appended), and the
variable label starts with the full name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from labourwatch.core.errors import LabourwatchError
from labourwatch.core.model import RuleKind
from labourwatch.core.types import pick
from labourwatch.i18n import t
from labourwatch.io.formulas import defuse_csv, excel_texts_as_text
from labourwatch.io.optional import require
from labourwatch.packs import load_packs, load_schema

SUFFIXES = (".sav", ".dta", ".parquet", ".csv", ".xlsx")
# Stata allows 32 characters, but pyreadstat names each value-label set after its variable with a
# number appended, and that name has the same limit: 28 leaves room (seen: 30 fails with 150 variables).
STATA_NAME = 28
STATA_LABEL = 80


@dataclass(frozen=True)
class Column:
    label: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # code -> label, for coded columns
    boolean: bool = False


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    renamed: dict[str, str]  # Stata: original name -> shortened name
    defused: int = 0  # CSV cells a spreadsheet would have run as formulas, written as text (io/formulas.py)


def dictionary(lang: str = "en") -> dict[str, Column]:
    """What every canonical variable and every result column means, in the language asked for."""
    out: dict[str, Column] = {}
    for name, var in load_schema().variables.items():
        values = {code: pick(label, lang) for code, label in var.values.items()}
        out[name] = Column(pick(var.label, lang), values if var.kind == "category" else {}, var.kind == "boolean")
    for pack in load_packs():
        for rule in pack.outputs:
            values = {code: pick(label, lang) for code, label in rule.labels.items()}
            out[rule.id] = Column(pick(rule.label, lang), values, rule.kind is RuleKind.FINDING)
    return out


def export(table: pa.Table, path: Path, lang: str = "en") -> Exported:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise LabourwatchError(t("export_suffix", lang, path=path, suffixes=", ".join(SUFFIXES)))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        pq.write_table(table, path)
        return Exported(path, table.num_rows, {})
    if suffix == ".csv":
        plain, defused = defuse_csv(_plain_texts(table))
        pacsv.write_csv(plain, path)
        return Exported(path, table.num_rows, {}, defused)
    frame, labels, value_labels = _labelled_frame(table, dictionary(lang), lang)
    if suffix == ".xlsx":
        _write_xlsx(frame, labels, value_labels, path, lang)
        return Exported(path, table.num_rows, {})
    renamed: dict[str, str] = {}
    if suffix == ".dta":
        renamed = _stata_names(list(frame.columns))
        labels = {renamed.get(k, k): _bytes_cut(f"{k}: {v}" if k in renamed else v) for k, v in labels.items()}
        value_labels = {renamed.get(k, k): v for k, v in value_labels.items()}
        frame = frame.rename(columns=renamed)
        column_labels: dict[str, str | None] = dict(labels)
        require("pyreadstat").write_dta(
            frame, str(path), column_labels=column_labels, variable_value_labels=value_labels, version=15
        )
    else:
        column_labels = dict(labels)
        require("pyreadstat").write_sav(
            frame, str(path), column_labels=column_labels, variable_value_labels=value_labels
        )
    return Exported(path, table.num_rows, renamed)


def _labelled_frame(
    table: pa.Table, meaning: dict[str, Column], lang: str
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[float, str]]]:
    columns: dict[str, Any] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    yes_no = {1.0: t("yes", lang), 0.0: t("no", lang)}
    for name in table.column_names:
        col = table.column(name)
        info = meaning.get(name, Column())
        if info.label:
            labels[name] = info.label
        if pa.types.is_boolean(col.type) or info.boolean:
            columns[name] = _booleans(col)
            value_labels[name] = yes_no
        elif info.values:
            codes = {code: float(i + 1) for i, code in enumerate(info.values)}
            texts = pc.cast(_text_or_number(col), pa.string()).to_pandas()
            columns[name] = texts.map(codes).astype("float64")
            value_labels[name] = {codes[c]: label for c, label in info.values.items()}
        elif pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
            columns[name] = pd.to_datetime(col.to_pandas())
        else:
            columns[name] = _text_or_number(col).to_pandas()
    # built at once: a column added at a time fragments the frame (pandas warns at each, past a hundred)
    frame = pd.DataFrame(columns, index=range(table.num_rows))
    return frame, labels, value_labels


def _text_or_number(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary columns as plain text, lists (multiple choice) as space-separated codes."""
    if pa.types.is_dictionary(col.type):
        return col.cast(pa.string())
    if pa.types.is_list(col.type):
        return pc.binary_join(col, " ")
    return col


def _booleans(col: pa.ChunkedArray) -> Any:
    """1.0 / 0.0, and NaN for unknown, from booleans or from the texts true / false / yes / no."""
    if pa.types.is_boolean(col.type):
        return pc.cast(col, pa.float64()).to_numpy()
    text = pc.utf8_lower(pc.cast(col, pa.string()))
    yes = pc.is_in(text, value_set=pa.array(["true", "yes", "1"]))
    no = pc.is_in(text, value_set=pa.array(["false", "no", "0"]))
    return pc.if_else(yes, 1.0, pc.if_else(no, 0.0, pa.scalar(None, pa.float64()))).to_numpy(zero_copy_only=False)


def _plain_texts(table: pa.Table) -> pa.Table:
    """CSV: dictionary columns as plain text, lists as space-separated codes."""
    return pa.table([_text_or_number(c) for c in table.columns], names=table.column_names)


def _bytes_cut(text: str, limit: int = STATA_LABEL) -> str:
    """Stata counts a label's length in bytes of UTF-8 (a Cyrillic letter takes two)."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _stata_names(names: list[str]) -> dict[str, str]:
    taken = {n for n in names if len(n) <= STATA_NAME}
    renamed = {}
    for name in names:
        if len(name) <= STATA_NAME:
            continue
        i = 1
        while (short := f"{name[: STATA_NAME - 4]}_{i:03d}") in taken:
            i += 1
        taken.add(short)
        renamed[name] = short
    return renamed


def _write_xlsx(
    frame: pd.DataFrame, labels: dict[str, str], value_labels: dict[str, dict[float, str]], path: Path, lang: str
) -> None:
    """One sheet of data (codes as labels, so it reads by itself) and one describing the columns."""
    readable = frame.copy()
    for name, mapping in value_labels.items():
        readable[name] = frame[name].map(mapping)
    described = pd.DataFrame(
        {t("col_variable", lang): list(frame.columns), t("col_label", lang): [labels.get(c, "") for c in frame.columns]}
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        readable.to_excel(writer, sheet_name="data", index=False)
        described.to_excel(writer, sheet_name="variables", index=False)
        excel_texts_as_text(writer.book)
