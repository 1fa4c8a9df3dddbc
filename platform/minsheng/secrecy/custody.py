"""Where a round's private key lives between its opening and its close, outside the database.

The default custody is the platform's: the private key is wrapped (AES-GCM) under a key derived from
``MINSHENG_SECRET_KEY`` for this purpose only, and kept in the object store under ``ballot-keys/`` —
never in the database, so neither the database nor its WAL nor a backup of it holds a key that opens
the sealed ballots it holds. At the close the key is fetched, the ballots opened, and the key
**destroyed** (the object deleted): from then on the sealed rows open for nobody, whoever later holds
the app's secrets and every database backup. The ``ballot-keys/`` objects must therefore be kept out
of the object store's backups and versioning (``platform/docs/threat-model.md``: the limits).

The stricter custody (``shares.py``) keeps no key at all: the session's scrutineers hold its shares.
"""

from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from minsheng.storage.store import ObjectNotFound, ObjectStore

PREFIX = "ballot-keys"
NONCE_BYTES = 12


class KeyDestroyed(LookupError):
    """The round's key is gone: it was destroyed at the close (or never kept here)."""


def wrapping_key(secret_key: str) -> bytes:
    """The key-wrapping key: derived from the app's secret for this purpose alone (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"minsheng", info=b"ballot-key-wrap/1").derive(
        secret_key.encode()
    )


def tenant_keys(tenant_id: uuid.UUID) -> str:
    """The object-store prefix of a tenant's ballot keys (kept out of the tenant's export)."""
    return f"{PREFIX}/{tenant_id}/"


def _key(tenant_id: uuid.UUID, subject_id: uuid.UUID) -> str:
    return f"{tenant_keys(tenant_id)}{subject_id}.key"


class PlatformCustody:
    """The platform's custody of round keys: wrapped, in the object store, destroyed at the close."""

    def __init__(self, store: ObjectStore, secret_key: str) -> None:
        self._store = store
        self._aead = AESGCM(wrapping_key(secret_key))

    async def keep(self, tenant_id: uuid.UUID, subject_id: uuid.UUID, private: bytes) -> None:
        """Keep ``private`` for the subject (a voting round or an evaluation) until it closes."""
        nonce = os.urandom(NONCE_BYTES)
        wrapped = nonce + self._aead.encrypt(nonce, private, f"{tenant_id}/{subject_id}".encode())
        await self._store.put(_key(tenant_id, subject_id), wrapped, "application/octet-stream")

    async def fetch(self, tenant_id: uuid.UUID, subject_id: uuid.UUID) -> bytes:
        """The subject's private key; :class:`KeyDestroyed` when it is gone or no longer unwraps."""
        try:
            wrapped = await self._store.get(_key(tenant_id, subject_id))
        except ObjectNotFound as exc:
            raise KeyDestroyed(str(subject_id)) from exc
        try:
            return self._aead.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], f"{tenant_id}/{subject_id}".encode()
            )
        except InvalidTag as exc:
            raise KeyDestroyed(str(subject_id)) from exc

    async def destroy(self, tenant_id: uuid.UUID, subject_id: uuid.UUID) -> None:
        """Destroy the subject's key (idempotent): its sealed rows then open for nobody."""
        await self._store.delete(_key(tenant_id, subject_id))

    async def destroy_tenant(self, tenant_id: uuid.UUID) -> None:
        """Destroy every key of a tenant (the tenant is deleted)."""
        await self._store.delete_prefix(tenant_keys(tenant_id))
