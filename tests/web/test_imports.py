"""An organisation's case list brought in through a mapping file: every case opened with its identity
sealed and its answers in the questionnaire's codes, or none and every rejected value listed."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from labourwatch_web.cases import services
from labourwatch_web.cases.models import AuditEvent, Case, Organisation
from tests.web.test_cases import raw_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def upload(client, workbook: Path, mapping: Path):
    files = {
        "cases": SimpleUploadedFile(workbook.name, workbook.read_bytes()),
        "mapping": SimpleUploadedFile(mapping.name, mapping.read_bytes()),
    }
    return client.post("/cases/import/", files)


def test_the_example_case_list_opens_one_case_per_row_with_identities_sealed(seeded, login):
    page = upload(login("supervisor"), EXAMPLES / "case-list.xlsx", EXAMPLES / "case-list.mapping.yaml")
    assert "Открыто дел: 3." in page.content.decode()
    a = Organisation.objects.order_by("pk").first()
    imported = Case.objects.filter(organisation=a).order_by("number")[3:]
    first = imported[0]
    assert services.identity_of(first.person).name == "Бахтиёр Юсупов (SYNTHETIC)"
    assert services.identity_of(first.person).document == "FA0000101" and first.employer == "ТОО «Пример» (SYNTHETIC)"
    assert first.answers["sex"] == "male" and first.answers["sector"] == "construction" and first.answers["age"] == "29"
    assert first.answers["documents_held_by_employer"] == "yes" and first.person.citizenship == "UZB"
    assert "Full name" not in str(first.answers) and "FA0000101" not in str(first.answers)  # raw columns not kept
    assert b"FA0000101" not in raw_bytes("SELECT * FROM cases_person")
    assert AuditEvent.objects.filter(action="create_case", detail="3 cases imported").exists()


def test_one_unreadable_value_imports_nothing_and_every_rejected_value_is_listed(seeded, login, tmp_path):
    book = load_workbook(EXAMPLES / "case-list.xlsx")
    sheet = book.active
    sheet["J3"] = "forty"  # age
    sheet["C4"] = None  # no name
    sheet["H2"] = "X"  # a gender code the mapping does not list
    bad = tmp_path / "cases.xlsx"
    book.save(bad)
    before = Case.objects.count()
    page = upload(login("supervisor"), bad, EXAMPLES / "case-list.mapping.yaml").content.decode()
    assert Case.objects.count() == before  # whole or nothing
    assert "ничего не загружено; не читается значений: 3" in page
    assert "forty" in page and "Full name" in page and ">X<" in page


def test_a_mapping_without_the_case_section_is_refused_by_name(seeded, login, tmp_path):
    mapping = tmp_path / "m.yaml"
    text = (EXAMPLES / "case-list.mapping.yaml").read_text(encoding="utf-8")
    mapping.write_text(text.replace("case:\n  name: Full name\n", "case:\n"), encoding="utf-8")
    page = upload(login("supervisor"), EXAMPLES / "case-list.xlsx", mapping).content.decode()
    assert "нужен раздел case:" in page


def test_only_a_supervisor_imports(seeded, login):
    assert login("caseworker").get("/cases/import/").status_code == 403
