"""The route table, for tests that judge what a page offers: which handler serves a request, and
whether it declares its permission yet (contexts still checking roles themselves do not)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Litestar
from litestar.exceptions import MethodNotAllowedException, NotFoundException

from minsheng.http.scope import declared


def route_of(app: Litestar, method: str, url: str) -> Any | None:
    """The route handler serving ``method url``, or None when no route does."""
    try:
        return app.asgi_router.handle_routing(urlsplit(url).path, method)[1]  # type: ignore[arg-type]
    except (NotFoundException, MethodNotAllowedException):
        return None


def declares(app: Litestar, method: str, url: str) -> bool:
    """Whether the route serving ``method url`` declares its permission (``@requires`` or ``@public``)."""
    handler = route_of(app, method, url)
    return handler is not None and declared(handler) is not None
