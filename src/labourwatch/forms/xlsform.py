"""The questionnaire as an XLSForm (the format of KoboToolbox and ODK), generated from its definition:
one question per variable that has one, grouped by module, with labels and hints in each language,
choice lists, skip logic (`ask_if` in the schema) and range constraints with messages. No identifying
field is asked: the record id is the form's own instance id.

Checked by pyxform, ODK's converter, in the tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from labourwatch import __version__
from labourwatch.core.model import Variable
from labourwatch.forms.definition import (
    LANGUAGES,
    YES_NO_DK,
    YES_NO_DK_TEXTS,
    choice_text,
    form_text,
    hint_text,
    question_text,
    questions,
)


def survey_rows(modules: Sequence[str] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The `survey` and `choices` sheets as rows."""
    asked = questions(modules)
    survey: list[dict[str, Any]] = [
        {"type": "start", "name": "start"},
        {"type": "today", "name": "interview_date"},
    ]
    choices: list[dict[str, Any]] = _yes_no_dont_know()
    for module in dict.fromkeys(v.module for v in asked):
        survey.append({"type": "begin_group", "name": module, **_texts("label", f"module_{module}")})
        repeat = None
        for var in (v for v in asked if v.module == module):
            if var.repeat != repeat:
                if repeat:
                    survey.append({"type": "end_repeat", "name": ""})
                if var.repeat:
                    survey.append(
                        {"type": "begin_repeat", "name": var.repeat, **_texts("label", f"repeat_{var.repeat}")}
                    )
                repeat = var.repeat
            survey.append(_question(var))
            choices += [
                {
                    "list_name": var.name,
                    "name": code,
                    **{f"label::{c}": choice_text(label, lg) for lg, c in LANGUAGES.items()},
                }
                for code, label in var.values.items()
            ]
        if repeat:
            survey.append({"type": "end_repeat", "name": ""})
        survey.append({"type": "end_group", "name": ""})
    return survey, choices


def _texts(column: str, key: str, **fields: Any) -> dict[str, str]:
    return {f"{column}::{LANGUAGES[lg]}": form_text(key, lg, **fields) for lg in LANGUAGES}


def _question(var: Variable) -> dict[str, Any]:
    row: dict[str, Any] = {"type": _type(var), "name": var.name}
    for lg, column in LANGUAGES.items():
        row[f"label::{column}"] = question_text(var, lg)
        if var.description:
            row[f"hint::{column}"] = hint_text(var, lg)
    if var.ask_if:
        row["relevant"] = var.ask_if
    if var.minimum is not None or var.maximum is not None:
        lo = "" if var.minimum is None else f". >= {_number(var.minimum)}"
        hi = "" if var.maximum is None else f". <= {_number(var.maximum)}"
        row["constraint"] = " and ".join(p for p in (lo, hi) if p)
        key = "constraint_between" if lo and hi else ("constraint_at_least" if lo else "constraint_at_most")
        row |= _texts("constraint_message", key, min=_number(var.minimum), max=_number(var.maximum))
    if var.kind == "country":
        row["constraint"] = "regex(., '^[A-Z]{3}$')"
        row |= _texts("constraint_message", "constraint_country")
    return row


def _type(var: Variable) -> str:
    if var.kind == "boolean":
        return f"select_one {YES_NO_DK}"
    if var.kind == "category":
        return f"select_one {var.name}"
    if var.kind == "multiple":
        return f"select_multiple {var.name}"
    return {"integer": "integer", "number": "decimal", "date": "date"}.get(var.kind, "text")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _yes_no_dont_know() -> list[dict[str, Any]]:
    return [
        {"list_name": YES_NO_DK, "name": code, **{f"label::{LANGUAGES[lg]}": form_text(key, lg) for lg in LANGUAGES}}
        for code, key in YES_NO_DK_TEXTS.items()
    ]


def write_xlsform(path: Path, modules: Sequence[str] | None = None, lang: str = "en") -> Path:
    """Write the XLSForm workbook (survey, choices, settings)."""
    survey, choices = survey_rows(modules)
    book = Workbook()
    sheets = {"survey": survey, "choices": choices}
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = title
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        [form_text("form_title", lang), "labourwatch_migrant_work", __version__.replace(".", ""), LANGUAGES[lang]]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
