"""The app-core plugin: wires routes, dependencies, errors, templates, CSRF, metrics and the lifespan.

Kept in one place (as in litestar-fullstack) so ``app.py`` stays a few lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import structlog
from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins import InitPluginProtocol
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.static_files import create_static_files_router

from minsheng import __version__
from minsheng.audit.signing import install_signer, load_signer
from minsheng.db.migrate import upgrade_async
from minsheng.db.session import Database
from minsheng.http.context import run_touch_writer
from minsheng.http.csrf import csrf_middleware_for
from minsheng.http.dependencies import provide_db_session, provide_principal
from minsheng.http.headers import add_security_headers
from minsheng.http.input_policy import input_policy_middleware
from minsheng.http.middleware import request_context_middleware
from minsheng.http.pages import to_login
from minsheng.http.problems import EXCEPTION_HANDLERS
from minsheng.http.proxies import parse_networks, proxy_middleware_for
from minsheng.http.ratelimit import make_rate_limiter
from minsheng.http.scope import LoginRequired, provide_scope
from minsheng.http.state import Services
from minsheng.jobs.dispatch import make_dispatcher
from minsheng.plugins.manager import get_plugin_manager
from minsheng.secrecy.custody import PlatformCustody
from minsheng.secrecy.keeping import install_custody
from minsheng.server import contexts
from minsheng.server.health import health, ready
from minsheng.server.logging import configure_logging
from minsheng.settings import Settings
from minsheng.storage import ObjectStore, make_object_store, open_object_store
from minsheng.web.templating import make_template_config

log = structlog.get_logger("minsheng")

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"


async def _open_store(settings: Settings) -> ObjectStore:
    # A store that is down at start-up must not keep the app down: /ready reports it until it is back.
    try:
        return await asyncio.wait_for(open_object_store(settings), timeout=10)
    except Exception as exc:
        log.warning("object_store_unavailable", error=repr(exc))
        return make_object_store(settings)


def metrics_guard(token: str) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """Only Prometheus, with ``MINSHENG_METRICS_TOKEN`` as its bearer token, reads the per-route counts."""
    expected = f"Bearer {token}"

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not hmac.compare_digest(connection.headers.get("authorization", ""), expected):
            raise NotAuthorizedException()

    return guard


def metrics_controller(token: str) -> type[PrometheusController]:
    class MetricsController(PrometheusController):
        path = "/metrics"
        include_in_schema = False
        guards = [metrics_guard(token)]

    return MetricsController


class CorePlugin(InitPluginProtocol):
    """Everything the platform registers on the Litestar app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        configure_logging(json=settings.log_json)
        prometheus = PrometheusConfig(app_name="minsheng", group_path=True, exclude=["/metrics", "/static"])
        app_config.route_handlers.extend(
            [
                *contexts.routes(),
                health,
                ready,
                # Off unless a token is set: the counts name every route (ballots' included).
                *([metrics_controller(settings.metrics_token)] if settings.metrics_token else []),
                create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
            ]
        )
        app_config.dependencies.update(
            {
                "db_session": Provide(provide_db_session),
                "principal": Provide(provide_principal),
                "access": Provide(provide_scope),
            }
        )
        app_config.exception_handlers.update({**EXCEPTION_HANDLERS, LoginRequired: to_login})
        # The real client first: every later step (rate limits, logs, cookies) sees it.
        proxies = proxy_middleware_for(parse_networks(settings.trusted_proxies))
        # Counting requests only when someone may read the counts: without a token /metrics does
        # not exist, and the counting is work on every request (labels, timers, a wrapped send).
        counting = [prometheus.middleware] if settings.metrics_token else []
        # CSRF last: the input policy has refused hostile bodies before it reads a form's token.
        app_config.middleware[:0] = [
            proxies,
            request_context_middleware,
            *counting,
            input_policy_middleware,
            csrf_middleware_for(settings.secret_key),
        ]
        app_config.before_send.append(add_security_headers)
        app_config.template_config = make_template_config()
        app_config.openapi_config = OpenAPIConfig(
            title="Minsheng API",
            version=__version__,
            path="/api/v1/schema",
            description="民生实事项目人大代表票决制 platform: the public JSON API (see platform/docs/api.md).",
            render_plugins=[SwaggerRenderPlugin()],
        )
        app_config.debug = settings.debug
        # Our structlog set-up (configure_logging above) is the only logging configuration.
        app_config.logging_config = None
        return app_config

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        """Start: migrate and seed (embedded), open the database, store and job dispatcher; stop them."""
        settings = self.settings
        if not settings.is_postgres:
            await upgrade_async(settings.migration_database_url)
        # The key that signs the audit chain's checkpoints (read, or made once in the data folder).
        install_signer(load_signer(settings))
        database = Database(settings)
        store = await _open_store(settings)
        # The keeper of ballot keys: wrapped under the app's secret, in the object store, never the database.
        install_custody(PlatformCustody(store, settings.secret_key))
        plugins = get_plugin_manager()
        dispatcher = make_dispatcher(settings, database)
        rate_limiter = make_rate_limiter(settings)
        app.state.services = Services(
            settings=settings,
            database=database,
            store=store,
            dispatcher=dispatcher,
            plugins=plugins,
            rate_limiter=rate_limiter,
        )
        if settings.seed_demo:
            from minsheng.demo.seed import seed_demo

            await seed_demo(app.state.services)
        await dispatcher.start()
        # API tokens' last_seen_at, refreshed in batches beside the requests (http/context.py).
        touch_writer = asyncio.create_task(run_touch_writer(database))
        log.info("started", database=settings.database_url.split("@")[-1], jobs=type(dispatcher).__name__)
        _freeze_startup_objects()
        try:
            yield
        finally:
            touch_writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await touch_writer
            await dispatcher.stop()
            await rate_limiter.close()
            await asyncio.shield(database.dispose())


_frozen = False


def _freeze_startup_objects() -> None:
    """Move what start-up built (route handlers, models, templates, plugins: hundreds of thousands of
    objects that live as long as the process) out of the garbage collector's sight, once per process.

    Otherwise every full collection walks all of them: about 200 ms on a warm server, paid by whichever
    request triggered it, which set the p99 of every hot path. Requests' own garbage is still collected.
    """
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
