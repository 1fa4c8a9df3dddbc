"""``create_app(settings)``: the Litestar application. Nothing here touches a server at import time."""

from __future__ import annotations

from litestar import Litestar

from minsheng.audit.signing import install_signer, load_signer
from minsheng.http.openapi import document_problems
from minsheng.server import contexts
from minsheng.server.core import CorePlugin
from minsheng.server.protection import check_route_protection
from minsheng.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app for ``settings`` (default: from the environment; nothing set means embedded)."""
    contexts.install()
    chosen = settings or Settings.from_env()
    install_signer(load_signer(chosen))
    core = CorePlugin(chosen)
    app = Litestar(plugins=[core], lifespan=[core.lifespan])
    check_route_protection(app)
    document_problems(app)
    return app
