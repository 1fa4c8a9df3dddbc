"""Background work of the audit context: exporting a tenant's chain for offline verification."""

from __future__ import annotations

from typing import Any

from minsheng.audit.services import chain_events
from minsheng.audit.verify import dumps_export
from minsheng.files import services as files
from minsheng.jobs.registry import JobContext, job
from minsheng.storage import make_object_store


@job("audit.export")
async def export_chain(ctx: JobContext, requested_by: str = "system") -> dict[str, Any]:
    """Write the tenant's whole chain to a JSON file in object storage (``minsheng verify FILE``).

    Idempotent: a second run writes another copy of the same chain and reports that one.
    """
    events = await chain_events(ctx.session, ctx.tenant_id)
    await ctx.progress(len(events), len(events))
    store = make_object_store(ctx.settings)
    row = await files.save_generated(
        ctx.session,
        store,
        dumps_export(events, tenant_id=str(ctx.tenant_id)),
        folder="exports",
        filename=f"audit-chain-{ctx.job_id}.json",
        content_type="application/json",
        created_by=requested_by,
    )
    return {"file_id": str(row.id), "events": len(events), "head": events[-1]["digest"] if events else None}
