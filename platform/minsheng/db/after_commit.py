"""Work that must wait until the request's transaction has committed, and must not run if it rolls back.

The case it exists for: a round's ballot key may be destroyed only once the plain ballots opened with
it are committed (``minsheng.secrecy.keeping``); destroyed before, a failed commit would leave sealed
ballots that nobody can open. The session's owner (``minsheng.http.dependencies.provide_db_session``,
``minsheng.db.session.Database.session``) runs :func:`run_after_commit` after its commit and
:func:`discard` after a rollback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

KEY = "minsheng.after_commit"
log = structlog.get_logger("minsheng.db")

Action = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, action: Action) -> None:
    """Run ``action`` once the session's transaction has committed (never if it rolls back).

    A savepoint rolled back does not take the action with it: register it last, once nothing of the
    work it belongs to can fail any more (a page runs a refusable step inside a savepoint).
    """
    session.info.setdefault(KEY, []).append(action)


def discard(session: AsyncSession) -> None:
    """Forget the actions of a transaction that rolled back."""
    session.info.pop(KEY, None)


async def run_after_commit(session: AsyncSession) -> None:
    """Run the actions registered since the last commit, in order; one failing does not stop the others
    (the committed transaction stands; what failed is logged and left to its own sweep)."""
    actions: list[Action] = session.info.pop(KEY, None) or []
    for action in actions:
        try:
            await action()
        except Exception as exc:  # the commit stands whatever happens here
            log.error("after_commit_failed", action=getattr(action, "__qualname__", repr(action)), error=repr(exc))
