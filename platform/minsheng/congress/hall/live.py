"""The hall's live views, shared by its API routes and pages: the screen's stream and the check-in code."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.response import ServerSentEvent

from minsheng.congress.hall import big_screen, checkin_code, sessions
from minsheng.congress.hall.schemas import CheckInCodeView
from minsheng.http.dependencies import services
from minsheng.http.scope import TenantScope
from minsheng.tenancy.context import TenantRef


async def open_screen(
    state: State,
    access: TenantScope,
    session_id: uuid.UUID,
    locale: str,
    render: Any,
    *,
    clock: Callable[[], object] | None = None,
) -> ServerSentEvent:
    """The session's screen stream after checking the session exists in the caller's tenant (else 404)."""
    database = services(state).database
    tenant = TenantRef(access.tenant.id, access.tenant.slug)
    async with database.session() as db_session:
        await sessions.get_session(db_session, session_id)
    return big_screen.screen_stream(
        big_screen.screen_messages(database, tenant, access.hooks, session_id, locale, render, clock=clock)
    )


def check_in_code_view(
    request: Request[Any, Any, Any] | str, secret: str, access: TenantScope, session_id: uuid.UUID
) -> CheckInCodeView:
    """The hall's code now and the page its QR code opens (``request`` or the site's base URL)."""
    now = time.time()
    code = checkin_code.issue_code(secret, access.tenant.id, session_id, now)
    path = f"/t/{access.tenant.slug}/check-in/{session_id}?code={code}"
    base = request if isinstance(request, str) else str(request.base_url)
    return CheckInCodeView(
        code=code,
        url=base.rstrip("/") + path,
        refresh_in=checkin_code.seconds_to_next_code(now),
        valid_for=checkin_code.LIFETIME,
    )
