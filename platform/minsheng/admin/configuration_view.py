"""Where each part of a tenant's effective configuration comes from: itself, an ancestor, or a default.

Pure functions of the tenant chain (root first), so the console can show what a tenant inherits and
what it overrides, and the rule is tested without a database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.manager import MinshengPluginManager
from minsheng.tenancy.configuration import ancestry, tenant_view
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.places import PLACES


@dataclass(frozen=True)
class Level:
    """One tenant's own configuration, as stored."""

    slug: str
    plugins: Sequence[str] | None
    settings: Mapping[str, Mapping[str, object]]


@dataclass(frozen=True)
class EffectiveSetting:
    plugin: str
    key: str
    value: object
    source: str | None  # the slug of the tenant that set it; None: the plugin's default
    overrides: str | None = None  # the slug whose value this one replaces, if any

    @property
    def display(self) -> str:
        """The value as JSON, Chinese left readable (the page escapes it like any text)."""
        return shown(self.value)


@dataclass(frozen=True)
class ConfigurationView:
    plugins: tuple[str, ...]  # enabled, the platform's defaults first
    plugins_source: str | None  # who chose the list; None: nobody (defaults only)
    settings: tuple[EffectiveSetting, ...]

    def own_settings(self, slug: str) -> list[EffectiveSetting]:
        return [s for s in self.settings if s.source == slug]


def shown(value: object) -> str:
    """A setting or field value as compact JSON text for a page."""
    return json.dumps(value, ensure_ascii=False, default=str)


def thaw(value: object) -> object:
    """A plain copy of a frozen setting (mapping proxies and tuples), fit for JSON."""
    if isinstance(value, Mapping):
        return {str(k): thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def provenance(
    chain: Sequence[Level], enabled: Sequence[str], effective: Mapping[str, Mapping[str, object]]
) -> ConfigurationView:
    """Explain ``effective`` (validated settings per enabled plugin) by the chain that produced it.

    As in ``minsheng.plugins.configuration``: the nearest tenant naming a plugin list chose it; each
    setting comes from the nearest tenant that set that key, else from the plugin's schema default.
    """
    plugins_source = None
    for level in chain:
        if level.plugins is not None:
            plugins_source = level.slug
    settings = []
    own = chain[-1] if chain else None
    for plugin in enabled:
        for key, value in sorted(effective.get(plugin, {}).items()):
            if (plugin, key) == (DEFAULTS_PLUGIN, PLACES) and own is not None:
                # A tenant's places are its own, never an ancestor's (``tenancy.places``).
                listed = (own.settings.get(plugin) or {}).get(key)
                settings.append(EffectiveSetting(plugin, key, thaw(listed or []), own.slug if listed else None))
                continue
            setters = [level.slug for level in chain if key in (level.settings.get(plugin) or {})]
            source = setters[-1] if setters else None
            overrides = setters[-2] if len(setters) > 1 else None
            settings.append(EffectiveSetting(plugin, key, thaw(value), source, overrides))
    return ConfigurationView(plugins=tuple(enabled), plugins_source=plugins_source, settings=tuple(settings))


async def effective_configuration(
    session: AsyncSession, tenant: Tenant, manager: MinshengPluginManager
) -> ConfigurationView:
    """The tenant's effective plugins and settings with the origin of each (for the console)."""
    chain = await ancestry(session, tenant)
    view = await tenant_view(session, tenant, manager)
    levels = [Level(t.slug, t.plugins, t.settings or {}) for t in chain]
    effective = {name: view.settings(name) for name in view.enabled_plugins}
    return provenance(levels, view.enabled_plugins, effective)
