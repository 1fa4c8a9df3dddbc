"""The office's user pages: the list with the add form, one user (roles, disable, password link), the
invitations. A county's administrator also reaches its townships' users from here."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.links import link_path
from minsheng.admin import invitations, members
from minsheng.admin.office import accounts as office
from minsheng.admin.office.page_kit import back, office_page, refusal
from minsheng.errors import DomainError, NotFound
from minsheng.http.pages import form_list, form_text
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.tenancy import services as tenancy

P = Permission
PER_PAGE = 50


def _base(access: TenantScope) -> str:
    return f"/t/{access.tenant.slug}/office"


def _absolute(request: Request[Any, Any, Any], path: str) -> str:
    return str(request.base_url).rstrip("/") + path


async def _users_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    *,
    q: str = "",
    page: int = 1,
    done: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    rows, total = await members.list_members(db_session, access.tenant, page=page, per_page=PER_PAGE, q=q or None)
    lower, _ = await tenancy.list_tenants(db_session, page=1, per_page=200, parent_id=access.tenant.id)
    return office_page(
        request,
        access,
        "admin/office/users.html",
        status_code=status_code,
        done=done,
        section="users",
        members=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        q=q,
        roles=office.office_roles(access.hooks),
        lower=lower,
        **{"values": {}, "error": None, "field_errors": {}, **context},
    )


@requires(P.USERS_MANAGE)
@get("/t/{slug:str}/office/users", include_in_schema=False)
async def users_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    q: str | None = None,
    page: int = 1,
    done: str | None = None,
) -> Template:
    """The office's users with their roles, the form to add one, and (a county) its townships' offices."""
    return await _users_page(request, access, db_session, q=(q or "").strip()[:100], page=max(page, 1), done=done)


@requires(P.USERS_MANAGE)
@post("/t/{slug:str}/office/users", include_in_schema=False, status_code=303)
async def add_user(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Response[Any]:
    """Add a user: with an initial password, or (left empty) a one-time link shown once."""
    form = (await request.form()).dict()
    values: dict[str, Any] = {name: form_text(form, name, 100) for name in ("username", "display_name")}
    password = form_text(form, "password", 256) or None
    try:
        member, _created = await office.add_user(
            db_session,
            access.tenant,
            username=values["username"],
            password=password,
            display_name=values["display_name"],
            roles=form_list(form, "roles"),
            known_roles=office.office_roles(access.hooks),
            actor=access.user.username,
        )
        if password is None:
            _link, token = await office.reset_link(db_session, access.tenant, member.username, manager=access.user)
            return await _user_page(
                request, access, db_session, member.username, done="added", link=_absolute(request, link_path(token))
            )
    except DomainError as error:
        values["roles"] = form_list(form, "roles")
        shown = await refusal(request, db_session, error)
        return await _users_page(request, access, db_session, values=values, **shown)
    return back(f"{_base(access)}/users/{member.username}", "added")


async def _user_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    username: str,
    *,
    status_code: int = 200,
    done: str | None = None,
    **context: Any,
) -> Template:
    user, held = await members.member_account(db_session, access.tenant, username)
    return office_page(
        request,
        access,
        "admin/office/user.html",
        status_code=status_code,
        done=done,
        section="users",
        account=user,
        held=held,
        roles=office.office_roles(access.hooks),
        myself=user.id == access.user.user_id,
        **{"link": None, "error": None, **context},
    )


@requires(P.USERS_MANAGE)
@get("/t/{slug:str}/office/users/{username:str}", include_in_schema=False)
async def user_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    username: str,
    db_session: AsyncSession,
    done: str | None = None,
) -> Template:
    """One user: its roles, its account (disable, enable) and a one-time password link."""
    return await _user_page(request, access, db_session, username, done=done)


@requires(P.USERS_MANAGE)
@post("/t/{slug:str}/office/users/{username:str}/{action:str}", include_in_schema=False, status_code=303)
async def user_action(
    request: Request[Any, Any, Any], access: TenantScope, username: str, action: str, db_session: AsyncSession
) -> Response[Any]:
    """``roles`` (replace them), ``disable``, ``enable``, ``password-link`` (shown once) or ``remove``."""
    here = f"{_base(access)}/users/{username}"
    try:
        if action == "roles":
            roles = form_list((await request.form()).dict(), "roles")
            known = office.office_roles(access.hooks)
            await members.set_roles(
                db_session, access.tenant, username, roles, actor=access.user.username, known_roles=known
            )
            return back(here, "roles")
        if action in ("disable", "enable"):
            await office.set_active(db_session, access.tenant, username, action == "enable", manager=access.user)
            return back(here, "disabled" if action == "disable" else "enabled")
        if action == "password-link":
            _link, token = await office.reset_link(db_session, access.tenant, username, manager=access.user)
            return await _user_page(request, access, db_session, username, link=_absolute(request, link_path(token)))
        if action == "remove":
            await members.remove(db_session, access.tenant, username, actor=access.user.username)
            return back(f"{_base(access)}/users", "removed")
    except DomainError as error:
        shown = await refusal(request, db_session, error)
        return await _user_page(request, access, db_session, username, **shown)
    raise NotFound("Not found")


async def _invitations_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, **context: Any
) -> Template:
    rows, total = await invitations.list_invitations(db_session, access.tenant, page=1, per_page=PER_PAGE)
    return office_page(
        request,
        access,
        "admin/office/invitations.html",
        section="invitations",
        invitations=rows,
        total=total,
        roles=office.office_roles(access.hooks),
        **{"created_link": None, "error": None, "values": {}, **context},
    )


@requires(P.USERS_MANAGE)
@get("/t/{slug:str}/office/invitations", include_in_schema=False)
async def invitations_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, done: str | None = None
) -> Template:
    """The office's invitations and the form to invite a person with roles."""
    return await _invitations_page(request, access, db_session, done=done)


@requires(P.USERS_MANAGE)
@post("/t/{slug:str}/office/invitations", include_in_schema=False, status_code=200)
async def invite(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Template:
    """Invite a person: the link is shown this once."""
    form = (await request.form()).dict()
    values = {name: form_text(form, name, 100) for name in ("display_name", "username", "valid_hours")}
    hours = values["valid_hours"] or str(invitations.DEFAULT_VALID_HOURS)
    try:
        _row, token = await invitations.invite(
            db_session,
            access.tenant,
            form_list(form, "roles"),
            actor=access.user.username,
            display_name=values["display_name"],
            username=values["username"].strip() or None,
            valid_hours=int(hours) if hours.isdigit() else 0,
            known_roles=office.office_roles(access.hooks),
        )
    except DomainError as error:
        shown = await refusal(request, db_session, error)
        return await _invitations_page(request, access, db_session, values=values, **shown)
    link = _absolute(request, invitations.invitation_path(token))
    return await _invitations_page(request, access, db_session, created_link=link)


@requires(P.USERS_MANAGE)
@post("/t/{slug:str}/office/invitations/{invitation_id:uuid}/revoke", include_in_schema=False, status_code=303)
async def revoke_invitation(
    request: Request[Any, Any, Any], access: TenantScope, invitation_id: uuid.UUID, db_session: AsyncSession
) -> Response[Any]:
    """Revoke an unused invitation."""
    try:
        await invitations.revoke(db_session, access.tenant, invitation_id, actor=access.user.username)
    except DomainError as error:
        shown = await refusal(request, db_session, error)
        return await _invitations_page(request, access, db_session, **shown)
    return back(f"{_base(access)}/invitations", "revoked")


ROUTES: list[Any] = [
    users_page,
    add_user,
    user_page,
    user_action,
    invitations_page,
    invite,
    revoke_invitation,
]
