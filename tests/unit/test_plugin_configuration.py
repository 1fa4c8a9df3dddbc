"""Per-tenant plugin configuration: inheritance, validation, isolation and plugin failures."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.plugins import Category, MarginVerdict, Reason, hookimpl
from minsheng.plugins.configuration import DEFAULTS_PLUGIN, LevelConfiguration, effective_configuration
from minsheng.plugins.errors import (
    InvalidPluginSettings,
    PluginError,
    PluginNotEnabled,
    UnknownPlugin,
)
from minsheng.plugins.manager import MinshengPluginManager, digest_algorithms, make_tenant_view
from minsheng.plugins.registries import DigestAlgorithm
from minsheng.plugins.tenant import TenantView


class ExactSeatsRegion:
    """A throwaway region plugin: votes on exactly as many candidates as seats (等额)."""

    @hookimpl
    def minsheng_margin_rule(self, tenant, seats: int, candidates: int) -> MarginVerdict:
        allowed = candidates == seats
        reason = None if allowed else Reason("this region votes on exactly {seats} candidates", {"seats": seats})
        return MarginVerdict(allowed, reason, minimum=0, maximum=0)

    @hookimpl
    def minsheng_project_categories(self, tenant) -> list[Category]:
        return [Category("other", "其他民生事项"), Category("tea", "茶产业")]

    @hookimpl
    def minsheng_settings_schema(self) -> dict[str, object]:
        return {
            "type": "object",
            "properties": {"motto": {"type": "string", "default": "为民办实事"}},
            "additionalProperties": False,
        }


class BrokenRegion:
    """A throwaway plugin whose margin rule crashes."""

    @hookimpl
    def minsheng_margin_rule(self, tenant, seats: int, candidates: int) -> MarginVerdict:
        raise ZeroDivisionError("ratio of nothing")


@pytest.fixture
def regions(manager: MinshengPluginManager) -> MinshengPluginManager:
    manager.register(ExactSeatsRegion(), name="region.exact")
    manager.register(BrokenRegion(), name="region.broken")
    return manager


# --- effective_configuration, the pure inheritance rules -----------------------------------------


def test_township_inherits_the_county_configuration() -> None:
    county: LevelConfiguration = (["region.exact"], {"minsheng.defaults": {"margin_upper_ratio": "0.4"}})
    township: LevelConfiguration = (None, {})
    result = effective_configuration([county, township])
    assert result.plugins == (DEFAULTS_PLUGIN, "region.exact")
    assert result.settings == {"minsheng.defaults": {"margin_upper_ratio": "0.4"}}


def test_own_override_wins() -> None:
    province: LevelConfiguration = (
        ["region.a"],
        {"minsheng.defaults": {"margin_lower_ratio": "0.1", "allow_no_margin": True}},
    )
    county: LevelConfiguration = (["region.b"], {"minsheng.defaults": {"margin_lower_ratio": "0.3"}})
    township: LevelConfiguration = ([], {"minsheng.defaults": {"negative_list": ["办公楼"]}})
    result = effective_configuration([province, county, township])
    assert result.plugins == (DEFAULTS_PLUGIN,)
    assert result.settings["minsheng.defaults"] == {
        "margin_lower_ratio": "0.3",
        "allow_no_margin": True,
        "negative_list": ["办公楼"],
    }


def test_defaults_are_always_enabled_once_and_first() -> None:
    result = effective_configuration([(["region.a", DEFAULTS_PLUGIN, "region.a"], {})])
    assert result.plugins == (DEFAULTS_PLUGIN, "region.a")


def test_effective_configuration_does_not_share_the_inputs() -> None:
    terms = ["办公楼"]
    result = effective_configuration([(None, {"minsheng.defaults": {"negative_list": terms}})])
    result.settings["minsheng.defaults"]["negative_list"].append("x")  # type: ignore[attr-defined]
    assert terms == ["办公楼"]


LEVELS = st.tuples(
    st.none() | st.lists(st.sampled_from(["a", "b", "c", DEFAULTS_PLUGIN]), max_size=4),
    st.dictionaries(st.sampled_from(["a", "b"]), st.dictionaries(st.sampled_from(["x", "y"]), st.integers())),
)


@given(st.lists(LEVELS, min_size=1, max_size=5))
def test_nearest_plugin_list_and_nearest_setting_win(chain) -> None:
    result = effective_configuration(chain)
    assert result.plugins[0] == DEFAULTS_PLUGIN
    assert len(set(result.plugins)) == len(result.plugins)
    named = [plugins for plugins, _ in chain if plugins is not None]
    expected = set(named[-1]) if named else set()
    assert set(result.plugins) == expected | {DEFAULTS_PLUGIN}
    for plugin, values in result.settings.items():
        for key, value in values.items():
            nearest = [s[plugin][key] for _, s in chain if key in s.get(plugin, {})]
            assert value == nearest[-1]


# --- tenant views and hooks ----------------------------------------------------------------------


def test_two_tenants_with_different_plugins_get_different_margin_answers(regions, tenant) -> None:
    plain = regions.hooks_for(tenant(("baofeng", None, {})))
    exact = regions.hooks_for(tenant(("zhenhai", ["region.exact"], {})))
    assert plain.margin_rule(seats=10, candidates=12).allowed
    assert not exact.margin_rule(seats=10, candidates=12).allowed
    assert exact.margin_rule(seats=10, candidates=10).allowed
    assert not plain.margin_rule(seats=10, candidates=10).allowed


def test_township_inherits_its_county_plugins_and_settings(regions, tenant) -> None:
    view = tenant(
        ("county", ["region.exact"], {"region.exact": {"motto": "县里的"}}),
        ("township", None, {}),
    )
    assert view.enabled_plugins == (DEFAULTS_PLUGIN, "region.exact")
    assert view.ancestry == ("county", "township")
    assert view.settings("region.exact")["motto"] == "县里的"
    assert not regions.hooks_for(view).margin_rule(seats=10, candidates=12).allowed


def test_township_own_configuration_wins(regions, tenant) -> None:
    view = tenant(
        ("county", ["region.exact"], {"minsheng.defaults": {"allow_no_margin": False}}),
        ("township", [], {"minsheng.defaults": {"allow_no_margin": True}}),
    )
    assert view.enabled_plugins == (DEFAULTS_PLUGIN,)
    assert view.settings(DEFAULTS_PLUGIN)["allow_no_margin"] is True
    hooks = regions.hooks_for(view)
    assert hooks.margin_rule(seats=10, candidates=12).allowed
    assert hooks.margin_rule(seats=10, candidates=10).allowed


def test_settings_are_completed_with_schema_defaults_and_read_only(
    regions: MinshengPluginManager, tenant: Callable[..., TenantView]
) -> None:
    view = tenant(("county", ["region.exact"], {}))
    assert view.settings("region.exact") == {"motto": "为民办实事"}
    defaults = view.settings(DEFAULTS_PLUGIN)
    assert defaults["margin_lower_ratio"] == "0.2"
    assert defaults["negative_list"] == ("办公楼", "办公设备", "楼堂馆所")
    with pytest.raises(TypeError):
        defaults["allow_no_margin"] = True  # type: ignore[index]


def test_settings_of_a_plugin_not_enabled_are_refused(regions, tenant) -> None:
    with pytest.raises(PluginNotEnabled):
        tenant(("county", None, {})).settings("region.exact")


def test_unknown_plugin_is_a_clear_error(regions, tenant) -> None:
    with pytest.raises(UnknownPlugin, match=r"region\.missing"):
        tenant(("county", ["region.missing"], {}))
    with pytest.raises(UnknownPlugin, match=r"region\.typo"):
        tenant(("county", None, {"region.typo": {}}))


@pytest.mark.parametrize(
    "settings",
    [
        {"margin_lower_ratio": "1.2"},
        {"margin_lower_ratio": 0.2},
        {"allow_no_margin": "yes"},
        {"negative_list": "办公楼"},
        {"margin_ratio": "0.2"},
    ],
)
def test_invalid_settings_are_a_clear_error(regions, tenant, settings: dict[str, object]) -> None:
    with pytest.raises(InvalidPluginSettings) as caught:
        tenant(("county", None, {DEFAULTS_PLUGIN: settings}))
    assert caught.value.plugin == DEFAULTS_PLUGIN


def test_inherited_invalid_settings_are_caught_where_the_plugin_is_enabled(regions, tenant) -> None:
    # A county may hold settings for a plugin only its townships enable; they are checked there.
    county = ("county", None, {"region.exact": {"motto": 7}})
    tenant(county)
    with pytest.raises(InvalidPluginSettings, match=r"region\.exact"):
        tenant(county, ("township", ["region.exact"], {}))


def test_a_plugin_without_schema_takes_no_settings(regions, tenant) -> None:
    with pytest.raises(InvalidPluginSettings, match=r"region\.broken"):
        tenant(("county", ["region.broken"], {"region.broken": {"x": 1}}))


def test_a_failing_plugin_is_named_and_other_tenants_are_unaffected(regions, tenant) -> None:
    broken = regions.hooks_for(tenant(("broken", ["region.broken"], {})))
    with pytest.raises(PluginError) as caught:
        broken.margin_rule(seats=10, candidates=12)
    error = caught.value
    assert (error.plugin_name, error.hook_name) == ("region.broken", "minsheng_margin_rule")
    assert isinstance(error.original, ZeroDivisionError)
    assert "region.broken" in str(error)
    healthy = regions.hooks_for(tenant(("healthy", ["region.exact"], {})))
    assert healthy.margin_rule(seats=10, candidates=10).allowed
    # Hooks the broken plugin does not implement still work for its own tenant.
    assert broken.quorum_rule(entitled=30, present=20).met


def test_registries_let_the_region_replace_entries_by_code(regions, tenant) -> None:
    categories = regions.hooks_for(tenant(("county", ["region.exact"], {}))).project_categories()
    assert categories["other"].name == "其他民生事项"
    assert categories["tea"].name == "茶产业"
    assert categories["education"].name == "教育"
    plain = regions.hooks_for(tenant(("plain", None, {}))).project_categories()
    assert "tea" not in plain
    assert plain["other"].name == "其他"


def test_a_plugin_registered_later_is_not_leaked_to_tenants_without_it(manager, tenant) -> None:
    view = tenant(("county", None, {}))
    assert manager.hooks_for(view).margin_rule(seats=1, candidates=2).allowed
    # Before this registration no plugin had to be left out, so pluggy's cached caller was unfiltered.
    manager.register(BrokenRegion(), name="region.late")
    assert manager.hooks_for(view).margin_rule(seats=1, candidates=2).allowed


def test_negative_list_screening_uses_the_tenant_list(manager, tenant) -> None:
    default = manager.hooks_for(tenant(("county", None, {})))
    refusals = default.screen_project({"name": "乡政府办公楼维修", "content": "更换屋顶"})
    assert [r.reason.params["term"] for r in refusals] == ["办公楼"]
    assert default.screen_project({"name": "村道硬化", "content": "3 公里"}) == []
    custom = manager.hooks_for(tenant(("county", None, {DEFAULTS_PLUGIN: {"negative_list": ["广场"]}})))
    assert custom.screen_project({"name": "乡政府办公楼维修"}) == []
    assert custom.screen_project({"title": "文化广场", "content": ""})[0].rule == "negative_list"


def test_default_registries(manager, tenant) -> None:
    hooks = manager.hooks_for(tenant(("county", None, {})))
    methods = hooks.supervision_methods()
    assert list(methods) == [
        "inspection",
        "special_deliberation",
        "special_inquiry",
        "follow_up_review",
        "quarterly_meeting",
    ]
    assert not any(method.required for method in methods.values())
    assert len(hooks.project_categories()) == 11
    assert list(hooks.notification_channels()) == ["log", "email"]
    assert hooks.project_fields() == {}
    digest = hooks.audit_digest()
    assert digest.name == "sha256"
    assert digest.digest(b"minsheng") == hashlib.sha256(b"minsheng").hexdigest()


async def test_log_channel_sends_without_error(manager, tenant) -> None:
    from minsheng.plugins.registries import NotificationMessage

    channel = manager.hooks_for(tenant(("county", None, {}))).notification_channels()["log"]
    await channel.send(NotificationMessage("subject", "body"), ["13800000000"])


def test_digest_algorithms_collects_every_installed_algorithm(manager) -> None:
    class Sm3Region:
        @hookimpl
        def minsheng_audit_digest(self, tenant) -> DigestAlgorithm:
            return DigestAlgorithm("sm3-test", lambda payload: payload.hex())

    manager.register(Sm3Region(), name="region.sm3")
    algorithms = digest_algorithms(manager)
    assert set(algorithms) == {"sha256", "sm3-test"}
    assert algorithms["sm3-test"](b"\x01") == "01"


def test_ancestry_must_end_with_the_tenant(manager) -> None:
    with pytest.raises(ValueError):
        make_tenant_view(manager, id=1, slug="x", name="x", level="county", ancestry=("y",), chain=[(None, {})])


def test_a_broken_settings_schema_names_its_plugin(manager, tenant) -> None:
    class BadSchema:
        @hookimpl
        def minsheng_settings_schema(self) -> dict[str, object]:
            return {"type": "no-such-type"}

    manager.register(BadSchema(), name="region.badschema")
    with pytest.raises(PluginError, match=r"region\.badschema"):
        tenant(("county", None, {}))
