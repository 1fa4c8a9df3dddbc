"""The roster's staff page: the deputies, the Excel import with its row-by-row report, the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall.workbook import EXPORT_DISPOSITION, import_workbook
from minsheng.congress.roster import excel as roster_excel
from minsheng.congress.roster import services as roster
from minsheng.errors import DomainError
from minsheng.http.dependencies import TenantAccess
from minsheng.http.pages import PAGE_EXCEPTION_HANDLERS, ROUND_MANAGERS, STAFF, provide_page_access, render_tenant_page
from minsheng.storage.uploads import XLSX
from minsheng.web.templating import request_locale

ACCESS = {"access": Provide(provide_page_access)}
PAGE_SIZE = 50


@dataclass
class RosterForm:
    """The page's upload form: the workbook, and whether absent deputies leave the roster."""

    file: UploadFile | None = None
    deactivate_missing: str = ""


async def _roster_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
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
        **{"summary": None, "error": None, "problems": [], **context},
    )


@get("/t/{slug:str}/congress/roster", dependencies=ACCESS)
async def roster_page(
    request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession, page: int = 1, q: str | None = None
) -> Template:
    """The roster, searchable, with the import form and the export link (staff; presidium may read)."""
    access.require(*ROUND_MANAGERS)
    return await _roster_page(request, access, db_session, page=max(page, 1), q=(q or "").strip()[:100])


@post("/t/{slug:str}/congress/roster/import", dependencies=ACCESS, status_code=200)
async def import_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    data: Annotated[RosterForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Import the workbook: the summary, or the report of every wrong cell (and nothing imported)."""
    access.require(*STAFF)
    locale = request_locale(request)
    try:
        upload = data.file
        content = await upload.read() if upload is not None else b""
        # A savepoint: a refused import leaves nothing behind, and the page can still be drawn.
        async with db_session.begin_nested():
            summary = await import_workbook(
                db_session,
                access,
                content,
                upload.content_type if upload is not None else None,
                (upload.filename if upload is not None else "") or "roster.xlsx",
                deactivate_missing=bool(data.deactivate_missing),
                locale=locale,
            )
    except roster_excel.RosterImportRefused as refused:
        return await _roster_page(
            request, access, db_session, status_code=422, error=refused, problems=refused.extra.get("errors", [])
        )
    except DomainError as error:
        return await _roster_page(request, access, db_session, status_code=error.status_code, error=error)
    return await _roster_page(request, access, db_session, summary=summary)


@get("/t/{slug:str}/congress/roster/export.xlsx", dependencies=ACCESS, media_type=XLSX)
async def export_page(access: TenantAccess, db_session: AsyncSession) -> Response[bytes]:
    """Download the roster workbook (the import's layout)."""
    access.require(*STAFF)
    body = await roster_excel.roster_workbook(db_session)
    return Response(body, media_type=XLSX, headers={"Content-Disposition": EXPORT_DISPOSITION})


_ROUTER = Router(
    path="/",
    route_handlers=[roster_page, import_page, export_page],
    exception_handlers=PAGE_EXCEPTION_HANDLERS,
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
