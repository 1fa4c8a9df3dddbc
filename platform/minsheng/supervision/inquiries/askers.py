"""Who asked a question at a special inquiry: the deputy asking, or the deputy the recorder names.

A deputy asks under their roster name; those who hold the inquiry (the congress office, the standing
committee) type in the questions asked aloud, naming the deputy (platform/docs/roles.md). The API and the
page answer the same way.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress.roster import services as roster
from minsheng.errors import Forbidden, InvalidInput
from minsheng.http.scope import TenantScope
from minsheng.permissions import Permission


async def asker(db_session: AsyncSession, access: TenantScope, named: str | None) -> str:
    """The name a question is recorded under: ``named`` when the caller holds the inquiry, else the
    caller's roster name. 422 for a recorder who names nobody and is no deputy; 403 for a member who
    may neither ask nor hold inquiries, or who asks without being on the roster."""
    holds = access.may(Permission.INQUIRIES_HOLD)
    if named and named.strip() and holds:
        return named.strip()
    if not holds and not access.may(Permission.INQUIRIES_ASK):
        raise Forbidden("You do not have the role needed for this action")
    deputy = await roster.deputy_of_user(db_session, access.user.user_id)
    if deputy is not None:
        return deputy.name
    if holds:
        raise InvalidInput("Name the deputy who asked the question")
    raise Forbidden("You are not a deputy on this tenant's roster")
