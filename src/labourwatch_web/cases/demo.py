"""A demo organisation with SYNTHETIC people and cases, and one user for each role. Only on an empty
database: `labourwatch serve` calls it after migrating."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from labourwatch_web.cases import services
from labourwatch_web.cases.models import Case, Membership, Organisation, Role

PASSWORD = "demo-labourwatch-2026"  # printed by `labourwatch serve`; a demo database only
USERS = {  # user name: role
    "caseworker": Role.CASEWORKER,
    "supervisor": Role.SUPERVISOR,
    "lawyer": Role.LAWYER,
    "admin": Role.ADMIN,
    "researcher": Role.RESEARCHER,
}
# Invented people (SYNTHETIC): a name in each script, answers that give different findings.
CASES: list[tuple[services.Identity, services.Intake, dict[str, str], bool]] = [
    (
        services.Identity("Нурлан Сапаров", "N0000001", "+7 700 000 0001", "Алматы, ул. Примерная 1"),
        services.Intake("male", "UZB", "ТОО «Пример-Строй» (SYNTHETIC)", "Алматы, стройка на ул. Примерной"),
        {"reference_date": "2024-06-03", "age": "34", "hours_per_day": "12", "rest_days_per_week": "0",
         "monthly_pay": "60000", "pay_currency": "KZT", "pay_method": "cash", "documents_held_by_employer": "yes",
         "documents_refused_on_request": "yes", "can_leave_employer_freely": "no",
         "reasons_not_changing_job": "cant_leave_employer", "written_contract": "no"},
        True,
    ),
    (
        services.Identity("Dilnoza Aliyeva", "AA0000002", "+998 90 000 0002", ""),
        services.Intake("female", "UZB", "Кафе «Образец» (SYNTHETIC)", "Астана"),
        {"reference_date": "2025-03-10", "age": "27", "hours_per_day": "9", "rest_days_per_week": "1",
         "pay_method": "cash", "pay_currency": "KZT", "monthly_pay": "150000"},
        False,
    ),
    (
        services.Identity("Ғайрат Төлеуов", "", "+996 555 000 003", ""),
        services.Intake("male", "KGZ", "", "Алматинская область, рынок"),
        {"reference_date": "2025-09-01", "age": "16", "age_at_recruitment": "16", "threat_violence": "yes"},
        False,
    ),
]  # fmt: skip


@transaction.atomic
def seed() -> bool:
    """Create the demo data unless the database already has an organisation; True when it did."""
    if Organisation.objects.exists():
        return False
    demo = services.create_organisation("Демо-центр помощи (SYNTHETIC)")
    other = services.create_organisation("Другая НКО (SYNTHETIC)")
    # Both take requests for help from the workers' self-check (/check/); invented contacts.
    Organisation.objects.filter(pk=demo.pk).update(
        takes_self_check=True, contact="+7 700 000 00 10 (SYNTHETIC), Алматы", languages="ru kk uz"
    )
    Organisation.objects.filter(pk=other.pk).update(
        takes_self_check=True, contact="+7 700 000 00 20 (SYNTHETIC), Астана", languages="ru ky tg"
    )
    users: dict[str, Any] = {}
    for name, role in USERS.items():
        users[name] = get_user_model().objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=users[name], organisation=demo, role=role)
    outsider = get_user_model().objects.create_user("other-caseworker", password=PASSWORD)
    Membership.objects.create(user=outsider, organisation=other, role=Role.CASEWORKER)
    # Its supervisor gives the requests workers send it from the self-check to its caseworker.
    overseer = get_user_model().objects.create_user("other-supervisor", password=PASSWORD)
    Membership.objects.create(user=overseer, organisation=other, role=Role.SUPERVISOR)
    for who, intake, answers, claim in CASES:
        case = services.open_case(users["caseworker"], who, intake)
        Case.objects.filter(pk=case.pk).update(answers=answers, legal_claim=claim)
    services.open_case(outsider, services.Identity("Шухрат Каримов"))
    return True
