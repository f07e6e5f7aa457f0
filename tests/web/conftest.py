"""The web tests run on the database DATABASE_URL names (PostgreSQL in CI, `make test` runs them there
too) or on SQLite; each test in a transaction rolled back."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from labourwatch_web.cases import demo
from labourwatch_web.cases.models import Case, Organisation


@pytest.fixture
def seeded(db):
    """The demo: organisation A (five roles, three cases) and organisation B (a caseworker, a supervisor, one case)."""
    assert demo.seed()
    a, b = Organisation.objects.order_by("pk")
    return a, b


def second_factor(client, name: str) -> None:
    """Confirm the login with the code the user's authenticator app would show (a device is added once)."""
    user = get_user_model().objects.get(username=name)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a second login in the same 30 s, as a new code
    device.refresh_from_db()
    response = client.post("/two-factor/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and response.url == "/"


@pytest.fixture
def login(client):
    """Log in with the password and the second factor, as staff must."""

    def as_user(name: str):
        assert client.login(username=name, password=demo.PASSWORD)
        second_factor(client, name)
        return client

    return as_user


def cases_of(organisation) -> list[Case]:
    return list(Case.objects.filter(organisation=organisation))
