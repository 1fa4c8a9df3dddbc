"""API routes of the session's web: agenda, roster workbook import/export, check-in code, big screen."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State, UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body
from litestar.response import ServerSentEvent
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress import agenda, big_screen, roster_excel, sessions
from minsheng.congress.hall_schemas import (
    AgendaIn,
    AgendaItemView,
    AgendaView,
    CheckInCodeView,
    RosterImportView,
    ScreenView,
)
from minsheng.congress.hall_web import EXPORT_DISPOSITION, check_in_code_view, import_workbook, open_screen
from minsheng.server.dependencies import TenantAccess, provide_principal, provide_tenant_access, services
from minsheng.server.openapi import problems
from minsheng.server.problems import request_locale
from minsheng.storage.uploads import XLSX

STAFF = (Role.TENANT_ADMIN.value,)
SCREEN_VIEWERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)


# Multipart's field names for the workbook: ``file`` (or ``data``, as the files API calls it).
def agenda_view(items: list[Any]) -> AgendaView:
    views = [AgendaItemView(id=i.id, position=i.position, title=i.title, presenter=i.presenter) for i in items]
    return AgendaView(items=views, total=len(views))


@dataclass
class RosterUpload:
    """The multipart form of a roster import: the workbook as ``file``; ``deactivate_missing=true``
    takes deputies absent from the file off the roster (a new term)."""

    file: UploadFile
    deactivate_missing: str = "false"


def summary_view(summary: roster_excel.ImportSummary) -> RosterImportView:
    return RosterImportView(
        rows=summary.rows,
        added=summary.added,
        updated=summary.updated,
        accounts_created=summary.accounts_created,
        deactivated=summary.deactivated,
    )


class AgendaController(Controller):
    path = "/api/v1/t/{slug:str}/sessions/{session_id:uuid}/agenda"
    tags = ["congress"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @get("/")
    async def read(self, access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession) -> AgendaView:
        """The session's agenda (议程) in order (every member may read it)."""
        await sessions.get_session(db_session, session_id)
        return agenda_view(await agenda.agenda_of(db_session, session_id))

    @put("/", responses=problems(422))
    async def replace(
        self, access: TenantAccess, session_id: uuid.UUID, data: AgendaIn, db_session: AsyncSession
    ) -> AgendaView:
        """Replace the agenda by ``items`` in their order (staff); 422 names each bad item by its ``row``."""
        user = access.require(*STAFF)
        congress = await sessions.get_session(db_session, session_id)
        drafts = [agenda.AgendaDraft(i.title, i.presenter) for i in data.items]
        return agenda_view(await agenda.replace_agenda(db_session, congress, drafts, actor=user.username))


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


async def provide_screen_access(request: Request[Any, Any, Any], state: State, slug: str) -> TenantAccess:
    """Tenant access checked in a short transaction of its own: a stream must not hold the request's."""
    async with services(state).database.session() as db_session:
        principal = await provide_principal(request, state, db_session)
        access = await provide_tenant_access(slug, db_session, principal)
    access.require(*SCREEN_VIEWERS)
    return access


class ScreenController(Controller):
    path = "/api/v1/t/{slug:str}/sessions/{session_id:uuid}"
    tags = ["congress"]

    @get("/screen", dependencies={"access": Provide(provide_tenant_access)})
    async def screen(
        self, access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> ScreenView:
        """The big screen's picture now: attendance, the featured round, ballots received, the result."""
        access.require(*SCREEN_VIEWERS)
        return await big_screen.screen_view(db_session, session_id, request_locale(request))

    @get(
        "/screen/events",
        dependencies={"access": Provide(provide_screen_access)},
        responses={200: ResponseSpec(data_container=str, media_type="text/event-stream", generate_examples=False)},
    )
    async def screen_events(
        self, access: TenantAccess, session_id: uuid.UUID, state: State, request: Request[Any, Any, Any]
    ) -> ServerSentEvent:
        """Server-sent events ``screen`` whose data is the ``/screen`` JSON: at once, then at every change."""
        return await open_screen(
            state, access, session_id, request_locale(request), lambda view: msgspec.json.encode(view).decode()
        )

    @get("/checkin-code", dependencies={"access": Provide(provide_tenant_access)})
    async def checkin_code(
        self,
        access: TenantAccess,
        session_id: uuid.UUID,
        state: State,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
    ) -> CheckInCodeView:
        """The rotating check-in code for the hall's QR code (staff): valid a few minutes after it appears."""
        access.require(*STAFF)
        await sessions.get_session(db_session, session_id)
        return check_in_code_view(request, services(state).settings.secret_key, access, session_id)
