"""API routes of the roster: the deputies, and the roster as an Excel workbook (import, export)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall.schemas import RowProblemView
from minsheng.congress.roster import excel as roster_excel
from minsheng.congress.roster import services as roster
from minsheng.congress.roster.reports import import_state, translated
from minsheng.congress.roster.schemas import RosterImportStarted, RosterImportStatus, RosterImportSummary
from minsheng.congress.roster.workbook import EXPORT_DISPOSITION, LINKS_DISPOSITION, begin_import, links_workbook
from minsheng.congress.schemas import Created, DeputyView, NewDeputy
from minsheng.http.dependencies import services
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.problems import request_locale
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.storage.uploads import XLSX

P = Permission
XLSX_RESPONSE = {200: ResponseSpec(data_container=bytes, media_type=XLSX, generate_examples=False)}


class RosterController(Controller):
    path = "/api/v1/t/{slug:str}/deputies"
    tags = ["congress"]

    @requires(P.ROSTER_MANAGE)
    @post("/", status_code=201, responses=problems(409))
    async def add(self, access: TenantScope, data: NewDeputy, db_session: AsyncSession) -> Created:
        """Put a deputy on the roster; ``username`` links the account (a member with the role deputy) they vote with."""
        deputy = await roster.add_deputy(
            db_session, access.tenant, name=data.name, username=data.username, actor=access.user.username
        )
        return Created(id=deputy.id)

    @requires(P.ROSTER_READ)
    @get("/")
    async def list_deputies(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        q: Annotated[str | None, QueryParameter(name="q", max_length=100, description="Search names")] = None,
    ) -> Page[DeputyView]:
        """The roster by name, paginated; ``q`` searches deputies' names and user names."""
        rows, total = await roster.list_deputies(db_session, page=page, per_page=per_page, q=q)
        items = [DeputyView(id=d.id, name=d.name, username=username, active=d.active) for d, username in rows]
        return Page(items=items, total=total)


@dataclass
class RosterUpload:
    """The multipart form of a roster import: the workbook as ``file``; ``deactivate_missing=true``
    takes deputies absent from the file off the roster (a new term)."""

    file: UploadFile
    deactivate_missing: str = "false"


def status_view(state: Any, locale: str) -> RosterImportStatus:
    summary = state.summary
    return RosterImportStatus(
        job_id=state.job.id,
        status=state.job.status.value,
        progress=state.job.progress,
        total=state.job.total,
        summary=RosterImportSummary(**{k: summary[k] for k in RosterImportSummary.__struct_fields__})
        if summary
        else None,
        errors=[RowProblemView(**p) for p in translated(state.problems, locale)] if state.problems else None,
    )


class RosterWorkbookController(Controller):
    path = "/api/v1/t/{slug:str}/deputies"
    tags = ["congress"]

    @requires(P.ROSTER_MANAGE)
    @post("/import", status_code=202, responses=problems(422))
    async def import_roster(
        self,
        access: TenantScope,
        request: Request[Any, Any, Any],
        state: State,
        db_session: AsyncSession,
        data: Annotated[RosterUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> RosterImportStarted:
        """Import the term's deputies and their accounts from an Excel workbook (姓名, 用户名, 初始密码, 在任).

        The workbook is checked at once, all or nothing: 422 when any row is wrong, with ``errors: [{row,
        column, message}]`` naming every wrong cell by its Excel row number. Otherwise 202 with the job
        that imports it; follow it at ``/deputies/imports/{job_id}``. A new account without an initial
        password gets a one-time link instead (``/deputies/imports/{job_id}/links.xlsx``).
        """
        job = await begin_import(
            db_session,
            access,
            await data.file.read(),
            data.file.content_type,
            data.file.filename or "roster.xlsx",
            deactivate_missing=data.deactivate_missing.strip().lower() in ("true", "1", "on", "yes"),
            secret_key=services(state).settings.secret_key,
            locale=request_locale(request),
        )
        page = f"/t/{access.tenant.slug}/congress/roster/imports/{job.id}"
        return RosterImportStarted(job_id=job.id, status=job.status.value, page=page)

    @requires(P.ROSTER_MANAGE)
    @get("/imports/{job_id:uuid}")
    async def import_status(
        self, access: TenantScope, job_id: uuid.UUID, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> RosterImportStatus:
        """How far the import has come, and once done what it did (or why it refused)."""
        return status_view(await import_state(db_session, access.tenant.id, job_id), request_locale(request))

    @requires(P.ROSTER_MANAGE)
    @get("/imports/{job_id:uuid}/links.xlsx", media_type=XLSX, responses=XLSX_RESPONSE)
    async def import_links(
        self, access: TenantScope, job_id: uuid.UUID, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[bytes]:
        """The one-time links of the accounts the import made without a password, still unused: the
        sheet the office hands its deputies."""
        secret = services(request.app.state).settings.secret_key
        body = await links_workbook(db_session, access, job_id, str(request.base_url), secret)
        return Response(body, media_type=XLSX, headers={"Content-Disposition": LINKS_DISPOSITION})

    @requires(P.ROSTER_READ)
    @get("/export.xlsx", media_type=XLSX, responses=XLSX_RESPONSE)
    async def export(self, access: TenantScope, db_session: AsyncSession) -> Response[bytes]:
        """The roster as an Excel workbook, in the import's layout (passwords empty)."""
        body = roster_excel.roster_sheet(await roster.roster_rows(db_session))
        return Response(body, media_type=XLSX, headers={"Content-Disposition": EXPORT_DISPOSITION})
