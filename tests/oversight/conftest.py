"""A small province for the oversight tests: two counties, one township each, figures in both."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from minsheng.congress.models import CongressSession, VotingRound
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.testing import Api


@dataclass
class Province:
    api: Api
    staff: dict[str, dict[str, str]]  # slug -> headers of a tenant_admin there
    projects: dict[str, str] = field(default_factory=dict)  # title -> id

    async def in_tenant(self, slug: str, *rows: Any) -> None:
        """Store rows of another context (work plans, reports, evaluations) as that tenant."""
        async with self.api.services.database.session() as session:
            tenant = await tenancy.get_by_slug(session, slug)
            with tenant_scope(TenantRef(tenant.id, tenant.slug)):
                await rebind_tenant(session)
                session.add_all(rows)
                await session.commit()

    async def project(self, slug: str, title: str, category: str = "roads_transport", budget: str = "100000") -> str:
        body = {"title": title, "content": "硬化村道三公里", "category": category, "budget": budget}
        response = await self.api.client.post(f"/api/v1/t/{slug}/projects", json=body, headers=self.staff[slug])
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def suggest(self, slug: str, content: str = "村里的道路坑坑洼洼，希望修一修") -> None:
        response = await self.api.client.post(
            f"/api/v1/t/{slug}/suggestions", json={"content": content, "channel": "online"}
        )
        assert response.status_code == 201, response.text

    async def choose(self, slug: str, project_ids: list[str], not_chosen: list[str] = ()) -> None:  # type: ignore[assignment]
        """A closed voting round whose stored result chose ``project_ids`` (as the tally writes it)."""
        async with self.api.services.database.session() as session:
            tenant = await tenancy.get_by_slug(session, slug)
            with tenant_scope(TenantRef(tenant.id, tenant.slug)):
                await rebind_tenant(session)
                meeting = CongressSession(title="人代会", date=date(2026, 1, 10), created_by="test")
                session.add(meeting)
                await session.flush()
                candidates: list[dict[str, Any]] = [
                    {"project_id": pid, "chosen": True, "rank": n} for n, pid in enumerate(project_ids, 1)
                ] + [{"project_id": pid, "chosen": False, "rank": None} for pid in not_chosen]
                session.add(
                    VotingRound(
                        id=uuid.uuid4(),
                        session_id=meeting.id,
                        title="票决",
                        seats=len(project_ids),
                        ballot_format="yes_no_abstain",
                        status="closed",
                        outcome="decided",
                        result={"status": "decided", "candidates": candidates},
                        closed_at=datetime(2026, 1, 10, 6, tzinfo=UTC),
                        created_by="test",
                    )
                )
                await session.commit()

    async def settle(self) -> None:
        """Let the roll-up jobs the changes enqueued run."""
        await self.api.services.dispatcher.sweep()
        await self.api.services.dispatcher.drain()


async def make_province(api: Api) -> Province:
    await api.tree()  # prov > city > county-a > town-a, county-b > town-b
    staff = {}
    for slug in ("prov", "city", "county-a", "county-b", "town-a", "town-b"):
        await api.add_member(slug, f"{slug}-staff", ["tenant_admin"])
        staff[slug] = await api.headers(f"{slug}-staff")
    return Province(api, staff)


@pytest.fixture
async def bare_province(api: Api) -> Province:
    """The tree with staff everywhere and nothing else."""
    return await make_province(api)


@pytest.fixture
async def province(api: Api) -> Province:
    """The tree with staff everywhere; town-a has two projects (one chosen), town-b one (chosen)."""
    place = await make_province(api)
    first = place.projects["road"] = await place.project("town-a", "道路提质改造", budget="300000")
    second = await place.project("town-a", "课后延时服务", category="education", budget="50000")
    other = place.projects["clinic"] = await place.project("town-b", "孤寡老人义诊", category="health", budget="80000")
    await place.suggest("town-a")
    await place.choose("town-a", [first], not_chosen=[second])
    await place.choose("town-b", [other])
    await place.settle()
    return place
