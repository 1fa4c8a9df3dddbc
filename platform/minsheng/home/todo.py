"""What waits for the viewer in a tenant: the to-do panel of its home page.

Each reader looks at one duty of the permission table (``platform/docs/roles.md``) and says what is
waiting for it: suggestions to handle, projects to screen, a candidate list to fix, work plans due,
projects past their deadline (named), adjustments to decide, commitments open, questions to answer,
ratings to give, rounds open to vote. An item shows only to a viewer holding both the duty and the
permission of the page its link opens, so every link on the panel opens. The figures come from the
contexts' services; the few counts no service offers are read here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection import services as collection
from minsheng.collection.models import SuggestionStatus
from minsheng.collection.rules import china_day
from minsheng.congress.hall import reading as hall
from minsheng.congress.models import RoundStatus, VotingMethod, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.db.base import utcnow
from minsheng.http.scope import TenantScope
from minsheng.i18n import format_date, msgid
from minsheng.implementation import adjustments, overview
from minsheng.implementation.chosen import chosen_projects
from minsheng.permissions import Permission
from minsheng.projects import services as projects
from minsheng.projects.models import CandidateList, ProjectStatus
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.models import CommitmentStatus, EvaluationStatus, InquiryQuestion, PlanStatus, SupervisionPlan

P = Permission
#: Named items (projects past their deadline, ...) shown at most; the rest is one "and N more" link.
NAMED = 5


@dataclass(frozen=True)
class Todo:
    """One thing waiting: a message id with its parameters, and the page that deals with it."""

    key: str
    text: str
    href: str
    params: Mapping[str, object] = field(default_factory=dict)


Reader = Callable[[AsyncSession, TenantScope, str], Awaitable[list[Todo]]]


def _holds(access: TenantScope, *needed: Permission) -> bool:
    return all(access.may(p) for p in needed)


async def suggestions_waiting(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.SUGGESTIONS_HANDLE, P.SUGGESTIONS_READ):
        return []
    where = collection.InboxFilter(status=SuggestionStatus.RECEIVED.value)
    _rows, count = await collection.inbox(session, where, page=1, per_page=1)
    text = msgid("{count} suggestions wait to be merged into projects or answered")
    return [Todo("suggestions", text, f"{base}/staff/suggestions?status=received", {"count": count})] if count else []


async def projects_to_screen(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.PROJECTS_SCREEN, P.PROJECTS_READ):
        return []
    _rows, count = await projects.pool(
        session, projects.PoolFilter(status=ProjectStatus.POOL.value), page=1, per_page=1
    )
    text = msgid("{count} projects of the pool wait for screening")
    return [Todo("screening", text, f"{base}/staff/projects?status=pool", {"count": count})] if count else []


async def candidate_lists_to_fix(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.CANDIDATES_FIX, P.PROJECTS_READ):
        return []
    years = (await session.execute(select(CandidateList.year).where(CandidateList.status == "draft"))).scalars()
    text = msgid("The candidate list of {year} waits to be fixed")
    return [Todo("candidates", text, f"{base}/staff/candidates?year={year}", {"year": year}) for year in sorted(years)]


async def implementation(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    """Work plans due (to the government, named) and projects past their deadline (to everyone who
    follows the implementation, named)."""
    if not access.may(P.IMPLEMENTATION_READ):
        return []
    today = china_day(utcnow())
    states = await overview.states(session, await chosen_projects(session))
    items = []
    if access.may(P.WORK_PLANS_FILE):
        due = sorted((s for s in states if s.status == "awaiting_plan"), key=lambda s: s.plan_due)
        items += _named(due, "work_plan", msgid("Work plan of «{title}» due on {date}"), base, lambda s: s.plan_due)
    late = [
        s
        for s in states
        if s.deadline is not None and s.deadline < today and s.status not in ("completed", "terminated")
    ]
    late.sort(key=lambda s: s.deadline or today)
    items += _named(late, "overdue", msgid("«{title}» is past its deadline of {date}"), base, lambda s: s.deadline)
    return items


def _named(
    states: list[overview.ProjectState],
    key: str,
    text: str,
    base: str,
    day: Callable[[overview.ProjectState], date | None],
) -> list[Todo]:
    items = [
        Todo(
            key,
            text,
            f"{base}/implementation/projects/{s.chosen.project.id}",
            {"title": s.chosen.project.title, "date": day(s)},
        )
        for s in states[:NAMED]
    ]
    if len(states) > NAMED:
        items.append(Todo(key, msgid("and {count} more"), f"{base}/implementation", {"count": len(states) - NAMED}))
    return items


async def adjustments_to_decide(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.ADJUSTMENTS_DECIDE, P.IMPLEMENTATION_READ):
        return []
    rows, count = await adjustments.list_adjustments(
        session, adjustments.AdjustmentFilter(status="proposed"), page=1, per_page=NAMED
    )
    titles = await hall.project_titles(session, [row.project_id for row in rows])
    text = msgid("The proposal to adjust «{title}» waits for a decision")
    items = [
        Todo(
            "adjustment",
            text,
            f"{base}/implementation/projects/{row.project_id}",
            {"title": titles.get(row.project_id, "")},
        )
        for row in rows
    ]
    if count > len(rows):
        items.append(
            Todo("adjustment", msgid("and {count} more"), f"{base}/implementation", {"count": count - len(rows)})
        )
    return items


async def commitments_open(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    closes, fulfils = access.may(P.COMMITMENTS_CLOSE), access.may(P.COMMITMENTS_EVIDENCE)
    if not (closes or fulfils) or not access.may(P.SUPERVISION_READ):
        return []
    _rows, count = await inquiries.list_commitments(session, page=1, per_page=1, status=CommitmentStatus.OPEN.value)
    if not count:
        return []
    text = (
        msgid("{count} commitments are open: close those done, with their evidence")
        if closes
        else msgid("{count} commitments are open: file the evidence of what is done")
    )
    return [Todo("commitments", text, f"{base}/supervision/commitments?status=open", {"count": count})]


async def questions_to_answer(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.INQUIRIES_ANSWER, P.SUPERVISION_READ):
        return []
    query = select(func.count()).select_from(InquiryQuestion).where(InquiryQuestion.answered_at.is_(None))
    count = int((await session.execute(query)).scalar_one())
    text = msgid("{count} questions of the special inquiries wait for their answer")
    return [Todo("questions", text, f"{base}/supervision/inquiries", {"count": count})] if count else []


async def plans_to_adopt(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.SUPERVISION_PLANS_ADOPT, P.SUPERVISION_READ):
        return []
    query = select(SupervisionPlan.year).where(SupervisionPlan.status == PlanStatus.DRAFT.value)
    years = sorted(set((await session.execute(query)).scalars()))
    text = msgid("The supervision plan of {year} waits to be adopted")
    return [Todo("supervision_plan", text, f"{base}/supervision/plan?year={year}", {"year": year}) for year in years]


async def rounds_to_open(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not _holds(access, P.ROUNDS_CONDUCT, P.SESSIONS_MANAGE):
        return []
    query = select(VotingRound).where(VotingRound.status == RoundStatus.DRAFT.value).order_by(VotingRound.created_at)
    rounds = list((await session.execute(query.limit(NAMED))).scalars())
    text = msgid("The voting round «{title}» is ready to open")
    return [Todo("round", text, f"{base}/congress/sessions/{r.session_id}", {"title": r.title}) for r in rounds]


async def _deputy_id(session: AsyncSession, access: TenantScope) -> uuid.UUID | None:
    deputy = await roster.deputy_of_user(session, access.user.user_id)
    return deputy.id if deputy is not None else None


async def rounds_to_vote(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not access.may(P.BALLOTS_CAST) or (deputy := await _deputy_id(session, access)) is None:
        return []
    open_now = [r for r in await hall.open_rounds(session) if r.method == VotingMethod.ELECTRONIC.value]
    text = msgid("Voting is open: «{title}»")
    return [
        Todo("vote", text, f"{base}/vote/{r.id}", {"title": r.title})
        for r in open_now
        if not await hall.has_voted(session, r.id, deputy)
    ]


async def ratings_to_give(session: AsyncSession, access: TenantScope, base: str) -> list[Todo]:
    if not access.may(P.EVALUATIONS_RATE):
        return []
    rows, _total = await evaluations.list_evaluations(session, page=1, per_page=50, status=EvaluationStatus.OPEN.value)
    waiting = [row for row in rows if not await evaluations.has_rated(session, row, access.user)]
    text = msgid("{count} projects wait for your satisfaction rating")
    return [Todo("ratings", text, f"{base}/evaluations", {"count": len(waiting)})] if waiting else []


READERS: tuple[Reader, ...] = (
    rounds_to_vote,
    ratings_to_give,
    suggestions_waiting,
    projects_to_screen,
    candidate_lists_to_fix,
    rounds_to_open,
    implementation,
    adjustments_to_decide,
    plans_to_adopt,
    commitments_open,
    questions_to_answer,
)


async def todo_for(session: AsyncSession, access: TenantScope, locale: str) -> list[Todo]:
    """Everything waiting for the viewer here, the most pressing duties first (dates in ``locale``)."""
    if access.principal is None:
        return []
    base = f"/t/{access.tenant.slug}"
    items: list[Todo] = []
    for read in READERS:
        items += await read(session, access, base)
    return [
        Todo(
            i.key,
            i.text,
            i.href,
            {k: format_date(v, locale) if isinstance(v, date) else v for k, v in i.params.items()},
        )
        for i in items
    ]
