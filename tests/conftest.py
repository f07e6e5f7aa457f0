from __future__ import annotations

import os

import pytest
from hypothesis import settings

from labourwatch.packs import load_packs, load_schema

settings.register_profile("default", max_examples=300, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def schema():
    return load_schema()


@pytest.fixture(scope="session")
def packs():
    return load_packs()
