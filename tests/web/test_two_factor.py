"""Staff confirm each login with a one-time code (TOTP): a password alone reaches nothing."""

from __future__ import annotations

from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from labourwatch_web.cases import demo
from labourwatch_web.cases.models import AuditEvent


def test_a_password_alone_reaches_only_the_code_page(seeded, client):
    assert client.login(username="supervisor", password=demo.PASSWORD)
    for url in ("/cases/", "/cases/1/", "/cases/new/", "/cases/1/claim/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/two-factor/", url


def test_first_login_enrols_an_authenticator_then_every_login_asks_its_code(seeded, client):
    assert client.login(username="caseworker", password=demo.PASSWORD)
    page = client.get("/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user__username="caseworker", confirmed=False)
    assert device.config_url in page.replace("&amp;", "&")
    assert client.post("/two-factor/", {"code": "000000"}).status_code == 200
    assert AuditEvent.objects.filter(detail="second factor", action="login_failed").count() == 1
    code = f"{totp(device.bin_key):06d}"
    assert client.post("/two-factor/", {"code": code}).status_code == 200  # throttled right after a failure
    device.refresh_from_db()
    device.throttle_reset()  # as the wait would
    assert client.post("/two-factor/", {"code": code}).url == "/"
    device.refresh_from_db()
    assert device.confirmed and client.get("/cases/").status_code == 200
    client.logout()
    assert client.login(username="caseworker", password=demo.PASSWORD)
    assert client.get("/cases/").url == "/two-factor/"
    assert (
        "code" in client.get("/two-factor/").content.decode()
        and device.config_url not in client.get("/two-factor/").content.decode()
    )


@override_settings(TWO_FACTOR="optional")
def test_the_local_demo_asks_the_code_only_of_those_who_enrolled(seeded, client):
    assert client.login(username="lawyer", password=demo.PASSWORD)
    assert client.get("/cases/").status_code == 200
    TOTPDevice.objects.create(user_id=client.session["_auth_user_id"], name="phone", confirmed=True)
    client.logout()
    assert client.login(username="lawyer", password=demo.PASSWORD)
    assert client.get("/cases/").url == "/two-factor/"
