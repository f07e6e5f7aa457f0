"""Submissions of the generated questionnaire written out in every shape KoboToolbox and ODK Central
export them (shared/research/anchors-software.md §3): the same five interviews, two form versions, a
repeat group, each shape with the metadata columns its tool adds. Synthetic people only."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from labourwatch.forms.definition import choice_text, form_text, question_text
from labourwatch.packs import load_schema

FORM_ID = "labourwatch_migrant_work"
# (group, name) in the form's order; feels_safe only from version 2
QUESTIONS = [
    ("demographics", "sex"),
    ("demographics", "age"),
    ("migration", "entry_date"),
    ("recruitment", "recruited_by"),
    ("recruitment", "recruitment_vulnerabilities"),
    ("recruitment", "travel_arranged_by_recruiter"),
    ("working_time", "hours_per_day"),
    ("working_time", "overtime_compulsory"),
    ("pay", "monthly_pay"),
    ("living", "accommodation"),
    ("coercion", "documents_held_by_employer"),
    ("coercion", "confinement"),
    ("leaving", "reasons_not_changing_job"),
    ("monitoring", "feels_safe"),
]
MULTIPLE = ("recruitment_vulnerabilities", "reasons_not_changing_job")
NUMBERS = {"age": int, "hours_per_day": int, "monthly_pay": float}

INTERVIEWS: list[dict[str, Any]] = [
    {
        "uuid": "0f1e2d3c-0001-4a5b-8c9d-0123456789ab",
        "version": "1",
        "date": "2026-05-04",
        "sex": "male",
        "age": 34,
        "entry_date": "2026-03-01",
        "recruited_by": "intermediary",
        "recruitment_vulnerabilities": "economic_hardship irregular_status",
        "travel_arranged_by_recruiter": "yes",
        "hours_per_day": 12,
        "overtime_compulsory": "yes",
        "monthly_pay": 90000.0,
        "accommodation": "employer_provided",
        "documents_held_by_employer": "yes",
        "confinement": "dont_know",
        "reasons_not_changing_job": "cant_leave_employer debt",
        "payments": [("2026-04-05", 40000.0), ("2026-05-02", 25000.5)],
    },
    {
        "uuid": "0f1e2d3c-0002-4a5b-8c9d-0123456789ab",
        "version": "1",
        "date": "2026-05-04",
        "sex": "female",
        "age": 27,
        "entry_date": "2025-11-20",
        "recruited_by": "myself",  # travel question skipped by the form
        "recruitment_vulnerabilities": "none",
        "hours_per_day": 8,  # overtime question skipped
        "monthly_pay": 150000.0,
        "accommodation": "rented",
        "documents_held_by_employer": "no",
        "confinement": "no",
        "reasons_not_changing_job": "not_applicable",
        "payments": [],
    },
    {
        "uuid": "0f1e2d3c-0003-4a5b-8c9d-0123456789ab",
        "version": "2",
        "date": "2026-05-11",
        "sex": "male",
        "age": 51,
        "recruited_by": "relatives_friends",
        "travel_arranged_by_recruiter": "no",
        "hours_per_day": 10,
        "overtime_compulsory": "dont_know",
        "accommodation": "at_workplace",
        "documents_held_by_employer": "no",
        "confinement": "yes",
        "reasons_not_changing_job": "no_documents",
        "feels_safe": "no",
        "payments": [("2026-05-10", 5000.0)],
    },
    {
        "uuid": "0f1e2d3c-0004-4a5b-8c9d-0123456789ab",
        "version": "2",
        "date": "2026-05-12",
        "sex": "female",
        "age": 19,
        "entry_date": "2026-04-30",
        "recruited_by": "employer",
        "recruitment_vulnerabilities": "little_education_or_language dependants",
        "travel_arranged_by_recruiter": "yes",
        "hours_per_day": 9,
        "monthly_pay": 120000.0,
        "accommodation": "relatives",
        "documents_held_by_employer": "dont_know",
        "confinement": "no",
        "feels_safe": "hard_to_say",
        "payments": [],
    },
    {
        "uuid": "0f1e2d3c-0005-4a5b-8c9d-0123456789ab",
        "version": "2",
        "date": "2026-05-12",
        "sex": "male",
        "age": 44,
        "recruited_by": "other",
        "hours_per_day": 14,
        "overtime_compulsory": "no",
        "accommodation": "employer_provided",
        "documents_held_by_employer": "yes",
        "confinement": "no",
        "reasons_not_changing_job": "would_lose_pay no_better_job debt",
        "feels_safe": "yes",
        "payments": [("2026-05-01", 10000.0), ("2026-05-08", 10000.0), ("2026-05-11", 2500.0)],
    },
]


def _label(name: str, value: str, lang: str) -> str:
    """A choice's label in `lang`, as a Kobo export "in labels" writes it (several joined by spaces)."""
    var = load_schema().variables[name]
    if var.kind == "boolean":
        key = {"yes": "answer_yes", "no": "answer_no", "dont_know": "dont_know"}[value]
        return form_text(key, lang)
    return " ".join(choice_text(var.values[code], lang) for code in value.split())


def _codes(name: str) -> list[str]:
    return list(load_schema().variables[name].values)


def _header_label(name: str, lang: str) -> str:
    return question_text(load_schema().variables[name], lang)


def kobo_rows(
    *, sep: str = "/", multiple: str = "summary", labels: str | None = None, hierarchy: bool = False
) -> list[dict[str, Any]]:
    """Records as a KoboToolbox export has them (`labels`: None for names, or a language code; with
    `hierarchy`, group labels before question labels)."""
    rows = []
    for number, a in enumerate(INTERVIEWS, start=1):
        row: dict[str, Any] = {"start": f"{a['date']}T09:00:00.000+05:00", "end": f"{a['date']}T09:40:00.000+05:00"}
        row["interview_date"] = a["date"]
        for group, name in QUESTIONS:
            value = a.get(name)
            head = _header_label(name, labels) if labels else f"{group}{sep}{name}"
            if labels and hierarchy:
                head = f"{form_text('module_' + group, labels)}{sep}{head}"
            text = "" if value is None else str(value)
            if labels and value is not None and name in _choice_names():
                text = _label(name, value, labels)
            if name not in MULTIPLE or multiple in ("summary", "both"):
                row[head] = text  # blank where not answered, or not in the version used
            if name in MULTIPLE and multiple in ("details", "both"):
                for code in _codes(name):
                    choice = choice_text(load_schema().variables[name].values[code], labels) if labels else code
                    row[f"{head}/{choice}"] = "" if value is None else int(code in str(value).split())
        row |= {
            "__version__": a["version"],
            "meta/instanceID": f"uuid:{a['uuid']}",
            "_id": 1000 + number,
            "_uuid": a["uuid"],
            "_submission_time": f"{a['date']}T10:02:11",
            "_validation_status": "validation_status_approved",
            "_notes": "",
            "_status": "submitted_via_web",
            "_submitted_by": "",
            "_tags": "",
            "_index": number,
        }
        rows.append(row)
    return rows


def _choice_names() -> set[str]:
    variables = load_schema().variables
    return {n for _, n in QUESTIONS if variables[n].values or variables[n].kind == "boolean"}


def write_csv(path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8") -> Path:
    import csv

    columns = list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([["" if row.get(c) is None else row.get(c) for c in columns] for row in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def kobo_csv(path: Path, **shape: Any) -> Path:
    return write_csv(path, kobo_rows(**shape))


def kobo_xlsx(path: Path, **shape: Any) -> Path:
    """The XLSX export: the records' sheet, then one sheet per repeat group linked by _parent_index."""
    sep = shape.get("sep", "/")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Migrant work in Kazakhstan"
    rows = kobo_rows(**shape)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    payments = book.create_sheet("payments")
    payments.append(
        [
            f"claim{sep}payments{sep}payment_date",
            f"claim{sep}payments{sep}payment_amount",
            *("_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"),
        ]
    )
    index = 0
    for number, a in enumerate(INTERVIEWS, start=1):
        for when, amount in a["payments"]:
            index += 1
            payments.append([when, amount, index, sheet.title, number, 1000 + number, a["uuid"]])
    book.save(path)
    return path


def central_zip(path: Path) -> Path:
    """ODK Central's CSV ZIP: groups joined by '-', repeat rows in their own CSV linked by PARENT_KEY."""
    root, repeat = [], []
    for a in INTERVIEWS:
        key = f"uuid:{a['uuid']}"
        row: dict[str, Any] = {
            "SubmissionDate": f"{a['date']}T10:02:11.000Z",
            "start": f"{a['date']}T09:00:00.000+05:00",
        }
        row["interview_date"] = a["date"]
        for group, name in QUESTIONS:
            value = a.get(name)
            row[f"{group}-{name}"] = "" if value is None else value
            if name in MULTIPLE:
                for code in _codes(name):
                    row[f"{group}-{name}/{code}"] = "" if value is None else int(code in str(value).split())
        row |= {"meta-instanceID": key, "KEY": key, "SubmitterID": 7, "SubmitterName": "enumerator-3"}
        row |= {"AttachmentsPresent": 0, "AttachmentsExpected": 0, "Status": "", "ReviewState": "approved"}
        row |= {"DeviceID": "collect:abc", "Edits": 0, "FormVersion": a["version"]}
        root.append(row)
        for n, (when, amount) in enumerate(a["payments"], start=1):
            repeat.append(
                {"payment_date": when, "payment_amount": amount, "PARENT_KEY": key, "KEY": f"{key}/claim/payments[{n}]"}
            )
    folder = path.parent
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{FORM_ID}.csv", write_csv(folder / "_root.csv", root).read_bytes())
        archive.writestr(f"{FORM_ID}-payments.csv", write_csv(folder / "_rep.csv", repeat).read_bytes())
    return path


def kobo_json(path: Path) -> Path:
    """KoboToolbox API v2 `data`: flat keys with full paths; a repeat is a list of such objects."""
    results = []
    for number, a in enumerate(INTERVIEWS, start=1):
        row: dict[str, Any] = {
            "_id": 1000 + number,
            "formhub/uuid": "9a8b7c",
            "start": f"{a['date']}T09:00:00.000+05:00",
        }
        row["interview_date"] = a["date"]
        for group, name in QUESTIONS:
            if a.get(name) is not None:
                row[f"{group}/{name}"] = str(a[name])
        if a["payments"]:
            row["claim/payments"] = [
                {"claim/payments/payment_date": w, "claim/payments/payment_amount": str(m)} for w, m in a["payments"]
            ]
        row |= {"__version__": a["version"], "meta/instanceID": f"uuid:{a['uuid']}", "_uuid": a["uuid"]}
        row |= {
            "_submission_time": f"{a['date']}T10:02:11",
            "_validation_status": {"uid": "validation_status_approved"},
        }
        row |= {"_attachments": [], "_geolocation": [None, None], "_tags": [], "_notes": []}
        results.append(row)
    path.write_text(
        json.dumps({"count": len(results), "next": None, "previous": None, "results": results}), encoding="utf-8"
    )
    return path


def odata_rows() -> list[dict[str, Any]]:
    """ODK Central OData: one nested object per group, typed values, repeats expanded inline."""
    rows = []
    for a in INTERVIEWS:
        key = f"uuid:{a['uuid']}"
        row: dict[str, Any] = {"__id": key, "start": f"{a['date']}T09:00:00.000+05:00", "interview_date": a["date"]}
        for group, name in QUESTIONS:
            value = a.get(name)
            row.setdefault(group, {})[name] = NUMBERS[name](value) if name in NUMBERS and value is not None else value
        row["claim"] = {
            "payments@odata.navigationLink": f"Submissions('{key}')/claim/payments",
            "payments": [
                {"__id": f"{a['uuid']}-{n}", "payment_date": w, "payment_amount": m}
                for n, (w, m) in enumerate(a["payments"])
            ],
        }
        row["meta"] = {"instanceID": key}
        row["__system"] = {
            "submissionDate": f"{a['date']}T10:02:11.000Z",
            "submitterId": "7",
            "reviewState": "approved",
            "formVersion": a["version"],
            "deletedAt": None,
        }
        rows.append(row)
    return rows


def odata_json(path: Path) -> Path:
    document = {
        "@odata.context": f"https://central.example/v1/projects/1/forms/{FORM_ID}.svc/$metadata#Submissions",
        "value": odata_rows(),
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# --- a survey kept in SPSS / Stata / Excel, read through a mapping file ------------------------------------

LEGACY_CODES = {
    "sex": {1: "male", 2: "female"},
    "recruited_by": {1: "employer", 2: "intermediary", 3: "relatives_friends", 4: "myself", 5: "other"},
    "yes_no": {1: "yes", 2: "no", 8: "dont_know"},
    "feels_safe": {1: "yes", 2: "no", 3: "hard_to_say"},
}
LEGACY_LABELS_RU = {
    "sex": {1: "Мужской", 2: "Женский"},
    "recruited_by": {1: "Работодатель", 2: "Посредник", 3: "Родственники или друзья", 4: "Сам(а)", 5: "Другое"},
    "yes_no": {1: "Да", 2: "Нет", 8: "Не знаю"},
    "feels_safe": {1: "Да", 2: "Нет", 3: "Затрудняюсь ответить"},
}
LEGACY_QUESTIONS = {  # column: (variable, code list or None, variable label)
    "q1": ("sex", "sex", "Пол респондента"),
    "q2": ("age", None, "Сколько вам лет?"),
    "q3": ("entry_date", None, "Когда вы в последний раз въехали в Казахстан?"),
    "q5": ("recruited_by", "recruited_by", "Кто нашёл вам эту работу?"),
    "q6": ("travel_arranged_by_recruiter", "yes_no", "Организовал ли дорогу тот, кто нашёл работу?"),
    "q7": ("hours_per_day", None, "Сколько часов в день вы обычно работаете?"),
    "q8": ("overtime_compulsory", "yes_no", "Сверхурочная работа обязательна?"),
    "q9": ("monthly_pay", None, "Сколько вам платят в месяц?"),
    "q11": ("documents_held_by_employer", "yes_no", "Хранит ли работодатель ваш паспорт или другие документы?"),
    "q12": ("confinement", "yes_no", "Вас запирают или охраняют?"),
    "q14": ("feels_safe", "feels_safe", "Чувствуете ли вы себя в безопасности в Казахстане?"),
}
LEGACY_REASONS = {"q13_1": "cant_leave_employer", "q13_2": "debt", "q13_3": "no_documents", "q13_4": "not_applicable"}
LEGACY_REASONS |= {"q13_5": "would_lose_pay", "q13_6": "no_better_job"}
SKIPPED_AS = {
    "0f1e2d3c-0002-4a5b-8c9d-0123456789ab": {"travel_arranged_by_recruiter": "no", "overtime_compulsory": "no"}
}


def legacy_frame() -> Any:
    """The interviews as an old survey file has them: numeric codes, Russian value labels, 0/1 columns."""
    import datetime as dt

    import pandas as pd

    rows = []
    for a in INTERVIEWS:
        a = a | SKIPPED_AS.get(a["uuid"], {})
        row: dict[str, Any] = {"resp_no": a["uuid"], "int_date": dt.date.fromisoformat(a["date"])}
        for column, (name, codes, _) in LEGACY_QUESTIONS.items():
            value = a.get(name)
            if codes is not None and value is not None:
                value = {v: k for k, v in LEGACY_CODES[codes].items()}[value]
            if name == "entry_date" and value is not None:
                value = dt.date.fromisoformat(value)
            row[column] = value
        for column, code in LEGACY_REASONS.items():
            row[column] = (
                None
                if a.get("reasons_not_changing_job") is None
                else float(code in a["reasons_not_changing_job"].split())
            )
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("q1", "q2", "q5", "q6", "q7", "q8", "q9", "q11", "q12", "q14"):
        frame[column] = frame[column].astype("float64")
    return frame


def legacy_metadata() -> tuple[dict[str, str], dict[str, dict[float, str]]]:
    labels = {c: label for c, (_, _, label) in LEGACY_QUESTIONS.items()} | {
        c: "Почему не меняете работу: " + code for c, code in LEGACY_REASONS.items()
    }
    values = {
        c: {float(k): v for k, v in LEGACY_LABELS_RU[codes].items()}
        for c, (_, codes, _) in LEGACY_QUESTIONS.items()
        if codes
    }
    return labels, values


def legacy_sav(path: Path, frame: Any = None) -> Path:
    """The interviews (or `frame`, rows of the same shape) as an SPSS file with its labels."""
    import pyreadstat

    labels, values = legacy_metadata()
    data = legacy_frame() if frame is None else frame
    pyreadstat.write_sav(data, str(path), column_labels=labels, variable_value_labels=values)
    return path


def legacy_dta(path: Path) -> Path:
    import pyreadstat

    labels, values = legacy_metadata()
    pyreadstat.write_dta(legacy_frame(), str(path), column_labels=labels, variable_value_labels=values)
    return path


LEGACY_MAPPING = """\
id: resp_no
reference_date: int_date
variables:
  sex: {column: q1, codes: {1: male, 2: female}}
  age: q2
  entry_date: q3
  recruited_by: {column: q5, codes: {1: employer, 2: intermediary, 3: relatives_friends, 4: myself, 5: other}}
  travel_arranged_by_recruiter: {column: q6, codes: {1: "yes", 2: "no", 8: null}}
  hours_per_day: q7
  overtime_compulsory: {column: q8, codes: {1: "yes", 2: "no", 8: null}}
  monthly_pay: q9
  documents_held_by_employer: {column: q11, codes: {1: "yes", 2: "no", 8: null}}
  confinement: {column: q12, codes: {1: "yes", 2: "no", 8: null}}
  feels_safe: {column: q14, codes: {1: "yes", 2: "no", 3: hard_to_say}}
  reasons_not_changing_job:
    columns:
      q13_1: cant_leave_employer
      q13_2: debt
      q13_3: no_documents
      q13_4: not_applicable
      q13_5: would_lose_pay
      q13_6: no_better_job
"""
