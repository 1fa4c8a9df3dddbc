"""API routes of the roster: the deputies, and the roster as an Excel workbook (import, export)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.hall.schemas import (
    RosterImportView,
)
from minsheng.congress.hall.workbook import EXPORT_DISPOSITION, import_workbook
from minsheng.congress.roster import excel as roster_excel
from minsheng.congress.roster import services as roster
from minsheng.congress.schemas import (
    Created,
    DeputyView,
    NewDeputy,
)
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.problems import request_locale
from minsheng.storage.uploads import XLSX

STAFF = (Role.TENANT_ADMIN.value,)
ROUND_MANAGERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)


class RosterController(Controller):
    path = "/api/v1/t/{slug:str}/deputies"
    tags = ["congress"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @post("/", status_code=201, responses=problems(409))
    async def add(self, access: TenantAccess, data: NewDeputy, db_session: AsyncSession) -> Created:
        """Put a deputy on the roster; ``username`` links the account (a member with the role deputy) they vote with."""
        user = access.require(*STAFF)
        deputy = await roster.add_deputy(
            db_session, access.tenant, name=data.name, username=data.username, actor=user.username
        )
        return Created(id=deputy.id)

    @get("/")
    async def list_deputies(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        q: Annotated[str | None, QueryParameter(name="q", max_length=100, description="Search names")] = None,
    ) -> Page[DeputyView]:
        """The roster by name, paginated; ``q`` searches deputies' names and user names."""
        access.require(Role.TENANT_ADMIN.value, Role.PRESIDIUM.value, Role.TELLER.value)
        rows, total = await roster.list_deputies(db_session, page=page, per_page=per_page, q=q)
        items = [DeputyView(id=d.id, name=d.name, username=username, active=d.active) for d, username in rows]
        return Page(items=items, total=total)


# Multipart's field names for the workbook: ``file`` (or ``data``, as the files API calls it).
def summary_view(summary: roster_excel.ImportSummary) -> RosterImportView:
    return RosterImportView(
        rows=summary.rows,
        added=summary.added,
        updated=summary.updated,
        accounts_created=summary.accounts_created,
        deactivated=summary.deactivated,
    )


@dataclass
class RosterUpload:
    """The multipart form of a roster import: the workbook as ``file``; ``deactivate_missing=true``
    takes deputies absent from the file off the roster (a new term)."""

    file: UploadFile
    deactivate_missing: str = "false"


class RosterWorkbookController(Controller):
    path = "/api/v1/t/{slug:str}/deputies"
    tags = ["congress"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @post("/import", status_code=200, responses=problems(422))
    async def import_roster(
        self,
        access: TenantAccess,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        data: Annotated[RosterUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> RosterImportView:
        """Import the term's deputies and their accounts from an Excel workbook (姓名, 用户名, 初始密码, 在任).

        All or nothing: 422 when any row is wrong, with ``errors: [{row, column, message}]`` naming every
        wrong cell by its Excel row number, and nothing imported.
        """
        content = await data.file.read()
        summary = await import_workbook(
            db_session,
            access,
            content,
            data.file.content_type,
            data.file.filename or "roster.xlsx",
            deactivate_missing=data.deactivate_missing.strip().lower() in ("true", "1", "on", "yes"),
            locale=request_locale(request),
        )
        return summary_view(summary)

    @get(
        "/export.xlsx",
        media_type=XLSX,
        responses={200: ResponseSpec(data_container=bytes, media_type=XLSX, generate_examples=False)},
    )
    async def export(self, access: TenantAccess, db_session: AsyncSession) -> Response[bytes]:
        """The roster as an Excel workbook, in the import's layout (passwords empty)."""
        access.require(*STAFF)
        body = await roster_excel.roster_workbook(db_session)
        return Response(body, media_type=XLSX, headers={"Content-Disposition": EXPORT_DISPOSITION})
