"""The scrutineer's page for a round whose key the scrutineers hold (``congress/voting/key_shares.py``):
collect one's share once, as it is to be written down, and enter a share before the count.

The share is shown once and never kept by the browser (``Cache-Control: no-store``); the page then
says only how many shares are in, of those needed.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.models import RoundStatus, VotingRound
from minsheng.congress.voting import key_shares, rounds
from minsheng.errors import DomainError
from minsheng.http.pages import form_text, render_tenant_page
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


async def _page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    voting_round: VotingRound,
    *,
    share: str | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Template:
    held = voting_round.key_shares or {}
    entered = await key_shares.entered_shares(voting_round) if voting_round.status == RoundStatus.OPEN.value else []
    holders = list(held.get("holders") or [])
    return render_tenant_page(
        request,
        access,
        "congress/key_share.html",
        status_code=status_code,
        # A share on screen is half a key: never kept by a shared computer's cache or back button.
        headers={"Cache-Control": "no-store"},
        voting_round=voting_round,
        number=holders.index(access.user.username) + 1 if access.user.username in holders else None,
        needed=int(held.get("needed") or 0),
        holders=len(holders),
        entered=len(entered),
        share=share,
        error=error,
    )


@requires(Permission.TENANT_READ)
@get("/t/{slug:str}/rounds/{round_id:uuid}/key-share")
async def key_share_page(
    request: Request[Any, Any, Any], access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """The caller's share of the round's key: collect it (once), enter shares; 403 for anyone else."""
    await key_shares.require_holder(db_session, round_id, access.user.username)
    return await _page(request, access, db_session, await rounds.get_round(db_session, round_id))


@requires(Permission.TENANT_READ)
@post("/t/{slug:str}/rounds/{round_id:uuid}/key-share/collect", status_code=200)
async def collect_share_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Template:
    """Show the caller's share once, to be written down; the second time, why not."""
    try:
        share = await key_shares.collect_share(db_session, round_id, username=access.user.username)
    except DomainError as error:
        voting_round = await rounds.get_round(db_session, round_id)
        return await _page(request, access, db_session, voting_round, error=error, status_code=error.status_code)
    voting_round = await rounds.get_round(db_session, round_id)
    return await _page(request, access, db_session, voting_round, share=share.text())


@requires(Permission.TENANT_READ)
@post("/t/{slug:str}/rounds/{round_id:uuid}/key-share", status_code=303)
async def enter_share_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    round_id: uuid.UUID,
    db_session: AsyncSession,
    data: Annotated[dict[str, Any], FORM],
) -> Redirect | Template:
    """Enter a share before the count; a wrong one is refused on the form, naming the scrutineer."""
    try:
        await key_shares.require_holder(db_session, round_id, access.user.username)
        async with db_session.begin_nested():
            await key_shares.enter_share(
                db_session, round_id, form_text(data, "share", 200), actor=access.user.username
            )
    except DomainError as error:
        voting_round = await rounds.get_round(db_session, round_id)
        return await _page(request, access, db_session, voting_round, error=error, status_code=error.status_code)
    return Redirect(f"/t/{access.tenant.slug}/rounds/{round_id}/key-share", status_code=303)


_ROUTER = Router(
    path="/",
    route_handlers=[key_share_page, collect_share_page, enter_share_page],
    include_in_schema=False,
)

ROUTES: list[Any] = [_ROUTER]
