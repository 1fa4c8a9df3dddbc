"""The process's custody of ballot keys, and the steps every sealed vote shares: keep, open, destroy.

Each entry point (the app's start, a worker's, a seeding script) installs one custody
(:func:`install_custody`); a voting round or an evaluation asks :func:`current_custody` at its
opening (:func:`new_subject_key`) and at its close (:func:`open_all`, :func:`destroy_after_commit`).
``platform/docs/threat-model.md`` says what this protects against and what it does not.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.db.after_commit import after_commit
from minsheng.secrecy.custody import PlatformCustody
from minsheng.secrecy.sealing import RoundKeys, open_many
from minsheng.settings import Settings
from minsheng.storage import make_object_store


class Custody(Protocol):
    """Where a subject's private key lives between its opening and its close."""

    async def keep(self, tenant_id: uuid.UUID, subject_id: uuid.UUID, private: bytes) -> None: ...

    async def fetch(self, tenant_id: uuid.UUID, subject_id: uuid.UUID) -> bytes: ...

    async def destroy(self, tenant_id: uuid.UUID, subject_id: uuid.UUID) -> None: ...


_custody: Custody | None = None


def custody_for(settings: Settings) -> PlatformCustody:
    """The platform's custody for ``settings``: its object store, its secret key."""
    return PlatformCustody(make_object_store(settings), settings.secret_key)


def install_custody(custody: Custody) -> None:
    """Make ``custody`` the process's keeper of ballot keys (the app's start, a worker's, a script's)."""
    global _custody
    _custody = custody


def current_custody() -> Custody:
    """The process's custody; an error when no entry point installed one."""
    if _custody is None:
        raise RuntimeError("no ballot key custody is installed (minsheng.secrecy.keeping.install_custody)")
    return _custody


async def new_subject_key(tenant_id: uuid.UUID, subject_id: uuid.UUID) -> bytes:
    """Make the key pair of a round or an evaluation opening now: the private half goes into custody,
    the public half (returned) is stored with the subject and seals every choice made in it."""
    keys = RoundKeys.generate()
    await current_custody().keep(tenant_id, subject_id, keys.private)
    return keys.public


def open_all(private: bytes, sealed: Iterable[bytes]) -> list[Any]:
    """Every sealed choice opened, in a random order (the system's CSPRNG): the order they were
    stored in, or read in, says nothing about the order of the plain contents written from them."""
    opened = open_many(private, sealed)
    secrets.SystemRandom().shuffle(opened)
    return opened


def destroy_after_commit(session: AsyncSession, tenant_id: uuid.UUID, subject_id: uuid.UUID) -> None:
    """Destroy the subject's key once the close that opened its choices has committed: from then on
    the sealed rows (in dead tuples, the WAL, backups) open for nobody, the app's secrets notwithstanding."""

    async def destroy() -> None:
        await current_custody().destroy(tenant_id, subject_id)

    after_commit(session, destroy)
