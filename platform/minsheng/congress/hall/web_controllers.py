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

from minsheng.congress.hall import agenda, big_screen, sessions
from minsheng.congress.hall.live import check_in_code_view, open_screen
from minsheng.congress.hall.schemas import (
    AgendaIn,
    AgendaItemView,
    AgendaView,
    CheckInCodeView,
    ScreenView,
)
from minsheng.http.dependencies import provide_principal, services
from minsheng.http.openapi import problems
from minsheng.http.problems import request_locale
from minsheng.http.scope import STATE_KEY, LoginRequired, TenantScope, requires, resolve_scope
from minsheng.permissions import Permission


def agenda_view(items: list[Any]) -> AgendaView:
    views = [AgendaItemView(id=i.id, position=i.position, title=i.title, presenter=i.presenter) for i in items]
    return AgendaView(items=views, total=len(views))


class AgendaController(Controller):
    path = "/api/v1/t/{slug:str}/sessions/{session_id:uuid}/agenda"
    tags = ["congress"]

    @requires(Permission.TENANT_READ)
    @get("/")
    async def read(self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession) -> AgendaView:
        """The session's agenda (议程) in order (every member may read it)."""
        await sessions.get_session(db_session, session_id)
        return agenda_view(await agenda.agenda_of(db_session, session_id))

    @requires(Permission.SESSIONS_MANAGE)
    @put("/", responses=problems(422))
    async def replace(
        self, access: TenantScope, session_id: uuid.UUID, data: AgendaIn, db_session: AsyncSession
    ) -> AgendaView:
        """Replace the agenda by ``items`` in their order; 422 names each bad item by its ``row``."""
        congress = await sessions.get_session(db_session, session_id)
        drafts = [agenda.AgendaDraft(i.title, i.presenter) for i in data.items]
        return agenda_view(await agenda.replace_agenda(db_session, congress, drafts, actor=access.user.username))


async def provide_stream_scope(request: Request[Any, Any, Any], state: State, slug: str) -> TenantScope:
    """A stream's tenant scope, resolved in a short transaction of its own: a stream that lasts minutes
    must not hold the request's transaction (and its connection) all that time."""
    async with services(state).database.session() as db_session:
        principal = await provide_principal(request, state, db_session)
        if principal is None and not request.url.path.startswith("/api/"):
            raise LoginRequired(f"/t/{slug}/")
        scope = await resolve_scope(db_session, slug, principal, Permission.SCREEN_VIEW)
    request.state[STATE_KEY] = scope
    return scope


#: The ``access`` of a server-sent event stream (it declares ``screen.view`` like the screen itself).
STREAM_ACCESS = {"access": Provide(provide_stream_scope)}


class ScreenController(Controller):
    path = "/api/v1/t/{slug:str}/sessions/{session_id:uuid}"
    tags = ["congress"]

    @requires(Permission.SCREEN_VIEW)
    @get("/screen")
    async def screen(
        self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> ScreenView:
        """The big screen's picture now: attendance, the featured round, ballots received, the result."""
        return await big_screen.screen_view(db_session, session_id, access.hooks, request_locale(request))

    @requires(Permission.SCREEN_VIEW)
    @get(
        "/screen/events",
        dependencies=STREAM_ACCESS,
        responses={200: ResponseSpec(data_container=str, media_type="text/event-stream", generate_examples=False)},
    )
    async def screen_events(
        self, access: TenantScope, session_id: uuid.UUID, state: State, request: Request[Any, Any, Any]
    ) -> ServerSentEvent:
        """Server-sent events ``screen`` whose data is the ``/screen`` JSON: at once, then at every change."""
        return await open_screen(
            state, access, session_id, request_locale(request), lambda view: msgspec.json.encode(view).decode()
        )

    @requires(Permission.CHECKIN_MANAGE)
    @get("/checkin-code")
    async def checkin_code(
        self,
        access: TenantScope,
        session_id: uuid.UUID,
        state: State,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
    ) -> CheckInCodeView:
        """The rotating check-in code for the hall's QR code: valid a few minutes after it appears."""
        await sessions.get_session(db_session, session_id)
        return check_in_code_view(request, services(state).settings.secret_key, access, session_id)
