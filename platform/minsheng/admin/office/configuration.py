"""The office's own configuration: its places, its negative list, its plugins' settings.

Everything lands in the tenant's own settings (``tenants.settings``, per plugin) through
``tenancy.update_tenant``, which validates the result against every plugin's schema and records the
change in the platform's and the tenant's audit chains. A key the office leaves out is inherited from
the level above (or the plugin's default) — except the places, which are the office's alone
(``minsheng.tenancy.places``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import InvalidInput, NotFound
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.places import PLACES, normalized_places
from minsheng.tenancy.snapshot import TenantLike

NEGATIVE_LIST = "negative_list"
MAX_TERMS = 200
MAX_TERM = 50
#: Settings with a page of their own; the plugin settings form links there instead.
OWN_PAGES = {(DEFAULTS_PLUGIN, PLACES): "places", (DEFAULTS_PLUGIN, NEGATIVE_LIST): "negative-list"}


@dataclass(frozen=True)
class NegativeList:
    """The negative list in force here, and whether this office set it or inherits it."""

    terms: list[str]
    own: bool


def own_settings(tenant: TenantLike, plugin: str) -> dict[str, Any]:
    """What the tenant itself sets for ``plugin`` (inherited values not included)."""
    value = (tenant.settings or {}).get(plugin) or {}
    return dict(value) if isinstance(value, Mapping) else {}


async def _write(session: AsyncSession, slug: str, plugin: str, own: dict[str, Any], *, actor: str) -> None:
    row = await tenancy.get_by_slug(session, slug)
    settings = copy.deepcopy(dict(row.settings or {}))
    if own:
        settings[plugin] = own
    else:
        settings.pop(plugin, None)
    await tenancy.update_tenant(session, slug, {"settings": settings}, actor=actor)


async def set_places(session: AsyncSession, tenant: TenantLike, names: Sequence[str], *, actor: str) -> list[str]:
    """Replace the office's places (one per entry; an empty list clears them)."""
    places = normalized_places(names)
    own = own_settings(tenant, DEFAULTS_PLUGIN)
    own.pop(PLACES, None)
    if places:
        own[PLACES] = places
    await _write(session, tenant.slug, DEFAULTS_PLUGIN, own, actor=actor)
    return places


def negative_list(tenant: TenantLike, hooks: TenantHooks) -> NegativeList:
    """The negative list screening applies here (the office's own, or the one it inherits)."""
    terms = hooks.tenant.settings(DEFAULTS_PLUGIN).get(NEGATIVE_LIST) or ()
    own = NEGATIVE_LIST in own_settings(tenant, DEFAULTS_PLUGIN)
    return NegativeList([str(t) for t in terms] if isinstance(terms, list | tuple) else [], own)


def normalized_terms(terms: Sequence[str]) -> list[str]:
    """The terms trimmed, blanks and repeats dropped, order kept; 422 beyond the limits."""
    kept = list(dict.fromkeys(term.strip() for term in terms if term.strip()))
    if len(kept) > MAX_TERMS:
        raise InvalidInput("At most {maximum} terms", maximum=MAX_TERMS)
    long = next((t for t in kept if len(t) > MAX_TERM), None)
    if long is not None:
        raise InvalidInput("The term {term} is longer than {maximum} characters", term=long[:20], maximum=MAX_TERM)
    return kept


async def set_negative_list(
    session: AsyncSession, tenant: TenantLike, terms: Sequence[str] | None, *, actor: str
) -> None:
    """The office's own negative list, or ``None``: follow the level above again."""
    own = own_settings(tenant, DEFAULTS_PLUGIN)
    own.pop(NEGATIVE_LIST, None)
    if terms is not None:
        own[NEGATIVE_LIST] = normalized_terms(terms)
    await _write(session, tenant.slug, DEFAULTS_PLUGIN, own, actor=actor)


def settings_schema(manager: MinshengPluginManager, hooks: TenantHooks, plugin: str) -> Mapping[str, Any]:
    """The settings schema of a plugin the tenant enables (404 for another plugin or one without settings)."""
    schema = manager.settings_schemas().get(plugin) if hooks.tenant.is_enabled(plugin) else None
    if not schema or not isinstance(schema.get("properties"), Mapping):
        raise NotFound("No plugin {plugin} with settings here", plugin=plugin)
    return schema


def configurable_plugins(manager: MinshengPluginManager, hooks: TenantHooks) -> list[str]:
    """The tenant's plugins that declare settings, the platform's defaults first."""
    schemas = manager.settings_schemas()
    return [name for name in hooks.tenant.enabled_plugins if (schemas.get(name) or {}).get("properties")]


async def set_plugin_settings(
    session: AsyncSession,
    tenant: TenantLike,
    plugin: str,
    schema: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    actor: str,
) -> None:
    """Replace the office's own settings of ``plugin`` with ``values`` (keys left out are inherited).

    Settings with a page of their own (places, the negative list) are kept as they are. The schema's
    checks run on the result: 422 naming the plugin when it refuses.
    """
    properties = schema.get("properties") or {}
    unknown = sorted(set(values) - set(properties))
    if unknown:
        raise InvalidInput("Unknown setting {setting}", setting=unknown[0])
    own = {key: value for key, value in own_settings(tenant, plugin).items() if (plugin, key) in OWN_PAGES}
    own.update({key: value for key, value in values.items() if (plugin, key) not in OWN_PAGES})
    await _write(session, tenant.slug, plugin, own, actor=actor)
