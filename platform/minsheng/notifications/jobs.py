"""The delivery job: sends one notification through the tenant's channels (idempotent per channel)."""

from __future__ import annotations

import uuid
from typing import Any

from minsheng.i18n import msgid
from minsheng.jobs.registry import JobContext, job
from minsheng.notifications import services as service
from minsheng.notifications.channels import delivery_settings
from minsheng.tenancy.configuration import current_tenant_hooks


@job(service.DELIVER_JOB, title=msgid("Sending a notification"))
async def deliver(ctx: JobContext, notification_id: str, attempt: int = 1) -> dict[str, Any]:
    """Send the notification through each channel that has not sent it yet (a repeat sends nothing)."""
    channels = (await current_tenant_hooks(ctx.session)).notification_channels()
    with delivery_settings(ctx.settings.smtp):
        outcome = await service.deliver(ctx.session, uuid.UUID(notification_id), channels, attempt)
    return {"sent": outcome.sent, "skipped": outcome.skipped, "failed": outcome.failed}
