"""The citizens' phone page of the online public evaluation (no login): ask for a code, rate once.

Shown only for an evaluation held with the public evaluation on; the citizens' result is shown apart
from the deputies', once the evaluation has closed. The number typed in stays in the page: the server
keeps only keyed hashes (``public.py``).
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.controllers import client_address
from minsheng.errors import DomainError, TooManyRequests
from minsheng.http.dependencies import services
from minsheng.http.forms import posted
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope, public
from minsheng.supervision.evaluations import public as citizens
from minsheng.supervision.models import EvaluationStatus
from minsheng.supervision.pages import RATING_WORDS


def _guards(request: Request[Any, Any, Any], state: State, access: TenantScope) -> dict[str, Any]:
    """What the public evaluation checks a citizen's request against: settings, rate limits, address,
    and the tenant's rules (its SMS channels, its settings)."""
    svc = services(state)
    return {
        "settings": svc.settings,
        "limiter": svc.rate_limiter,
        "client": client_address(request),
        "hooks": access.hooks,
    }


async def _page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    step: str = "phone",
    phone: str = "",
    error: DomainError | None = None,
    status_code: int = 200,
) -> Template:
    evaluation = await citizens.public_evaluation(db_session, evaluation_id)
    closed = evaluation.status == EvaluationStatus.CLOSED.value
    response = render_tenant_page(
        request,
        access,
        "supervision/public_rate.html",
        status_code=error.status_code if error else status_code,
        evaluation=evaluation,
        step="closed" if closed and step != "thanks" else step,
        phone=phone,
        error=error,
        ratings=RATING_WORDS,
        counts=await citizens.counts(db_session, evaluation.id) if closed else None,
    )
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@public
@get("/t/{slug:str}/evaluations/{evaluation_id:uuid}/public")
async def public_form(
    request: Request[Any, Any, Any], access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The phone form (or, once closed, the citizens' result beside the deputies' outcome)."""
    return await _page(request, access, db_session, evaluation_id)


@public
@post("/t/{slug:str}/evaluations/{evaluation_id:uuid}/public/code", status_code=200)
async def public_code(
    request: Request[Any, Any, Any],
    access: TenantScope,
    evaluation_id: uuid.UUID,
    db_session: AsyncSession,
    state: State,
) -> Template:
    """Send the code to the phone, then ask for it with the rating."""
    values, _items = await posted(request)
    phone = values.text("phone", 30)
    try:
        async with db_session.begin_nested():
            await citizens.request_code(db_session, evaluation_id, phone, **_guards(request, state, access))
    except DomainError as error:
        return await _page(request, access, db_session, evaluation_id, phone=phone, error=error)
    return await _page(request, access, db_session, evaluation_id, step="code", phone=phone)


@public
@post("/t/{slug:str}/evaluations/{evaluation_id:uuid}/public/rate", status_code=201)
async def public_rate(
    request: Request[Any, Any, Any],
    access: TenantScope,
    evaluation_id: uuid.UUID,
    db_session: AsyncSession,
    state: State,
) -> Template:
    """Record the citizen's rating with the code received; a second rating from the phone is refused."""
    values, _items = await posted(request)
    phone = values.text("phone", 30)
    try:
        async with db_session.begin_nested():
            await citizens.rate(
                db_session,
                evaluation_id,
                phone,
                values.text("code", 12),
                values.text("rating", 30),
                **_guards(request, state, access),
            )
    except DomainError as error:
        return await _page(request, access, db_session, evaluation_id, step="code", phone=phone, error=error)
    return await _page(request, access, db_session, evaluation_id, step="thanks", status_code=201)
