"""Declarative tenant manifests (``tenants/*.yaml``), applied idempotently.

A manifest is a tree of tenants; applying it creates what is missing and updates what differs, and
reports each change, so applying the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import InvalidInput
from minsheng.tenancy import services as tenancy


@dataclass(frozen=True)
class ManifestTenant:
    slug: str
    name: str
    level: str
    parent: str | None
    plugins: list[str] | None
    settings: dict[str, Any]


@dataclass
class Change:
    slug: str
    action: str  # "create" | "update"
    fields: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        if self.action == "create":
            return f"+ {self.slug}"
        return f"~ {self.slug}: " + ", ".join(sorted(self.fields))


def read_manifest(path: Path) -> list[ManifestTenant]:
    """Flatten a manifest file into tenants listed parents first."""
    return parse_manifest(path.read_text(encoding="utf-8"))


def parse_manifest(text: str) -> list[ManifestTenant]:
    """Flatten a manifest's YAML text (a file, or one uploaded in the console) into tenants, parents first."""
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput("The manifest is not valid YAML") from exc
    if not isinstance(document, dict) or not isinstance(document.get("tenants"), list):
        raise InvalidInput("A manifest needs a list named tenants")
    flat: list[ManifestTenant] = []

    def walk(node: Any, parent: str | None) -> None:
        if not isinstance(node, dict) or not {"slug", "name", "level"} <= node.keys():
            raise InvalidInput("Every tenant in a manifest needs slug, name and level")
        # An uploaded manifest (console, API) may hold anything: refuse shapes the platform cannot use.
        plugins, settings, children = node.get("plugins"), node.get("settings"), node.get("children")
        if plugins is not None and not (isinstance(plugins, list) and all(isinstance(p, str) for p in plugins)):
            raise InvalidInput("The plugins of {slug} must be a list of plugin names", slug=str(node["slug"]))
        if settings is not None and not (
            isinstance(settings, dict) and all(isinstance(v, dict) for v in settings.values())
        ):
            raise InvalidInput("The settings map each plugin name to its settings")
        if children is not None and not isinstance(children, list):
            raise InvalidInput("The children of {slug} must be a list", slug=str(node["slug"]))
        flat.append(
            ManifestTenant(
                slug=str(node["slug"]),
                name=str(node["name"]),
                level=str(node["level"]),
                parent=parent,
                plugins=list(node["plugins"]) if node.get("plugins") is not None else None,
                settings=dict(node.get("settings") or {}),
            )
        )
        for child in node.get("children") or []:
            walk(child, str(node["slug"]))

    for root in document["tenants"]:
        parent = root.get("parent") if isinstance(root, dict) else None
        walk(root, str(parent) if parent is not None else None)
    return flat


async def plan(session: AsyncSession, tenants: list[ManifestTenant]) -> list[Change]:
    """What applying would change, without changing anything."""
    changes: list[Change] = []
    for item in tenants:
        existing = await tenancy.find_by_slug(session, item.slug)
        if existing is None:
            changes.append(Change(item.slug, "create"))
            continue
        parent_slug = None
        if existing.parent_id is not None:
            parent = await session.get(type(existing), existing.parent_id)
            parent_slug = parent.slug if parent else None
        differences: dict[str, Any] = {}
        if existing.name != item.name:
            differences["name"] = item.name
        if existing.level.value != item.level:
            raise InvalidInput("The level of {slug} cannot change", slug=item.slug)
        if parent_slug != item.parent:
            raise InvalidInput("The parent of {slug} cannot change", slug=item.slug)
        if existing.plugins != item.plugins:
            differences["plugins"] = item.plugins
        if (existing.settings or {}) != item.settings:
            differences["settings"] = item.settings
        if differences:
            changes.append(Change(item.slug, "update", differences))
    return changes


async def apply(
    session: AsyncSession,
    tenants: list[ManifestTenant],
    *,
    actor: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Change]:
    """Create or update the manifest's tenants; returns the changes made (empty when up to date).

    ``on_progress(done, total)`` is called after each change (the CLI draws a progress bar with it).
    """
    changes = await plan(session, tenants)
    by_slug = {t.slug: t for t in tenants}
    for done, change in enumerate(changes, start=1):
        if on_progress is not None and done > 1:
            on_progress(done - 1, len(changes))
        item = by_slug[change.slug]
        if change.action == "create":
            draft = tenancy.TenantDraft(
                slug=item.slug,
                name=item.name,
                level=item.level,
                parent=item.parent,
                plugins=item.plugins,
                settings=item.settings,
            )
            await tenancy.create_tenant(session, draft, actor=actor)
            continue
        await tenancy.update_tenant(session, item.slug, change.fields, actor=actor)
    if on_progress is not None:
        on_progress(len(changes), len(changes))
    return changes
