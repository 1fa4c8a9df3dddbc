"""A county and one of its townships, each with one member per role and a little of every stage, for the
navigation tests.

Members log in through the form (cheap hashing in tests). The stages are seeded through the API by a
``seeder`` holding every role (so the seeding does not depend on who may do what: the crawl tests that),
or written directly where their own tests cover them (projects, the chosen round, the roster).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx

from minsheng.accounts.services import find_user
from minsheng.congress.models import CongressSession, Deputy, VotingRound
from minsheng.permissions import Permission, Role, permissions_of
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, Api, random_slug

YEAR = 2026
#: Every membership role of the permission table.
ROLES = tuple(role.value for role in Role)


@dataclass
class Congress:
    """One tenant of the fixture: its members are ``<role>-<slug>`` (underscores dropped)."""

    api: Api
    slug: str
    level: str
    tenant_id: uuid.UUID
    projects: list[uuid.UUID] = field(default_factory=list)
    session_id: str = ""
    round_id: str = ""

    def user(self, role: str) -> str:
        return f"{role.replace('_', '')}-{self.slug}"

    def permissions(self, role: str) -> frozenset[Permission]:
        """What the member holding ``role`` may do here, by the table."""
        return permissions_of([role], self.level)

    @asynccontextmanager
    async def browser(self, role: str) -> AsyncIterator[httpx.AsyncClient]:
        """A browser signed in as the member holding ``role``, through the login form without ``next``."""
        async with signed_in(self.api, self.user(role)) as client:
            yield client


@asynccontextmanager
async def signed_in(api: Api, username: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in as ``username`` through the login form (landing on ``/home``)."""
    client = api.browser()
    try:
        token = await api.login_form_token(client)
        response = await client.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/home"
        yield client
    finally:
        await client.aclose()


@dataclass
class County(Congress):
    """The county of the fixture, with ``town``: one of its townships."""

    town: Congress | None = None


async def _seed_rows(api: Api, congress: Congress, deputy_user: str) -> list[uuid.UUID]:
    """Four screened-in projects of ``YEAR`` (the first two chosen by a closed round) and one deputy."""
    with tenant_scope(TenantRef(congress.tenant_id, congress.slug)):
        async with api.services.database.session() as session:
            user = await find_user(session, deputy_user)
            assert user is not None
            session.add(Deputy(name="王代表", user_id=user.id, created_by="test"))
            projects = [
                Project(year=YEAR, title=f"项目{n}", content="为全镇老人提供义诊", category="health",
                        status="accepted", responsible_unit="镇卫生院", created_by="t")
                for n in range(4)
            ]  # fmt: skip
            session.add_all(projects)
            await session.flush()
            earlier = CongressSession(title="上一次会议", date=date(YEAR, 1, 5), created_by="t")
            session.add(earlier)
            await session.flush()
            session.add(
                VotingRound(
                    session_id=earlier.id, title="票决", seats=2, ballot_format="approve_up_to_seats",
                    status="closed", outcome="decided", created_by="t", closed_at=datetime(YEAR, 1, 5, 3, tzinfo=UTC),
                    result={"status": "decided", "candidates": [
                        {"project_id": str(p.id), "chosen": n < 2, "rank": n + 1 if n < 2 else None}
                        for n, p in enumerate(projects)
                    ]},
                )
            )  # fmt: skip
            return [p.id for p in projects]


async def _post(api: Api, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = await api.client.post(url, json=body, headers=headers)
    assert response.status_code == 201, (url, response.text)
    return dict(response.json())


async def _open(api: Api, slug: str, level: str, parent: str) -> Congress:
    created = await api.create_tenant(slug, level, parent, name="某县" if level == "county" else "某镇")
    cls = County if level == "county" else Congress
    congress = cls(api, slug, level, uuid.UUID(created["id"]))
    for role in ROLES:
        await api.add_member(slug, congress.user(role), [role])
    await api.add_member(slug, f"seeder-{slug}", list(ROLES))
    congress.projects = await _seed_rows(api, congress, congress.user("deputy"))
    base, seeder = f"/api/v1/t/{slug}", await api.headers(f"seeder-{slug}")
    await _post(api, f"{base}/suggestions", {"content": "村里的道路坑坑洼洼，希望修一修"}, {})
    made = await _post(api, f"{base}/sessions", {"title": "第一次会议", "date": f"{YEAR}-01-10"}, seeder)
    congress.session_id = str(made["id"])
    body = {"title": "票决", "seats": 2, "candidates": [str(p) for p in congress.projects[:3]],
            "ballot_format": "yes_no_abstain"}  # fmt: skip
    congress.round_id = str((await _post(api, f"{base}/sessions/{congress.session_id}/rounds", body, seeder))["id"])
    plan = await _post(api, f"{base}/supervision/plans", {"year": YEAR, "title": "监督计划"}, seeder)
    group = {"project_id": str(congress.projects[0]), "name": "第一组", "leader": congress.user("presidium")}
    await _post(api, f"{base}/supervision/plans/{plan['id']}/groups", group, seeder)
    await _post(api, f"{base}/projects/{congress.projects[0]}/evaluations", {}, seeder)
    return congress


async def open_county(api: Api, *, with_town: bool = False) -> County:
    """A county (under a province) with one member per role, a suggestion, projects, a session with a
    draft round, a supervision plan with a group, and an open evaluation; ``with_town``: one of its
    townships too, the same way."""
    slug = random_slug("nav")
    await api.create_tenant(f"{slug}-p", "province", name="某省")
    county = await _open(api, slug, "county", f"{slug}-p")
    assert isinstance(county, County)
    if with_town:
        county.town = await _open(api, f"{slug}-town", "township", slug)
    return county
