"""The HTML shell: landing page, login and logout, language switch, a tenant's home page.

Pages use the cookie session (idle expiry, CSRF-protected forms); the API uses bearer tokens.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import links
from minsheng.accounts import services as accounts
from minsheng.accounts.links import NO_REFERRER
from minsheng.audit import services as audit
from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import SESSION_COOKIE, services
from minsheng.http.scope import LoginRequired
from minsheng.i18n import LANG_COOKIE, SUPPORTED_LOCALES, translate
from minsheng.tenancy.audit_trail import record_in
from minsheng.tenancy.models import Tenant
from minsheng.web.templating import local_redirect_target, render, request_locale

ONE_YEAR = 365 * 24 * 3600


@get("/login", include_in_schema=False)
async def login_form(request: Request[Any, Any, Any], next: str | None = None) -> Template:
    """The login form."""
    # Without a page to go back to, the form sends the user to their own start page (``/home``).
    return render(request, "login.html", next_url=local_redirect_target(next, default=""), error=None, username="")


@post("/login", include_in_schema=False, status_code=303)
async def login(
    request: Request[Any, Any, Any],
    state: State,
    db_session: AsyncSession,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """Check the password (with login throttling) and open a cookie session; errors re-show the form."""
    svc = services(state)
    address = request.client.host if request.client else None
    username = (data.get("username") or "").strip()
    next_url = local_redirect_target(data.get("next"), default="/home")
    try:
        user = await accounts.authenticate(db_session, svc.settings, username, data.get("password") or "", address)
    except DomainError as exc:
        status = exc.status_code
        return render(
            request,
            "login.html",
            status_code=status,
            error=exc.message,
            error_params=exc.params,
            username=username,
            next_url=next_url,
        )
    secret, _row = await accounts.open_session(db_session, svc.settings, user, "web")
    response = Redirect(next_url, status_code=303)
    response.set_cookie(
        Cookie(
            key=SESSION_COOKIE,
            value=secret,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    )
    return response


@post("/logout", include_in_schema=False, status_code=303)
async def logout(db_session: AsyncSession, principal: accounts.Principal | None) -> Redirect:
    """Close the cookie session."""
    if principal is not None:
        await accounts.close_session(db_session, principal.session_id)
    response = Redirect("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/lang/{code:str}", include_in_schema=False)
async def switch_language(code: str, next: str | None = None) -> Redirect:
    """Remember the reader's language in a cookie and go back."""
    response = Redirect(local_redirect_target(next), status_code=303)
    if code in SUPPORTED_LOCALES:
        response.set_cookie(Cookie(key=LANG_COOKIE, value=code, max_age=ONE_YEAR, samesite="lax", path="/"))
    return response


def _new_password(form: Any) -> str:
    password = str(form.get("password") or "")[:256]
    if password != str(form.get("password_again") or "")[:256]:
        raise InvalidInput("The two passwords differ")
    return password


def _message(request: Request[Any, Any, Any], error: DomainError) -> str:
    return translate(error.message, request_locale(request), **error.params)


@get("/account/password", include_in_schema=False)
async def password_form(request: Request[Any, Any, Any], principal: accounts.Principal | None) -> Template:
    """The signed-in user's form to change its own password."""
    if principal is None:
        raise LoginRequired("/account/password")
    return render(request, "account/password.html", user=principal, error=None, done=False)


@post("/account/password", include_in_schema=False, status_code=200)
async def change_password(
    request: Request[Any, Any, Any], db_session: AsyncSession, principal: accounts.Principal | None
) -> Template:
    """Change the own password (the current one proves it); the user's other logins end."""
    if principal is None:
        raise LoginRequired("/account/password")
    form = await request.form()
    try:
        new = _new_password(form)
        await accounts.change_own_password(db_session, principal, str(form.get("current_password") or "")[:256], new)
    except DomainError as error:
        await db_session.rollback()
        return render(
            request,
            "account/password.html",
            status_code=error.status_code,
            user=principal,
            error=_message(request, error),
            done=False,
        )
    await audit.record_platform(
        db_session, "user.password_changed", actor=principal.username, subject=principal.username
    )
    return render(request, "account/password.html", user=principal, error=None, done=True)


def _link_page(
    request: Request[Any, Any, Any], link: Any, user: Any, *, error: str | None = None, status: int = 200
) -> Template:
    return render(
        request,
        "account/set_password.html",
        status_code=status,
        headers=NO_REFERRER,
        account=user,
        activation=link.purpose == "activation",
        expires_at=link.expires_at,
        error=error,
    )


@get("/password/{token:str}", include_in_schema=False)
async def link_form(request: Request[Any, Any, Any], token: str, db_session: AsyncSession) -> Template:
    """A one-time link's form (the 404 page when it is unknown, used or expired)."""
    link, user = await links.find_usable(db_session, token)
    return _link_page(request, link, user)


@post("/password/{token:str}", include_in_schema=False, status_code=200)
async def link_use(request: Request[Any, Any, Any], token: str, db_session: AsyncSession) -> Template:
    """Save the password the link's holder chose; the link is spent and the user's logins end."""
    form = await request.form()
    try:
        link, user = await links.use(db_session, token, _new_password(form))
    except DomainError as error:
        await db_session.rollback()
        link, user = await links.find_usable(db_session, token)
        return _link_page(request, link, user, error=_message(request, error), status=error.status_code)
    tenant = await db_session.get(Tenant, link.tenant_id)
    if tenant is not None:
        await record_in(
            db_session,
            tenant,
            "password.link_used",
            actor=user.username,
            subject=user.username,
            payload={"purpose": link.purpose},
        )
    return render(request, "account/password_set.html", headers=NO_REFERRER, username=user.username)


ROUTES: list[Any] = [
    login_form,
    login,
    logout,
    switch_language,
    password_form,
    change_password,
    link_form,
    link_use,
]
