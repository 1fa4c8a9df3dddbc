"""Staff pages of the project pool (desktop, cookie login): the pool with filters and its Excel
export, a project with its suggestions and status history, and the government's screening form.

The same services as ``projects/controllers.py`` (the JSON API) answer every action.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.http.listing import STAFF_ROLES, Pager, login_first, one_of, posted_form, text_filter
from minsheng.http.pages import render_tenant_page
from minsheng.i18n import msgid
from minsheng.projects import services as projects
from minsheng.projects.export import EXPORT_DISPOSITION, XLSX, export_pool
from minsheng.projects.models import ProjectStatus
from minsheng.web.templating import render

MEMBERS = {"access": Provide(provide_tenant_access)}
PER_PAGE = 20
STATUSES = tuple(s.value for s in ProjectStatus)
# The pool's statuses and the screening's aspects as the pages name them (marked for the catalog).
STATUS_WORDS = (msgid("pool"), msgid("accepted"), msgid("rejected"))
ASPECTS = (
    ("need", msgid("Need")),
    ("feasibility", msgid("Feasibility")),
    ("cost", msgid("Cost")),
    ("legality", msgid("Legality")),
    ("risk", msgid("Risk")),
)


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 2000 <= int(value) <= 2100 else None


@get("/t/{slug:str}/staff/projects", include_in_schema=False, dependencies=MEMBERS, before_request=login_first)
async def pool_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    page: Annotated[int, QueryParameter(name="page", ge=1, le=100_000)] = 1,
    status: str | None = None,
    category: str | None = None,
    year: str | None = None,
    q: str | None = None,
) -> Template:
    """The project pool: filters, search, supporters per project, and the Excel export."""
    user = access.require(*STAFF_ROLES)
    hooks = access.hooks
    categories = list(hooks.project_categories().values())
    where = projects.PoolFilter(
        one_of(status, STATUSES), one_of(category, [c.code for c in categories]), _year(year), text_filter(q)
    )
    rows, total = await projects.pool(db_session, where, page=page, per_page=PER_PAGE)
    filters = {
        "status": where.status or "",
        "category": where.category or "",
        "year": str(where.year or ""),
        "q": where.q or "",
    }
    export_query = "&".join(f"{k}={filters[k]}" for k in ("status", "year") if filters[k])
    return render(
        request,
        "staff/pool.html",
        tenant=access.tenant,
        user=user,
        projects=rows,
        supporters=await projects.supporters(db_session, [r.id for r in rows]),
        pager=Pager(page, PER_PAGE, total, filters),
        filters=filters,
        statuses=STATUSES,
        categories=categories,
        category_names={c.code: c.name for c in categories},
        export_query=export_query,
    )


@get(
    "/t/{slug:str}/staff/projects/export.xlsx",
    include_in_schema=False,
    dependencies=MEMBERS,
    before_request=login_first,
)
async def export_page(
    access: TenantAccess, db_session: AsyncSession, status: str | None = None, year: str | None = None
) -> Response[bytes]:
    """The pool as an Excel workbook (as ``GET /projects/export.xlsx``), with the cookie session."""
    access.require(*STAFF_ROLES)
    hooks = access.hooks
    content = await export_pool(db_session, hooks, status=one_of(status, STATUSES), year=_year(year))
    return Response(content, media_type=XLSX, headers={"Content-Disposition": EXPORT_DISPOSITION})


async def _project_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    db_session: AsyncSession,
    project_id: uuid.UUID,
    *,
    status_code: int = 200,
    screening_error: DomainError | None = None,
    screening_values: dict[str, str] | None = None,
) -> Template:
    project = await projects.get(db_session, project_id)
    hooks = access.hooks
    return render_tenant_page(
        request,
        access,
        "staff/project.html",
        status_code=status_code,
        project=project,
        category_names={c.code: c.name for c in hooks.project_categories().values()},
        suggestions=await projects.linked_suggestions(db_session, project.id),
        screening=await projects.latest_screening(db_session, project.id),
        history=await projects.history(db_session, project.id),
        aspects=ASPECTS,
        can_screen=access.principal is not None
        and (access.principal.is_platform_admin or "government" in access.roles),
        screening_error=screening_error,
        screening_values=screening_values or {},
    )


@get(
    "/t/{slug:str}/staff/projects/{project_id:uuid}",
    include_in_schema=False,
    dependencies=MEMBERS,
    before_request=login_first,
)
async def project_page(
    request: Request[Any, Any, Any], access: TenantAccess, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A project: its fields, supporters (the suggestions behind it), screening and status history."""
    access.require(*STAFF_ROLES)
    return await _project_page(request, access, db_session, project_id)


@post("/t/{slug:str}/staff/projects/{project_id:uuid}/screening", include_in_schema=False, dependencies=MEMBERS)
async def screening_action(
    request: Request[Any, Any, Any], access: TenantAccess, project_id: uuid.UUID, db_session: AsyncSession
) -> Template | Redirect:
    """The government's screening; a refusal (the plugin's reason) is shown on the form (422)."""
    user = access.require("government")
    form = await posted_form(request)
    values = {name: str(form.get(name) or "")[:10000] for name in ("decision", "notes", *(a for a, _ in ASPECTS))}
    decision = one_of(values["decision"], ("accepted", "rejected"))
    try:
        if decision is None:
            raise InvalidInput("Choose whether the project is screened in or out")
        hooks = access.hooks
        draft = projects.ScreeningDraft(**{**values, "decision": decision})
        await projects.screen(db_session, project_id, draft, hooks, actor=user.username)
    except DomainError as error:
        return await _project_page(
            request,
            access,
            db_session,
            project_id,
            status_code=error.status_code,
            screening_error=error,
            screening_values=values,
        )
    return Redirect(f"/t/{access.tenant.slug}/staff/projects/{project_id}", status_code=303)


@post(
    "/t/{slug:str}/staff/projects/{project_id:uuid}/suggestions/{suggestion_id:uuid}/unmerge",
    include_in_schema=False,
    dependencies=MEMBERS,
)
async def unmerge_action(
    access: TenantAccess, project_id: uuid.UUID, suggestion_id: uuid.UUID, db_session: AsyncSession
) -> Redirect:
    """Take a suggestion out of the project (as ``DELETE /projects/{id}/suggestions/{sid}``)."""
    user = access.require(*STAFF_ROLES)
    await projects.unmerge(db_session, project_id, suggestion_id, actor=user.username)
    return Redirect(f"/t/{access.tenant.slug}/staff/projects/{project_id}", status_code=303)


ROUTES: list[Any] = [pool_page, export_page, project_page, screening_action, unmerge_action]
