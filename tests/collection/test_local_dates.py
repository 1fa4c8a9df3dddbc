"""A suggestion is dated on its day in the tenant's zone: the citizen's page and the staff inbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pages import staff_browser
from sqlalchemy import update

from minsheng import clock
from minsheng.collection import rules
from minsheng.collection.models import Suggestion
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api

# 00:30 on New Year's Day 2027 in Beijing: still 31 December 2026 in UTC.
SENT = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)


async def _sent_at(api: Api, slug: str, code: str, moment: datetime, tz: Any) -> None:
    """Date a stored suggestion as if it had arrived at ``moment`` (its year as the service sets it)."""
    tenant = await api.client.get(f"/api/v1/admin/tenants/{slug}", headers=await api.operator())
    ref = TenantRef(uuid.UUID(tenant.json()["id"]), slug)
    with tenant_scope(ref):
        async with api.services.database.session() as session:
            await session.execute(
                update(Suggestion)
                .where(Suggestion.code == code)
                .values(created_at=moment, year=rules.collection_year(moment, tz))
            )


async def test_a_suggestion_sent_at_half_past_midnight_in_beijing_is_dated_that_day(api: Api, town: Any) -> None:
    assert rules.collection_year(SENT, clock.zone()) == 2027
    code = await town.suggest("村口的路灯坏了很久，晚上出行不便，希望尽快修好")
    await _sent_at(api, town.slug, code, SENT, clock.zone())

    status = await api.client.get(f"/t/{town.slug}/suggestions/{code}", headers={"Accept": "text/html"})
    assert status.status_code == 200
    assert "2027年1月1日" in status.text and "2026年12月31日" not in status.text

    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    inbox = await staff.get(f"{staff.staff}/suggestions")
    row = inbox.text.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]
    assert "2027年1月1日 00:30" in row and "12月31日" not in row
    one = await staff.get(f"{staff.staff}/suggestions/{await town.suggestion_id(code)}")
    assert "2027年1月1日 00:30" in one.text
    # The inbox's day filter is that local day too: 1 January finds it, 31 December does not.
    on_day = await staff.get(f"{staff.staff}/suggestions?since=2027-01-01&until=2027-01-01")
    assert f'data-code="{code}"' in on_day.text
    day_before = await staff.get(f"{staff.staff}/suggestions?since=2026-12-31&until=2026-12-31")
    assert f'data-code="{code}"' not in day_before.text
    # The API keeps the stored moment in UTC.
    found = await api.client.get(f"{town.base}/suggestions", params={"q": code}, headers=town.staff)
    assert found.json()["items"][0]["created_at"].startswith("2026-12-31T16:30")


async def test_a_tenant_on_xinjiang_time_dates_the_same_moment_the_day_before(api: Api, town_factory: Any) -> None:
    tz = clock.zone("Asia/Urumqi")
    west = await town_factory("west", settings={DEFAULTS_PLUGIN: {clock.TIME_ZONE_SETTING: "Asia/Urumqi"}})
    code = await west.suggest("草场围栏需要维修，牧民转场不方便")
    await _sent_at(api, west.slug, code, SENT, tz)
    status = await api.client.get(f"/t/{west.slug}/suggestions/{code}", headers={"Accept": "text/html"})
    assert "2026年12月31日" in status.text and "2027年1月1日" not in status.text
    staff = await staff_browser(api, west.slug, f"{west.slug}-staff")
    inbox = await staff.get(f"{staff.staff}/suggestions")
    assert "2026年12月31日 22:30" in inbox.text
