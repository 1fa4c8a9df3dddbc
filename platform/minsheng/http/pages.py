"""The page kit: what every HTML page of a tenant shares.

- the login redirect (:class:`~minsheng.http.scope.LoginRequired`, answered app-wide by
  :func:`to_login`), so a visitor opening a member page is sent to the login form and back;
- :func:`render_tenant_page`, which gives every template the tenant, the signed-in user and the scope
  (the navigation and ``may()`` read it);
- form helpers for posted fields.

Listing pages add ``minsheng.http.listing`` (pages of results, filters, dates).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.response import Redirect, Template

from minsheng.http.scope import LoginRequired, TenantScope
from minsheng.web.templating import local_redirect_target, render


def _request_target(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def to_login(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Send an anonymous visitor to the login form, coming back to the page afterwards."""
    target = exc.target if isinstance(exc, LoginRequired) else "/"
    return Redirect(f"/login?next={quote(local_redirect_target(target), safe='')}", status_code=303)


def render_tenant_page(
    request: ASGIConnection[Any, Any, Any, Any],
    scope: TenantScope,
    template_name: str,
    /,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """``template_name`` rendered (``web.templating.render``) with the ``tenant`` and the ``user`` (the
    principal, None for a visitor) of ``scope`` besides ``context``."""
    return render(
        request,
        template_name,
        status_code=status_code,
        headers=headers,
        tenant=scope.tenant,
        user=scope.principal,
        **context,
    )


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
