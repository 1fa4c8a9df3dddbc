"""Voting halls seeded in bulk through the services, for the ballot benchmark and the crash test.

Not used by the app. Deputies get an unusable password and an API token each (300 logins through
argon2 would take minutes and measure nothing about the vote), are checked in, and vote in open
``approve_up_to_seats`` rounds of 15 projects of 2026's fixed candidate list and 10 seats, in a
session that adopted its voting method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership, User
from minsheng.congress.hall import sessions
from minsheng.congress.models import CheckIn, Deputy, VotingMethod
from minsheng.congress.voting import rounds
from minsheng.db.session import Database
from minsheng.projects.models import CandidateEntry, CandidateList, Project
from minsheng.secrecy.keeping import custody_for, install_custody
from minsheng.settings import Settings
from minsheng.tenancy.configuration import tenant_hooks
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.services import TenantDraft, create_tenant, find_by_slug, get_by_slug

#: No argon2 hash matches it: the deputy cannot log in with a password, only with the seeded token.
NO_PASSWORD = "!"  # noqa: S105
CANDIDATES = 15
SEATS = 10


@dataclass
class Township:
    """A seeded township: its candidates, one bearer header per deputy, and its open rounds."""

    slug: str
    candidates: list[str]
    headers: list[dict[str, str]] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)


async def _seed_township(
    database: Database, settings: Settings, slug: str, deputies: int, rounds_each: int
) -> Township:
    async with database.session() as session:
        number = slug.rsplit("-t", 1)[-1]
        tenant = await create_tenant(
            session,
            TenantDraft(slug=slug, name=f"乡{number}", level="township", parent=f"{slug.rsplit('-t', 1)[0]}-county"),
            actor="seed",
        )
        tenant_id = tenant.id
    township = Township(slug=slug, candidates=[])
    with tenant_scope(TenantRef(tenant_id, slug)):
        async with database.session() as session:
            hooks = await tenant_hooks(session, await get_by_slug(session, slug))
            projects = [
                Project(
                    year=2026,
                    title=f"项目{n}",
                    content="内容",
                    category="education",
                    status="accepted",
                    created_by="seed",
                )
                for n in range(CANDIDATES)
            ]
            for project in projects:
                project.created_by = "seed"
            session.add_all(projects)
            fixed = CandidateList(year=2026, planned_seats=SEATS, status="fixed", fixed_by="seed")
            session.add(fixed)
            await session.flush()
            session.add_all(
                CandidateEntry(list_id=fixed.id, project_id=p.id, position=n) for n, p in enumerate(projects)
            )
            township.candidates = [str(p.id) for p in projects]
            congress = await sessions.create_session(session, title="会议", on=date(2026, 1, 10), actor="seed")
            await sessions.adopt_voting_method(session, congress.id, actor="seed")
            deputy_ids = []
            for d in range(deputies):
                user = User(username=f"d{d}-{slug}", display_name=f"代表{d}", password_hash=NO_PASSWORD)
                session.add(user)
                await session.flush()
                session.add(Membership(tenant_id=tenant_id, user_id=user.id, roles=["deputy"]))
                deputy = Deputy(name=f"代表{d:03d}", user_id=user.id, created_by="seed")
                session.add(deputy)
                secret, _row = await accounts.open_session(session, settings, user, "api")
                township.headers.append({"Authorization": f"Bearer {secret}"})
                await session.flush()
                deputy_ids.append(deputy.id)
            session.add_all(CheckIn(session_id=congress.id, deputy_id=d, checked_in_by="seed") for d in deputy_ids)
            await session.flush()
            for r in range(rounds_each):
                voting_round = await rounds.create_round(
                    session,
                    congress,
                    hooks,
                    title=f"票决{r}",
                    seats=SEATS,
                    candidates=[p.id for p in projects],
                    format_code="approve_up_to_seats",
                    method=VotingMethod.ELECTRONIC.value,
                    actor="seed",
                )
                await rounds.open_round(session, voting_round.id, hooks, actor="seed")
                township.rounds.append(str(voting_round.id))
    return township


async def staff_header(settings: Settings, slug: str, username: str, roles: list[str]) -> dict[str, str]:
    """A member of tenant ``slug`` with ``roles`` and an API token: its bearer header."""
    database = Database(settings)
    try:
        async with database.session() as session:
            tenant = await find_by_slug(session, slug)
            assert tenant is not None, slug
            user = User(username=username, display_name=username, password_hash=NO_PASSWORD)
            session.add(user)
            await session.flush()
            session.add(Membership(tenant_id=tenant.id, user_id=user.id, roles=roles))
            secret, _row = await accounts.open_session(session, settings, user, "api")
        return {"Authorization": f"Bearer {secret}"}
    finally:
        await database.dispose()


async def seed_townships(
    settings: Settings, prefix: str, deputies: int, tenants: int, per_tenant: int, rounds_each: int
) -> list[Township]:
    """A province and a county, then townships ``{prefix}-t0`` (``deputies``) and ``-t1``... (``per_tenant``)."""
    database = Database(settings)
    # The rounds opened here keep their keys where the app started on ``settings`` will look for them.
    install_custody(custody_for(settings))
    try:
        async with database.session() as session:
            province = TenantDraft(slug=f"{prefix}-prov", name="省", level="province")
            await create_tenant(session, province, actor="seed")
            county = TenantDraft(slug=f"{prefix}-county", name="县", level="county", parent=f"{prefix}-prov")
            await create_tenant(session, county, actor="seed")
        return [
            await _seed_township(
                database, settings, f"{prefix}-t{number}", deputies if number == 0 else per_tenant, rounds_each
            )
            for number in range(tenants + 1)
        ]
    finally:
        await database.dispose()
