"""Fixtures for the plugin tests: a fresh manager per test and a one-call tenant view builder."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

from minsheng.plugins.manager import MinshengPluginManager, build_plugin_manager, make_tenant_view
from minsheng.plugins.tenant import TenantView

Level = tuple[str, Sequence[str] | None, Mapping[str, Mapping[str, object]]]


@pytest.fixture
def manager() -> MinshengPluginManager:
    """Built-in defaults only: installed region plugins must not change what these tests see."""
    return build_plugin_manager(load_entrypoints=False)


@pytest.fixture
def tenant(manager: MinshengPluginManager) -> Callable[..., TenantView]:
    """``tenant(("county", None, {}), ("township", ["x"], {...}))``: a view from root to self."""

    def build(*levels: Level) -> TenantView:
        slugs = tuple(slug for slug, _, _ in levels)
        return make_tenant_view(
            manager,
            id=slugs[-1],
            slug=slugs[-1],
            name=slugs[-1],
            level="township" if len(levels) > 1 else "county",
            ancestry=slugs,
            chain=[(plugins, settings) for _, plugins, settings in levels],
        )

    return build
