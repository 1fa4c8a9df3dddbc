"""The hall's big screen (大屏): attendance, ballots received, then the result, live over SSE.

The stream polls the database, not an in-process channel: a ballot cast through one app process must
reach a screen served by another (the platform runs several behind a load balancer). Each tick runs a
few cheap counts (deputies present, each round's status and participations) in a short transaction of
its own; only when they change is the full picture read and sent. No connection is held between ticks.

Nothing here links a deputy to a ballot: the screen shows counts and, after the close, the stored
result, which is already anonymous.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import reading as hall
from minsheng.congress.hall import sessions
from minsheng.congress.hall.schemas import ScreenCandidate, ScreenResult, ScreenRound, ScreenView
from minsheng.congress.models import RoundStatus, VotingMethod, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.db.session import Database
from minsheng.errors import NotFound
from minsheng.i18n import translate
from minsheng.tenancy.context import TenantRef, tenant_scope

POLL_SECONDS = 1.0  # how often a stream looks for changes
KEEPALIVE_SECONDS = 15.0  # a comment line keeps proxies from closing a quiet stream
STREAM_SECONDS = 15 * 60.0  # then the browser reconnects (EventSource does it by itself)
RETRY_MILLISECONDS = 2000

Pulse = tuple[Any, ...]


async def pulse(session: AsyncSession, session_id: uuid.UUID) -> Pulse:
    """A cheap fingerprint of what the screen shows: it changes whenever the screen must change."""
    entitled = await roster.entitled_count(session)
    present = await sessions.present_count(session, session_id)
    query = select(VotingRound.id, VotingRound.status).where(VotingRound.session_id == session_id)
    rounds = sorted((rid, status) for rid, status in (await session.execute(query)).all())
    counts = await hall.participations_by_round(session, [rid for rid, status in rounds if status == "open"])
    return (entitled, present, tuple((rid, status, counts.get(rid, 0)) for rid, status in rounds))


def featured_round(rounds: list[VotingRound]) -> VotingRound | None:
    """The round the hall looks at (pure): the one open now, else the last closed, else the last prepared."""
    for status, moment in ((RoundStatus.OPEN, "opened_at"), (RoundStatus.CLOSED, "closed_at")):
        matching = [r for r in rounds if r.status == status.value]
        if matching:
            return max(matching, key=lambda r: (getattr(r, moment) is not None, getattr(r, moment) or 0, r.created_at))
    drafts = [r for r in rounds if r.status == RoundStatus.DRAFT.value]
    return drafts[-1] if drafts else None


def _result(stored: dict[str, Any], titles: dict[uuid.UUID, str], locale: str) -> ScreenResult:
    reason = stored.get("reason")
    return ScreenResult(
        status=stored["status"],
        ballots_issued=stored["ballots_issued"],
        ballots_returned=stored["ballots_returned"],
        valid=stored["valid"],
        invalid=stored["invalid"],
        reason=translate(reason["message"], locale, **reason["params"]) if reason else None,
        candidates=[
            ScreenCandidate(
                project_id=uuid.UUID(c["project_id"]),
                title=titles.get(uuid.UUID(c["project_id"]), ""),
                yes=c["yes"],
                no=c["no"],
                abstain=c["abstain"],
                chosen=c["chosen"],
                rank=c["rank"],
            )
            for c in stored["candidates"]
        ],
    )


async def screen_view(session: AsyncSession, session_id: uuid.UUID, locale: str) -> ScreenView:
    """The big screen's picture of the session now (404 for a session of another tenant)."""
    congress = await sessions.get_session(session, session_id)
    figures = await sessions.attendance(session, session_id)
    featured = featured_round(await hall.rounds_of_session(session, session_id))
    shown = None
    if featured is not None:
        candidates = await hall.candidate_lines(session, featured.id)
        received = None
        if featured.method == VotingMethod.ELECTRONIC.value:
            received = (await hall.participations_by_round(session, [featured.id])).get(featured.id, 0)
        result = None
        if featured.status == RoundStatus.CLOSED.value and featured.result is not None:
            result = _result(featured.result, {c.project_id: c.title for c in candidates}, locale)
        shown = ScreenRound(
            id=featured.id,
            title=featured.title,
            status=featured.status,
            method=featured.method,
            seats=featured.seats,
            candidates=len(candidates),
            ballots_received=received,
            result=result,
        )
    return ScreenView(
        session_id=congress.id,
        title=congress.title,
        date=congress.date,
        entitled=figures.entitled,
        present=figures.present,
        required=figures.verdict.required,
        quorum_met=figures.verdict.met,
        round=shown,
    )


async def screen_messages(
    database: Database,
    tenant: TenantRef,
    session_id: uuid.UUID,
    locale: str,
    render: Callable[[ScreenView], str],
    *,
    poll_seconds: float = POLL_SECONDS,
    stream_seconds: float = STREAM_SECONDS,
    clock: Callable[[], object] | None = None,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """The stream's events: the picture at once, then again each time the pulse changes.

    ``clock``: a value that changes with time when the picture does too (the hall's rotating check-in
    code), part of the pulse.
    """
    last: tuple[Pulse, object] | None = None
    quiet = 0.0
    started = time.monotonic()
    sequence = 0
    while time.monotonic() - started < stream_seconds:
        view = None
        try:
            with tenant_scope(tenant):
                async with database.session() as session:
                    mark = (await pulse(session, session_id), clock() if clock else None)
                    if mark != last:
                        view = await screen_view(session, session_id, locale)
        except NotFound:
            return  # the session was deleted while the screen watched it
        if view is not None:
            last, quiet, sequence = mark, 0.0, sequence + 1
            yield ServerSentEventMessage(data=render(view), event="screen", id=sequence)
        elif quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ServerSentEventMessage(comment="keep-alive")
        await asyncio.sleep(poll_seconds)
        quiet += poll_seconds


def screen_stream(messages: AsyncIterator[ServerSentEventMessage]) -> ServerSentEvent:
    """The SSE response; proxies must not buffer it (nginx: ``X-Accel-Buffering``)."""
    return ServerSentEvent(
        messages,
        retry_duration=RETRY_MILLISECONDS,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
