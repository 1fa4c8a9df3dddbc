"""API routes of the roster and of congress sessions: deputies, sessions, check-in, attendance."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress.hall import checkin_code, sessions
from minsheng.congress.hall import reading as hall
from minsheng.congress.hall import schemas as hall_schemas
from minsheng.congress.models import CongressSession
from minsheng.congress.roster import services as roster
from minsheng.congress.schemas import (
    Attendance,
    CheckInView,
    Created,
    NewCheckIn,
    NewRound,
    NewSession,
    SessionView,
)
from minsheng.congress.voting import rounds
from minsheng.errors import Forbidden, InvalidInput
from minsheng.http.dependencies import TenantAccess, provide_tenant_access, services
from minsheng.http.pagination import Page, PageParam, PerPageParam

STAFF = (Role.TENANT_ADMIN.value,)
ROUND_MANAGERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)


def session_view(congress: CongressSession) -> SessionView:
    return SessionView(id=congress.id, title=congress.title, date=congress.date, created_at=congress.created_at)


class SessionsController(Controller):
    path = "/api/v1/t/{slug:str}/sessions"
    tags = ["congress"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @post("/", status_code=201)
    async def create(self, access: TenantAccess, data: NewSession, db_session: AsyncSession) -> Created:
        """Create a congress session (人代会)."""
        user = access.require(*STAFF)
        congress = await sessions.create_session(db_session, title=data.title, on=data.date, actor=user.username)
        return Created(id=congress.id)

    @get("/")
    async def list_sessions(
        self,
        access: TenantAccess,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[SessionView]:
        """The tenant's congress sessions, newest first (every member may read them)."""
        rows, total = await sessions.list_sessions(db_session, page=page, per_page=per_page)
        return Page(items=[session_view(c) for c in rows], total=total)

    @get("/{session_id:uuid}")
    async def get_session(self, access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession) -> SessionView:
        """One congress session."""
        return session_view(await sessions.get_session(db_session, session_id))

    @post(
        "/{session_id:uuid}/checkins",
        status_code=201,
        responses={200: ResponseSpec(data_container=CheckInView, description="The deputy had already checked in")},
    )
    async def check_in(
        self, access: TenantAccess, session_id: uuid.UUID, data: NewCheckIn, db_session: AsyncSession, state: State
    ) -> Response[CheckInView]:
        """Check a deputy in (签到): staff for any deputy, a deputy for themself (``deputy_id`` may be left out)
        with the ``code`` of the QR code shown in the hall (403 without a fresh one).

        Idempotent: 201 for the first check-in, 200 with the same check-in for any repeat.
        """
        user = access.require(Role.TENANT_ADMIN.value, Role.DEPUTY.value)
        congress = await sessions.get_session(db_session, session_id)
        staff = user.is_platform_admin or Role.TENANT_ADMIN.value in access.roles
        own = await roster.deputy_of_user(db_session, user.user_id)
        if staff and data.deputy_id is not None:
            deputy = await roster.get_deputy(db_session, data.deputy_id)
        elif own is not None and data.deputy_id in (None, own.id):
            # Only in the hall: the code of the QR code shown there proves the deputy saw it just now.
            secret = services(state).settings.secret_key
            if not checkin_code.is_valid_code(secret, access.tenant.id, congress.id, data.code, time.time()):
                raise Forbidden("Scan the check-in QR code shown in the hall to check in")
            deputy = own
        elif staff:
            raise InvalidInput("Name the deputy to check in")
        else:
            raise Forbidden("A deputy may check in only themself")
        row, already = await sessions.check_in(db_session, congress, deputy, actor=user.username)
        view = CheckInView(
            session_id=row.session_id, deputy_id=row.deputy_id, checked_in_at=row.checked_in_at, already=already
        )
        return Response(view, status_code=200 if already else 201)

    @get("/{session_id:uuid}/attendance")
    async def attendance(self, access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession) -> Attendance:
        """Deputies entitled and present, and whether the tenant's quorum rule is met (live in the hall)."""
        await sessions.get_session(db_session, session_id)
        figures = await sessions.attendance(db_session, session_id)
        return Attendance(
            entitled=figures.entitled,
            present=figures.present,
            quorum_met=figures.verdict.met,
            required=figures.verdict.required,
        )

    @get("/{session_id:uuid}/rounds")
    async def rounds_of_session(
        self, access: TenantAccess, session_id: uuid.UUID, db_session: AsyncSession
    ) -> Page[hall_schemas.RoundSummary]:
        """The session's voting rounds in the order they were created, with ballots received so far
        (every member may read them, as the session desk and the deputies' vote page show them)."""
        await sessions.get_session(db_session, session_id)
        found = await hall.rounds_of_session(db_session, session_id)
        counts = await hall.participations_by_round(db_session, [r.id for r in found])
        items = [
            hall_schemas.RoundSummary(
                id=r.id,
                title=r.title,
                status=r.status,
                method=r.method,
                ballot_format=r.ballot_format,
                seats=r.seats,
                outcome=r.outcome,
                runoff_of=r.runoff_of,
                ballots_received=counts.get(r.id, 0),
            )
            for r in found
        ]
        return Page(items=items, total=len(items))

    @post("/{session_id:uuid}/rounds", status_code=201)
    async def create_round(
        self, access: TenantAccess, session_id: uuid.UUID, data: NewRound, db_session: AsyncSession
    ) -> Created:
        """Create a voting round; 422 naming the rule when the margin rule refuses or a candidate was not
        screened in, 422 for an unknown ballot format."""
        user = access.require(*ROUND_MANAGERS)
        congress = await sessions.get_session(db_session, session_id)
        voting_round = await rounds.create_round(
            db_session,
            congress,
            title=data.title,
            seats=data.seats,
            candidates=data.candidates,
            format_code=data.ballot_format,
            method=data.method,
            actor=user.username,
        )
        return Created(id=voting_round.id)
