"""An organisation's existing case list (Excel or CSV) brought in through a mapping file: the same file
`labourwatch import` reads for a survey (which column holds which question, which code is which
answer), with a `case:` section for the columns that name and reach the person and the intake:

    id: case_no
    reference_date: interview_date
    case: {name: full_name, document: passport, phone: phone, address: address, employer: employer}
    variables:
      age: age
      sex: {column: gender, codes: {M: male, F: female}}

Whole or nothing: every value is checked as `assess` checks it (and every row needs a name), and one
that cannot be read rejects the import, which then lists each rejected value by row, column and value.
Names and contacts are sealed as at intake; the source's other columns are not kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.http import HttpRequest

from labourwatch.core.columns import ID
from labourwatch.core.errors import DataError, LabourwatchError
from labourwatch.i18n import t
from labourwatch.io import mapping as mapping_files
from labourwatch.io.forms import RAW, answer_text
from labourwatch.io.yamlfiles import load_user_yaml
from labourwatch.services.importing import check_records
from labourwatch_web.cases import audit, services
from labourwatch_web.cases.models import AuditEvent, Case

CASE_FIELDS = ("name", "document", "phone", "address", "employer", "work_site")


@dataclass(frozen=True)
class Rejected:
    row: int | None  # of the source, counted from 1 after the header
    column: str
    value: str
    why: str


class Refused(LabourwatchError):
    """Nothing was imported: `rejected` lists every value that could not be read (the first thousand)."""

    def __init__(self, label: str, rejected: list[Rejected], total: int, lang: str) -> None:
        self.rejected, self.total = rejected, total
        super().__init__(t("web_import_refused", lang, label=label, total=total), lang)


def import_cases(user: Any, source: Path, mapping: Path, lang: str, request: HttpRequest | None = None) -> int:
    """Open one case per row of `source`; returns how many. Refused (nothing opened) when any value is
    wrong; MappingError when the mapping file is."""
    subs, canon = mapping_files.apply_file(source, mapping, lang=lang)
    case_columns = _case_columns(mapping, subs.records.column_names, lang)
    texts = {field: answer_text(subs.records.column(col)).to_pylist() for field, col in case_columns.items()}
    rejected: list[Rejected] = []
    total = 0
    try:
        check_records(subs, canon, lang)
    except DataError as exc:
        rejected = [Rejected(p.row, p.column or "", str(p.value or ""), p.text(lang)) for p in exc.problems]
        total = exc.total
    nameless = [i + 1 for i, name in enumerate(texts["name"]) if not (name or "").strip()]
    rejected += [Rejected(row, case_columns["name"], "", t("web_import_name_needed", lang)) for row in nameless]
    total += len(nameless)
    if rejected:
        raise Refused(subs.label, rejected, total, lang)
    return _open_all(user, canon.records, texts, request)


@transaction.atomic
def _open_all(user: Any, records: pa.Table, texts: dict[str, list[Any]], request: HttpRequest | None) -> int:
    questions = [c for c in records.column_names if c != ID and not c.startswith(RAW)]  # the source's own: not kept
    rows = records.select(questions).to_pylist()
    for i, answers in enumerate(rows):
        given = {f: str(texts[f][i] or "").strip()[:200] if f in texts else "" for f in CASE_FIELDS}
        who = services.Identity(given["name"], given["document"], given["phone"], given["address"])
        sex, citizenship = (str(answers.get(k) or "") for k in ("sex", "citizenship"))  # the person's, as at intake
        intake = services.Intake(sex, citizenship, given["employer"], given["work_site"])
        case = services.open_case(user, who, intake, request)
        kept = {k: str(v) for k, v in answers.items() if v not in (None, "")}
        Case.objects.filter(pk=case.pk).update(answers=kept)
    audit.record(AuditEvent.Action.CREATE_CASE, user, request=request, detail=f"{len(rows)} cases imported")
    return len(rows)


def _case_columns(mapping: Path, columns: list[str], lang: str) -> dict[str, str]:
    """The mapping's `case:` section: the column of each field named (`name` required)."""
    doc = load_user_yaml(mapping)
    section = doc.get("case") if isinstance(doc, dict) else None
    if not isinstance(section, dict) or "name" not in section:
        raise mapping_files.MappingError(t("web_import_case_section", lang, label=mapping.name))
    wrong = [f"case.{k}" for k, v in section.items() if k not in CASE_FIELDS or str(v) not in columns]
    if wrong:
        raise mapping_files.MappingError(t("web_import_case_columns", lang, label=mapping.name, keys=", ".join(wrong)))
    return {str(k): str(v) for k, v in section.items()}
