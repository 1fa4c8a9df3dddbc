"""The hall's pages: the big screen (大屏) updated by server-sent events, and the check-in QR code.

The big screen's stream sends the screen's HTML, rendered and escaped on the server in the page's
language, so the page needs a few lines of JavaScript and no templates of its own.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import segno
from litestar import Request, Router, get
from litestar.datastructures import State
from litestar.response import ServerSentEvent, Template
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.hall import big_screen, checkin_code, sessions
from minsheng.congress.hall.live import check_in_code_view, open_screen
from minsheng.congress.hall.schemas import ScreenView
from minsheng.congress.hall.web_controllers import STREAM_ACCESS
from minsheng.http.dependencies import services
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.web.templating import render, render_to_string, request_locale


def qr_svg(url: str) -> Markup:
    """The QR code of ``url`` as inline SVG (paths only: nothing of the URL appears as markup)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
    # segno writes the modules as path data and no text: the URL never reaches the markup.
    return Markup(svg)  # noqa: S704


async def _qr_context(
    request: Request[Any, Any, Any],
    access: TenantScope,
    state: State,
    db_session: AsyncSession,
    session_id: uuid.UUID,
) -> dict[str, Any]:
    """What the QR page and its fragment show: the session, its attendance and the code of this moment."""
    congress = await sessions.get_session(db_session, session_id)
    figures = await sessions.attendance(db_session, session_id, access.hooks)
    view = check_in_code_view(request, services(state).settings.secret_key, access, session_id)
    return {
        "congress": congress,
        "figures": figures,
        "period": checkin_code.PERIOD,
        "checkin": view,
        "qr": qr_svg(view.url),
    }


@requires(Permission.CHECKIN_MANAGE)
@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/qr")
async def qr_page(
    request: Request[Any, Any, Any], access: TenantScope, session_id: uuid.UUID, state: State, db_session: AsyncSession
) -> Template:
    """The check-in QR code for the hall's screen; it is replaced every few seconds."""
    context = await _qr_context(request, access, state, db_session, session_id)
    return render_tenant_page(request, access, "congress/qr.html", **context)


@requires(Permission.CHECKIN_MANAGE)
@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/qr/fragment")
async def qr_fragment(
    request: Request[Any, Any, Any], access: TenantScope, session_id: uuid.UUID, state: State, db_session: AsyncSession
) -> Template:
    """The QR code alone, fetched again by HTMX before the code on screen expires."""
    context = await _qr_context(request, access, state, db_session, session_id)
    return render(request, "congress/qr_fragment.html", tenant=access.tenant, **context)


def hall_qr(base_url: str, secret: str, access: TenantScope, session_id: uuid.UUID) -> Callable[[], Markup]:
    """The check-in QR code of this moment, for the big screen while deputies check in."""
    return lambda: qr_svg(check_in_code_view(base_url, secret, access, session_id).url)


def screen_html(locale: str, qr: Callable[[], Markup] | None) -> Callable[[ScreenView], str]:
    """Draw the screen's picture; the check-in QR code shows until a vote opens (staff only see it)."""

    def render_view(view: ScreenView) -> str:
        checking_in = view.round is None or view.round.status == "draft"
        code = qr() if qr is not None and checking_in else None
        return render_to_string("congress/screen_fragment.html", locale, view=view, qr=code)

    return render_view


def _screen_qr(request: Request[Any, Any, Any], state: State, access: TenantScope, session_id: uuid.UUID) -> Any:
    # The QR code checks deputies in: only a screen opened by those who manage check-in shows it.
    if not access.may(Permission.CHECKIN_MANAGE):
        return None
    return hall_qr(str(request.base_url), services(state).settings.secret_key, access, session_id)


@requires(Permission.SCREEN_VIEW)
@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/screen")
async def screen_page(
    request: Request[Any, Any, Any], access: TenantScope, session_id: uuid.UUID, state: State, db_session: AsyncSession
) -> Template:
    """The big screen: huge type, high contrast; the first picture is in the page, the rest streams in."""
    locale = request_locale(request)
    view = await big_screen.screen_view(db_session, session_id, access.hooks, locale)
    return render_tenant_page(
        request,
        access,
        "congress/screen.html",
        view=view,
        fragment=Markup(screen_html(locale, _screen_qr(request, state, access, session_id))(view)),  # noqa: S704
        events_url=f"/t/{access.tenant.slug}/congress/sessions/{session_id}/screen/events",
    )


@requires(Permission.SCREEN_VIEW)
@get("/t/{slug:str}/congress/sessions/{session_id:uuid}/screen/events", dependencies=STREAM_ACCESS)
async def screen_events_page(
    request: Request[Any, Any, Any], access: TenantScope, session_id: uuid.UUID, state: State
) -> ServerSentEvent:
    """Server-sent events ``screen`` carrying the screen's HTML: at once, then whenever it changes."""
    locale = request_locale(request)
    qr = _screen_qr(request, state, access, session_id)
    clock = (lambda: int(time.time() // checkin_code.PERIOD)) if qr else None
    return await open_screen(state, access, session_id, locale, screen_html(locale, qr), clock=clock)


_ROUTER = Router(
    path="/",
    route_handlers=[qr_page, qr_fragment, screen_page, screen_events_page],
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
