"""Onboarding a county and its townships, and applying uploaded manifests, from the console.

Both go through the manifest machinery of ``minsheng tenants apply`` (``tenancy.manifest``): the
wizard only writes a manifest. The preview runs the whole apply inside a savepoint and rolls it
back, so every refusal (a taken slug, a plugin setting its schema refuses) shows before anything
is changed; applying the same manifest twice changes nothing the second time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.admin.tenants import manifest
from minsheng.errors import InvalidInput
from minsheng.i18n import Term, msgid

MAX_TOWNSHIPS = 200
_SEPARATOR = re.compile(r"[\s,，\t]+")


@dataclass
class CountyDraft:
    """What the wizard asks for."""

    slug: str
    name: str
    parent: str
    townships: str  # one per line: "slug 名称"
    admins: str = ""  # one per line: "tenant-slug username 显示名"
    plugins: list[str] | None = None  # None: inherit the parent's
    settings: str = ""  # JSON: {plugin: {setting: value}}


@dataclass(frozen=True)
class AdminInvite:
    tenant: str
    username: str
    display_name: str


@dataclass
class Preview:
    changes: list[manifest.Change]
    tenants: list[manifest.ManifestTenant]
    text: str
    invites: list[AdminInvite] = field(default_factory=list)


def parse_lines(text: str, *, minimum: int, what: str) -> list[list[str]]:
    """Split each non-empty line into at most ``minimum`` fields (the last keeps its spaces)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = _SEPARATOR.split(line.strip(), maxsplit=minimum - 1)
        if len(parts) < minimum:
            raise InvalidInput("Line {line} of the {what} is incomplete", line=number, what=Term(what))
        rows.append(parts)
    return rows


def parse_settings(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidInput("The settings are not valid JSON") from exc
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise InvalidInput("The settings map each plugin name to its settings")
    return value


def county_manifest(draft: CountyDraft) -> tuple[str, list[AdminInvite]]:
    """The manifest YAML of a county with its townships, and the administrators to invite."""
    townships = parse_lines(draft.townships, minimum=2, what=msgid("townships"))
    if not townships:
        raise InvalidInput("List at least one township")
    if len(townships) > MAX_TOWNSHIPS:
        raise InvalidInput("At most {count} townships at once", count=MAX_TOWNSHIPS)
    county: dict[str, Any] = {
        "slug": draft.slug.strip(),
        "name": draft.name.strip(),
        "level": "county",
        "parent": draft.parent.strip(),
    }
    if draft.plugins is not None:
        county["plugins"] = list(draft.plugins)
    settings = parse_settings(draft.settings)
    if settings:
        county["settings"] = settings
    county["children"] = [{"slug": slug, "name": name, "level": "township"} for slug, name in townships]
    slugs = {county["slug"], *(row[0] for row in townships)}
    invites = []
    for tenant, username in parse_lines(draft.admins, minimum=2, what=msgid("administrators")):
        if tenant not in slugs:
            raise InvalidInput("The administrator's tenant {slug} is not in this onboarding", slug=tenant)
        extra = _SEPARATOR.split(username, maxsplit=1)
        invites.append(AdminInvite(tenant, extra[0], extra[1] if len(extra) > 1 else ""))
    document = {"tenants": [county]}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False), invites


class _DryRun(Exception):
    """Raised inside the preview's savepoint to undo its trial apply."""


async def preview(session: AsyncSession, text: str, *, actor: str) -> Preview:
    """What applying the manifest ``text`` would change; refusals surface here, nothing is kept.

    The apply itself runs inside a savepoint that is then rolled back: the plan it reports is the
    one the real apply would follow, and every check the real apply makes has been made.
    """
    tenants = manifest.parse_manifest(text)
    changes: list[manifest.Change] = []
    try:
        async with session.begin_nested():
            changes = await manifest.apply(session, tenants, actor=actor)
            raise _DryRun
    except _DryRun:
        pass
    return Preview(changes=changes, tenants=tenants, text=text)


async def apply(session: AsyncSession, text: str, *, actor: str) -> list[manifest.Change]:
    """Apply the manifest ``text`` (idempotent: an empty list when everything is as it says)."""
    return await manifest.apply(session, manifest.parse_manifest(text), actor=actor)
