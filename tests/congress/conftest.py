"""A congress hall for the vote's tests: a tenant, its staff, a roster with tokens, screened-in projects.

Members and deputies are written directly (``minsheng.testing_tenant``): 300 logins through argon2
would take minutes and test nothing about the vote.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from minsheng.congress.models import CheckIn
from minsheng.projects.models import Project
from minsheng.testing import Api
from minsheng.testing_tenant import TenantUnderTest


@dataclass
class Hall(TenantUnderTest):
    """One tenant's congress: ``clerk`` (tenant_admin, presidium) and two tellers are staff."""

    async def clerk(self) -> dict[str, str]:
        return await self.api.headers(f"clerk-{self.slug}")

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

    async def add_projects(self, count: int, status: str = "accepted") -> list[uuid.UUID]:
        """Projects of the pool with ``status`` (accepted = screened in, may be a candidate)."""
        with self.scope():
            async with self.api.services.database.session() as session:
                projects = [
                    Project(
                        year=2026, title=f"项目{n}", content="内容", category="education", status=status, created_by="t"
                    )
                    for n in range(count)
                ]
                session.add_all(projects)
                await session.flush()
                return [p.id for p in projects]

    async def new_session(self) -> str:
        response = await self.api.client.post(
            f"{self.base}/sessions",
            json={"title": "第一次会议", "date": str(date(2026, 1, 10))},
            headers=await self.clerk(),
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

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
        opened = await self.api.client.post(f"{self.base}/rounds/{round_id}/open", headers=await self.clerk())
        assert opened.status_code == 200, opened.text
        return round_id

    async def vote(self, round_id: str, deputy: int, ballot: dict[str, Any]) -> Any:
        return await self.api.client.post(
            f"{self.base}/rounds/{round_id}/ballots", json=ballot, headers=self.deputy_headers[deputy]
        )

    async def close(self, round_id: str, **counts: int) -> Any:
        return await self.api.client.post(
            f"{self.base}/rounds/{round_id}/close", json=counts, headers={**await self.clerk(), "Accept-Language": "en"}
        )


async def open_hall(api: Api, deputies: int = 0) -> Hall:
    """A new county (under a province of its own) with its clerk, its teller and ``deputies`` deputies."""
    hall = await Hall.open_county(api)
    await hall.add_member(f"clerk-{hall.slug}", ["tenant_admin", "presidium"])
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

    async def make(deputies: int = 0) -> Hall:
        return await open_hall(api, deputies)

    return make
