"""Start-up checks that no route forgets its authorization.

Litestar resolves a dependency only when a handler asks for it, so a dependency that enforces access
protects nothing on a handler that does not name it. So:

- every route of a tenant (``/api/v1/t/{slug}/…`` and the pages under ``/t/{slug}/…``) must declare
  what it needs (``@requires(Permission.…)`` or ``@public``, ``minsheng.http.scope``) and take the
  ``access`` parameter (the request's :class:`~minsheng.http.scope.TenantScope`) that enforces it;
- every operator route (``/api/v1/admin``) takes ``operator``, every ``/api/v1/me`` route ``user``.

The app refuses to start otherwise, naming every route at fault.
"""

from __future__ import annotations

import inspect
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

from minsheng.http.scope import declared

TENANT_PREFIXES = ("/api/v1/t/{slug:str}", "/t/{slug:str}")
# Prefix -> parameters of which a handler must take at least one.
PROTECTED_PREFIXES: dict[str, tuple[str, ...]] = {
    "/api/v1/admin": ("operator",),
    "/api/v1/me": ("user",),
}


def unprotected_routes(app: Litestar) -> list[str]:
    """Routes that break the rules of the module docstring, as ``[methods] path: what is missing``."""
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or handler.http_methods == {"OPTIONS"}:
                continue
            params: Any = inspect.signature(handler.fn).parameters
            label = f"{sorted(handler.http_methods)} {route.path}"
            if any(route.path.startswith(prefix) for prefix in TENANT_PREFIXES):
                if declared(handler) is None:
                    missing.append(f"{label}: declares no permission (@requires or @public)")
                elif "access" not in params:
                    missing.append(f"{label}: does not take the access (scope) that enforces its permission")
                continue
            for prefix, required in PROTECTED_PREFIXES.items():
                if route.path.startswith(prefix) and not any(name in params for name in required):
                    missing.append(f"{label}: takes none of {', '.join(required)}")
    return missing


def check_route_protection(app: Litestar) -> None:
    """Refuse to start with an unprotected route (see the module docstring)."""
    missing = unprotected_routes(app)
    if missing:
        raise RuntimeError("routes without their authorization: " + "; ".join(missing))
