"""Use cases of notifications: ask for one (deduplicated, in the caller's transaction), deliver it.

``notify`` writes the message and an outbox job in the caller's transaction: nothing is sent if that
transaction rolls back, and asking again with the same ``dedupe_key`` sends nothing new. The delivery
job sends through each channel once; a channel that fails is tried again by a follow-up job that
leaves the channels that succeeded alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Membership
from minsheng.db.base import utcnow
from minsheng.jobs.outbox import enqueue
from minsheng.notifications.channels import ChannelNotConfigured
from minsheng.notifications.models import Notification, NotificationDelivery, UserContact
from minsheng.plugins.registries import NotificationChannel, NotificationMessage
from minsheng.tenancy.context import current_tenant

AddressKind = Literal["user", "email", "phone"]
DELIVER_JOB = "notifications.deliver"
MAX_DELIVERY_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)


@dataclass(frozen=True)
class Recipient:
    """Someone to tell: a user of the platform, an e-mail address, or a phone number."""

    kind: AddressKind
    value: str

    @classmethod
    def user(cls, user_id: uuid.UUID | str) -> Recipient:
        return cls("user", str(user_id))

    @classmethod
    def email(cls, address: str) -> Recipient:
        return cls("email", address.strip())

    @classmethod
    def phone(cls, number: str) -> Recipient:
        return cls("phone", "".join(number.split()))


@dataclass(frozen=True)
class NotifyResult:
    notification: Notification
    created: bool


def _tenant_id() -> uuid.UUID:
    tenant = current_tenant()
    if tenant is None:
        raise RuntimeError("notifications need a tenant in context")
    return tenant.id


async def find(session: AsyncSession, dedupe_key: str) -> Notification | None:
    """The tenant's notification with this dedupe key, if any."""
    query = select(Notification).where(Notification.dedupe_key == dedupe_key)
    return (await session.execute(query)).scalar_one_or_none()


async def notify(
    session: AsyncSession,
    *,
    dedupe_key: str,
    subject: str,
    body: str,
    recipients: Sequence[Recipient],
    kind: str = "",
    channels: Sequence[str] | None = None,
) -> NotifyResult:
    """Ask for a message to be sent after the caller's transaction commits; once per ``dedupe_key``.

    A key used before (in this tenant) returns the existing notification with ``created=False`` and
    sends nothing. ``channels`` None means every channel the tenant has.
    """
    existing = await find(session, dedupe_key)
    if existing is not None:
        return NotifyResult(existing, False)
    row = Notification(
        id=uuid.uuid4(),
        dedupe_key=dedupe_key[:200],
        kind=kind[:50],
        subject=subject[:300],
        body=body,
        recipients=[{"kind": r.kind, "value": r.value} for r in recipients],
        channels=list(channels) if channels is not None else None,
        status="pending",
    )
    try:
        # A concurrent transaction may have taken the key: the savepoint keeps the caller's work.
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        found = await find(session, dedupe_key)
        if found is None:
            raise
        return NotifyResult(found, False)
    enqueue(session, DELIVER_JOB, {"notification_id": str(row.id)}, tenant_id=_tenant_id())
    return NotifyResult(row, True)


async def members_with_roles(session: AsyncSession, tenant_id: uuid.UUID, roles: Iterable[str]) -> list[Recipient]:
    """The members of a tenant (any tenant: memberships are a platform table) holding one of ``roles``."""
    wanted = set(roles)
    rows = (await session.execute(select(Membership).where(Membership.tenant_id == tenant_id))).scalars()
    return [Recipient.user(m.user_id) for m in rows if wanted.intersection(m.roles or ())]


async def addresses_for(session: AsyncSession, recipients: Iterable[dict[str, str]], accepts: str) -> list[str]:
    """The addresses a channel accepting ``accepts`` gets for these recipients (users resolved)."""
    direct: list[str] = []
    users: list[uuid.UUID] = []
    for recipient in recipients:
        kind, value = recipient.get("kind"), recipient.get("value", "")
        if kind == "user":
            users.append(uuid.UUID(value))
            if accepts in ("user", "any"):
                direct.append(value)
        elif accepts in (kind, "any"):
            direct.append(value)
    if users and accepts in ("email", "phone"):
        contacts = (await session.execute(select(UserContact).where(UserContact.user_id.in_(users)))).scalars()
        for contact in contacts:
            address = contact.email if accepts == "email" else contact.phone
            if address:
                direct.append(address)
    return list(dict.fromkeys(direct))


@dataclass(frozen=True)
class DeliveryOutcome:
    sent: list[str]
    skipped: list[str]
    failed: list[str]


async def deliver(
    session: AsyncSession, notification_id: uuid.UUID, channels: dict[str, NotificationChannel], attempt: int = 1
) -> DeliveryOutcome:
    """Send a notification through each of its channels that has not sent it yet.

    A channel's delivery row is written in the job's transaction; a channel that failed is retried by
    a new delivery job (up to ``MAX_DELIVERY_ATTEMPTS``), so the channels that sent are never asked again.
    """
    row = await session.get(Notification, (_tenant_id(), notification_id))
    if row is None:
        return DeliveryOutcome([], [], [])
    done = {
        d.channel: d
        for d in (
            await session.execute(
                select(NotificationDelivery).where(NotificationDelivery.notification_id == notification_id)
            )
        ).scalars()
    }
    wanted = row.channels if row.channels is not None else list(channels)
    sent: list[str] = []
    skipped: list[str] = []
    failed: list[str] = []
    message = NotificationMessage(subject=row.subject, body=row.body)
    for code in wanted:
        previous = done.get(code)
        if previous is not None and previous.status in ("sent", "skipped"):
            continue
        channel = channels.get(code)
        addresses = await addresses_for(session, row.recipients, channel.accepts) if channel else []
        status, error = "skipped", None
        if channel is not None and addresses:
            try:
                await channel.send(message, addresses)
                status = "sent"
            except ChannelNotConfigured as exc:
                error = str(exc)
            except Exception as exc:
                status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        elif channel is None:
            error = "the tenant has no such channel"
        _record(session, row, previous, code, status, error, len(addresses))
        {"sent": sent, "skipped": skipped, "failed": failed}[status].append(code)
    if failed and attempt < MAX_DELIVERY_ATTEMPTS:
        enqueue(
            session,
            DELIVER_JOB,
            {"notification_id": str(row.id), "attempt": attempt + 1},
            tenant_id=_tenant_id(),
            run_after=utcnow() + FIRST_RETRY * (4 ** (attempt - 1)),
        )
    row.status = "failed" if failed else "sent"
    if not failed and row.sent_at is None:
        row.sent_at = utcnow()
    await session.flush()
    return DeliveryOutcome(sent, skipped, failed)


def _record(
    session: AsyncSession,
    row: Notification,
    previous: NotificationDelivery | None,
    code: str,
    status: str,
    error: str | None,
    count: int,
) -> None:
    if previous is None:
        session.add(
            NotificationDelivery(
                notification_id=row.id, channel=code, status=status, attempts=1, recipients=count, error=error
            )
        )
        return
    previous.status, previous.error, previous.recipients = status, error, count
    previous.attempts += 1
    previous.at = utcnow()


def notification_summary(row: Notification) -> dict[str, Any]:
    """A notification as lists show it (recipients counted, never shown)."""
    return {
        "id": str(row.id),
        "kind": row.kind,
        "subject": row.subject,
        "status": row.status,
        "recipients": len(row.recipients),
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }
