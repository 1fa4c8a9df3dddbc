"""A chain anchored outside the database: whoever can rewrite the audit table can cut the chain's end or
change an event and recompute every digest after it, and the chain alone then looks whole; a signed
checkpoint a user kept (from the public portal's API) finds both."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from minsheng.audit import services as audit
from minsheng.audit.chain import canonical_bytes
from minsheng.audit.services import sha256_hex
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.testing import Api, cli_environment, run_minsheng


def _verify(api: Api, *args: str) -> tuple[int, str]:
    return run_minsheng(["verify", *args], cli_environment(api.services.settings))


async def _tenant_with_events(api: Api, slug: str, members: int) -> str:
    await api.create_tenant(slug, "province")
    for number in range(members):
        await api.add_member(slug, f"{slug}-user-{number}", ["tenant_admin"])
    headers = await api.headers(f"{slug}-user-0")
    return str((await api.client.get(f"/api/v1/t/{slug}/", headers=headers)).json()["id"])


async def _sign_head(api: Api, tenant_id: str, slug: str) -> None:
    import uuid

    with tenant_scope(TenantRef(uuid.UUID(tenant_id), slug)):
        async with api.services.database.session() as session:
            await rebind_tenant(session)
            await audit.checkpoint(session, "daily")


async def _owner_sql(api: Api, statement: str, **params: Any) -> list[Any]:
    """Run SQL as the tables' owner, behind the app's back (what a database owner could do)."""
    settings = api.services.settings
    engine = create_async_engine(settings.migration_database_url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


def _key(api: Api, tenant_id: str) -> str:
    return tenant_id if api.services.settings.is_postgres else tenant_id.replace("-", "")


async def _kept_checkpoint(api: Api, slug: str, folder: Path) -> Path:
    """What a citizen does: download the newest checkpoint from the portal's API and keep the file."""
    response = await api.client.get(f"/api/v1/t/{slug}/public/checkpoints/latest")
    assert response.status_code == 200, response.text
    kept = folder / f"{slug}-checkpoint.json"
    kept.write_text(response.text)
    return kept


async def test_deleting_the_last_three_events_is_found_against_a_kept_checkpoint(api: Api, tmp_path: Path) -> None:
    tenant_id = await _tenant_with_events(api, "cut", members=6)  # 7 events
    await _sign_head(api, tenant_id, "cut")
    kept = await _kept_checkpoint(api, "cut", tmp_path)
    assert json.loads(kept.read_text())["seq"] == 7

    code, output = await asyncio.to_thread(_verify, api, "--tenant", "cut", "--checkpoint", str(kept))
    assert code == 0 and "OK: 7 events" in output, output

    # The owner deletes the last three events and every stored checkpoint: the chain alone looks whole.
    where = "tenant_id = CAST(:t AS uuid)" if api.services.settings.is_postgres else "tenant_id = :t"
    await _owner_sql(api, f"DELETE FROM audit_events WHERE {where} AND seq > 4", t=_key(api, tenant_id))
    await _owner_sql(api, f"DELETE FROM audit_checkpoints WHERE {where}", t=_key(api, tenant_id))
    code, output = await asyncio.to_thread(_verify, api, "--tenant", "cut")
    assert code == 0 and "OK: 4 events" in output, output

    code, output = await asyncio.to_thread(_verify, api, "--tenant", "cut", "--checkpoint", str(kept))
    assert code == 1
    assert "BROKEN at event 7" in output and "ends at event 4" in output


async def test_a_changed_event_with_recomputed_digests_is_found_against_a_kept_checkpoint(
    api: Api, tmp_path: Path
) -> None:
    tenant_id = await _tenant_with_events(api, "rewrite", members=5)  # 6 events
    await _sign_head(api, tenant_id, "rewrite")
    kept = await _kept_checkpoint(api, "rewrite", tmp_path)

    # The owner changes event 3 and recomputes every digest from there: a consistent, forged chain.
    where = "tenant_id = CAST(:t AS uuid)" if api.services.settings.is_postgres else "tenant_id = :t"
    columns = "seq, occurred_at, actor, action, subject, payload, algorithm, prev_digest, digest"
    rows = await _owner_sql(
        api, f"SELECT {columns} FROM audit_events WHERE {where} ORDER BY seq", t=_key(api, tenant_id)
    )
    events = [dict(zip(columns.split(", "), row, strict=True)) for row in rows]
    previous = events[1]["digest"]
    for event in events[2:]:
        if isinstance(event["payload"], str):
            event["payload"] = json.loads(event["payload"])
        if event["seq"] == 3:
            event["subject"] = "someone-else"
        event["prev_digest"] = previous
        event["digest"] = sha256_hex(canonical_bytes(event))
        previous = event["digest"]
        await _owner_sql(
            api,
            f"UPDATE audit_events SET subject = :s, prev_digest = :p, digest = :d WHERE {where} AND seq = :q",
            s=event["subject"],
            p=event["prev_digest"],
            d=event["digest"],
            q=event["seq"],
            t=_key(api, tenant_id),
        )
    await _owner_sql(api, f"DELETE FROM audit_checkpoints WHERE {where}", t=_key(api, tenant_id))
    code, output = await asyncio.to_thread(_verify, api, "--tenant", "rewrite")
    assert code == 0, "without a kept checkpoint the recomputed chain passes: that is why checkpoints exist"

    code, output = await asyncio.to_thread(_verify, api, "--tenant", "rewrite", "--checkpoint", str(kept))
    assert code == 1
    assert "BROKEN at event 6" in output and "differs from the one the checkpoint signed" in output


async def test_a_checkpoint_signed_by_another_key_is_not_trusted(api: Api, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from minsheng.audit.signing import CheckpointSigner, public_key_text

    tenant_id = await _tenant_with_events(api, "forged", members=2)
    await _sign_head(api, tenant_id, "forged")
    kept = json.loads((await _kept_checkpoint(api, "forged", tmp_path)).read_text())
    forger = CheckpointSigner(Ed25519PrivateKey.generate())
    forged = {**kept, "key_id": forger.key_id, "public_key": public_key_text(forger.public)}
    forged["signature"] = forger.sign(forged)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    code, output = await asyncio.to_thread(_verify, api, "--tenant", "forged", "--checkpoint", str(path))
    assert code == 1 and "does not verify with a trusted key" in output


async def test_a_round_close_signs_the_head_and_the_export_carries_the_checkpoints(api: Api, tmp_path: Path) -> None:
    tenant_id = await _tenant_with_events(api, "exported", members=2)
    import uuid

    with tenant_scope(TenantRef(uuid.UUID(tenant_id), "exported")):
        async with api.services.database.session() as session:
            await rebind_tenant(session)
            await audit.record(session, "round.closed", actor="presidium", subject="round")
    points = (await api.client.get("/api/v1/t/exported/public/checkpoints")).json()
    assert [p["reason"] for p in points] == ["round.closed"] and points[0]["seq"] == 4

    headers = await api.headers("exported-user-0")
    job_id = (await api.client.post("/api/v1/t/exported/audit/exports", headers=headers)).json()["job_id"]
    await api.services.dispatcher.drain()
    job = (await api.client.get(f"/api/v1/t/exported/jobs/{job_id}", headers=headers)).json()
    download = await api.client.get(f"/api/v1/t/exported/files/{job['result']['file_id']}", headers=headers)
    document = json.loads(download.content)
    assert document["checkpoints"] == points
    path = tmp_path / "chain.json"
    document["events"] = document["events"][:2]
    path.write_text(json.dumps(document, ensure_ascii=False))
    code, output = await asyncio.to_thread(_verify, api, str(path), "--public-key", points[0]["public_key"])
    assert code == 1 and "ends at event 2" in output
