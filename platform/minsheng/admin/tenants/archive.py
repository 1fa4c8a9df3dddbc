"""Export, delete and import one tenant: its rows, its files and its audit chain.

An export is a zip: ``manifest.json`` (the tenant, every table's row count and digest, every object's
digest, the chain head), ``tables/<name>.jsonl`` and ``objects/<key>``. Importing it recreates the tenant
with its original id, so object keys and the audit chain are exactly as they were and still verify.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import __version__
from minsheng.accounts.models import Membership, User
from minsheng.admin.tenants.archive_codec import decode_row, encode_row
from minsheng.audit import services as audit
from minsheng.db.base import Base, tenant_tables, utcnow
from minsheng.errors import Conflict, InvalidInput
from minsheng.jobs.models import Job
from minsheng.oversight import tracking
from minsheng.secrecy.custody import tenant_keys
from minsheng.storage import ObjectStore, tenant_prefix
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.tenancy.models import Tenant

FORMAT = "minsheng-tenant-export/1"
TENANTS = cast(Table, Tenant.__table__)


@dataclass(frozen=True)
class ExportSummary:
    slug: str
    tables: dict[str, int]
    objects: int
    sha256: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tables_in_order() -> list[Table]:
    """Tenant tables, parents before children (the order rows can be inserted in)."""
    scoped = set(tenant_tables())
    return [t for t in Base.metadata.sorted_tables if t.name in scoped]


async def export_tenant(session: AsyncSession, store: ObjectStore, tenant: Tenant) -> tuple[bytes, ExportSummary]:
    """The tenant's export zip and its summary. Reads under the tenant's own scope (RLS included)."""
    ref = TenantRef(tenant.id, tenant.slug)
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "platform_version": __version__,
        "exported_at": utcnow().isoformat(),
        "tenant": encode_row(TENANTS, (await session.execute(select(TENANTS).where(TENANTS.c.id == tenant.id))).one()),
        "tables": {},
        "objects": {},
    }
    members = await session.execute(
        select(User.username, Membership.roles)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant.id)
    )
    manifest["memberships"] = [{"username": u, "roles": r} for u, r in members]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, tenant_scope(ref):
        await rebind_tenant(session)
        for table in _tables_in_order():
            rows = await session.execute(select(table).where(table.c.tenant_id == tenant.id))
            lines = [json.dumps(encode_row(table, row), ensure_ascii=False, sort_keys=True) for row in rows]
            data = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
            archive.writestr(f"tables/{table.name}.jsonl", data)
            manifest["tables"][table.name] = {"rows": len(lines), "sha256": _sha256(data)}
        manifest["chain_head"] = await audit.chain_head(session)
        for key in await store.list(tenant_prefix(tenant.id)):
            content = await store.get(key)
            archive.writestr(f"objects/{key}", content)
            manifest["objects"][key] = _sha256(content)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    await rebind_tenant(session)
    data = buffer.getvalue()
    summary = ExportSummary(
        slug=tenant.slug,
        tables={name: info["rows"] for name, info in manifest["tables"].items()},
        objects=len(manifest["objects"]),
        sha256=_sha256(data),
    )
    return data, summary


async def delete_tenant(
    session: AsyncSession, store: ObjectStore, slug: str, *, confirm: str, actor: str
) -> dict[str, int]:
    """Delete a tenant, its rows and its files, after the operator typed its slug to confirm.

    Refused while it has child tenants (delete them first). Audited in the platform's chain, with the
    number of rows and files removed; the tenant's own chain goes with it (export it first).
    """
    tenant = await tenancy.get_by_slug(session, slug)
    if confirm != slug:
        raise InvalidInput("Type the slug {slug} to confirm the deletion", slug=slug)
    children = (
        await session.execute(select(func.count()).select_from(Tenant).where(Tenant.parent_id == tenant.id))
    ).scalar_one()
    if children:
        raise Conflict("{slug} still has {count} subordinate tenants; delete them first", slug=slug, count=children)
    counts: dict[str, int] = {}
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        await rebind_tenant(session)
        for table in _tables_in_order():
            counts[table.name] = (
                await session.execute(select(func.count()).select_from(table).where(table.c.tenant_id == tenant.id))
            ).scalar_one()
    await rebind_tenant(session)
    keys = await store.list(tenant_prefix(tenant.id))
    await session.execute(delete(Job).where(Job.tenant_id == tenant.id))
    # Tenant rows go by the foreign keys' ON DELETE CASCADE (run with the owner's rights, so the
    # append-only audit table and row-level security do not stand in the way).
    await session.execute(delete(Tenant).where(Tenant.id == tenant.id))
    if tenant.parent_id is not None:
        # The figures above it must drop the deleted subtree: re-add the parent's (and up).
        tracking.enqueue_rollup(session, tenant.parent_id)
    await audit.record_platform(
        session,
        "tenant.deleted",
        actor=actor,
        subject=slug,
        payload={"tenant_id": str(tenant.id), "rows": counts, "objects": len(keys)},
    )
    await session.flush()
    if keys:
        await store.delete_prefix(tenant_prefix(tenant.id))
    # The keys of its open rounds and evaluations go too: nothing is left that opens a sealed choice.
    await store.delete_prefix(tenant_keys(tenant.id))
    return {"rows": sum(counts.values()), "objects": len(keys)}


def read_export(data: bytes) -> tuple[dict[str, Any], zipfile.ZipFile]:
    """Open an export and check every digest in its manifest; refuse anything that does not match."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput("The file is not a tenant export") from exc
    if manifest.get("format") != FORMAT:
        raise InvalidInput("The file is not a tenant export")
    for name, info in manifest["tables"].items():
        if _sha256(archive.read(f"tables/{name}.jsonl")) != info["sha256"]:
            raise InvalidInput("The export is damaged: {part} does not match its digest", part=name)
    for key, digest in manifest["objects"].items():
        if _sha256(archive.read(f"objects/{key}")) != digest:
            raise InvalidInput("The export is damaged: {part} does not match its digest", part=key)
    return manifest, archive


async def import_tenant(session: AsyncSession, store: ObjectStore, data: bytes, *, actor: str) -> Tenant:
    """Recreate an exported tenant under its original id and slug (409 when either exists)."""
    manifest, archive = read_export(data)
    row = decode_row(TENANTS, manifest["tenant"])
    if await session.get(Tenant, row["id"]) is not None or await tenancy.find_by_slug(session, row["slug"]):
        raise Conflict("A tenant with the slug {slug} already exists", slug=row["slug"])
    if row["parent_id"] is not None and await session.get(Tenant, row["parent_id"]) is None:
        raise InvalidInput("The parent tenant of {slug} no longer exists", slug=row["slug"])
    await session.execute(insert(TENANTS).values(**row))
    tenant_id: uuid.UUID = row["id"]
    known = {t.name: t for t in _tables_in_order()}
    with tenant_scope(TenantRef(tenant_id, row["slug"])):
        await rebind_tenant(session)
        for name in [t.name for t in _tables_in_order() if t.name in manifest["tables"]]:
            lines = archive.read(f"tables/{name}.jsonl").decode("utf-8").splitlines()
            rows = [decode_row(known[name], json.loads(line)) for line in lines if line]
            if any(r.get("tenant_id") != tenant_id for r in rows):
                raise InvalidInput("The export is damaged: {part} does not match its digest", part=name)
            if rows:
                await session.execute(insert(known[name]), rows)
    await rebind_tenant(session)
    for item in manifest.get("memberships", []):
        user = (await session.execute(select(User).where(User.username == item["username"]))).scalar_one_or_none()
        if user is not None:
            session.add(Membership(tenant_id=tenant_id, user_id=user.id, roles=list(item["roles"])))
    for key in manifest["objects"]:
        if not key.startswith(tenant_prefix(tenant_id)):
            raise InvalidInput("The export is damaged: {part} does not match its digest", part=key)
        await store.put(key, archive.read(f"objects/{key}"), "application/octet-stream")
    # Its rows came in without the ORM, so no change enqueued its roll-up: its own figures, and the
    # subtree figures of every tenant above it, are recounted now.
    tracking.enqueue_rollup(session, tenant_id)
    await audit.record_platform(
        session,
        "tenant.imported",
        actor=actor,
        subject=row["slug"],
        payload={"tenant_id": str(tenant_id), "tables": {n: i["rows"] for n, i in manifest["tables"].items()}},
    )
    await session.flush()
    tenant = await session.get(Tenant, tenant_id)
    assert tenant is not None
    return tenant
