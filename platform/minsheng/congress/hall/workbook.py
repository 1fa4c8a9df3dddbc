"""What the session's API routes and pages share: the workbook import with its translated report,
the screen's stream, the hall's check-in code."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.response import ServerSentEvent
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.hall import big_screen, checkin_code, sessions
from minsheng.congress.hall.schemas import CheckInCodeView, RowProblemView
from minsheng.congress.roster import excel as roster_excel
from minsheng.errors import InvalidInput
from minsheng.http.dependencies import TenantAccess, services
from minsheng.i18n import translate
from minsheng.storage.uploads import XLSX, UploadRefused, check_upload
from minsheng.tenancy.context import TenantRef

STAFF = (Role.TENANT_ADMIN.value,)

EXPORT_DISPOSITION = (
    "attachment; filename=\"deputies.xlsx\"; filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%8D%95.xlsx"
)


def translated_problems(refused: roster_excel.RosterImportRefused, locale: str) -> list[dict[str, Any]]:
    """The import report in the reader's language."""
    return [
        msgspec.to_builtins(
            RowProblemView(row=p.row, column=p.column, message=translate(p.reason.message, locale, **p.reason.params))
        )
        for p in refused.problems
    ]


async def import_workbook(
    db_session: AsyncSession,
    access: TenantAccess,
    content: bytes,
    claimed: str | None,
    filename: str,
    *,
    deactivate_missing: bool,
    locale: str,
) -> roster_excel.ImportSummary:
    """Check the upload on its content, then import it; a refusal carries its translated report."""
    user = access.require(*STAFF)
    try:
        check_upload(content, claimed, filename, allowed=frozenset({XLSX}), max_bytes=roster_excel.MAX_BYTES)
    except UploadRefused as exc:
        raise InvalidInput(exc.reason, **exc.params) from exc
    try:
        return await roster_excel.import_roster(
            db_session, access.tenant.id, content, deactivate_missing=deactivate_missing, actor=user.username
        )
    except roster_excel.RosterImportRefused as refused:
        refused.extra["errors"] = translated_problems(refused, locale)
        raise


async def open_screen(
    state: State,
    access: TenantAccess,
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
        big_screen.screen_messages(database, tenant, session_id, locale, render, clock=clock)
    )


def check_in_code_view(
    request: Request[Any, Any, Any] | str, secret: str, access: TenantAccess, session_id: uuid.UUID
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
