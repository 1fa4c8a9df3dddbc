"""The oversight dashboard page (desktop): charts (ECharts) and tables of a subtree's figures."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.oversight import services as oversight
from minsheng.oversight.controllers import category_names, workbook_response
from minsheng.oversight.schemas import summary_view
from minsheng.permissions import Permission


@requires(Permission.OVERSIGHT_READ)
@get("/t/{slug:str}/oversight", include_in_schema=False)
async def dashboard_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    of: str | None = None,
    year: int | None = None,
) -> Template:
    """The dashboard of the caller's subtree, or of ``?of=`` inside it (404 outside), for ``?year=``."""
    chain = await oversight.subtree_member(db_session, access.tenant, (of or "")[:63] or None)
    board = await oversight.dashboard(db_session, chain, year if year and 2000 <= year <= 2100 else None)
    summary = summary_view(board, category_names(access))
    query = "&".join(part for part in (f"of={board.tenant.slug}", f"year={board.year}" if board.year else "") if part)
    return render_tenant_page(
        request,
        access,
        "oversight/dashboard.html",
        summary=summary,
        # "<" escaped: a tenant's name must not close the script element the JSON sits in.
        chart_data=msgspec.json.encode(summary).decode().replace("<", "\\u003c"),
        export_url=f"/api/v1/t/{access.tenant.slug}/oversight/export.xlsx?{query}",
        page_export_url=f"/t/{access.tenant.slug}/oversight/export.xlsx?{query}",
    )


@requires(Permission.OVERSIGHT_READ)
@get("/t/{slug:str}/oversight/export.xlsx", include_in_schema=False)
async def dashboard_export(
    access: TenantScope, db_session: AsyncSession, of: str | None = None, year: int | None = None
) -> Response[bytes]:
    """The dashboard's workbook for the signed-in page user (the API's twin takes a bearer token)."""
    return await workbook_response(db_session, access, (of or "")[:63] or None, year)


ROUTES: list[Any] = [dashboard_page, dashboard_export]
