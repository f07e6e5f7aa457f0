"""Supervision: the steps due and overdue, a supervisor's approval of a plan, the dashboard."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils.timezone import localdate  # the application's day (Asia/Almaty), not the machine's

from labourwatch_web.cases import supervision
from labourwatch_web.cases.models import AuditEvent, Case, Claim, Service, Status
from tests.web.conftest import cases_of


def test_the_steps_due_are_those_overdue_or_due_within_a_week_of_the_users_cases(seeded, login):
    a, b = seeded
    client = login("caseworker")
    case = next(c for c in cases_of(a) if c.number == 1)
    today = localdate()
    for kind, due in (("documents", -1), ("shelter", 3), ("medical", 30), ("follow_up", 1)):
        client.post(f"/cases/{case.pk}/services/", {"kind": kind, "due": (today + timedelta(days=due)).isoformat()})
    case.services.filter(kind="follow_up").update(done=today)
    other = cases_of(b)[0]
    user = get_user_model().objects.get(username="other-caseworker")
    Service.objects.create(case=other, kind="shelter", due=today, created_by=user)
    page = client.get("/tasks/").content.decode()
    assert "Вернуть документы" in page and "просрочено" in page and "Приют" in page
    assert "Медицинская помощь" not in page and "Последующий контакт" not in page  # later, or done
    steps = supervision.due_steps(Case.objects.visible_to(get_user_model().objects.get(username="caseworker")), today)
    assert [s.kind for s in steps] == ["documents", "shelter"]  # not organisation B's


def test_only_a_supervisor_approves_a_plan(seeded, login, client):
    a, _ = seeded
    case = next(c for c in cases_of(a) if c.number == 1)
    login("caseworker").post(f"/cases/{case.pk}/services/", {"kind": "shelter"})
    assert client.post(f"/cases/{case.pk}/plan/approve/").status_code == 403
    assert "ждёт утверждения" in client.get(f"/cases/{case.pk}/").content.decode()
    login("supervisor").post(f"/cases/{case.pk}/plan/approve/")
    step = case.services.get()
    assert step.approved_by.username == "supervisor" and step.approved_on == localdate()
    assert AuditEvent.objects.filter(case=case, detail="plan approved (1)").exists()


def test_the_dashboard_counts_the_organisations_cases_referrals_and_money(seeded, login, client):
    a, _ = seeded
    first, second, _ = sorted(cases_of(a), key=lambda c: c.number)
    Case.objects.filter(pk=first.pk).update(status=Status.CLOSED, opened=date(2026, 1, 1), closed=date(2026, 1, 11))
    Case.objects.filter(pk=second.pk).update(status=Status.CLOSED, opened=date(2026, 1, 1), closed=date(2026, 1, 31))
    user = get_user_model().objects.get(username="supervisor")
    Claim.objects.create(case=second, built_by=user, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
                         amounts={"owed": "1000.50"}, recovered="250.25")  # fmt: skip
    board = supervision.dashboard(user, localdate())
    assert board.by_status == {"open": 1, "closing": 0, "closed": 2}
    assert board.load == [("caseworker", 1)] and board.days_to_close == (20.0, 20.0)
    assert (board.money.claims, str(board.money.owed), str(board.money.recovered)) == (1, "1000.50", "250.25")
    page = login("supervisor").get("/dashboard/").content.decode()
    assert "1 000,50" in page.replace("\xa0", " ") and "Открытые дела по кейс-менеджерам" in page
    assert login("caseworker").get("/dashboard/").status_code == 403
