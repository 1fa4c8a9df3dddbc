"""A county with one member per role and a little of every stage, for the navigation tests.

Members log in through the form (cheap hashing in tests); projects, the chosen round and the roster
are written directly or through the API: their own tests cover them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from minsheng.accounts.services import find_user
from minsheng.congress.models import CongressSession, Deputy, VotingRound
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, Api, random_slug

YEAR = 2026
ROLES = ("tenant_admin", "presidium", "deputy", "teller", "government")


@dataclass
class County:
    api: Api
    slug: str
    tenant_id: uuid.UUID
    projects: list[uuid.UUID]
    session_id: str
    round_id: str

    def user(self, role: str) -> str:
        return f"{role.replace('_', '')}-{self.slug}"

    @asynccontextmanager
    async def browser(self, role: str) -> AsyncIterator[httpx.AsyncClient]:
        """A browser signed in as the member holding ``role``, through the login form without ``next``."""
        client = self.api.browser()
        try:
            token = await self.api.login_form_token(client)
            response = await client.post(
                "/login", data={"username": self.user(role), "password": PASSWORD, "_csrf_token": token}
            )
            assert response.status_code == 303, response.text
            assert response.headers["location"] == "/home"
            yield client
        finally:
            await client.aclose()


async def _seed(api: Api, slug: str, tenant_id: uuid.UUID, deputy_user: str) -> list[uuid.UUID]:
    """Four screened-in projects of ``YEAR`` (the first two chosen by a closed round) and one deputy."""
    with tenant_scope(TenantRef(tenant_id, slug)):
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
                    status="closed", outcome="decided", created_by="t",
                    result={"status": "decided", "candidates": [
                        {"project_id": str(p.id), "chosen": n < 2, "rank": n + 1 if n < 2 else None}
                        for n, p in enumerate(projects)
                    ]},
                )
            )  # fmt: skip
            return [p.id for p in projects]


async def open_county(api: Api) -> County:
    """A county (under a province) with one member per role, a suggestion, projects, a session with a
    draft round, a supervision plan with a group, and an open evaluation."""
    slug = random_slug("nav")
    await api.create_tenant(f"{slug}-p", "province", name="某省")
    created = await api.create_tenant(slug, "county", f"{slug}-p", name="某县")
    county = County(api, slug, uuid.UUID(created["id"]), [], "", "")
    for role in ROLES:
        await api.add_member(slug, county.user(role), [role])
    county.projects = await _seed(api, slug, county.tenant_id, county.user("deputy"))
    base, admin = f"/api/v1/t/{slug}", await api.headers(county.user("tenant_admin"))
    suggestion = await api.client.post(f"{base}/suggestions", json={"content": "村里的道路坑坑洼洼，希望修一修"})
    assert suggestion.status_code == 201, suggestion.text
    made = await api.client.post(
        f"{base}/sessions", json={"title": "第一次会议", "date": f"{YEAR}-01-10"}, headers=admin
    )
    assert made.status_code == 201, made.text
    county.session_id = str(made.json()["id"])
    body: dict[str, Any] = {"title": "票决", "seats": 2, "candidates": [str(p) for p in county.projects[:3]],
                            "ballot_format": "yes_no_abstain"}  # fmt: skip
    voting_round = await api.client.post(f"{base}/sessions/{county.session_id}/rounds", json=body, headers=admin)
    assert voting_round.status_code == 201, voting_round.text
    county.round_id = str(voting_round.json()["id"])
    plan = await api.client.post(f"{base}/supervision/plans", json={"year": YEAR, "title": "监督计划"}, headers=admin)
    assert plan.status_code == 201, plan.text
    group = await api.client.post(
        f"{base}/supervision/plans/{plan.json()['id']}/groups",
        json={"project_id": str(county.projects[0]), "name": "第一组", "leader": county.user("presidium")},
        headers=admin,
    )
    assert group.status_code == 201, group.text
    evaluation = await api.client.post(f"{base}/projects/{county.projects[0]}/evaluations", json={}, headers=admin)
    assert evaluation.status_code == 201, evaluation.text
    return county
