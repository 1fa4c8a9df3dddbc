"""A congress hall for the vote's tests: a tenant, its staff, a roster with tokens, screened-in projects.

The roles are the law's (platform/docs/roles.md): the congress office (``clerk``) prepares sessions and
rounds, the presidium adopts the voting method, approves the tellers and conducts the vote, the two
tellers the session approved enter the paper ballots. Projects are carried out in 2026 and put on
2026's fixed candidate list, which the sessions (dated in 2026) decide.

Members and deputies are written directly (``minsheng.testing_tenant``): 300 logins through argon2
would take minutes and test nothing about the vote.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from minsheng.congress.models import CheckIn
from minsheng.projects.models import CandidateEntry, CandidateList, Project
from minsheng.testing import Api, random_slug
from minsheng.testing_tenant import TenantUnderTest

YEAR = 2026


@dataclass
class Hall(TenantUnderTest):
    """One tenant's congress: the office's ``clerk``, the ``presidium`` and two tellers."""

    async def clerk(self) -> dict[str, str]:
        """The congress office (tenant_admin): prepares sessions, check-in and rounds."""
        return await self.api.headers(f"clerk-{self.slug}")

    async def presidium(self) -> dict[str, str]:
        """The presidium: adopts the voting method, approves tellers, opens and closes the vote."""
        return await self.api.headers(f"presidium-{self.slug}")

    async def teller(self) -> dict[str, str]:
        return await self.api.headers(f"teller-{self.slug}")

    async def second_teller(self) -> dict[str, str]:
        """The other teller of double entry (platform/docs/domain.md, "Paper ballots")."""
        return await self.api.headers(f"teller2-{self.slug}")

    async def enter_paper(self, round_id: str, ballots: list[Any], *, teller: int = 0) -> Any:
        """Post a batch of paper ballots as the first (0) or the second (1) teller."""
        headers = await (self.second_teller() if teller else self.teller())
        return await self.api.client.post(
            f"{self.base}/rounds/{round_id}/paper-ballots", json={"ballots": ballots}, headers=headers
        )

    async def enter_twice(self, round_id: str, ballots: list[Any]) -> None:
        """Double entry: both tellers enter the same ballots (the second in reverse order)."""
        for teller, batch in ((0, ballots), (1, list(reversed(ballots)))):
            response = await self.enter_paper(round_id, batch, teller=teller)
            assert response.status_code == 201, response.text

    async def add_projects(self, count: int, status: str = "accepted", *, listed: bool = True) -> list[uuid.UUID]:
        """Projects of 2026 with ``status`` (accepted = screened in); ``listed`` ones (screened in) are
        put on 2026's fixed candidate list, from which rounds take their candidates."""
        with self.scope():
            async with self.api.services.database.session() as session:
                projects = [
                    Project(
                        year=YEAR, title=f"项目{n}", content="内容", category="education", status=status, created_by="t"
                    )
                    for n in range(count)
                ]
                session.add_all(projects)
                await session.flush()
                if listed and status == "accepted":
                    fixed = (await session.execute(select(CandidateList).where(CandidateList.year == YEAR))).scalar()
                    if fixed is None:
                        fixed = CandidateList(year=YEAR, planned_seats=1, status="fixed", fixed_by="test")
                        session.add(fixed)
                        await session.flush()
                    start = len((await session.execute(select(CandidateEntry.project_id))).all())
                    session.add_all(
                        CandidateEntry(list_id=fixed.id, project_id=p.id, position=start + n)
                        for n, p in enumerate(projects)
                    )
                return [p.id for p in projects]

    async def new_session(self, *, adopt: bool = True) -> str:
        """A session of 2026 by the office; ``adopt``: the presidium records the adoption of its voting
        method and approves the two tellers."""
        response = await self.api.client.post(
            f"{self.base}/sessions",
            json={"title": "第一次会议", "date": str(date(YEAR, 1, 10))},
            headers=await self.clerk(),
        )
        assert response.status_code == 201, response.text
        session_id = str(response.json()["id"])
        if adopt:
            presidium = await self.presidium()
            adopted = await self.api.client.post(f"{self.base}/sessions/{session_id}/voting-method", headers=presidium)
            assert adopted.status_code == 200, adopted.text
            for teller in (f"teller-{self.slug}", f"teller2-{self.slug}"):
                approved = await self.api.client.post(
                    f"{self.base}/sessions/{session_id}/scrutineers",
                    json={"username": teller, "role": "teller"},
                    headers=presidium,
                )
                assert approved.status_code == 201, approved.text
        return session_id

    async def check_in(self, session_id: str, deputies: list[uuid.UUID]) -> None:
        """Check deputies in directly (the check-in endpoint has tests of its own)."""
        with self.scope():
            async with self.api.services.database.session() as session:
                session.add_all(
                    CheckIn(session_id=uuid.UUID(session_id), deputy_id=d, checked_in_by="test") for d in deputies
                )

    async def new_round(
        self, session_id: str, candidates: list[uuid.UUID], seats: int, ballot_format: str, **extra: Any
    ) -> Any:
        return await self.api.client.post(
            f"{self.base}/sessions/{session_id}/rounds",
            json={
                "title": "民生实事项目票决",
                "seats": seats,
                "candidates": [str(c) for c in candidates],
                "ballot_format": ballot_format,
                **extra,
            },
            headers={**await self.clerk(), "Accept-Language": "en"},
        )

    async def open_round(
        self, candidates: list[uuid.UUID], seats: int, ballot_format: str = "approve_up_to_seats", **extra: Any
    ) -> str:
        """A session with every deputy checked in and an open round: the round's id."""
        session_id = await self.new_session()
        await self.check_in(session_id, self.deputies)
        created = await self.new_round(session_id, candidates, seats, ballot_format, **extra)
        assert created.status_code == 201, created.text
        round_id = str(created.json()["id"])
        opened = await self.api.client.post(f"{self.base}/rounds/{round_id}/open", headers=await self.presidium())
        assert opened.status_code == 200, opened.text
        return round_id

    async def vote(self, round_id: str, deputy: int, ballot: dict[str, Any]) -> Any:
        return await self.api.client.post(
            f"{self.base}/rounds/{round_id}/ballots", json=ballot, headers=self.deputy_headers[deputy]
        )

    async def close(self, round_id: str, **counts: int) -> Any:
        return await self.api.client.post(
            f"{self.base}/rounds/{round_id}/close",
            json=counts,
            headers={**await self.presidium(), "Accept-Language": "en"},
        )


async def open_hall(api: Api, deputies: int = 0, **county: Any) -> Hall:
    """A new county (under a province of its own) with its clerk, presidium, two tellers and ``deputies``
    deputies; ``county``: further fields of the tenant (``settings``, ``plugins``)."""
    return await _staffed(await Hall.open_county(api, **county), deputies)


async def open_township_hall(api: Api, deputies: int = 0) -> Hall:
    """A new township (under a county and a province of its own), staffed as :func:`open_hall`, with a
    ``gov-<slug>`` member of its government. A township has no standing committee: its presidium
    decides between sessions too (adjustments, the candidate list)."""
    slug = random_slug("town")
    await api.create_tenant(f"{slug}-p", "province")
    await api.create_tenant(f"{slug}-c", "county", f"{slug}-p")
    created = await api.create_tenant(slug, "township", f"{slug}-c")
    hall = await _staffed(Hall(api=api, slug=slug, tenant_id=uuid.UUID(created["id"])), deputies)
    await hall.add_member(f"gov-{slug}", ["government"])
    return hall


async def _staffed(hall: Hall, deputies: int) -> Hall:
    await hall.add_member(f"clerk-{hall.slug}", ["tenant_admin"])
    await hall.add_member(f"presidium-{hall.slug}", ["presidium"])
    await hall.add_member(f"teller-{hall.slug}", ["teller"])
    await hall.add_member(f"teller2-{hall.slug}", ["teller"])
    if deputies:
        await hall.add_deputies(deputies)
    return hall


@pytest.fixture
async def hall(api: Api) -> Hall:
    return await open_hall(api)


@pytest.fixture
def another_hall(api: Api) -> Any:
    """Open further halls (other tenants) within one test."""

    async def make(deputies: int = 0, **county: Any) -> Hall:
        return await open_hall(api, deputies, **county)

    return make
