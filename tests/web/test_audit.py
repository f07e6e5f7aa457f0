"""The audit log: every login, failure, view and change; append-only in the application and in the
database; too many failed logins lock the name and the address out for a while."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from labourwatch_web.cases import demo
from labourwatch_web.cases.models import AuditEvent


def test_logins_and_failures_are_logged(seeded, client):
    assert client.login(username="caseworker", password=demo.PASSWORD)
    client.post("/login/", {"username": "supervisor", "password": "wrong"})
    actions = list(AuditEvent.objects.values_list("action", "username"))
    assert ("login", "caseworker") in actions and ("login_failed", "supervisor") in actions


def test_the_log_cannot_be_changed_through_the_application(seeded):
    event = AuditEvent.objects.create(action="export", username="x")
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize("statement", ["UPDATE cases_auditevent SET detail = 'x'", "DELETE FROM cases_auditevent"])
def test_the_database_refuses_to_change_the_log(seeded, statement):
    AuditEvent.objects.create(action="export", username="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="export").exists()


def test_too_many_failures_lock_the_name_out_even_with_the_right_password(seeded, client):
    for _ in range(5):
        client.post("/login/", {"username": "caseworker", "password": "wrong"})
    response = client.post("/login/", {"username": "caseworker", "password": demo.PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(detail="locked out").count() == 1


def test_a_supervisor_sees_who_looked_at_a_case(seeded, client, login):
    a, _ = seeded
    case = a.cases.get(number=1)
    login("caseworker").get(f"/cases/{case.pk}/")
    client.logout()
    page = login("supervisor").get(f"/cases/{case.pk}/").content.decode()
    assert "caseworker · view_case" in page
