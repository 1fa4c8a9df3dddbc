"""Different plugin configurations, different margin answers; inheritance down the tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from structlog.testing import capture_logs

from minsheng.plugins import MarginVerdict, hookimpl
from minsheng.plugins.manager import get_plugin_manager
from minsheng.testing import Api


class NoMarginRegion:
    """A throwaway region plugin: only 等额 (candidates == seats) is allowed."""

    @hookimpl
    def minsheng_margin_rule(self, tenant: object, seats: int, candidates: int) -> MarginVerdict:
        return MarginVerdict(allowed=candidates == seats, reason=None, minimum=0, maximum=0, no_margin_allowed=True)


@pytest.fixture
def region_plugin() -> Iterator[str]:
    manager = get_plugin_manager()
    name = "test.no-margin-region"
    manager.register(NoMarginRegion(), name=name)
    yield name
    manager.unregister(name=name)


async def margin(api: Api, slug: str, user: str, seats: int, candidates: int) -> bool:
    response = await api.client.get(
        f"/api/v1/t/{slug}/rules/margin?seats={seats}&candidates={candidates}", headers=await api.headers(user)
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["allowed"])


async def test_plugin_choice_and_settings_change_the_answer_only_where_configured(api: Api, region_plugin: str) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    await api.create_tenant("county-a", "county", "city", plugins=[region_plugin])
    await api.create_tenant("county-b", "county", "city")
    await api.create_tenant("town-a", "township", "county-a")
    await api.create_tenant("town-a2", "township", "county-a", plugins=[])
    await api.create_tenant("town-b", "township", "county-b", settings={"minsheng.defaults": {"allow_no_margin": True}})
    await api.create_tenant("town-b2", "township", "county-b")
    for slug in ("county-a", "county-b", "town-a", "town-a2", "town-b", "town-b2"):
        await api.add_member(slug, "viewer", ["presidium"])

    # Default rule: 10 seats take 12 to 15 candidates; 等额 is refused.
    assert await margin(api, "county-b", "viewer", 10, 12) is True
    assert await margin(api, "county-b", "viewer", 10, 10) is False
    # The region plugin of county A: only 等额.
    assert await margin(api, "county-a", "viewer", 10, 12) is False
    assert await margin(api, "county-a", "viewer", 10, 10) is True
    # Its township inherits it; a township that names its own (empty) plugin list gets the defaults.
    assert await margin(api, "town-a", "viewer", 10, 10) is True
    assert await margin(api, "town-a2", "viewer", 10, 10) is False
    # A township's own settings override its county's: 等额 allowed in town-b, not in its sibling.
    assert await margin(api, "town-b", "viewer", 10, 10) is True
    assert await margin(api, "town-b2", "viewer", 10, 10) is False


class BrokenRegion:
    """A region plugin whose margin rule raises: a bug in a region's code, not a verdict."""

    @hookimpl
    def minsheng_margin_rule(self, tenant: object, seats: int, candidates: int) -> MarginVerdict:
        raise ZeroDivisionError("the region's arithmetic")


@pytest.fixture
def broken_plugin() -> Iterator[str]:
    manager = get_plugin_manager()
    name = "test.broken-region"
    manager.register(BrokenRegion(), name=name)
    yield name
    manager.unregister(name=name)


async def test_a_failing_plugin_is_named_logged_and_kept_to_its_tenants(api: Api, broken_plugin: str) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    await api.create_tenant("county-a", "county", "city", plugins=[broken_plugin])
    await api.create_tenant("county-b", "county", "city")
    for slug in ("county-a", "county-b"):
        await api.add_member(slug, "viewer", ["presidium"])
    headers = {**await api.headers("viewer"), "Accept-Language": "en"}

    with capture_logs() as logs:
        failed = await api.client.get("/api/v1/t/county-a/rules/margin?seats=10&candidates=12", headers=headers)
    assert failed.status_code == 502
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert broken_plugin in failed.json()["detail"] and "minsheng_margin_rule" in failed.json()["detail"]
    logged = [entry for entry in logs if entry["event"] == "plugin_failed"]
    assert [(e["plugin"], e["hook"]) for e in logged] == [(broken_plugin, "minsheng_margin_rule")]
    assert "ZeroDivisionError" in logged[0]["error"]

    # The neighbour, which does not enable it, is untouched; so is the next request of anyone.
    assert await margin(api, "county-b", "viewer", 10, 12) is True
    again = await api.client.get("/api/v1/t/county-a/rules/margin?seats=10&candidates=12", headers=headers)
    assert again.status_code == 502
