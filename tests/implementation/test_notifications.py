"""Notifications: one per dedupe key, e-mail through a real (local) SMTP server, contacts (both backends)."""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from minsheng.db.session import Database
from minsheng.jobs.models import Job
from minsheng.jobs.runner import run_job
from minsheng.notifications import services as notifications
from minsheng.notifications.models import NotificationDelivery
from minsheng.settings import SmtpSettings
from minsheng.testing import Api


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server (aiosmtpd) on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def _ask(api: Api, town: Any, key: str, recipients: list[notifications.Recipient]) -> Any:
    with town.scope():
        async with api.services.database.session() as session:
            result = await notifications.notify(
                session,
                dedupe_key=key,
                subject="工作方案即将到期",
                body="请在期限内报送工作方案。",
                recipients=recipients,
            )
            return result.notification.id, result.created


async def test_a_dedupe_key_is_sent_once(api: Api, town: Any) -> None:
    first = await _ask(api, town, "test:once", [notifications.Recipient.phone("138 0000 0000")])
    second = await _ask(api, town, "test:once", [notifications.Recipient.phone("13900000000")])
    assert first[1] is True and second == (first[0], False)
    async with api.services.database.session() as session:
        jobs = await session.scalar(select(func.count()).select_from(Job).where(Job.name == notifications.DELIVER_JOB))
    assert jobs == 1


async def test_email_goes_through_smtp_one_message_per_recipient(
    api: Api, town: Any, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    await api.services.dispatcher.stop()  # this test runs the delivery itself, with SMTP configured
    officer = await api.client.put(
        "/api/v1/me/contact",
        json={"email": "officer@town.example.cn", "phone": "13800000000"},
        headers=await town.headers("officer"),
    )
    assert officer.status_code == 200, officer.text
    bad = await api.client.put(
        "/api/v1/me/contact",
        json={"email": "not-an-address"},
        headers={**await town.headers("officer"), "Accept-Language": "en"},
    )
    assert bad.status_code == 422 and bad.json()["detail"] == "Not a valid e-mail address"
    users = await notifications_members(api, town)
    notification_id, _ = await _ask(
        api,
        town,
        "test:email",
        [*users, notifications.Recipient.email("clerk@town.example.cn"), notifications.Recipient.phone("13900000000")],
    )
    settings = dataclasses.replace(
        api.services.settings, smtp=SmtpSettings(host="127.0.0.1", port=port, sender="minsheng@town.example.cn")
    )
    database = Database(settings)
    try:
        async with database.session() as session:
            (job_id,) = (await session.execute(select(Job.id).where(Job.name == notifications.DELIVER_JOB))).scalars()
        assert (await run_job(database, job_id)).ran
        assert not (await run_job(database, job_id)).ran  # a second delivery of the job sends nothing
    finally:
        await database.dispose()

    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["clerk@town.example.cn", "officer@town.example.cn"]
    mail = message_from_bytes(inbox.messages[0].content)
    assert str(make_header(decode_header(mail["Subject"]))) == "工作方案即将到期"
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "请在期限内报送工作方案" in payload.decode("utf-8")
    with town.scope():
        async with api.services.database.session() as session:
            deliveries = {
                d.channel: (d.status, d.recipients)
                for d in (
                    await session.execute(
                        select(NotificationDelivery).where(NotificationDelivery.notification_id == notification_id)
                    )
                ).scalars()
            }
    assert deliveries["email"] == ("sent", 2)
    assert deliveries["log"] == ("sent", 3)  # one user, one address, one phone: counted, never shown


async def notifications_members(api: Api, town: Any) -> list[notifications.Recipient]:
    async with api.services.database.session() as session:
        return await notifications.members_with_roles(session, town.tenant_id, ("government",))


async def test_without_smtp_the_email_channel_is_skipped_not_failed(api: Api, town: Any) -> None:
    notification_id, _ = await _ask(api, town, "test:nosmtp", [notifications.Recipient.email("a@b.cn")])
    await api.services.dispatcher.sweep()  # the embedded runner picks the job up from the outbox
    await api.services.dispatcher.drain()
    with town.scope():
        async with api.services.database.session() as session:
            row = await session.get(NotificationDelivery, (town.tenant_id, notification_id, "email"))
    assert row is not None and row.status == "skipped"


def test_recipients_are_normalised() -> None:
    assert notifications.Recipient.phone(" 138 0000 0000 ").value == "13800000000"
    assert notifications.Recipient.user(uuid.UUID(int=1)).kind == "user"
