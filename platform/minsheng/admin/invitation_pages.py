"""The invitee's page: see what the invitation offers, choose a user name and a password."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.links import NO_REFERRER
from minsheng.admin import invitations
from minsheng.errors import DomainError, InvalidInput
from minsheng.i18n import translate
from minsheng.permissions import ROLE_LABELS
from minsheng.web.templating import render, request_locale


@get("/invitations/{token:str}", include_in_schema=False)
async def invitation_form(request: Request[Any, Any, Any], token: str, db_session: AsyncSession) -> Template:
    """The acceptance form (404 page when the invitation is unknown, expired or used)."""
    row, tenant = await invitations.find_usable(db_session, token)
    values = {"username": row.username or "", "display_name": row.display_name}
    context: dict[str, Any] = {"invitation": row, "tenant": tenant, "values": values, "role_labels": ROLE_LABELS}
    return render(request, "admin/invitation.html", headers=NO_REFERRER, error=None, **context)


@post("/invitations/{token:str}", include_in_schema=False, status_code=200)
async def invitation_accept(request: Request[Any, Any, Any], token: str, db_session: AsyncSession) -> Template:
    """Accept: the account is created (or joined) with the invitation's roles; then log in."""
    form = await request.form()
    values = {name: str(form.get(name) or "")[:100] for name in ("username", "display_name")}
    password = str(form.get("password") or "")[:256]
    try:
        if password != str(form.get("password_again") or "")[:256]:
            raise InvalidInput("The two passwords differ")
        user, tenant, roles = await invitations.accept(
            db_session, token, values["username"], password, values["display_name"]
        )
    except DomainError as exc:
        await db_session.rollback()
        row, tenant = await invitations.find_usable(db_session, token)
        message = translate(exc.message, request_locale(request), **exc.params)
        return render(
            request,
            "admin/invitation.html",
            status_code=exc.status_code,
            invitation=row,
            tenant=tenant,
            values=values,
            error=message,
            role_labels=ROLE_LABELS,
        )
    return render(
        request, "admin/invitation_done.html", status_code=201, tenant=tenant, username=user.username, roles=roles
    )


ROUTES: list[Any] = [invitation_form, invitation_accept]
