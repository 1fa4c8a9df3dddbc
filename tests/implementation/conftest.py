"""A township under its county, with staff of every role and projects the congress chose.

The vote itself has tests of its own (tests/congress): here a closed, decided round is written
directly, with the closing time the test needs (the vote day starts the work plan's month).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.implementation.testing import record_decided_round
from minsheng.tenancy.context import TenantRef
from minsheng.testing import Api, random_slug
from minsheng.testing_tenant import TenantUnderTest

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
# 10:00 in China on 10 January 2026: the vote day is 10 January, the work plan is due on 10 February.
VOTE_AT = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)


@dataclass
class Town(TenantUnderTest):
    county_slug: str
    county_id: uuid.UUID

    async def headers(self, who: str) -> dict[str, str]:
        """``who``: officer (government), presidium, clerk (tenant_admin), deputy, county (county presidium),
        committee (the county's standing committee)."""
        return await self.api.headers(f"{who}-{self.slug}")

    async def decide(self, adjustment_id: Any, decision: str, who: str = "presidium", **changes: Any) -> Any:
        """Decide an adjustment at a meeting held today (the presidium decides in a township)."""
        body = {
            "decision": decision,
            "meeting_name": "镇人大主席团第三次会议",
            "meeting_date": china_day(utcnow()).isoformat(),
            **changes,
        }
        return await self.api.client.post(
            f"{self.base}/adjustments/{adjustment_id}/decision", json=body, headers=await self.headers(who)
        )

    async def choose(self, titles: list[str], *, voted_at: datetime = VOTE_AT, losers: int = 1) -> list[uuid.UUID]:
        """Projects the congress chose in a closed, decided round (plus ``losers`` not chosen)."""
        tenant = TenantRef(self.tenant_id, self.slug)
        return await record_decided_round(self.api.services.database, tenant, titles, voted_at=voted_at, losers=losers)

    async def upload_photo(self, who: str = "officer") -> str:
        response = await self.api.client.post(
            f"{self.base}/files", files={"data": ("site.png", PNG, "image/png")}, headers=await self.headers(who)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def file_plan(self, project_id: uuid.UUID, **changes: Any) -> Any:
        body = {
            "responsible_unit": "镇教育办",
            "targets": "新建教室 6 间",
            "budget": 1200000,
            "funding_source": "县级财政",
            "deadline": "2026-11-30",
            "safeguards": "每月调度",
            "milestones": [{"title": "开工", "due": "2026-03-31"}, {"title": "竣工", "due": "2026-10-31"}],
            **changes,
        }
        return await self.api.client.post(
            f"{self.base}/projects/{project_id}/work-plan", json=body, headers=await self.headers("officer")
        )

    async def report(self, project_id: uuid.UUID, **changes: Any) -> Any:
        body = {"spent": 300000, "percent_done": 25, "text": "地基完成", **changes}
        return await self.api.client.post(
            f"{self.base}/projects/{project_id}/progress", json=body, headers=await self.headers("officer")
        )


async def open_town(api: Api) -> Town:
    slug = random_slug("town")
    await api.create_tenant(f"{slug}-p", "province", name="甲省")
    county = await api.create_tenant(f"{slug}-c", "county", f"{slug}-p", name="甲县")
    tenant = await api.create_tenant(slug, "township", f"{slug}-c", name="甲镇")
    town = Town(api, slug, uuid.UUID(tenant["id"]), f"{slug}-c", uuid.UUID(county["id"]))
    for who, roles in (
        ("officer", ["government"]),
        ("presidium", ["presidium"]),
        ("clerk", ["tenant_admin"]),
        ("deputy", ["deputy"]),
    ):
        await town.add_member(f"{who}-{slug}", roles)
    await town.add_member(f"county-{slug}", ["presidium"], tenant_id=town.county_id)
    await town.add_member(f"committee-{slug}", ["standing_committee"], tenant_id=town.county_id)
    return town


@pytest.fixture
async def town(api: Api) -> Town:
    return await open_town(api)
