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

from minsheng.accounts import services as accounts
from minsheng.errors import DomainError
from minsheng.http.dependencies import SESSION_COOKIE, services
from minsheng.i18n import LANG_COOKIE, SUPPORTED_LOCALES
from minsheng.web.templating import local_redirect_target, render

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
    """Check the password (with lockout) and open a cookie session; errors re-show the form."""
    svc = services(state)
    username = (data.get("username") or "").strip()
    next_url = local_redirect_target(data.get("next"), default="/home")
    try:
        user = await accounts.authenticate(db_session, svc.settings, username, data.get("password") or "")
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


ROUTES: list[Any] = [login_form, login, logout, switch_language]
