"""What supervision tells people: the government of a rectification, a citizen of a verification code.

A rectification goes through the notifications service (a row and an outbox job in the caller's
transaction, sent once per dedupe key). A verification code does NOT: the service keeps each
message's recipients (the phone number) in its rows, and the public evaluation must never store a
citizen's number, only a keyed hash of it. So the code is handed to the tenant's phone channels
directly, in the request, and is gone once sent.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError
from minsheng.i18n import DEFAULT_LOCALE, msgid, translate
from minsheng.notifications import services as notifications
from minsheng.permissions import Permission, roles_with
from minsheng.plugins.registries import NotificationMessage
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.supervision.models import Rectification
from minsheng.tenancy.context import current_tenant

log = structlog.get_logger("minsheng.supervision")


class CodeNotSent(DomainError):
    status_code = 503
    title = "Service unavailable"


async def rectification_opened(
    session: AsyncSession, rectification: Rectification, title: str, hooks: TenantHooks
) -> None:
    """Tell those who report rectifications (the government, by the permission table) that ``title`` must
    be rectified by the deadline (once)."""
    tenant = current_tenant()
    assert tenant is not None
    view = hooks.tenant
    reporters = roles_with(Permission.RECTIFICATIONS_REPORT, view.level, hooks.role_grants())
    recipients = await notifications.members_with_roles(session, tenant.id, reporters)
    if not recipients:
        return
    await notifications.notify(
        session,
        dedupe_key=f"rectification:{rectification.id}",
        subject=translate("Rectification required: {title}", DEFAULT_LOCALE, title=title),
        body=translate(
            "The deputies rated the project {title} unsatisfied. Rectify it by {deadline}; it will then be"
            " evaluated again.",
            DEFAULT_LOCALE,
            title=title,
            deadline=rectification.deadline.isoformat(),
        ),
        recipients=recipients,
        kind="rectification",
    )


async def send_code(hooks: TenantHooks, phone: str, code: str, title: str) -> None:
    """Send a verification code to ``phone`` through every channel of the tenant that reaches phones.

    503 (nothing saved) when no channel could send it.
    """
    channels = hooks.notification_channels()
    message = NotificationMessage(
        subject=translate("Satisfaction evaluation verification code", DEFAULT_LOCALE),
        body=translate(
            "Your verification code for rating {title} is {code}; it is valid for 10 minutes.",
            DEFAULT_LOCALE,
            title=title,
            code=code,
        ),
    )
    # The region's SMS (phone) channels when it has any; only without one, the catch-all channels
    # (the development log), so a production log never holds the codes sent by SMS.
    reaching = [c for c in channels.values() if c.accepts == "phone"] or [
        c for c in channels.values() if c.accepts == "any"
    ]
    sent = 0
    for channel in reaching:
        try:
            await channel.send(message, [phone])
            sent += 1
        except Exception as exc:
            # Another channel may still reach the phone; the number is never logged.
            log.warning("verification_code_not_sent", channel=channel.code, error=type(exc).__name__)
    if not sent:
        raise CodeNotSent(msgid("The verification code could not be sent; try again in a moment"))
