"""The web tests run on the database DATABASE_URL names (PostgreSQL in CI, `make test` runs them there
too) or on SQLite; each test in a transaction rolled back."""

from __future__ import annotations

import pytest

from labourwatch_web.cases import demo
from labourwatch_web.cases.models import Case, Organisation


@pytest.fixture
def seeded(db):
    """The demo: organisation A (five roles, three cases) and organisation B (one caseworker, one case)."""
    assert demo.seed()
    a, b = Organisation.objects.order_by("pk")
    return a, b


@pytest.fixture
def login(client):
    def as_user(name: str):
        assert client.login(username=name, password=demo.PASSWORD)
        return client

    return as_user


def cases_of(organisation) -> list[Case]:
    return list(Case.objects.filter(organisation=organisation))
