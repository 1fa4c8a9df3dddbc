"""Appending to and reading the audit chains, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit.chain import GENESIS, ChainBreak, canonical_bytes, canonical_time, verify_chain
from minsheng.audit.models import PlatformAuditEvent, TenantAuditEvent
from minsheng.db.base import utcnow
from minsheng.tenancy.configuration import current_tenant_hooks
from minsheng.tenancy.context import current_tenant


@dataclass(frozen=True)
class Digest:
    """A named digest function for the chain (SHA-256 by default, SM3 from a plugin)."""

    name: str
    function: Callable[[bytes], str]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SHA256 = Digest("sha256", sha256_hex)

AuditModel = type[TenantAuditEvent] | type[PlatformAuditEvent]
AuditEvent = TenantAuditEvent | PlatformAuditEvent


async def _lock_chain(session: AsyncSession, key: str) -> None:
    # Appends to one chain are serialised so two writers never take the same seq; SQLite's write
    # lock already does that. Advisory locks are transaction-scoped and need no row to exist.
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(key.encode()) - 2**31})


def _chain_event(
    model: AuditModel,
    last: AuditEvent | None,
    *,
    actor: str,
    action: str,
    subject: str,
    payload: dict[str, Any],
    digest: Digest,
) -> AuditEvent:
    fields: dict[str, Any] = {
        "seq": (last.seq + 1) if last else 1,
        "occurred_at": canonical_time(utcnow()),
        "actor": actor,
        "action": action,
        "subject": subject,
        "payload": payload,
        "algorithm": digest.name,
        "prev_digest": last.digest if last else GENESIS,
    }
    return model(**fields, digest=digest.function(canonical_bytes(fields)))


async def _append(
    session: AsyncSession,
    model: AuditModel,
    chain_key: str,
    *,
    actor: str,
    action: str,
    subject: str,
    payload: dict[str, Any],
    digest: Digest,
) -> Any:
    await _lock_chain(session, chain_key)
    last = cast(
        AuditEvent | None,
        (await session.execute(select(model).order_by(model.seq.desc()).limit(1))).scalar_one_or_none(),
    )
    if last is not None and last.algorithm != digest.name:
        # A new algorithm starts a new segment: the switch itself is the segment's first event, so the
        # older events keep the digests they were written with and the change stays on the record.
        last = _chain_event(
            model,
            last,
            actor=actor,
            action="audit.algorithm_changed",
            subject=subject,
            payload={"from": last.algorithm, "to": digest.name},
            digest=digest,
        )
        session.add(last)
    event = _chain_event(model, last, actor=actor, action=action, subject=subject, payload=payload, digest=digest)
    session.add(event)
    await session.flush()
    return event


async def record(
    session: AsyncSession,
    action: str,
    *,
    actor: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
    digest: Digest | None = None,
) -> TenantAuditEvent:
    """Append an event to the chain of the tenant in context (in the caller's transaction).

    The digest is the tenant's (``minsheng_audit_digest``: SHA-256 unless a plugin says SM3).
    """
    tenant = current_tenant()
    if tenant is None:
        raise RuntimeError("audit.record needs a tenant in context")
    if digest is None:
        algorithm = (await current_tenant_hooks(session)).audit_digest()
        digest = Digest(algorithm.name, algorithm.digest)
    event: TenantAuditEvent = await _append(
        session,
        TenantAuditEvent,
        f"audit:{tenant.id}",
        actor=actor,
        action=action,
        subject=subject,
        payload=payload or {},
        digest=digest,
    )
    return event


async def record_platform(
    session: AsyncSession,
    action: str,
    *,
    actor: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
) -> PlatformAuditEvent:
    """Append an event to the platform's own chain (tenant lifecycle, operators)."""
    event: PlatformAuditEvent = await _append(
        session,
        PlatformAuditEvent,
        "audit:platform",
        actor=actor,
        action=action,
        subject=subject,
        payload=payload or {},
        digest=SHA256,
    )
    return event


def event_as_dict(event: TenantAuditEvent | PlatformAuditEvent) -> dict[str, Any]:
    """The exported form of an event: what an offline verifier reads."""
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "payload": event.payload,
        "algorithm": event.algorithm,
        "prev_digest": event.prev_digest,
        "digest": event.digest,
    }


async def chain_events(session: AsyncSession, tenant_id: uuid.UUID | None) -> list[dict[str, Any]]:
    """Every event of a tenant's chain (the tenant in context) or of the platform's, in order."""
    model: AuditModel = PlatformAuditEvent if tenant_id is None else TenantAuditEvent
    rows = cast(list[AuditEvent], list((await session.execute(select(model).order_by(model.seq))).scalars()))
    return [event_as_dict(e) for e in rows]


async def chain_head(session: AsyncSession) -> str:
    """The digest of the newest event of the tenant in context (GENESIS for an empty chain)."""
    last = (
        await session.execute(select(TenantAuditEvent.digest).order_by(TenantAuditEvent.seq.desc()).limit(1))
    ).scalar_one_or_none()
    return last or GENESIS


def verify_events(
    events: list[dict[str, Any]], algorithms: dict[str, Callable[[bytes], str]] | None = None
) -> ChainBreak | None:
    """Verify exported events with the known algorithms (SHA-256 plus any given by plugins)."""
    known: dict[str, Callable[[bytes], str]] = {SHA256.name: SHA256.function}
    known.update(algorithms or {})
    return verify_chain(events, known)
