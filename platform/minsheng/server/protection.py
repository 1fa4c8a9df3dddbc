"""A start-up check that no API route forgets its authorization.

Litestar resolves a dependency only when a handler asks for it, so a controller-level "operator"
dependency protects nothing on a handler that does not name it. Every handler under a protected
prefix must therefore take the parameter that enforces access; the app refuses to start otherwise.
"""

from __future__ import annotations

import inspect
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

# Prefix -> parameters of which a handler must take at least one.
PROTECTED_PREFIXES: dict[str, tuple[str, ...]] = {
    "/api/v1/admin": ("operator",),
    "/api/v1/t/": ("access", "tenant"),
    "/api/v1/me": ("user",),
}


def unprotected_routes(app: Litestar) -> list[str]:
    """Handlers under a protected prefix that take none of the enforcing parameters."""
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            # Litestar's automatic OPTIONS handlers answer CORS pre-flights and touch no data.
            if not isinstance(handler, HTTPRouteHandler) or handler.http_methods == {"OPTIONS"}:
                continue
            for prefix, required in PROTECTED_PREFIXES.items():
                if not route.path.startswith(prefix):
                    continue
                params: Any = inspect.signature(handler.fn).parameters
                if not any(name in params for name in required):
                    missing.append(f"{sorted(handler.http_methods)} {route.path}")
    return missing


def check_route_protection(app: Litestar) -> None:
    """Refuse to start with an unprotected route (see the module docstring)."""
    missing = unprotected_routes(app)
    if missing:
        raise RuntimeError("routes without an authorization parameter: " + "; ".join(missing))
