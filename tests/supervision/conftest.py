"""A tenant at the supervision stage: staff, a government officer, deputies with tokens, chosen projects.

Deputies are created in bulk inside one transaction (as in ``tests/congress``); a project is "chosen"
by a closed voting round whose stored result says so, written directly: the vote has tests of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from minsheng.accounts import service as accounts
from minsheng.accounts.models import Membership, User
from minsheng.congress.models import CongressSession, Deputy, VotingRound
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api, random_slug


@dataclass
class Office:
    """One tenant's supervision: ``clerk`` (tenant_admin, presidium), ``officer`` (government)."""

    api: Api
    slug: str
    tenant_id: uuid.UUID
    deputies: list[uuid.UUID] = field(default_factory=list)
    deputy_headers: list[dict[str, str]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"/api/v1/t/{self.slug}"

    def scope(self) -> Any:
        return tenant_scope(TenantRef(self.tenant_id, self.slug))

    async def clerk(self) -> dict[str, str]:
        return {**await self.api.headers(f"clerk-{self.slug}"), "Accept-Language": "en"}

    async def officer(self) -> dict[str, str]:
        return {**await self.api.headers(f"officer-{self.slug}"), "Accept-Language": "en"}

    async def add_staff(self, username: str, roles: list[str]) -> None:
        """A member with ``roles`` and an API token, without argon2's cost."""
        async with self.api.services.database.session() as session:
            user = User(username=username, display_name=username, password_hash="!")
            session.add(user)
            await session.flush()
            session.add(Membership(tenant_id=self.tenant_id, user_id=user.id, roles=roles))
            secret, _row = await accounts.open_session(session, self.api.services.settings, user, "api")
        self.api.tokens[username] = secret

    async def add_deputies(self, count: int) -> None:
        """``count`` deputies with accounts (role deputy) and API tokens, in one transaction."""
        settings = self.api.services.settings
        with self.scope():
            async with self.api.services.database.session() as session:
                start = len(self.deputies)
                for number in range(start, start + count):
                    user = User(username=f"d{number}-{self.slug}", display_name=f"代表{number}", password_hash="!")
                    session.add(user)
                    await session.flush()
                    session.add(Membership(tenant_id=self.tenant_id, user_id=user.id, roles=["deputy"]))
                    deputy = Deputy(name=f"代表{number:03d}", user_id=user.id, created_by="test")
                    session.add(deputy)
                    secret, _row = await accounts.open_session(session, settings, user, "api")
                    await session.flush()
                    self.deputies.append(deputy.id)
                    self.deputy_headers.append({"Authorization": f"Bearer {secret}", "Accept-Language": "en"})

    async def add_projects(self, count: int, *, chosen: bool = True, year: int = 2026) -> list[uuid.UUID]:
        """Screened-in projects; ``chosen``: a closed voting round chose them all."""
        with self.scope():
            async with self.api.services.database.session() as session:
                projects = [
                    Project(
                        year=year,
                        title=f"项目{n}",
                        content="为全镇老人提供义诊",
                        category="health",
                        status="accepted",
                        responsible_unit="镇卫生院",
                        created_by="t",
                    )
                    for n in range(count)
                ]
                session.add_all(projects)
                await session.flush()
                congress = CongressSession(title="第一次会议", date=date(year, 1, 10), created_by="t")
                session.add(congress)
                await session.flush()
                session.add(
                    VotingRound(
                        session_id=congress.id,
                        title="票决",
                        seats=count,
                        ballot_format="approve_up_to_seats",
                        status="closed",
                        outcome="decided",
                        created_by="t",
                        result={
                            "status": "decided",
                            "candidates": [
                                {"project_id": str(p.id), "chosen": chosen, "rank": 1 if chosen else None}
                                for p in projects
                            ],
                        },
                    )
                )
                return [p.id for p in projects]

    async def rate(self, evaluation_id: str, deputy: int, rating: str) -> Any:
        return await self.api.client.post(
            f"{self.base}/evaluations/{evaluation_id}/ratings",
            json={"rating": rating},
            headers=self.deputy_headers[deputy],
        )

    async def rate_many(self, evaluation_id: str, ratings: list[str]) -> None:
        """Deputies 0, 1, 2 ... give ``ratings`` in turn; each must be accepted."""
        for deputy, rating in enumerate(ratings):
            response = await self.rate(evaluation_id, deputy, rating)
            assert response.status_code == 201, response.text

    async def open_evaluation(self, project_id: uuid.UUID, **body: Any) -> str:
        response = await self.api.client.post(
            f"{self.base}/projects/{project_id}/evaluations", json=body, headers=await self.clerk()
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def close(self, evaluation_id: str) -> Any:
        return await self.api.client.post(f"{self.base}/evaluations/{evaluation_id}/close", headers=await self.clerk())


async def open_office(api: Api, deputies: int = 0, **tenant: Any) -> Office:
    """A new county (under a province of its own) with its clerk, a government officer and deputies."""
    slug = random_slug("county")
    await api.create_tenant(f"{slug}-p", "province")
    created = await api.create_tenant(slug, "county", f"{slug}-p", **tenant)
    office = Office(api=api, slug=slug, tenant_id=uuid.UUID(created["id"]))
    await office.add_staff(f"clerk-{slug}", ["tenant_admin", "presidium"])
    await office.add_staff(f"officer-{slug}", ["government"])
    if deputies:
        await office.add_deputies(deputies)
    return office


@pytest.fixture
async def office(api: Api) -> Office:
    return await open_office(api)


@pytest.fixture
def make_office(api: Api) -> Any:
    """Open offices (tenants) within one test: ``await make_office(deputies, plugins=[...])``."""

    async def make(deputies: int = 0, **tenant: Any) -> Office:
        return await open_office(api, deputies, **tenant)

    return make
