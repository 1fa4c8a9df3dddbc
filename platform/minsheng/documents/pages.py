"""The staff page of documents (desktop, cookie login): order one, then follow its job and download it.

The same use cases as the JSON API (``documents/controllers.py``): the form posts to
``request_document`` and the job page (``/t/{slug}/jobs/{id}``) shows the file once it is made.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents import services as documents
from minsheng.errors import Forbidden, InvalidInput
from minsheng.http.dependencies import TenantAccess, provide_tenant_access, services
from minsheng.http.listing import posted_form
from minsheng.web.templating import render

MEMBERS = {"access": Provide(provide_tenant_access)}
RECENT = 50


@get("/t/{slug:str}/staff/documents", include_in_schema=False, dependencies=MEMBERS)
async def documents_page(request: Request[Any, Any, Any], access: TenantAccess, db_session: AsyncSession) -> Template:
    """The kinds the caller may order (with their subjects and formats) and the latest documents."""
    user = access.require(*documents.READERS)
    kinds = documents.kinds_for(access.roles, platform_admin=user.is_platform_admin)
    subjects = {k.code: await k.list_subjects(db_session) for k in kinds if k.list_subjects is not None}
    rows, total = await documents.list_documents(
        db_session, kinds=[k.code for k in kinds], subject_id=None, fmt=None, page=1, per_page=RECENT
    )
    return render(
        request,
        "staff/documents.html",
        tenant=access.tenant,
        user=user,
        kinds=kinds,
        subjects=subjects,
        documents=rows,
        total=total,
        labels={k.code: k.label for k in kinds},
    )


@post("/t/{slug:str}/staff/documents", include_in_schema=False, dependencies=MEMBERS)
async def order_action(
    request: Request[Any, Any, Any], access: TenantAccess, state: State, db_session: AsyncSession
) -> Redirect:
    """Order a document (as ``POST /documents``) and go to its job, which links the file when done."""
    user = access.require(*documents.READERS)
    form = await posted_form(request)
    subject = str(form.get("subject_id") or "").strip()
    try:
        subject_id = uuid.UUID(subject) if subject else None
    except ValueError as exc:
        raise InvalidInput("Choose what the document is about from the list") from exc
    request_ = documents.check_request(str(form.get("kind") or ""), subject_id, str(form.get("format") or "") or None)
    if not user.is_platform_admin and not access.roles.intersection(request_.kind.roles):
        raise Forbidden("You do not have the role needed for this action")
    job = await documents.request_document(
        db_session,
        access.hooks.tenant,
        request_,
        actor=user.username,
        public_url=services(state).settings.public_url,
    )
    return Redirect(f"/t/{access.tenant.slug}/jobs/{job.id}", status_code=303)


ROUTES: list[Any] = [documents_page, order_action]
