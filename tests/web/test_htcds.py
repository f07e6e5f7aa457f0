"""The HTCDS export: the cases in IOM's standard's values, de-identified as CTDC shares them, with
k-anonymity (k = 11) checked on the quasi-identifiers and any record that would break it withheld."""

from __future__ import annotations

import csv
import io

from django.utils.timezone import localdate  # the application's day (Asia/Almaty), not the machine's

from labourwatch_web.cases import htcds, referrals, services
from labourwatch_web.cases.models import AuditEvent, Case, Membership
from tests.web.conftest import cases_of

ANSWERS = {"age": "30", "sex": "male", "citizenship": "UZB", "sector": "construction", "reference_date": "2025-05-01"}


def open_cases(n: int, **answers: str) -> list[Case]:
    supervisor = Membership.objects.get(user__username="supervisor").user
    made = []
    for i in range(n):
        case = services.open_case(supervisor, services.Identity(f"Worker {i}"), services.Intake(citizenship="UZB"))
        Case.objects.filter(pk=case.pk).update(answers={**ANSWERS, **answers})
        made.append(case)
    return made


def test_the_demo_organisation_passes_by_withholding_its_three_cases(seeded, login):
    page = login("supervisor").get("/cases/htcds/").content.decode()
    assert "Файл проходит проверку k-анонимности (k = 11)" in page
    released = htcds.prepare(Membership.objects.get(user__username="supervisor").user)
    assert (released.records, len(released.rows), released.withheld) == (3, 0, 3) and released.k_anonymous


def test_a_record_that_would_break_k_anonymity_is_withheld_and_the_rest_released(seeded, login):
    open_cases(11)
    open_cases(1, documents_held_by_employer="yes")  # the same group: released, with its method of control
    lone = open_cases(1, sex="female")[0]  # alone in its group: it would be recognisable
    client = login("supervisor")
    response = client.get("/cases/htcds.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 12 and list(rows[0]) == list(htcds.COLUMNS)
    groups = {tuple(r[q] for q in htcds.QUASI_IDENTIFIERS) for r in rows}
    assert groups == {(str(lone.opened.year), "Male", "30--38", "UZ", "F_Construction")}  # one group of 12
    assert "Female" not in response.content.decode()
    assert sum(r["vic_MethodsOfControl"] == "WithholdsDocuments" for r in rows) == 1
    assert {r["vic_TypeOfLabourExploitation"] for r in rows} == {"Construction"}
    assert all(r["id"].startswith("P") for r in rows) and "Worker" not in response.content.decode()
    released = htcds.prepare(Membership.objects.get(user__username="supervisor").user)
    assert (released.withheld, released.smallest, released.k_anonymous) == (4, 12, True)  # the lone one, the demo's 3
    assert AuditEvent.objects.filter(action="export", detail="HTCDS: 12 of 16 cases, 4 withheld (k=11)").exists()


def test_only_a_supervisor_shares_htcds(seeded, login):
    client = login("caseworker")
    assert client.get("/cases/htcds/").status_code == 403 and client.get("/cases/htcds.csv").status_code == 403
    assert [c.number for c in cases_of(seeded[0])]  # the cases are there, the caseworker may not share them


def test_referrals_are_named_by_organisation_in_the_case_fields(seeded):
    a, b = seeded
    case = cases_of(a)[0]
    caseworker = Membership.objects.get(user__username="caseworker").user
    receiver = Membership.objects.get(user__username="other-caseworker").user
    referrals.record_consent(caseworker, case, shares=["name"], given_on=localdate(), how="signed", to_organisation=b)
    made = referrals.refer(caseworker, case, b, kind="transfer", service="legal_claim", shares=["name"])
    referrals.answer(receiver, made, True)
    sent = htcds._referral_fields(Case.objects.get(pk=case.pk))
    assert sent["cas_ReferringOrganisation"] == a.name and sent["cas_IncomingReferralDate"] == localdate().isoformat()
    assert htcds.prepare(receiver).records == 2  # B's own case and the one transferred to it
