"""The built-in notification channels, contributed by the ``minsheng.defaults`` plugin: log and e-mail.

A channel's ``send(message, recipients)`` runs inside the delivery job. The e-mail channel reads its
SMTP settings from the running job (``delivery_settings``), because a hook sees only the tenant view.
"""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import structlog

from minsheng.plugins.registries import NotificationChannel, NotificationMessage
from minsheng.plugins.tenant import TenantView
from minsheng.settings import SmtpSettings

log = structlog.get_logger("minsheng.notifications")

_smtp: ContextVar[SmtpSettings | None] = ContextVar("minsheng_smtp", default=None)

# Channels added for tests by ``minsheng.notifications.testing.capture_channel``.
EXTRA_CHANNELS: list[NotificationChannel] = []


class ChannelNotConfigured(RuntimeError):
    """The channel cannot send on this installation (no SMTP server set): the delivery is skipped."""


@contextmanager
def delivery_settings(smtp: SmtpSettings | None) -> Iterator[None]:
    """Give the channels the installation's settings while a delivery job sends."""
    token = _smtp.set(smtp)
    try:
        yield
    finally:
        _smtp.reset(token)


def _send_mail(smtp: SmtpSettings, message: NotificationMessage, recipients: Sequence[str]) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        # One message per recipient: nobody learns who else was told.
        for address in recipients:
            mail = EmailMessage()
            mail["From"] = smtp.sender
            mail["To"] = address
            mail["Subject"] = message.subject
            mail["Date"] = formatdate(localtime=False)
            mail["Message-ID"] = make_msgid(domain="minsheng")
            mail.set_content(message.body, charset="utf-8")
            client.send_message(mail)


async def send_email(message: NotificationMessage, recipients: Sequence[str]) -> None:
    """Send ``message`` to each address over SMTP (in a thread: smtplib blocks)."""
    smtp = _smtp.get()
    if smtp is None:
        raise ChannelNotConfigured("no SMTP server is configured (MINSHENG_SMTP_HOST)")
    await asyncio.to_thread(_send_mail, smtp, message, list(recipients))


def log_channel(tenant: TenantView) -> NotificationChannel:
    """Writes notifications to the log: enough for development and demos."""

    async def send(message: NotificationMessage, recipients: Sequence[str]) -> None:
        # Recipients are phone numbers or addresses: log how many, not who, to keep them out of logs.
        log.info(
            "notification",
            channel="log",
            tenant=tenant.slug,
            subject=message.subject,
            body=message.body,
            recipients=len(recipients),
        )

    return NotificationChannel(code="log", label="Log", send=send, accepts="any")


EMAIL_CHANNEL = NotificationChannel(code="email", label="E-mail", send=send_email, accepts="email")


def builtin_channels(tenant: TenantView) -> tuple[NotificationChannel, ...]:
    """The channels every installation has (plus any a test added)."""
    return (*EXTRA_CHANNELS, log_channel(tenant), EMAIL_CHANNEL)
