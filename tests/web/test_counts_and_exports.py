"""What researchers see (counts protected as published statistics are) and what leaves as CSV (the cases
a user sees; identities only by the admin's permission; every export logged)."""

from __future__ import annotations

import csv
import io
from collections import Counter

import numpy as np
from click.testing import CliRunner

from labourwatch.cli import cli
from labourwatch_web.cases import aggregates, services
from labourwatch_web.cases.exports import _cell
from labourwatch_web.cases.models import AuditEvent, Case, Membership
from tests.web.conftest import cases_of


def open_cases(user, n: int, citizenship: str) -> None:
    for i in range(n):
        services.open_case(
            user, services.Identity(f"Person {citizenship} {i}"), services.Intake(citizenship=citizenship)
        )


def test_counts_withhold_small_cells_and_what_would_reveal_them(seeded):
    supervisor = Membership.objects.get(user__username="supervisor").user
    open_cases(supervisor, 12, "TJK")  # the demo has 2 UZB, 1 KGZ: too few to show
    table = aggregates.aggregates(supervisor, "total")["citizenship"]
    rows = dict(table.rows)
    assert rows["UZB"][0] is None and rows["KGZ"][0] is None  # 2 and 1: withheld
    assert rows["UZB"][3] is None and rows["KGZ"][3] is None
    # 12 would be safe alone, but with the total of 15 it would show that the other two hold 3 people
    assert rows["TJK"] == [None, 0, 0, None] and rows["total"] == [15, 0, 0, 15]
    open_cases(supervisor, 8, "UZB")
    rows = dict(aggregates.aggregates(supervisor, "total")["citizenship"].rows)
    assert rows["TJK"] == [12, 0, 0, 12] and rows["total"] == [23, 0, 0, 23]
    assert rows["KGZ"][0] is None and rows["UZB"][0] is None  # 1 alone, and 10 to protect it


def test_a_researcher_sees_counts_and_no_person(seeded, login):
    page = login("researcher").get("/counts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "By citizenship" in page and "×" in page
    assert "Нурлан" not in page and "Dilnoza" not in page


def test_an_export_holds_answers_and_screening_and_identities_only_by_permission(seeded, login):
    client = login("caseworker")
    response = client.get("/cases/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv") and len(rows) == 3
    first = next(r for r in rows if r["number"] == "1")
    assert first["hours_per_day"] == "12" and "forced_labour" in first["findings"].split()
    assert "name" not in first and "Нурлан" not in response.content.decode()
    assert client.get("/cases/export.csv?identities=1").status_code == 403
    Membership.objects.filter(user__username="caseworker").update(may_export_identities=True)
    named = client.get("/cases/export.csv?identities=1").content.decode()
    assert "Нурлан Сапаров" in named and "N0000001" in named
    details = list(AuditEvent.objects.filter(action="export").values_list("detail", flat=True))
    assert details == ["3 cases", "3 cases, with identities"]


def test_an_exported_cell_never_runs_as_a_spreadsheet_formula():
    assert _cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")' and _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("-5") == "-5" and _cell("+7.5") == "+7.5" and _cell("plain") == "plain" and _cell(None) == ""
    for formula in ("+SUM(A1)", "-2+3", "\t=1", "\r=1", "-inf", "+nan"):
        assert _cell(formula) == "'" + formula


def test_tables_that_share_their_totals_withhold_the_same_totals():
    """By sex, the open total (14) must be withheld to protect the others; by citizenship it need not be,
    and publishing it there would give the sex table away."""
    open_, closing = aggregates.STATUSES[:2]

    def counts(rows: dict[str, tuple[int, int]]) -> dict[str, Counter[str]]:
        return {label: Counter({open_: a, closing: b}) for label, (a, b) in rows.items()}

    by = {"sex": counts({"F": (12, 1), "M": (2, 3)}), "citizenship": counts({"TJK": (10, 30), "UZB": (4, 2)})}
    alone = {d: aggregates._protected(c, np.zeros(4, dtype=np.bool_)).suppressed[-1] for d, c in by.items()}
    assert alone["sex"][0] and not alone["citizenship"][0]
    linked = aggregates._linked(by)
    assert linked["sex"].suppressed[-1].tolist() == linked["citizenship"].suppressed[-1].tolist()
    assert linked["citizenship"].suppressed[-1][0]


def test_the_cases_as_evidence_are_a_survey_file_that_labourwatch_assesses_and_reports(seeded, login, tmp_path):
    client = login("supervisor")
    response = client.get("/cases/evidence.csv")
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and all(r["id"].startswith("P") and len(r["id"]) == 13 for r in rows)
    assert rows[0]["reference_date"] == "2024-06-03" and rows[0]["citizenship"] == "UZB"
    secrets = [s for c in cases_of(seeded[0]) for s in secrets_of(c)]
    assert not any(s in text for s in secrets)  # no name, document, phone, address, employer or place
    assert client.get("/cases/evidence.csv").content.decode() == text  # the same pseudonyms every time
    (tmp_path / "cases.csv").write_text(text, encoding="utf-8")
    runner = CliRunner()
    assessed = runner.invoke(cli, ["assess", str(tmp_path / "cases.csv"), "-o", str(tmp_path / "assessed.parquet")])
    assert assessed.exit_code == 0, assessed.output
    report = runner.invoke(cli, ["report", str(tmp_path / "assessed.parquet"), "-o", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert "3 records" in (tmp_path / "r.html").read_text(encoding="utf-8")  # too few to publish: said so
    assert AuditEvent.objects.filter(action="export", detail="3 cases as evidence").exists()


def secrets_of(case) -> list[str]:
    who = services.identity_of(case.person)
    return [s for s in (who.name, who.document, who.phone, who.address, case.employer, case.work_site) if s]


def test_counts_by_sector_name_the_sector_and_protect_small_cells(seeded, login):
    supervisor = Membership.objects.get(user__username="supervisor").user
    for i, sector in enumerate(["construction"] * 12 + ["trade"] * 10):
        case = services.open_case(supervisor, services.Identity(f"Worker {i}"))
        Case.objects.filter(pk=case.pk).update(answers={"sector": sector})
    rows = dict(aggregates.aggregates(supervisor, "total")["sector"].rows)
    # the demo's 3 without a sector are withheld, and trade's 10 with them (else the total would tell)
    assert rows == {"construction": [12, 0, 0, 12], "trade": [None, 0, 0, None], "unknown": [None, 0, 0, None],
                    "total": [25, 0, 0, 25]}  # fmt: skip
    page = login("supervisor").get("/counts/").content.decode()
    assert "По сфере занятости" in page and "Строительство" in page
