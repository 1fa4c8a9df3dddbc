"""API routes of the roster and of congress sessions: deputies, sessions, check-in, attendance."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import checkin_code, scrutiny, sessions
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
    NewScrutineer,
    NewSession,
    ScrutineerView,
    SessionView,
)
from minsheng.congress.voting import rounds
from minsheng.errors import Forbidden, InvalidInput
from minsheng.http.dependencies import services
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission


def session_view(congress: CongressSession) -> SessionView:
    return SessionView(
        id=congress.id,
        title=congress.title,
        date=congress.date,
        created_at=congress.created_at,
        year=congress.year,
        voting_method_adopted_at=congress.voting_method_adopted_at,
    )


def scrutineer_view(row: scrutiny.Scrutineer) -> ScrutineerView:
    return ScrutineerView(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
    )


class SessionsController(Controller):
    path = "/api/v1/t/{slug:str}/sessions"
    tags = ["congress"]

    @requires(Permission.SESSIONS_MANAGE)
    @post("/", status_code=201)
    async def create(self, access: TenantScope, data: NewSession, db_session: AsyncSession) -> Created:
        """Create a congress session (人代会) deciding the projects of ``year`` (by default its date's year)."""
        congress = await sessions.create_session(
            db_session, title=data.title, on=data.date, year=data.year, actor=access.user.username
        )
        return Created(id=congress.id)

    @requires(Permission.TENANT_READ)
    @get("/")
    async def list_sessions(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[SessionView]:
        """The tenant's congress sessions, newest first (every member may read them)."""
        rows, total = await sessions.list_sessions(db_session, page=page, per_page=per_page)
        return Page(items=[session_view(c) for c in rows], total=total)

    @requires(Permission.TENANT_READ)
    @get("/{session_id:uuid}")
    async def get_session(self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession) -> SessionView:
        """One congress session."""
        return session_view(await sessions.get_session(db_session, session_id))

    @requires(Permission.SESSIONS_CONDUCT)
    @post("/{session_id:uuid}/voting-method", status_code=200, responses=problems(409))
    async def adopt_voting_method(
        self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession
    ) -> SessionView:
        """Record that the session adopted its voting method (票决办法); 409 when recorded already.
        No round of the session opens before."""
        return session_view(await sessions.adopt_voting_method(db_session, session_id, actor=access.user.username))

    @requires(Permission.SESSIONS_CONDUCT)
    @post("/{session_id:uuid}/scrutineers", status_code=201, responses=problems(409, 422))
    async def approve_scrutineer(
        self, access: TenantScope, session_id: uuid.UUID, data: NewScrutineer, db_session: AsyncSession
    ) -> ScrutineerView:
        """Approve a member (a deputy in office, or staff) as chief scrutineer, scrutineer or teller of the
        session: only they enter and compare its paper ballots. 409 for a second duty of one person or a
        second chief scrutineer, 422 for someone who is not a member."""
        congress = await sessions.get_session(db_session, session_id)
        await scrutiny.approve(
            db_session, access.tenant, congress, username=data.username, role=data.role, actor=access.user.username
        )
        found = await scrutiny.scrutineers_of(db_session, session_id)
        return scrutineer_view(next(row for row in found if row.username == data.username))

    @requires(Permission.TENANT_READ)
    @get("/{session_id:uuid}/scrutineers")
    async def scrutineers(
        self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession
    ) -> Page[ScrutineerView]:
        """The session's approved scrutineers and tellers."""
        await sessions.get_session(db_session, session_id)
        found = await scrutiny.scrutineers_of(db_session, session_id)
        return Page(items=[scrutineer_view(row) for row in found], total=len(found))

    @requires(Permission.TENANT_READ)
    @post(
        "/{session_id:uuid}/checkins",
        status_code=201,
        responses={200: ResponseSpec(data_container=CheckInView, description="The deputy had already checked in")},
    )
    async def check_in(
        self, access: TenantScope, session_id: uuid.UUID, data: NewCheckIn, db_session: AsyncSession, state: State
    ) -> Response[CheckInView]:
        """Check a deputy in (签到): staff for any deputy, a deputy for themself (``deputy_id`` may be left out)
        with the ``code`` of the QR code shown in the hall (403 without a fresh one). 409 for a deputy no
        longer in office.

        Idempotent: 201 for the first check-in, 200 with the same check-in for any repeat.
        """
        user = access.user
        staff = access.may(Permission.CHECKIN_MANAGE)
        if not staff:
            access.require(Permission.BALLOTS_CAST)
        congress = await sessions.get_session(db_session, session_id)
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

    @requires(Permission.TENANT_READ)
    @get("/{session_id:uuid}/attendance")
    async def attendance(self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession) -> Attendance:
        """Deputies entitled and present, and whether the tenant's quorum rule is met (live in the hall)."""
        await sessions.get_session(db_session, session_id)
        figures = await sessions.attendance(db_session, session_id, access.hooks)
        return Attendance(
            entitled=figures.entitled,
            present=figures.present,
            quorum_met=figures.verdict.met,
            required=figures.verdict.required,
        )

    @requires(Permission.TENANT_READ)
    @get("/{session_id:uuid}/rounds")
    async def rounds_of_session(
        self, access: TenantScope, session_id: uuid.UUID, db_session: AsyncSession
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

    @requires(Permission.ROUNDS_PREPARE)
    @post("/{session_id:uuid}/rounds", status_code=201)
    async def create_round(
        self, access: TenantScope, session_id: uuid.UUID, data: NewRound, db_session: AsyncSession
    ) -> Created:
        """Create a voting round from the fixed candidate list of the year the session decides; 422 naming
        the rule (and the project) when a candidate is not on that list or not screened in, or the margin
        rule refuses; 422 for an unknown ballot format."""
        user = access.user
        congress = await sessions.get_session(db_session, session_id)
        voting_round = await rounds.create_round(
            db_session,
            congress,
            access.hooks,
            title=data.title,
            seats=data.seats,
            candidates=data.candidates,
            format_code=data.ballot_format,
            method=data.method,
            actor=user.username,
        )
        return Created(id=voting_round.id)
