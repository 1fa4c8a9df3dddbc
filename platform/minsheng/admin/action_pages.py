"""The console's forms on one tenant: suspend, resume, export, delete, roles and invitations.

Each is a CSRF-protected POST calling the same service as the API (so it is audited the same way),
then redirects back, or re-shows the page with the refusal.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.admin import invitations, members
from minsheng.admin.console import console_page, operator_or_redirect
from minsheng.admin.pages import detail_page
from minsheng.admin.tenants import archive, lifecycle
from minsheng.errors import DomainError, NotFound
from minsheng.http.dependencies import services
from minsheng.i18n import translate
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import enqueue
from minsheng.storage.keys import content_disposition
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.configuration import membership_roles
from minsheng.tenancy.models import TenantStatus
from minsheng.web.templating import request_locale


def _back(slug: str, done: str) -> Redirect:
    return Redirect(f"/admin/tenants/{slug}?done={done}", status_code=303)


async def _refused(
    request: Request[Any, Any, Any], state: State, db: AsyncSession, user: Principal, slug: str, exc: DomainError
) -> Response[Any]:
    # The failed change is undone; the page is shown again from what is stored.
    await db.rollback()
    message = translate(exc.message, request_locale(request), **exc.params)
    return await detail_page(request, state, db, user, slug, status_code=exc.status_code, error=message)


@post("/admin/tenants/{slug:str}/{action:str}", include_in_schema=False, status_code=303)
async def tenant_action(
    request: Request[Any, Any, Any],
    slug: str,
    action: str,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """Suspend, resume, export or delete (the slug typed again) a tenant."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    form = await request.form()
    try:
        if action in ("suspend", "resume"):
            status = TenantStatus.SUSPENDED if action == "suspend" else TenantStatus.ACTIVE
            await lifecycle.set_status(db_session, slug, status, actor=gate.username)
            return _back(slug, "suspended" if action == "suspend" else "resumed")
        if action == "exports":
            await tenancy.get_by_slug(db_session, slug)
            job = enqueue(db_session, "tenancy.export", {"slug": slug})
            return Redirect(f"/admin/jobs/{job.id}", status_code=303)
        if action == "delete":
            # The service re-adds the figures above the deleted tenant (archive.delete_tenant).
            store = services(state).store
            await archive.delete_tenant(
                db_session, store, slug, confirm=str(form.get("confirm") or ""), actor=gate.username
            )
            return Redirect("/admin/tenants?done=deleted", status_code=303)
    except DomainError as exc:
        return await _refused(request, state, db_session, gate, slug, exc)
    raise NotFound("Not found")


@post("/admin/tenants/{slug:str}/invitations", include_in_schema=False, status_code=200)
async def tenant_invite(
    request: Request[Any, Any, Any],
    slug: str,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """Invite a person to the tenant with roles; the page shows the link once.

    A route of its own: the path's last segment is also the start of the revoke route's, so the
    router would never hand it to ``tenant_action``.
    """
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    form = await request.form()
    try:
        tenant = await tenancy.get_by_slug(db_session, slug)
        hours = str(form.get("valid_hours") or "168")
        _row, token = await invitations.invite(
            db_session,
            tenant,
            [str(r) for r in form.getall("roles", [])],
            known_roles=await membership_roles(db_session, tenant),
            actor=gate.username,
            display_name=str(form.get("display_name") or ""),
            username=str(form.get("username") or "").strip() or None,
            valid_hours=int(hours) if hours.isdigit() else 0,
        )
    except DomainError as exc:
        return await _refused(request, state, db_session, gate, slug, exc)
    link = f"{request.base_url}".rstrip("/") + invitations.invitation_path(token)
    await db_session.flush()
    return await detail_page(request, state, db_session, gate, slug, created_link=link)


@post("/admin/tenants/{slug:str}/members/{username:str}", include_in_schema=False, status_code=303)
async def member_roles(
    request: Request[Any, Any, Any],
    slug: str,
    username: str,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """Replace a member's roles."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    roles = [str(r) for r in (await request.form()).getall("roles", [])]
    try:
        tenant = await tenancy.get_by_slug(db_session, slug)
        known = await membership_roles(db_session, tenant)
        await members.set_roles(db_session, tenant, username, roles, actor=gate.username, known_roles=known)
    except DomainError as exc:
        return await _refused(request, state, db_session, gate, slug, exc)
    return _back(slug, "roles")


@post("/admin/tenants/{slug:str}/members/{username:str}/remove", include_in_schema=False, status_code=303)
async def member_remove(
    request: Request[Any, Any, Any],
    slug: str,
    username: str,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """Take a member's roles away."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    tenant = await tenancy.get_by_slug(db_session, slug)
    await members.remove(db_session, tenant, username, actor=gate.username)
    return _back(slug, "removed")


@post("/admin/tenants/{slug:str}/invitations/{invitation_id:uuid}/revoke", include_in_schema=False, status_code=303)
async def invitation_revoke(
    request: Request[Any, Any, Any],
    slug: str,
    invitation_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """Revoke an unused invitation."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    try:
        tenant = await tenancy.get_by_slug(db_session, slug)
        await invitations.revoke(db_session, tenant, invitation_id, actor=gate.username)
    except DomainError as exc:
        return await _refused(request, state, db_session, gate, slug, exc)
    return _back(slug, "revoked")


@get("/admin/jobs/{job_id:uuid}", include_in_schema=False)
async def platform_job(
    request: Request[Any, Any, Any], job_id: uuid.UUID, db_session: AsyncSession, principal: Principal | None
) -> Response[Any]:
    """A platform job (an export): its progress, re-polled every two seconds, then its download."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    job = await db_session.get(Job, job_id)
    if job is None or job.tenant_id is not None:
        raise NotFound("Not found")
    finished = job.status in (JobStatus.DONE, JobStatus.FAILED)
    template = "admin/job_fragment.html" if request.headers.get("hx-request") else "admin/job.html"
    return console_page(request, template, gate, job=job, finished=finished)


@get("/admin/exports/{job_id:uuid}", include_in_schema=False)
async def export_download(
    request: Request[Any, Any, Any],
    job_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
    principal: Principal | None,
) -> Response[Any]:
    """The zip of a finished export, for the signed-in operator."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    job = await db_session.get(Job, job_id)
    if job is None or job.name != "tenancy.export" or not job.result:
        raise NotFound("Not found")
    data = await services(state).store.get(job.result["key"])
    disposition = content_disposition(f"{job.result['slug']}.zip")
    return Response(data, media_type="application/zip", headers={"content-disposition": disposition})


ROUTES: list[Any] = [
    tenant_action,
    tenant_invite,
    member_roles,
    member_remove,
    invitation_revoke,
    platform_job,
    export_download,
]
