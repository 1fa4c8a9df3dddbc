"""Test help: capture what the channels send, for the platform's tests and plugin authors'.

    with capture_channel("sms", accepts="phone") as sent:
        ...  # run the code and drain the jobs
    assert sent[0].recipients == ["13800000000"]

The captured channel is offered to every tenant (through the built-in channels) while the block runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from minsheng.notifications import channels
from minsheng.plugins.registries import NotificationChannel, NotificationMessage


@dataclass
class Sent:
    subject: str
    body: str
    recipients: list[str]


@dataclass
class CapturedSends(list[Sent]):
    """The messages a captured channel sent; ``fail_next`` makes the next sends raise."""

    fail_next: int = field(default=0)


@contextmanager
def capture_channel(code: str = "capture", *, accepts: str = "any") -> Iterator[CapturedSends]:
    """Add a channel ``code`` that records each send, for the duration of the block."""
    sent = CapturedSends()

    async def send(message: NotificationMessage, recipients: Sequence[str]) -> None:
        if sent.fail_next:
            sent.fail_next -= 1
            raise ConnectionError("the captured channel was told to fail")
        sent.append(Sent(message.subject, message.body, list(recipients)))

    channel = NotificationChannel(code=code, label=code, send=send, accepts=accepts)
    channels.EXTRA_CHANNELS.append(channel)
    try:
        yield sent
    finally:
        channels.EXTRA_CHANNELS.remove(channel)
