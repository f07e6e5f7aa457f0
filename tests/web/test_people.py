"""The organisation admin's pages: people added with a role (who choose their own password from a
one-time link), roles and permissions changed, a lost phone's second factor reset; every change in the
audit log; nothing of another organisation reachable; an admin cannot lock themselves out."""

from __future__ import annotations

import re

from django_otp.plugins.otp_totp.models import TOTPDevice

from labourwatch_web.cases.models import AuditEvent, Membership

NEW_PASSWORD = "a-long-first-password-2026"


def member(name: str) -> Membership:
    return Membership.objects.select_related("user").get(user__username=name)


def test_an_admin_adds_a_person_who_chooses_their_own_password(seeded, login, client):
    a, _ = seeded
    admin = login("admin")
    response = admin.post("/people/", {"username": "aigul", "role": "lawyer"}, HTTP_ACCEPT_LANGUAGE="en")
    assert member("aigul").organisation == a and member("aigul").role == "lawyer"
    assert not member("aigul").user.has_usable_password()  # no admin ever knows it
    link = re.search(r'<code id="password-link">http://testserver(/welcome/[^<]+)</code>', response.content.decode())
    assert link and "aigul: added as lawyer" in response.content.decode()
    assert 'id="password-link"' not in admin.get("/people/").content.decode()  # shown once
    client.logout()
    form = client.get(link[1], follow=True)
    assert "aigul" not in form.redirect_chain[-1][0] and 'name="new_password1"' in form.content.decode()
    weak = client.post(form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert 'class="error"' in weak.content.decode() and not member("aigul").user.has_usable_password()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/login/"
    assert "Ссылка уже использована" in client.get(link[1], follow=True).content.decode()  # once only
    assert client.login(username="aigul", password=NEW_PASSWORD)
    assert client.get("/cases/").url == "/two-factor/"  # staff add a second factor at the first login
    details = list(AuditEvent.objects.filter(action="permission").values_list("detail", flat=True))
    assert details == ["aigul: added as lawyer", "aigul: set-password link issued", "aigul: password set"]


def test_a_forgotten_password_gets_a_new_link_and_a_taken_name_is_refused(seeded, login, client):
    admin = login("admin")
    lawyer = member("lawyer")
    page = admin.post(f"/people/{lawyer.pk}/password-link/").content.decode()
    path = re.search(r"http://testserver(/welcome/[^<]+)</code>", page)
    assert path and AuditEvent.objects.filter(detail="lawyer: set-password link issued").exists()
    taken = admin.post("/people/", {"username": "lawyer", "role": "caseworker"})
    assert "Имя пользователя «lawyer» пустое или уже занято" in taken.content.decode()
    assert member("lawyer").role == "lawyer" and 'id="password-link"' not in taken.content.decode()
    theirs = member("other-caseworker")
    assert admin.post(f"/people/{theirs.pk}/password-link/").status_code == 404


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
    assert supervisor.post("/people/", {"username": "x", "role": "admin"}).status_code == 403
    assert member("other-caseworker").role == "caseworker"
