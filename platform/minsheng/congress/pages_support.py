"""What the congress pages share: member access with a login redirect, form helpers, status words."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import service as accounts
from minsheng.accounts.models import Role
from minsheng.server.dependencies import TenantAccess, provide_tenant_access
from minsheng.web.templating import local_redirect_target

STAFF = (Role.TENANT_ADMIN.value,)
ROUND_MANAGERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)
SCREEN_VIEWERS = ROUND_MANAGERS


class LoginRequired(Exception):
    """A page needs a signed-in user: the browser is sent to the login form and back."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def _request_target(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def to_login(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Send an anonymous visitor to the login form, coming back to the page afterwards."""
    target = exc.target if isinstance(exc, LoginRequired) else "/"
    return Redirect(f"/login?next={quote(local_redirect_target(target), safe='')}", status_code=303)


async def provide_page_access(
    request: Request[Any, Any, Any], slug: str, db_session: AsyncSession, principal: accounts.Principal | None
) -> TenantAccess:
    """A member page's tenant access: the login form for a visitor, 404 for a non-member (as the API)."""
    if principal is None:
        raise LoginRequired(_request_target(request))
    return await provide_tenant_access(slug, db_session, principal, request)


def form_text(data: dict[str, Any], name: str, limit: int = 400) -> str:
    """A text field of a submitted form, cut to ``limit`` characters."""
    value = data.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")[:limit]


def form_list(data: dict[str, Any], name: str) -> list[str]:
    """Every value of a repeated field (checkboxes, list rows)."""
    value = data.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


PAGE_EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {LoginRequired: to_login}
