"""What the office's pages share: their layout's context, messages after a change, refusals shown."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError, InvalidFields
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope
from minsheng.i18n import msgid, translate
from minsheng.permissions import role_labels
from minsheng.web.templating import request_locale

#: Messages shown after a change redirected back (``?done=``): fixed codes, never text from the URL.
DONE = {
    "added": msgid("The user has been added"),
    "roles": msgid("The roles have been saved"),
    "disabled": msgid("The account is disabled and its logins have ended"),
    "enabled": msgid("The account is enabled again"),
    "removed": msgid("The user no longer belongs to this congress"),
    "revoked": msgid("The invitation has been revoked"),
    "places": msgid("The places have been saved"),
    "negative_list": msgid("The negative list has been saved"),
    "settings": msgid("The settings have been saved"),
}


def back(path: str, done: str) -> Redirect:
    return Redirect(f"{path}?done={done}", status_code=303)


def office_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    template: str,
    /,
    *,
    status_code: int = 200,
    done: str | None = None,
    **context: Any,
) -> Template:
    """An office page with the tenant's role labels and the message of ``?done=``, if any."""
    return render_tenant_page(
        request,
        access,
        template,
        status_code=status_code,
        role_labels=role_labels(access.hooks.role_grants()),
        done_message=DONE.get(done or ""),
        **context,
    )


async def refusal(request: Request[Any, Any, Any], db_session: AsyncSession, error: DomainError) -> dict[str, Any]:
    """Undo the refused change and describe it for the page: ``error`` (translated) and, for a form
    whose fields were checked one by one, ``field_errors`` ({field: translated reason})."""
    await db_session.rollback()
    locale = request_locale(request)
    fields = {}
    if isinstance(error, InvalidFields):
        fields = {p.key: translate(p.reason.message, locale, **p.reason.params) for p in error.problems}
    return {
        "error": translate(error.message, locale, **error.params),
        "field_errors": fields,
        "status_code": error.status_code,
    }
