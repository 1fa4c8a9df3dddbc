"""The first half of 赵庄镇's demo year through the services: collection, screening, the candidate list,
the congress session and its electronic vote (platform/docs/domain.md, stages 1-3).

Every step is the use case staff or deputies would trigger, so the rules (negative list, margin,
quorum, ballot format, majority) are applied, every change is audited, and the ballots are secret
and carry receipts exactly as a vote in the hall would.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import User
from minsheng.accounts.services import Principal
from minsheng.collection import rules as collection_rules
from minsheng.collection import services as collection
from minsheng.collection.models import Channel
from minsheng.collection.rules import china_day
from minsheng.congress.hall import agenda, sessions
from minsheng.congress.models import Deputy, VotingMethod, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.congress.seeding import NO_PASSWORD
from minsheng.congress.voting import casting, rounds, tally
from minsheng.db.base import utcnow
from minsheng.demo import script
from minsheng.errors import RuleViolation
from minsheng.projects import candidates
from minsheng.projects import services as projects
from minsheng.projects.models import Project, ProjectStatus
from minsheng.tenancy.configuration import current_tenant_hooks
from minsheng.tenancy.models import Tenant

PUBLIC_CHANNELS = ("online", "qr_code")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅"
GIVEN = ("建国", "秀英", "志强", "桂兰", "国华", "玉梅", "红军", "春花", "德胜", "淑珍", "海涛", "丽娟")


@dataclass
class Year:
    """What the first half produced, for the second half and the tests."""

    tenant: Tenant
    projects: dict[str, Project] = field(default_factory=dict)
    deputies: list[Deputy] = field(default_factory=list)
    voters: list[Principal] = field(default_factory=list)  # the deputies present, as they vote
    voting_round: VotingRound | None = None
    chosen: list[str] = field(default_factory=list)  # project keys, by rank


def voter(user: User) -> Principal:
    """The deputy as the casting service sees the caller (only the user id matters to it)."""
    return Principal(user.id, user.username, user.display_name, False, "", "")


async def collect(session: AsyncSession, year: Year) -> dict[str, list[uuid.UUID]]:
    """~30 suggestions: online and by QR code from citizens, the rest entered from meetings and letters."""
    hooks = await current_tenant_hooks(session)
    by_project: dict[str, list[uuid.UUID]] = defaultdict(list)
    declined: list[tuple[uuid.UUID, str]] = []
    paper: dict[str, list[script.DemoSuggestion]] = defaultdict(list)
    for item in script.SUGGESTIONS:
        if item.channel not in PUBLIC_CHANNELS:
            paper[item.channel].append(item)
            continue
        received = await collection.submit(session, _draft(item), collection.Origin(Channel(item.channel)), hooks)
        _sort(received.id, item, by_project, declined)
    for channel, items in paper.items():
        origin = collection.Origin(Channel(channel), meeting=script.MEETINGS[channel], entered_by=script.ADMIN)
        rows = await collection.enter_batch(session, [_draft(i) for i in items], origin, hooks)
        for row, item in zip(rows, items, strict=True):
            _sort(row.id, item, by_project, declined)
    await session.flush()
    for suggestion_id, reason in declined:
        await collection.decline(session, suggestion_id, reason, actor=script.ADMIN)
    return by_project


def _draft(item: script.DemoSuggestion) -> collection_rules.SuggestionDraft:
    return collection_rules.SuggestionDraft(content=item.content, category=item.category, place=item.place)


def _sort(
    suggestion_id: uuid.UUID,
    item: script.DemoSuggestion,
    by_project: dict[str, list[uuid.UUID]],
    declined: list[tuple[uuid.UUID, str]],
) -> None:
    if item.project:
        by_project[item.project].append(suggestion_id)
    elif item.declined:
        declined.append((suggestion_id, item.declined))


async def pool_and_screen(session: AsyncSession, year: Year, by_project: dict[str, list[uuid.UUID]]) -> None:
    """Projects made from the suggestions, screened in or out (one refused by the negative list)."""
    hooks = await current_tenant_hooks(session)
    for demo in script.PROJECTS:
        draft = projects.ProjectDraft(
            title=demo.title,
            content=demo.content,
            category=demo.category,
            budget=demo.budget,
            location=demo.location,
            responsible_unit="赵庄镇人民政府",
            funding_source="镇级财政与上级专项资金",
        )
        project = await projects.create(
            session, draft, hooks, actor=script.ADMIN, suggestion_ids=by_project.get(demo.key, [])
        )
        year.projects[demo.key] = project
        if demo.screening == "pool":
            continue
        if demo.screening == "negative_list":
            # The government tries to screen it in; the negative list refuses, so it is screened out.
            try:
                async with session.begin_nested():  # the refusal leaves nothing behind
                    await projects.screen(
                        session, project.id, projects.ScreeningDraft("accepted"), hooks, actor=script.GOVERNMENT
                    )
            except RuleViolation:
                pass
            else:
                raise AssertionError("the negative list should refuse the demo's office building")
        decision = ProjectStatus.ACCEPTED.value if demo.screening == "accepted" else ProjectStatus.REJECTED.value
        screening = projects.ScreeningDraft(
            decision,
            notes=demo.notes or "群众呼声高，资金可落实，镇级可实施。",
            need="群众反映集中" if decision == ProjectStatus.ACCEPTED.value else "",
            feasibility="可行" if decision == ProjectStatus.ACCEPTED.value else demo.notes,
            cost=f"预算{demo.budget}元",
            legality="符合政策" if demo.screening != "negative_list" else demo.notes,
            risk="低",
        )
        await projects.screen(session, project.id, screening, hooks, actor=script.GOVERNMENT)
    candidate_ids = [year.projects[key].id for key in script.YES_VOTES]
    vote_year = collection_rules.collection_year()
    await candidates.save_draft(session, vote_year, script.SEATS, candidate_ids, hooks, actor=script.ADMIN)
    await candidates.fix(session, vote_year, hooks, actor=script.PRESIDIUM)


async def enrol_deputies(session: AsyncSession, year: Year) -> None:
    """The roster of 35: the demo deputy's account and 34 accounts without a usable password.

    No argon2 hash for them (it would take seconds and nobody logs in as them): ``NO_PASSWORD``
    matches no password; an administrator can invite any of them to set one.
    """
    tenant = year.tenant
    demo_user = await accounts.find_user(session, script.DEMO_DEPUTY)
    assert demo_user is not None, "the demo users are made first"
    users = [demo_user]
    for number in range(1, script.ROSTER_SIZE):
        user = User(username=f"zz-deputy-{number:02d}", display_name=_name(number), password_hash=NO_PASSWORD)
        session.add(user)
        users.append(user)
    await session.flush()
    for user in users[1:]:
        await accounts.grant_membership(session, tenant.id, user, ["deputy"])
    for user in users:
        name = "赵庄镇人大代表（演示）" if user is demo_user else user.display_name
        deputy = await roster.add_deputy(session, tenant, name=name, username=user.username, actor=script.ADMIN)
        year.deputies.append(deputy)
    year.voters = [voter(user) for user in users[: script.PRESENT]]


def _name(number: int) -> str:
    return SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]


async def hold_session(session: AsyncSession, year: Year) -> None:
    """The session: agenda, check-in of 31 of 35 (quorum 24), the electronic vote, its close."""
    hooks = await current_tenant_hooks(session)
    congress = await sessions.create_session(
        session, title="赵庄镇第十八届人民代表大会第三次会议", on=china_day(utcnow()), actor=script.ADMIN
    )
    await agenda.replace_agenda(
        session, congress, [agenda.AgendaDraft(t, p) for t, p in script.AGENDA], actor=script.ADMIN
    )
    for deputy in year.deputies[: script.PRESENT]:
        await sessions.check_in(session, congress, deputy, actor=script.ADMIN)
    await sessions.adopt_voting_method(session, congress.id, actor=script.PRESIDIUM)
    keys = list(script.YES_VOTES)
    ids = {key: year.projects[key].id for key in keys}
    voting_round = await rounds.create_round(
        session,
        congress,
        hooks,
        title="民生实事项目电子票决",
        seats=script.SEATS,
        candidates=[ids[key] for key in keys],
        format_code="yes_no_abstain",
        method=VotingMethod.ELECTRONIC.value,
        actor=script.PRESIDIUM,
    )
    await rounds.open_round(session, voting_round.id, hooks, actor=script.PRESIDIUM)
    for index, (principal, marks) in enumerate(zip(year.voters, _ballots(len(year.voters)), strict=True)):
        choices = {str(ids[key]): "yes" if key in marks else _other(index) for key in script.YES_VOTES}
        await casting.cast_ballot(session, voting_round.id, principal, hooks, choices=choices, selected=None)
    year.voting_round = await tally.close_round(
        session, voting_round.id, hooks, issued=None, returned=None, actor=script.TELLER
    )
    result = year.voting_round.result or {}
    by_id = {str(project_id): key for key, project_id in ids.items()}
    ranked = sorted((c for c in result.get("candidates", []) if c["chosen"]), key=lambda c: c["rank"])
    year.chosen = [by_id[c["project_id"]] for c in ranked]


def _ballots(voters: int) -> list[set[str]]:
    """Which candidates each voter approves, so that each gets its ``YES_VOTES`` and no ballot says yes to
    more than the seats (a ballot with more is invalid): each candidate's approvals go to the voters with
    the most approvals left to give."""
    left = [script.SEATS] * voters
    ballots: list[set[str]] = [set() for _ in range(voters)]
    for key, yes in sorted(script.YES_VOTES.items(), key=lambda item: -item[1]):
        for index in sorted(range(voters), key=lambda i: (-left[i], i))[:yes]:
            ballots[index].add(key)
            left[index] -= 1
    return ballots


def _other(index: int) -> str:
    """A voter's choice where it does not approve: one of them abstains, the rest vote no."""
    return "abstain" if index == script.PRESENT - 1 else "no"
