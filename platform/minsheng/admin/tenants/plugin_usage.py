"""Which installed plugin implements which hooks, and which tenants use it (``minsheng plugins list``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.plugins.manager import MinshengPluginManager
from minsheng.tenancy.configuration import tenant_view
from minsheng.tenancy.models import Tenant


@dataclass
class PluginUsage:
    name: str
    hooks: list[str]
    tenants: list[str] = field(default_factory=list)


def installed_plugins(manager: MinshengPluginManager) -> dict[str, PluginUsage]:
    """Every registered plugin with the hooks it implements."""
    usage = {}
    for name, plugin in manager.list_name_plugin():
        callers = manager.get_hookcallers(plugin) or []
        usage[name] = PluginUsage(name=name, hooks=sorted(caller.name for caller in callers))
    return usage


async def plugin_usage(session: AsyncSession, manager: MinshengPluginManager) -> list[PluginUsage]:
    """Installed plugins, each with the slugs of the tenants whose effective configuration enables it."""
    usage = installed_plugins(manager)
    tenants = (await session.execute(select(Tenant).order_by(Tenant.slug))).scalars().all()
    for tenant in tenants:
        view = await tenant_view(session, tenant, manager)
        for name in view.enabled_plugins:
            if name in usage:
                usage[name].tenants.append(tenant.slug)
    return sorted(usage.values(), key=lambda u: u.name)
