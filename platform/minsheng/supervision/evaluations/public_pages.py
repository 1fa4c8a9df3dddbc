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
from litestar.di import Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.controllers import client_address
from minsheng.errors import DomainError, TooManyRequests
from minsheng.http.dependencies import provide_public_tenant, services
from minsheng.http.pages import form_text
from minsheng.supervision.evaluations import public
from minsheng.supervision.models import EvaluationStatus
from minsheng.supervision.pages import RATING_WORDS, Form
from minsheng.tenancy.models import Tenant
from minsheng.web.templating import render

PUBLIC = {"tenant": Provide(provide_public_tenant)}


def _guards(request: Request[Any, Any, Any], state: State) -> dict[str, Any]:
    """What the public evaluation checks a citizen's request against: settings, rate limits, address."""
    svc = services(state)
    return {"settings": svc.settings, "limiter": svc.rate_limiter, "client": client_address(request)}


async def _page(
    request: Request[Any, Any, Any],
    tenant: Tenant,
    db_session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    step: str = "phone",
    phone: str = "",
    error: DomainError | None = None,
    status_code: int = 200,
) -> Template:
    evaluation = await public.public_evaluation(db_session, evaluation_id)
    closed = evaluation.status == EvaluationStatus.CLOSED.value
    response = render(
        request,
        "supervision/public_rate.html",
        status_code=error.status_code if error else status_code,
        tenant=tenant,
        evaluation=evaluation,
        step="closed" if closed and step != "thanks" else step,
        phone=phone,
        error=error,
        ratings=RATING_WORDS,
        counts=await public.counts(db_session, evaluation.id) if closed else None,
    )
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@get("/t/{slug:str}/evaluations/{evaluation_id:uuid}/public", dependencies=PUBLIC)
async def public_form(
    request: Request[Any, Any, Any], tenant: Tenant, evaluation_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The phone form (or, once closed, the citizens' result beside the deputies' outcome)."""
    return await _page(request, tenant, db_session, evaluation_id)


@post("/t/{slug:str}/evaluations/{evaluation_id:uuid}/public/code", dependencies=PUBLIC, status_code=200)
async def public_code(
    request: Request[Any, Any, Any],
    tenant: Tenant,
    evaluation_id: uuid.UUID,
    db_session: AsyncSession,
    state: State,
    data: Form,
) -> Template:
    """Send the code to the phone, then ask for it with the rating."""
    phone = form_text(data, "phone", 30)
    try:
        async with db_session.begin_nested():
            await public.request_code(db_session, evaluation_id, phone, **_guards(request, state))
    except DomainError as error:
        return await _page(request, tenant, db_session, evaluation_id, phone=phone, error=error)
    return await _page(request, tenant, db_session, evaluation_id, step="code", phone=phone)


@post("/t/{slug:str}/evaluations/{evaluation_id:uuid}/public/rate", dependencies=PUBLIC, status_code=201)
async def public_rate(
    request: Request[Any, Any, Any],
    tenant: Tenant,
    evaluation_id: uuid.UUID,
    db_session: AsyncSession,
    state: State,
    data: Form,
) -> Template:
    """Record the citizen's rating with the code received; a second rating from the phone is refused."""
    phone = form_text(data, "phone", 30)
    try:
        async with db_session.begin_nested():
            await public.rate(
                db_session,
                evaluation_id,
                phone,
                form_text(data, "code", 12),
                form_text(data, "rating", 30),
                **_guards(request, state),
            )
    except DomainError as error:
        return await _page(request, tenant, db_session, evaluation_id, step="code", phone=phone, error=error)
    return await _page(request, tenant, db_session, evaluation_id, step="thanks", status_code=201)
