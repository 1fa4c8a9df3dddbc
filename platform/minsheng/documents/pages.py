"""The staff page of documents (desktop, cookie login): order one, then follow its job and download it.

The same use cases as the JSON API (``documents/controllers.py``): the form posts to
``request_document`` and the job page (``/t/{slug}/jobs/{id}``) shows the file once it is made.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents import services as documents
from minsheng.errors import InvalidInput
from minsheng.http.dependencies import services
from minsheng.http.listing import posted_form
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission

RECENT = 50
#: The kinds that print the platform's address for citizens to scan.
PRINTS_PUBLIC_ADDRESS = ("qr_posters",)
_LOCAL_NAMES = ("localhost", "localhost.localdomain")


def unreachable_public_url(url: str | None) -> bool:
    """Whether citizens' phones could not open ``url`` (``MINSHENG_PUBLIC_URL``): unset, or an address
    of the server itself (loopback), so every QR code printed with it leads nowhere."""
    host = urlsplit(url or "").hostname
    if not host:
        return True
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


@requires(Permission.DOCUMENTS_ORDER)
@get("/t/{slug:str}/staff/documents", include_in_schema=False)
async def documents_page(
    request: Request[Any, Any, Any], access: TenantScope, state: State, db_session: AsyncSession
) -> Template:
    """The kinds the caller may order (with their subjects and formats) and the latest documents; a
    warning before printing posters whose QR codes would lead nowhere."""
    kinds = documents.kinds_for(access.permissions)
    subjects = {k.code: await k.list_subjects(db_session) for k in kinds if k.list_subjects is not None}
    rows, total = await documents.list_documents(
        db_session, kinds=[k.code for k in kinds], subject_id=None, fmt=None, page=1, per_page=RECENT
    )
    return render_tenant_page(
        request,
        access,
        "staff/documents.html",
        kinds=kinds,
        subjects=subjects,
        documents=rows,
        total=total,
        labels={k.code: k.label for k in kinds},
        public_url=services(state).settings.public_url,
        address_warning=unreachable_public_url(services(state).settings.public_url),
        prints_address=PRINTS_PUBLIC_ADDRESS,
    )


@requires(Permission.DOCUMENTS_ORDER)
@post("/t/{slug:str}/staff/documents", include_in_schema=False)
async def order_action(
    request: Request[Any, Any, Any], access: TenantScope, state: State, db_session: AsyncSession
) -> Redirect:
    """Order a document (as ``POST /documents``) and go to its job, which links the file when done."""
    form = await posted_form(request)
    subject = str(form.get("subject_id") or "").strip()
    try:
        subject_id = uuid.UUID(subject) if subject else None
    except ValueError as exc:
        raise InvalidInput("Choose what the document is about from the list") from exc
    request_ = documents.check_request(str(form.get("kind") or ""), subject_id, str(form.get("format") or "") or None)
    access.require(request_.kind.permission)
    job = await documents.request_document(
        db_session,
        access.hooks.tenant,
        request_,
        actor=access.user.username,
        public_url=services(state).settings.public_url,
    )
    return Redirect(f"/t/{access.tenant.slug}/jobs/{job.id}", status_code=303)


ROUTES: list[Any] = [documents_page, order_action]
