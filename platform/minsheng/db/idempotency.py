"""Idempotent requests: a retry with the same ``Idempotency-Key`` gets the first answer again.

A phone that loses the answer to "cast my ballot" (or "rate this project") sends the same request
again with the same key; the platform must answer what it answered the first time, not 409 with
nothing to show. A different request under a key already used is refused (409) by the caller.

What is kept per key, in ``idempotent_answers``, is chosen for secret choices (ballots, ratings):

- ``lookup``: SHA-256 of the scope (e.g. ``round:<id>``), the caller (e.g. the deputy) and the key.
  Without the key, which only the caller's phone knows, the row names nobody: nothing in it says who
  asked. Keys must therefore be unguessable (at least :data:`MIN_KEY_LENGTH` characters; a random
  UUID is what clients send).
- ``fingerprint``: SHA-256 of the lookup and the request, to tell a retry from a different request.
- ``answer``: what was answered (a receipt).

The row is written in the caller's transaction, so it exists exactly when the answer does. A scope's
rows are deleted when it ends (:func:`forget`, e.g. when the round closes), in that transaction: a
key matters only while a retry can still arrive, and a stored receipt must not outlive it.

Claiming a key is one ``INSERT … ON CONFLICT DO NOTHING``: of two concurrent requests with one key,
the second waits for the first and then finds its row, so both answer the same (no savepoint is needed,
and nothing aborts the transaction).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any, cast

from sqlalchemy import String, Table, and_, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped
from minsheng.errors import Conflict, InvalidInput

#: The header clients send (the IETF ``Idempotency-Key`` header field).
HEADER = "Idempotency-Key"
MIN_KEY_LENGTH = 16
MAX_KEY_LENGTH = 255


class IdempotentAnswer(TenantScoped, Base):
    """The answer given to a request under one idempotency key, while its scope lasts."""

    __tablename__ = "idempotent_answers"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    lookup: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    answer: Mapped[Any] = mapped_column(JsonColumn, nullable=False)


def checked_key(key: str | None) -> str | None:
    """The key as sent, or None; 422 for a key too short to be unguessable or too long."""
    if key is None:
        return None
    key = key.strip()
    if not MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            "The Idempotency-Key must be {minimum} to {maximum} printable characters, e.g. a random UUID",
            minimum=MIN_KEY_LENGTH,
            maximum=MAX_KEY_LENGTH,
        )
    return key


def lookup_of(scope: str, caller: str, key: str) -> str:
    """The row's key: nobody can find or recognise it without the client's idempotency key."""
    return hashlib.sha256(f"{scope}\n{caller}\n{key}".encode()).hexdigest()


def fingerprint_of(lookup: str, request: Any) -> str:
    """What tells a retry (same request) from another request under the same key."""
    body = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{lookup}\n{body}".encode()).hexdigest()


_TABLE = cast(Table, IdempotentAnswer.__table__)
_ROW = {
    "tenant_id": bindparam("tenant_id"),
    "scope": bindparam("scope"),
    "lookup": bindparam("lookup"),
    "fingerprint": bindparam("fingerprint"),
    "answer": bindparam("answer", type_=_TABLE.c.answer.type),
}
_CLAIM = {
    "postgresql": postgresql_insert(_TABLE).values(_ROW).on_conflict_do_nothing().returning(_TABLE.c.lookup),
    "sqlite": sqlite_insert(_TABLE).values(_ROW).on_conflict_do_nothing().returning(_TABLE.c.lookup),
}
_RECALL = select(_TABLE.c.fingerprint, _TABLE.c.answer).where(
    and_(
        _TABLE.c.tenant_id == bindparam("tenant_id"),
        _TABLE.c.scope == bindparam("scope"),
        _TABLE.c.lookup == bindparam("lookup"),
    )
)


class Idempotency:
    """One request's key in one scope: recall an earlier answer, or claim the key for this one.

    ``caller`` names who asks (a deputy's id), so one key of two callers never meets.
    """

    def __init__(self, tenant_id: uuid.UUID, scope: str, caller: str, key: str, request: Any) -> None:
        self.params: dict[str, Any] = {"tenant_id": tenant_id, "scope": scope, "lookup": lookup_of(scope, caller, key)}
        self.fingerprint = fingerprint_of(self.params["lookup"], request)

    async def recall(self, session: AsyncSession, *, differs: Conflict) -> Any | None:
        """The answer given before under this key, None if none; ``differs`` (409) when the key was
        used for another request."""
        connection = await session.connection()
        found = (await connection.execute(_RECALL, self.params)).one_or_none()
        if found is None:
            return None
        if found.fingerprint != self.fingerprint:
            raise differs
        return found.answer

    async def claim(self, session: AsyncSession, answer: Any) -> bool:
        """Take the key for this request, which will answer ``answer``. False when a request with the
        same key was answered first (it may have been waited for): :meth:`recall` its answer."""
        connection = await session.connection()
        params = {**self.params, "fingerprint": self.fingerprint, "answer": answer}
        return (await connection.execute(_CLAIM[connection.dialect.name], params)).first() is not None


async def forget(session: AsyncSession, scope: str) -> None:
    """Delete the answers kept for ``scope`` (its requests can no longer be retried)."""
    await session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.scope == scope))
