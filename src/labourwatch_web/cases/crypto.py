"""Identities encrypted with keys each organisation holds (the `cryptography` library's AES-GCM).

Each organisation has a data key (for names, document numbers, phones, addresses) and an index key (for
the blind index of names), both random, stored only wrapped by the installation's master key
(`LABOURWATCH_MASTER_KEY`, base64, or a key file the demo creates). The database never holds a name in
clear: a search compares keyed hashes of name skeletons (cases/names.py), which reveal neither the name
nor, across organisations, whether two of them know the same person."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from labourwatch_web.cases.names import name_keys

NONCE = 12


def _seal(key: bytes, plain: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plain, context)


def _open(key: bytes, sealed: bytes, context: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], context)


def master_key(encoded: str) -> bytes:
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise ValueError("LABOURWATCH_MASTER_KEY must be 32 bytes, base64-encoded")
    return key


def new_wrapped_keys(master: bytes) -> bytes:
    """A fresh data key and index key, wrapped by the master key, for a new organisation."""
    return _seal(master, AESGCM.generate_key(bit_length=256) + os.urandom(32), b"organisation keys")


@dataclass(frozen=True)
class OrganisationKeys:
    data: bytes
    index: bytes

    @classmethod
    def unwrap(cls, master: bytes, wrapped: bytes) -> OrganisationKeys:
        keys = _open(master, wrapped, b"organisation keys")
        return cls(keys[:32], keys[32:])

    def encrypt(self, text: str, field: str) -> bytes:
        """The field's text sealed; the field name is bound in, so a value cannot be moved to another field."""
        return self.seal(text.encode("utf-8"), field)

    def decrypt(self, sealed: bytes | None, field: str) -> str:
        return self.open(sealed, field).decode("utf-8")

    def seal(self, data: bytes, field: str) -> bytes:
        """Bytes (a document) sealed as a field's text is."""
        return _seal(self.data, data, field.encode())

    def open(self, sealed: bytes | None, field: str) -> bytes:
        return _open(self.data, bytes(sealed), field.encode()) if sealed else b""

    def name_tokens(self, name: str) -> list[str]:
        """Keyed hashes of the name's skeletons, as stored and searched."""
        return [self._token(k) for k in name_keys(name)]

    def pseudonym(self, what: str) -> str:
        """A stable keyed name for `what` (a case in an evidence export): reveals nothing without the key."""
        return "P" + self._token(f"pseudonym {what}")[:12]

    def _token(self, key: str) -> str:
        return hmac.new(self.index, key.encode(), hashlib.sha256).hexdigest()[:24]
