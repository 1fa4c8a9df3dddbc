"""The roster's staff pages: the deputies, the Excel import (checked at once, then imported by a job whose
page shows its progress), the sheet of account links, the export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.roster import excel as roster_excel
from minsheng.congress.roster import services as roster
from minsheng.congress.roster.reports import import_state, translated
from minsheng.congress.roster.workbook import EXPORT_DISPOSITION, LINKS_DISPOSITION, begin_import, links_workbook
from minsheng.errors import DomainError
from minsheng.http.dependencies import services
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.storage.uploads import XLSX
from minsheng.web.templating import request_locale

P = Permission
PAGE_SIZE = 50


@dataclass
class RosterForm:
    """The page's upload form: the workbook, and whether absent deputies leave the roster."""

    file: UploadFile | None = None
    deactivate_missing: str = ""


async def _roster_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    page: int = 1,
    q: str = "",
    status_code: int = 200,
    **context: Any,
) -> Template:
    rows, total = await roster.list_deputies(db_session, page=page, per_page=PAGE_SIZE, q=q or None)
    return render_tenant_page(
        request,
        access,
        "congress/roster.html",
        status_code=status_code,
        rows=rows,
        total=total,
        page=page,
        per_page=PAGE_SIZE,
        q=q,
        headings=roster_excel.HEADERS,
        **{"error": None, "problems": [], **context},
    )


@requires(P.ROSTER_READ)
@get("/t/{slug:str}/congress/roster", include_in_schema=False)
async def roster_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, page: int = 1, q: str | None = None
) -> Template:
    """The roster, searchable; with the import form and the export link for whoever keeps the roster."""
    return await _roster_page(request, access, db_session, page=max(page, 1), q=(q or "").strip()[:100])


@requires(P.ROSTER_MANAGE)
@post("/t/{slug:str}/congress/roster/import", include_in_schema=False, status_code=303)
async def import_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    state: State,
    db_session: AsyncSession,
    data: Annotated[RosterForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[Any]:
    """Check the workbook: the report of every wrong cell (nothing imported), or on to the import's page."""
    upload = data.file
    try:
        job = await begin_import(
            db_session,
            access,
            await upload.read() if upload is not None else b"",
            upload.content_type if upload is not None else None,
            (upload.filename if upload is not None else "") or "roster.xlsx",
            deactivate_missing=bool(data.deactivate_missing),
            secret_key=services(state).settings.secret_key,
            locale=request_locale(request),
        )
    except roster_excel.RosterImportRefused as refused:
        return await _roster_page(
            request, access, db_session, status_code=422, error=refused, problems=refused.extra.get("errors", [])
        )
    except DomainError as error:
        return await _roster_page(request, access, db_session, status_code=error.status_code, error=error)
    return Redirect(f"/t/{access.tenant.slug}/congress/roster/imports/{job.id}", status_code=303)


@requires(P.ROSTER_MANAGE)
@get("/t/{slug:str}/congress/roster/imports/{job_id:uuid}", include_in_schema=False)
async def import_status_page(
    request: Request[Any, Any, Any], access: TenantScope, job_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The import's progress while it runs (the fragment re-polls itself), then what it did."""
    found = await import_state(db_session, access.tenant.id, job_id)
    fragment = bool(request.headers.get("hx-request"))
    return render_tenant_page(
        request,
        access,
        "congress/roster_import_fragment.html" if fragment else "congress/roster_import.html",
        state=found,
        problems=translated(found.problems, request_locale(request)),
    )


@requires(P.ROSTER_MANAGE)
@get("/t/{slug:str}/congress/roster/imports/{job_id:uuid}/links.xlsx", include_in_schema=False, media_type=XLSX)
async def import_links_page(
    request: Request[Any, Any, Any], access: TenantScope, job_id: uuid.UUID, state: State, db_session: AsyncSession
) -> Response[bytes]:
    """The sheet of the import's unused one-time links, to hand each deputy theirs."""
    secret = services(state).settings.secret_key
    body = await links_workbook(db_session, access, job_id, str(request.base_url), secret)
    return Response(body, media_type=XLSX, headers={"Content-Disposition": LINKS_DISPOSITION})


@requires(P.ROSTER_READ)
@get("/t/{slug:str}/congress/roster/export.xlsx", include_in_schema=False, media_type=XLSX)
async def export_page(access: TenantScope, db_session: AsyncSession) -> Response[bytes]:
    """Download the roster workbook (the import's layout)."""
    body = roster_excel.roster_sheet(await roster.roster_rows(db_session))
    return Response(body, media_type=XLSX, headers={"Content-Disposition": EXPORT_DISPOSITION})


ROUTES: list[Any] = [roster_page, import_page, import_status_page, import_links_page, export_page]
