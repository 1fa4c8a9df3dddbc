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
from minsheng.audit.models import AuditCheckpoint, PlatformAuditEvent, TenantAuditEvent
from minsheng.audit.signing import CHECKPOINT_FORMAT, current_signer, public_key_text
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
    if action in CHECKPOINT_ACTIONS:
        await checkpoint(session, action)
    return event


#: Events after which the chain's head is signed at once: the results people will rely on.
CHECKPOINT_ACTIONS = frozenset({"round.closed", "evaluation.closed"})


def checkpoint_as_dict(row: AuditCheckpoint, slug: str) -> dict[str, Any]:
    """A checkpoint as published and as its signature covers it (``audit/signing.py``)."""
    return {
        "format": CHECKPOINT_FORMAT,
        "tenant_id": str(row.tenant_id),
        "tenant": slug,
        "seq": row.seq,
        "head": row.head,
        "algorithm": row.algorithm,
        "signed_at": row.signed_at,
        "reason": row.reason,
        "key_id": row.key_id,
        "public_key": row.public_key,
        "signature": row.signature,
    }


async def checkpoint(session: AsyncSession, reason: str) -> AuditCheckpoint | None:
    """Sign the current head of the chain of the tenant in context (in the caller's transaction).

    None for an empty chain; the existing checkpoint when the head was signed already. The caller's
    transaction holds the chain's lock (``record`` took it), or takes it here, so no event slips in
    between the head read and the signature.
    """
    tenant = current_tenant()
    if tenant is None:
        raise RuntimeError("audit.checkpoint needs a tenant in context")
    await _lock_chain(session, f"audit:{tenant.id}")
    last = (
        await session.execute(select(TenantAuditEvent).order_by(TenantAuditEvent.seq.desc()).limit(1))
    ).scalar_one_or_none()
    if last is None:
        return None
    existing = await session.get(AuditCheckpoint, (tenant.id, last.seq))
    if existing is not None:
        return existing
    signer = current_signer()
    row = AuditCheckpoint(
        tenant_id=tenant.id,
        seq=last.seq,
        head=last.digest,
        algorithm=last.algorithm,
        signed_at=canonical_time(utcnow()),
        reason=reason,
        key_id=signer.key_id,
        public_key=public_key_text(signer.public),
        signature="",
    )
    row.signature = signer.sign(checkpoint_as_dict(row, tenant.slug))
    session.add(row)
    await session.flush()
    return row


async def checkpoints(session: AsyncSession) -> list[dict[str, Any]]:
    """Every checkpoint of the tenant in context, oldest first, as published."""
    tenant = current_tenant()
    if tenant is None:
        raise RuntimeError("audit.checkpoints needs a tenant in context")
    rows = (await session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))).scalars()
    return [checkpoint_as_dict(row, tenant.slug) for row in rows]


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
