"""What the roster's API routes and pages share: starting an import from an upload, the sheet of links."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import links
from minsheng.congress.roster import excel as roster_excel
from minsheng.congress.roster.importing import checked_rows
from minsheng.congress.roster.jobs import start_import
from minsheng.congress.roster.reports import import_state, translated
from minsheng.congress.roster.services import deputy_names
from minsheng.errors import InvalidInput
from minsheng.http.scope import TenantScope
from minsheng.jobs.models import Job
from minsheng.storage.uploads import XLSX, UploadRefused, check_upload

EXPORT_DISPOSITION = (
    "attachment; filename=\"deputies.xlsx\"; filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%8D%95.xlsx"
)
# 账号开通链接.xlsx
LINKS_DISPOSITION = (
    'attachment; filename="account-links.xlsx"; '
    "filename*=UTF-8''%E8%B4%A6%E5%8F%B7%E5%BC%80%E9%80%9A%E9%93%BE%E6%8E%A5.xlsx"
)


async def begin_import(
    session: AsyncSession,
    access: TenantScope,
    content: bytes,
    claimed: str | None,
    filename: str,
    *,
    deactivate_missing: bool,
    secret_key: str,
    locale: str,
) -> Job:
    """Check the upload on its content and every row, then enqueue its import (returned at once).

    A refusal (``RosterImportRefused``) carries its translated report in ``extra["errors"]``.
    """
    try:
        check_upload(content, claimed, filename, allowed=frozenset({XLSX}), max_bytes=roster_excel.MAX_BYTES)
    except UploadRefused as exc:
        raise InvalidInput(exc.reason, **exc.params) from exc
    try:
        rows = await checked_rows(session, access.tenant.id, content)
    except roster_excel.RosterImportRefused as refused:
        refused.extra["errors"] = translated(roster_excel.problem_dicts(refused.problems), locale)
        raise
    return start_import(
        session,
        access.tenant.id,
        rows,
        deactivate_missing=deactivate_missing,
        actor=access.user.username,
        secret_key=secret_key,
    )


async def links_workbook(
    session: AsyncSession, access: TenantScope, job_id: uuid.UUID, base_url: str, secret_key: str
) -> bytes:
    """The import's unused one-time links as the sheet the office hands out (404 for another job)."""
    await import_state(session, access.tenant.id, job_id)
    found = await links.batch_links(session, job_id)
    names = await deputy_names(session, [user.id for _link, user in found])
    base = base_url.rstrip("/")
    return roster_excel.links_sheet(
        (
            names.get(user.id, user.display_name),
            user.username,
            base + links.link_path(links.activation_token(secret_key, link.id)),
            link.expires_at,
        )
        for link, user in found
    )
