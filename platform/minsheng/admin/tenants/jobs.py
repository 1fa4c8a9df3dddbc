"""Background work of the tenant tree: exporting a whole tenant for an operator."""

from __future__ import annotations

from typing import Any

from minsheng.admin.tenants.archive import export_tenant
from minsheng.i18n import msgid
from minsheng.jobs.registry import JobContext, PermanentFailure, job
from minsheng.storage import make_object_store
from minsheng.tenancy import services as tenancy


def export_key(job_id: object, slug: str) -> str:
    """Where a tenant export is kept: under the platform's prefix, so deleting the tenant keeps it."""
    return f"platform/exports/{job_id}/{slug}.zip"


@job("tenancy.export", title=msgid("Exporting the tenant's data"))
async def export(ctx: JobContext, slug: str) -> dict[str, Any]:
    """Write the tenant's export zip to object storage (rows, files, audit chain). Idempotent."""
    tenant = await tenancy.find_by_slug(ctx.session, slug)
    if tenant is None:
        raise PermanentFailure(f"no tenant {slug}")
    store = make_object_store(ctx.settings)
    data, summary = await export_tenant(ctx.session, store, tenant)
    key = export_key(ctx.job_id, slug)
    await store.put(key, data, "application/zip")
    await ctx.progress(1, 1)
    return {"key": key, "sha256": summary.sha256, "tables": summary.tables, "objects": summary.objects, "slug": slug}
