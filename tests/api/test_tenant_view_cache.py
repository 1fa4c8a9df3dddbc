"""The tenant view is cached per configuration chain: an edit to any ancestor is seen at once."""

from __future__ import annotations

from minsheng.plugins.manager import get_plugin_manager
from minsheng.plugins.verdicts import MarginVerdict
from minsheng.tenancy.configuration import tenant_hooks
from minsheng.tenancy.services import find_with_ancestry
from minsheng.testing import Api, random_slug


async def margin(api: Api, slug: str, *, seats: int, candidates: int) -> MarginVerdict:
    """The township's margin answer, through the same per-request path (one session, cached view)."""
    async with api.services.database.session() as session:
        tenant = await find_with_ancestry(session, slug)
        assert tenant is not None
        hooks = await tenant_hooks(session, tenant)
        return hooks.margin_rule(seats=seats, candidates=candidates)


async def patch(api: Api, slug: str, body: dict[str, object]) -> None:
    response = await api.client.patch(f"/api/v1/admin/tenants/{slug}", json=body, headers=await api.operator())
    assert response.status_code == 200, response.text


async def test_a_countys_new_settings_reach_its_township_at_once(api: Api) -> None:
    prefix = random_slug("cache")
    await api.create_tenant(f"{prefix}-p", "province")
    await api.create_tenant(f"{prefix}-c", "county", f"{prefix}-p")
    town = f"{prefix}-t"
    await api.create_tenant(town, "township", f"{prefix}-c")

    # Default ratios (0.2 to 0.5): 10 seats need 12 to 15 candidates.
    assert not (await margin(api, town, seats=10, candidates=11)).allowed
    assert not (await margin(api, town, seats=10, candidates=11)).allowed  # now answered from the cache

    await patch(api, f"{prefix}-c", {"settings": {"minsheng.defaults": {"margin_lower_ratio": "0.1"}}})
    assert (await margin(api, town, seats=10, candidates=11)).allowed

    # The province's edit reaches the township through the county, which does not override it.
    await patch(api, f"{prefix}-p", {"settings": {"minsheng.defaults": {"margin_upper_ratio": "0.2"}}})
    assert not (await margin(api, town, seats=10, candidates=13)).allowed

    # The county reverts: the earlier configuration's view is correct again.
    await patch(api, f"{prefix}-c", {"settings": {}})
    verdict = await margin(api, town, seats=10, candidates=11)
    assert not verdict.allowed
    assert (verdict.minimum, verdict.maximum) == (2, 2)  # margins: lower 0.2 and upper 0.2 of 10 seats


async def test_equal_configurations_share_one_view_and_a_new_plugin_set_empties_the_cache() -> None:
    from minsheng.plugins.manager import make_tenant_view

    manager = get_plugin_manager()
    chain = [(None, {"minsheng.defaults": {"allow_no_margin": True}})]
    first = make_tenant_view(manager, id=1, slug="a", name="A", level="county", ancestry=["a"], chain=chain)
    again = make_tenant_view(manager, id=1, slug="a", name="A", level="county", ancestry=["a"], chain=chain)
    assert again is first
    # 1 and True are equal in Python but not to a JSON schema: they must not share a view.
    other = [(None, {"minsheng.defaults": {"allow_no_margin": 1}})]
    try:
        make_tenant_view(manager, id=1, slug="a", name="A", level="county", ancestry=["a"], chain=other)
    except Exception as exc:  # the schema refuses 1 for a boolean
        assert "allow_no_margin" in str(exc) or "boolean" in str(exc)
    else:
        raise AssertionError("a setting of the wrong type was accepted from the cache")
    manager._forget()
    assert make_tenant_view(manager, id=1, slug="a", name="A", level="county", ancestry=["a"], chain=chain) is not first
