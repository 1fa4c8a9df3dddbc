"""Rendering a page of a tenant: the template gets the tenant and the signed-in user from the access check."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.response import Template

from minsheng.server.dependencies import TenantAccess
from minsheng.web.templating import render


def render_tenant_page(
    request: ASGIConnection[Any, Any, Any, Any],
    access: TenantAccess,
    template_name: str,
    /,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """``template_name`` rendered (``web.templating.render``) with ``tenant`` and ``user`` (the principal,
    None for a visitor) of ``access`` besides ``context``."""
    return render(
        request,
        template_name,
        status_code=status_code,
        headers=headers,
        tenant=access.tenant,
        user=access.principal,
        **context,
    )
