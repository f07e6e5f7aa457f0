"""Identities are sealed with the organisation's keys; a blind index finds names without revealing them."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag

from labourwatch_web.cases.crypto import OrganisationKeys, master_key, new_wrapped_keys

MASTER = os.urandom(32)


def keys() -> OrganisationKeys:
    return OrganisationKeys.unwrap(MASTER, new_wrapped_keys(MASTER))


def test_a_field_round_trips_and_is_not_stored_in_clear():
    k = keys()
    sealed = k.encrypt("Нурлан Сапаров", "name")
    assert "Нурлан".encode() not in sealed and b"Nurlan" not in sealed
    assert k.decrypt(sealed, "name") == "Нурлан Сапаров"


def test_a_sealed_value_cannot_be_read_as_another_field_or_with_another_key():
    k = keys()
    sealed = k.encrypt("N0000001", "document")
    with pytest.raises(InvalidTag):
        k.decrypt(sealed, "name")
    with pytest.raises(InvalidTag):
        keys().decrypt(sealed, "document")


def test_the_wrapped_keys_need_the_master_key():
    wrapped = new_wrapped_keys(MASTER)
    with pytest.raises(InvalidTag):
        OrganisationKeys.unwrap(os.urandom(32), wrapped)


def test_the_blind_index_matches_scripts_within_an_organisation_only():
    a, b = keys(), keys()
    assert a.name_tokens("Нурлан") == a.name_tokens("Nurlan")
    assert a.name_tokens("Нурлан") != b.name_tokens("Nurlan")  # two organisations cannot compare their lists


def test_a_master_key_must_be_32_bytes():
    assert master_key(base64.b64encode(MASTER).decode()) == MASTER
    with pytest.raises(ValueError, match="32 bytes"):
        master_key(base64.b64encode(b"short").decode())
