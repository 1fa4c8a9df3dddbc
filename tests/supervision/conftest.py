"""A tenant at the supervision stage: staff, a government officer, deputies with tokens, chosen projects.

Members and deputies are written directly (``minsheng.testing_tenant``); a project is "chosen"
by a closed voting round whose stored result says so, written directly: the vote has tests of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import pytest

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership
from minsheng.congress.models import CongressSession, VotingRound
from minsheng.projects.models import Project
from minsheng.testing import Api
from minsheng.testing_tenant import TenantUnderTest


@dataclass
class Office(TenantUnderTest):
    """One county's supervision, each role as the law gives it (platform/docs/roles.md): ``clerk`` (the
    congress office: prepares and records), ``committee`` (the standing committee: decides, runs
    evaluations, closes commitments), ``officer`` (the government)."""

    deputy_extra_headers: ClassVar[dict[str, str]] = {"Accept-Language": "en"}

    async def clerk(self) -> dict[str, str]:
        return {**await self.api.headers(f"clerk-{self.slug}"), "Accept-Language": "en"}

    async def committee(self) -> dict[str, str]:
        return {**await self.api.headers(f"committee-{self.slug}"), "Accept-Language": "en"}

    async def officer(self) -> dict[str, str]:
        return {**await self.api.headers(f"officer-{self.slug}"), "Accept-Language": "en"}

    async def add_person(self, username: str, roles: list[str]) -> None:
        """A member with ``roles`` who logs in through the login form (the test password)."""
        await self.api.make_user(username)
        async with self.api.services.database.session() as session:
            user = await accounts.find_user(session, username)
            assert user is not None
            session.add(Membership(tenant_id=self.tenant_id, user_id=user.id, roles=roles))

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
            f"{self.base}/projects/{project_id}/evaluations", json=body, headers=await self.committee()
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def close(self, evaluation_id: str) -> Any:
        return await self.api.client.post(
            f"{self.base}/evaluations/{evaluation_id}/close", headers=await self.committee()
        )


async def open_office(api: Api, deputies: int = 0, **tenant: Any) -> Office:
    """A new county (under a province of its own) with its clerk, standing committee member, a government
    officer and deputies."""
    office = await Office.open_county(api, **tenant)
    await office.add_member(f"clerk-{office.slug}", ["tenant_admin"])
    await office.add_member(f"committee-{office.slug}", ["standing_committee"])
    await office.add_member(f"officer-{office.slug}", ["government"])
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
