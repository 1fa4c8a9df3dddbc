"""A tenant's effective plugin configuration and its hooks, read from the tenant tree.

The rules live in ``minsheng.plugins``; this module feeds them the tree: the chain of configurations
from the root down to the tenant, so a township inherits its county's choices unless it overrides.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import InvalidInput, NotFound
from minsheng.permissions import known_roles
from minsheng.plugins.configuration import LevelConfiguration
from minsheng.plugins.errors import InvalidPluginSettings, UnknownPlugin
from minsheng.plugins.manager import (
    MinshengPluginManager,
    get_plugin_manager,
    make_tenant_view,
    resolve_configuration,
)
from minsheng.plugins.tenant import TenantView
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.tenancy.context import current_tenant
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.snapshot import TenantSnapshot


async def ancestry(session: AsyncSession, tenant: Tenant) -> list[Tenant]:
    """The tenant's ancestors from the root down to the tenant itself (at most four levels)."""
    chain = [tenant]
    while chain[0].parent_id is not None:
        parent = await session.get(Tenant, chain[0].parent_id)
        if parent is None:
            break
        chain.insert(0, parent)
    return chain


def _level(tenant: Tenant) -> LevelConfiguration:
    return (tenant.plugins, tenant.settings or {})


def configuration_error(exc: Exception) -> InvalidInput:
    """A plugin configuration fault as a translated 422."""
    if isinstance(exc, UnknownPlugin):
        return InvalidInput("The plugin {plugin} is not installed", plugin=exc.name)
    if isinstance(exc, InvalidPluginSettings):
        return InvalidInput(
            "The settings of the plugin {plugin} are not valid: {reason}", plugin=exc.plugin, reason=exc.message
        )
    raise exc


async def tenant_view(
    session: AsyncSession, tenant: Tenant, manager: MinshengPluginManager | None = None
) -> TenantView:
    """The read-only view hooks receive for ``tenant``, with its inherited configuration."""
    manager = manager or get_plugin_manager()
    chain = await ancestry(session, tenant)
    try:
        return make_tenant_view(
            manager,
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            level=tenant.level.value,
            ancestry=[t.slug for t in chain],
            chain=[_level(t) for t in chain],
        )
    except (UnknownPlugin, InvalidPluginSettings) as exc:
        raise configuration_error(exc) from exc


def hooks_for_chain(manager: MinshengPluginManager, chain: Sequence[TenantSnapshot]) -> TenantHooks:
    """The hooks of ``chain[-1]`` given its whole chain (root first), without touching the database."""
    tenant = chain[-1]
    try:
        view = make_tenant_view(
            manager,
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            level=tenant.level.value,
            ancestry=[t.slug for t in chain],
            chain=[(list(t.plugins) if t.plugins is not None else None, t.settings or {}) for t in chain],
        )
    except (UnknownPlugin, InvalidPluginSettings) as exc:
        raise configuration_error(exc) from exc
    return manager.hooks_for(view)


async def tenant_hooks(
    session: AsyncSession, tenant: Tenant, manager: MinshengPluginManager | None = None
) -> TenantHooks:
    """The tenant's hooks: only the plugins it enables answer."""
    manager = manager or get_plugin_manager()
    return manager.hooks_for(await tenant_view(session, tenant, manager))


async def current_tenant_hooks(session: AsyncSession) -> TenantHooks:
    """The hooks of the tenant in context."""
    ref = current_tenant()
    tenant = await session.get(Tenant, ref.id) if ref else None
    if tenant is None:
        raise NotFound("Not found")
    return await tenant_hooks(session, tenant)


async def validate_configuration(
    session: AsyncSession,
    manager: MinshengPluginManager,
    parent: Tenant | None,
    plugins: list[str] | None,
    settings: dict[str, dict[str, object]] | None,
) -> None:
    """Refuse (422) a configuration naming a plugin not installed or a setting its schema refuses."""
    chain = [_level(t) for t in await ancestry(session, parent)] if parent else []
    chain.append((plugins, settings or {}))
    try:
        resolve_configuration(manager, chain)
    except (UnknownPlugin, InvalidPluginSettings) as exc:
        raise configuration_error(exc) from exc


async def membership_roles(session: AsyncSession, tenant: Tenant) -> list[str]:
    """The roles a membership may hold in ``tenant``: the permission table's and its plugins' new ones."""
    return known_roles((await tenant_hooks(session, tenant)).role_grants())
