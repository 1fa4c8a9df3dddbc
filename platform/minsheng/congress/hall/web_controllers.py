"""API routes of the session's web: agenda, check-in code, big screen."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import ServerSentEvent
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.hall import agenda, big_screen, sessions
from minsheng.congress.hall.schemas import (
    AgendaIn,
    AgendaItemView,
    AgendaView,
    CheckInCodeView,
    ScreenView,
)
from minsheng.congress.hall.workbook import check_in_code_view, open_screen
from minsheng.http.dependencies import TenantAccess, provide_principal, provide_tenant_access, services
from minsheng.http.openapi import problems
from minsheng.http.problems import request_locale

STAFF = (Role.TENANT_ADMIN.value,)
SCREEN_VIEWERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)


def agenda_view(items: list[Any]) -> AgendaView:
    views = [AgendaItemView(id=i.id, position=i.position, title=i.title, presenter=i.presenter) for i in items]
    return AgendaView(items=views, total=len(views))


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


async def provide_screen_access(request: Request[Any, Any, Any], state: State, slug: str) -> TenantAccess:
    """Tenant access checked in a short transaction of its own: a stream must not hold the request's."""
    async with services(state).database.session() as db_session:
        principal = await provide_principal(request, state, db_session)
        access = await provide_tenant_access(request, slug, db_session, principal)
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
