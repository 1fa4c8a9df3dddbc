"""``minsheng verify``: recompute a tenant's audit chain from the database or from an export, offline."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from minsheng.audit.chain import ChainBreak
from minsheng.audit.services import chain_events, verify_events
from minsheng.db.session import Database
from minsheng.settings import Settings
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    broken: ChainBreak | None
    head: str

    @property
    def summary(self) -> str:
        if self.broken is None:
            return f"OK: {self.events} events, chain head {self.head}"
        return f"BROKEN at event {self.broken.seq}: {self.broken.reason}"


def known_algorithms() -> dict[str, Callable[[bytes], str]]:
    """Every digest algorithm an installed plugin offers (the verifier follows each event's own)."""
    from minsheng.plugins.manager import digest_algorithms

    return digest_algorithms()


def result_for(events: list[dict[str, Any]]) -> VerifyResult:
    broken = verify_events(events, known_algorithms())
    head = events[-1]["digest"] if events else ""
    return VerifyResult(ok=broken is None, events=len(events), broken=broken, head=head)


def verify_export(document: dict[str, Any]) -> VerifyResult:
    """Verify an exported chain: ``{"events": [...]}`` as written by the audit export."""
    return result_for(list(document.get("events") or []))


async def verify_database_chain(settings: Settings, slug: str | None) -> VerifyResult:
    """Read a tenant's chain (or the platform's, for ``None``) and verify it."""
    database = Database(settings)
    try:
        async with database.session() as session:
            if slug is None:
                return result_for(await chain_events(session, None))
            tenant = await tenancy.get_by_slug(session, slug)
            with tenant_scope(TenantRef(tenant.id, tenant.slug)):
                await rebind_tenant(session)
                return result_for(await chain_events(session, tenant.id))
    finally:
        await database.dispose()


def dumps_export(events: list[dict[str, Any]], **meta: Any) -> bytes:
    """The export file of a chain, read back by ``verify_export``."""
    return json.dumps({**meta, "events": events}, ensure_ascii=False, indent=1).encode("utf-8")
