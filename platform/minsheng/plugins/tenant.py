"""The read-only view of a tenant that every hook receives as ``tenant``.

Hooks get this view rather than the ORM row so that rules stay pure: they can read who the tenant is
and its plugin settings, but cannot reach the database or change anything.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from minsheng.plugins.errors import PluginNotEnabled


@dataclass(frozen=True)
class TenantView:
    """Who the tenant is and its effective plugin configuration.

    ``ancestry`` holds slugs from the root of the tenant tree down to this tenant (itself last);
    ``enabled_plugins`` always includes ``"minsheng.defaults"``. Build it with
    ``minsheng.plugins.manager.make_tenant_view``, which validates the settings.
    """

    id: Hashable
    slug: str
    name: str
    level: str
    ancestry: tuple[str, ...]
    enabled_plugins: tuple[str, ...]
    # Frozen (read-only mappings, tuples) by make_tenant_view; per enabled plugin, schema defaults merged.
    plugin_settings: Mapping[str, Mapping[str, object]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False, hash=False
    )

    def settings(self, plugin_name: str) -> Mapping[str, object]:
        """Return ``plugin_name``'s effective, validated settings for this tenant (read-only).

        Raises :class:`PluginNotEnabled` when the tenant does not use that plugin, because a rule
        reading another plugin's settings would otherwise silently see nothing.
        """
        if plugin_name not in self.enabled_plugins:
            raise PluginNotEnabled(plugin_name, self.slug)
        return self.plugin_settings.get(plugin_name, MappingProxyType({}))

    def is_enabled(self, plugin_name: str) -> bool:
        """Whether this tenant uses ``plugin_name``."""
        return plugin_name in self.enabled_plugins
