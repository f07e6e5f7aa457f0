"""The organisation admin's pages: people added with a role and a first password, roles and permissions
changed, a lost phone's second factor reset; every change in the audit log; nothing of another
organisation reachable; an admin cannot lock themselves out."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from labourwatch_web.cases.models import AuditEvent, Membership

NEW_PASSWORD = "a-long-first-password-2026"


def member(name: str) -> Membership:
    return Membership.objects.select_related("user").get(user__username=name)


def test_an_admin_adds_a_person_who_can_then_log_in(seeded, login, client):
    a, _ = seeded
    admin = login("admin")
    response = admin.post("/people/", {"username": "aigul", "role": "lawyer", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert member("aigul").organisation == a and member("aigul").role == "lawyer"
    assert "aigul: added as lawyer" in admin.get("/people/").content.decode()
    client.logout()
    assert client.login(username="aigul", password=NEW_PASSWORD)
    assert client.get("/cases/").url == "/two-factor/"  # staff add a second factor at the first login


def test_a_weak_password_or_a_taken_name_is_refused_with_the_reason(seeded, login):
    admin = login("admin")
    weak = admin.post(
        "/people/", {"username": "bolat", "role": "caseworker", "password": "short"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The password is not accepted" in weak.content.decode()
    taken = admin.post("/people/", {"username": "lawyer", "role": "caseworker", "password": NEW_PASSWORD})
    assert "Имя пользователя «lawyer» пустое или уже занято" in taken.content.decode()
    assert member("lawyer").role == "lawyer"
    assert not get_user_model().objects.filter(username="bolat").exists()


def test_role_access_and_export_permission_changes_are_logged(seeded, login, client):
    admin = login("admin")
    lawyer = member("lawyer")
    admin.post(f"/people/{lawyer.pk}/", {"role": "supervisor", "may_export_identities": "1"})  # "active" unticked
    lawyer = member("lawyer")
    assert lawyer.role == "supervisor" and lawyer.may_export_identities and not lawyer.user.is_active
    details = set(AuditEvent.objects.filter(action="permission").values_list("detail", flat=True))
    assert details == {
        "lawyer: role lawyer -> supervisor",
        "lawyer: may export identities: yes",
        "lawyer: may not log in",
    }
    client.logout()
    assert not client.login(username="lawyer", password="demo-labourwatch-2026")


def test_a_lost_phone_is_reset_and_an_admin_cannot_lock_themselves_out(seeded, login):
    admin = login("admin")
    worker = member("caseworker")
    TOTPDevice.objects.create(user=worker.user, name="phone", confirmed=True)
    admin.post(f"/people/{worker.pk}/second-factor/")
    assert not TOTPDevice.objects.filter(user=worker.user).exists()
    me = member("admin")
    admin.post(f"/people/{me.pk}/", {"role": "caseworker", "active": "1"})
    assert member("admin").role == "admin"


def test_other_organisations_and_other_roles_cannot_manage_people(seeded, login, client):
    theirs = member("other-caseworker")
    admin = login("admin")
    assert admin.post(f"/people/{theirs.pk}/", {"role": "admin", "active": "1"}).status_code == 404
    assert "other-caseworker" not in admin.get("/people/").content.decode()
    client.logout()
    supervisor = login("supervisor")
    assert supervisor.get("/people/").status_code == 403
    assert supervisor.post("/people/", {"username": "x", "role": "admin", "password": NEW_PASSWORD}).status_code == 403
    assert member("other-caseworker").role == "caseworker"
