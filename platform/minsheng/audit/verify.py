"""``minsheng verify``: recompute a tenant's audit chain from the database or from an export, offline."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from minsheng.audit.chain import ChainBreak, check_checkpoints
from minsheng.audit.services import chain_events, checkpoints, verify_events
from minsheng.audit.signing import key_id, parse_public_key, signature_is_valid
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
    checkpoints: int = 0

    @property
    def summary(self) -> str:
        if self.broken is None:
            against = f", {self.checkpoints} signed checkpoints held" if self.checkpoints else ""
            return f"OK: {self.events} events, chain head {self.head}{against}"
        return f"BROKEN at event {self.broken.seq}: {self.broken.reason}"


def known_algorithms() -> dict[str, Callable[[bytes], str]]:
    """Every digest algorithm an installed plugin offers (the verifier follows each event's own)."""
    from minsheng.plugins.manager import digest_algorithms

    return digest_algorithms()


def trusted_check(public_keys: Iterable[str]) -> Callable[[Mapping[str, Any]], bool]:
    """A signature check accepting checkpoints signed by one of ``public_keys`` (base64) only."""
    keys = {key_id(key): key for key in (parse_public_key(text) for text in public_keys)}

    def authentic(point: Mapping[str, Any]) -> bool:
        key = keys.get(str(point.get("key_id")))
        return key is not None and signature_is_valid(dict(point), key)

    return authentic


def result_for(
    events: list[dict[str, Any]],
    checkpoints: Sequence[Mapping[str, Any]] = (),
    public_keys: Iterable[str] = (),
) -> VerifyResult:
    """The chain verified on its own, then against ``checkpoints`` signed by one of ``public_keys``."""
    broken = verify_events(events, known_algorithms())
    if broken is None and checkpoints:
        broken = check_checkpoints(events, checkpoints, trusted_check(public_keys))
    head = events[-1]["digest"] if events else ""
    return VerifyResult(ok=broken is None, events=len(events), broken=broken, head=head, checkpoints=len(checkpoints))


def verify_export(
    document: dict[str, Any], held: Sequence[Mapping[str, Any]] = (), public_keys: Iterable[str] = ()
) -> VerifyResult:
    """Verify an exported chain (``{"events": [...], "checkpoints": [...]}``, as the audit export
    writes it) against its own checkpoints and the ones the user ``held``, signed by ``public_keys``."""
    points = [*(document.get("checkpoints") or []), *held]
    return result_for(list(document.get("events") or []), points, public_keys)


async def verify_database_chain(
    settings: Settings,
    slug: str | None,
    held: Sequence[Mapping[str, Any]] = (),
    public_keys: Iterable[str] = (),
) -> VerifyResult:
    """Read a tenant's chain (or the platform's, for ``None``) and verify it, against the checkpoints
    the user ``held`` (signed by one of ``public_keys``) besides those stored with it."""
    database = Database(settings)
    try:
        async with database.session() as session:
            if slug is None:
                return result_for(await chain_events(session, None))
            tenant = await tenancy.get_by_slug(session, slug)
            with tenant_scope(TenantRef(tenant.id, tenant.slug)):
                await rebind_tenant(session)
                stored = await checkpoints(session)
                return result_for(await chain_events(session, tenant.id), [*stored, *held], public_keys)
    finally:
        await database.dispose()


def dumps_export(events: list[dict[str, Any]], **meta: Any) -> bytes:
    """The export file of a chain, read back by ``verify_export``."""
    return json.dumps({**meta, "events": events}, ensure_ascii=False, indent=1).encode("utf-8")
