"""Login throttling without lockout abuse (platform/docs/hardening.md): progressive delays per account
and per address, and the owner's usual address exempt from its account's delay.

A hard lock after five failures let anyone lock anyone out, and let one address try a name each time
unhindered. Instead, failures are counted per user name (known or not, alike) and per client address;
past a free number of them each further failure doubles the wait before the next attempt
(:func:`delay_after`), up to ``lockout_minutes``. While an account waits, its owner still logs in from
an address that logged in to it successfully before (remembered for :data:`KNOWN_DAYS`), so a stranger's
guesses do not stop them; an address that fails too often waits whatever names it tries.

The counts live in ``login_throttles`` under three kinds of key (a user name never holds ``:``): the
name itself, ``addr:`` and the address, and ``known:`` and a digest of the name and an address (its
``locked_until`` is how long the address stays known).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import LoginThrottle

#: Failures from one address (whatever the names) before it must wait.
ADDRESS_FREE_FAILURES = 10
#: The first wait; each further failure doubles it.
FIRST_DELAY_SECONDS = 30
#: How long an address that logged in to an account stays its owner's usual address.
KNOWN_DAYS = 90


def delay_after(failures: int, free: int, cap_seconds: int) -> int:
    """Seconds to wait after ``failures`` failures of which ``free`` cost nothing (pure)."""
    if failures < free:
        return 0
    return int(min(cap_seconds, FIRST_DELAY_SECONDS * 2 ** min(failures - free, 20)))


def address_key(address: str) -> str:
    return f"addr:{address}"[:64]


def known_key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.lower()}|{address}".encode()).hexdigest()[:40]
    return f"known:{digest}"


async def row(session: AsyncSession, key: str, *, create: bool) -> LoginThrottle | None:
    """The counter of ``key``, locked until the transaction ends (concurrent attempts count one after
    another: parallel guessing cannot outrun the delay)."""
    if create:
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
        await session.execute(insert(LoginThrottle).values(username=key, failures=0).on_conflict_do_nothing())
    query = select(LoginThrottle).where(LoginThrottle.username == key).with_for_update()
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


def waiting(counter: LoginThrottle | None, now: datetime, free: int = 1) -> float:
    """Seconds ``counter`` must still wait (0 when none, and while within its ``free`` failures: its
    ``locked_until`` then only dates the last failure)."""
    if counter is None or counter.failures < free or counter.locked_until is None or counter.locked_until <= now:
        return 0.0
    return (counter.locked_until - now).total_seconds()


def count_failure(counter: LoginThrottle, now: datetime, *, free: int, cap_seconds: int) -> bool:
    """One more failure on ``counter``; True when this one starts its waits (to be audited). Failures
    older than the cap are forgotten first."""
    if counter.locked_until is not None and counter.locked_until + timedelta(seconds=cap_seconds) < now:
        counter.failures = 0
    counter.failures += 1
    counter.locked_until = now + timedelta(seconds=delay_after(counter.failures, free, cap_seconds))
    return counter.failures == free
