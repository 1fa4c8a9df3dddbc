"""A congress hall for the vote's tests: a tenant, its staff, a roster with tokens, screened-in projects.

Deputies are created in bulk inside one transaction (users with an unusable password, their
membership, their roster entry and an API token each), because 300 logins through argon2 would
take minutes and test nothing about the vote.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from minsheng.accounts import service as accounts
from minsheng.accounts.models import Membership, User
from minsheng.congress.models import CheckIn, Deputy
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api, random_slug


@dataclass
class Hall:
    """One tenant's congress: ``clerk`` (tenant_admin, presidium) and two tellers are staff."""

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
        return await self.api.headers(f"clerk-{self.slug}")

    async def teller(self) -> dict[str, str]:
        return await self.api.headers(f"teller-{self.slug}")

    async def second_teller(self) -> dict[str, str]:
        """The other teller of double entry (DOMAIN.md, "Paper ballots")."""
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

    async def add_staff(self, username: str, roles: list[str]) -> None:
        """A member with ``roles`` and an API token (known to ``api.headers``), without argon2's cost."""
        async with self.api.services.database.session() as session:
            user = User(username=username, display_name=username, password_hash="!")
            session.add(user)
            await session.flush()
            session.add(Membership(tenant_id=self.tenant_id, user_id=user.id, roles=roles))
            secret, _row = await accounts.open_session(session, self.api.services.settings, user, "api")
        self.api.tokens[username] = secret

    async def add_deputies(self, count: int) -> None:
        """Add ``count`` deputies with user accounts (role deputy) and API tokens, in one transaction."""
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
                    self.deputy_headers.append({"Authorization": f"Bearer {secret}"})

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
    slug = random_slug("county")
    await api.create_tenant(f"{slug}-p", "province")
    tenant = await api.create_tenant(slug, "county", f"{slug}-p")
    hall = Hall(api=api, slug=slug, tenant_id=uuid.UUID(tenant["id"]))
    await hall.add_staff(f"clerk-{slug}", ["tenant_admin", "presidium"])
    await hall.add_staff(f"teller-{slug}", ["teller"])
    await hall.add_staff(f"teller2-{slug}", ["teller"])
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
