"""Sealing a secret handed from a request to its background job (initial passwords of a roster import).

A job's arguments are stored in the outbox until it runs, so initial passwords must not be stored as
typed: they are sealed with AES-GCM under a key derived from the platform's secret (HKDF, one key per
purpose), and the job wipes them once it has hashed them. The database alone never reveals them.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


class UnsealError(ValueError):
    """The sealed text was not sealed with this secret and purpose, or was changed."""


def _key(secret_key: str, purpose: str) -> bytes:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"minsheng:{purpose}".encode())
    return derive.derive(secret_key.encode())


def seal(secret_key: str, purpose: str, plaintext: bytes) -> str:
    """``plaintext`` encrypted and authenticated for ``purpose``, as URL-safe text."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(secret_key, purpose)).encrypt(nonce, plaintext, purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret_key: str, purpose: str, text: str) -> bytes:
    """The plaintext :func:`seal` sealed; :class:`UnsealError` when it cannot be opened."""
    try:
        raw = base64.urlsafe_b64decode(text.encode())
        return AESGCM(_key(secret_key, purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
    except (InvalidTag, ValueError) as exc:
        raise UnsealError("the sealed data cannot be opened with this secret") from exc
