"""Importing the roster: check the rows against the accounts, then write deputies, accounts and links.

Import is all or nothing: the rows are checked (``excel.read_rows``, then the accounts they name), and
one wrong row means nothing is imported. The request checks and hands the rows to a background job
(``jobs``), which checks again and writes everything in one transaction:

- a row with a user name links the deputy to that account. A new account is created with the row's
  initial password (hashed in a pool of threads, in batches, off the event loop) or, without one, with
  a one-time link (``accounts.links``) its owner opens to choose a password — no argon2 at all, so
  hundreds of deputies get their accounts in seconds. An existing account of a member keeps its
  password and gains the role deputy;
- a deputy no longer serving (在任 = 否) gets no account and loses the role deputy here;
- a row matches the deputy already linked to its account, else (without a user name) the deputy of
  that name without an account, else it adds a deputy; ``deactivate_missing`` takes deputies absent
  from the file off the roster (a new term).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import links
from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership, Role, User
from minsheng.accounts.passwords import NO_PASSWORD, hash_passwords
from minsheng.audit import services as audit
from minsheng.congress.models import Deputy
from minsheng.congress.roster.excel import (
    HEADERS,
    USERNAME,
    ImportSummary,
    RosterImportRefused,
    RosterRow,
    RowProblem,
    read_rows,
)
from minsheng.db.base import new_id, utcnow
from minsheng.errors import InvalidInput
from minsheng.plugins.verdicts import Reason

Progress = Callable[[int, int], Awaitable[None]]
DEPUTY = Role.DEPUTY.value


@dataclass(frozen=True)
class Accounts:
    """The accounts the rows name that exist (by lower-case user name), and the tenant's members."""

    users: dict[str, User]
    roles: dict[uuid.UUID, list[str]]

    def existing(self, row: RosterRow) -> User | None:
        return self.users.get(row.username.lower()) if row.username else None


async def _accounts(session: AsyncSession, tenant_id: uuid.UUID, rows: Sequence[RosterRow]) -> Accounts:
    names = [row.username for row in rows if row.username]
    users = {}
    if names:
        found = await session.execute(select(User).where(User.username.in_(names)))
        users = {user.username.lower(): user for user in found.scalars()}
    roles: dict[uuid.UUID, list[str]] = {}
    if users:
        found_roles = await session.execute(
            select(Membership.user_id, Membership.roles).where(
                Membership.tenant_id == tenant_id, Membership.user_id.in_([u.id for u in users.values()])
            )
        )
        roles = {user_id: list(held) for user_id, held in found_roles.all()}
    return Accounts(users, roles)


def _account_problems(rows: Sequence[RosterRow], found: Accounts) -> list[RowProblem]:
    # A tenant's staff may not enrol someone else's account: only its own members' (or a new one).
    problems = []
    for row in rows:
        user = found.existing(row)
        if user is not None and user.id not in found.roles:
            reason = Reason(
                "The user name {username} belongs to an account outside this tenant", {"username": row.username}
            )
            problems.append(RowProblem(row.row, USERNAME, reason))
    return problems


def _ordered(problems: list[RowProblem]) -> list[RowProblem]:
    return sorted(problems, key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else 9))


async def checked_rows(session: AsyncSession, tenant_id: uuid.UUID, content: bytes) -> list[RosterRow]:
    """The workbook's rows when every one can be imported; else ``RosterImportRefused`` naming each
    wrong cell (nothing is written either way)."""
    # Parsing a workbook is CPU work: in a worker thread, so the event loop keeps serving everyone.
    rows, problems = await asyncio.to_thread(read_rows, content)
    if not rows and not problems:
        raise InvalidInput("The workbook has no deputies")
    problems += _account_problems(rows, await _accounts(session, tenant_id, rows))
    if problems:
        raise RosterImportRefused(_ordered(problems))
    return rows


def _new_accounts(rows: Sequence[RosterRow], found: Accounts) -> list[RosterRow]:
    """The rows that make an account: serving deputies whose user name names none yet (once each)."""
    seen: set[str] = set()
    new = []
    for row in rows:
        if row.username and row.active and found.existing(row) is None and row.username.lower() not in seen:
            seen.add(row.username.lower())
            new.append(row)
    return new


async def _create_accounts(session: AsyncSession, new: Sequence[RosterRow], hashes: dict[int, str]) -> dict[str, User]:
    now = utcnow()
    users = [
        User(
            id=new_id(),
            username=row.username,
            display_name=row.name,
            password_hash=hashes.get(row.row, NO_PASSWORD),
            password_changed_at=now if row.row in hashes else None,
        )
        for row in new
        if row.username
    ]
    try:
        async with session.begin_nested():
            session.add_all(users)
    except IntegrityError as exc:  # an account of one of these names was made since the rows were checked
        raise accounts.existing_user_conflict(new[0].username or "") from exc
    return {user.username.lower(): user for user in users}


async def _set_deputy_role(
    session: AsyncSession, tenant_id: uuid.UUID, user: User, held: list[str] | None, serving: bool
) -> None:
    """A serving deputy's account holds the role deputy here; one no longer serving does not."""
    if serving and (held is None or DEPUTY not in held):
        await accounts.grant_membership(
            session, tenant_id, user, [*(held or []), DEPUTY], known=[*(held or []), DEPUTY]
        )
    elif not serving and held is not None and DEPUTY in held:
        rest = [role for role in held if role != DEPUTY]
        if rest:
            await accounts.grant_membership(session, tenant_id, user, rest, known=rest)
        else:
            await session.execute(
                delete(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user.id)
            )


async def _retire_accounts(session: AsyncSession, tenant_id: uuid.UUID, user_ids: Sequence[uuid.UUID]) -> None:
    """The accounts of deputies who left the roster lose the role deputy here."""
    if not user_ids:
        return
    found = await session.execute(
        select(User, Membership.roles)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, User.id.in_(list(user_ids)))
    )
    for user, held in found.all():
        await _set_deputy_role(session, tenant_id, user, list(held), serving=False)


async def import_rows(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    rows: Sequence[RosterRow],
    *,
    deactivate_missing: bool,
    actor: str,
    secret_key: str,
    batch: uuid.UUID,
    progress: Progress | None = None,
) -> ImportSummary:
    """Write the checked ``rows`` (see the module). ``batch`` names the import's password links;
    ``progress(done, total)`` is awaited while passwords are hashed and rows written."""
    found = await _accounts(session, tenant_id, rows)
    problems = _account_problems(rows, found)
    if problems:
        raise RosterImportRefused(_ordered(problems))
    new = _new_accounts(rows, found)
    with_password = [row for row in new if row.password]
    total = len(with_password) + len(rows)

    async def hashed(done: int) -> None:
        if progress is not None:
            await progress(done, total)

    digests = await hash_passwords([row.password for row in with_password], on_batch=hashed)
    created = await _create_accounts(session, new, {row.row: d for row, d in zip(with_password, digests, strict=True)})
    summary = ImportSummary(rows=len(rows), accounts_created=len(created))
    deputies = list((await session.execute(select(Deputy))).scalars())
    by_user = {d.user_id: d for d in deputies if d.user_id is not None}
    unlinked = {d.name: d for d in deputies if d.user_id is None}
    kept: set[uuid.UUID] = set()
    # A new account's membership is new too: added at once, without looking for one.
    session.add_all(Membership(tenant_id=tenant_id, user_id=user.id, roles=[DEPUTY]) for user in created.values())
    for number, row in enumerate(rows, start=1):
        user = found.existing(row)
        if user is not None:
            await _set_deputy_role(session, tenant_id, user, found.roles.get(user.id), row.active)
        elif row.username:
            user = created.get(row.username.lower())
            if user is None:
                summary.without_account += 1
        deputy = by_user.get(user.id) if user is not None else unlinked.pop(row.name, None)
        if deputy is None:
            deputy = Deputy(
                id=new_id(), name=row.name, user_id=user.id if user else None, active=row.active, created_by=actor
            )
            session.add(deputy)
            summary.added += 1
        else:
            deputy.name, deputy.active = row.name, row.active
            summary.updated += 1
        kept.add(deputy.id)
        summary.names.append(row.name)
        if progress is not None and number % 50 == 0:
            await session.flush()
            await progress(len(with_password) + number, total)
    if deactivate_missing:
        leaving = [d for d in deputies if d.id not in kept and d.active]
        for deputy in leaving:
            deputy.active = False
        summary.deactivated = len(leaving)
        await _retire_accounts(session, tenant_id, [d.user_id for d in leaving if d.user_id is not None])
    without_password = [created[row.username.lower()].id for row in new if not row.password and row.username]
    session.add_all(links.activation_links(secret_key, without_password, tenant_id, batch=batch, actor=actor))
    summary.links = len(without_password)
    await session.flush()
    if progress is not None:
        await progress(total, total)
    await audit.record(
        session,
        "roster.imported",
        actor=actor,
        subject=str(batch),
        payload={
            "rows": summary.rows,
            "added": summary.added,
            "updated": summary.updated,
            "accounts_created": summary.accounts_created,
            "links": summary.links,
            "deactivated": summary.deactivated,
            "names": summary.names,
        },
    )
    return summary
