"""The scrutineers' custody of a round's key (a tenant's ``ballot_key_custody: scrutineers``).

When such a round opens, its private key is split among the session's scrutineers (总监票人 and
监票人, in the order the session approved them): any ``ballot_key_shares_needed`` of their shares
rebuild it (``minsheng.secrecy.shares``). The private key itself is kept nowhere. Each scrutineer
collects their share once (it is then deleted from the platform's custody) and enters it before the
count; the round cannot be tallied until enough shares are entered. Only a commitment of each share is
stored with the round, so a wrong share is refused at once with the number of the scrutineer it should
belong to. Entered shares wait in the platform's custody until the close, which destroys them with the
round's other key material (platform/docs/threat-model.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.hall import scrutiny
from minsheng.congress.models import RoundStatus, ScrutinyRole, VotingMethod, VotingRound
from minsheng.db.after_commit import after_commit
from minsheng.db.lookup import locked, one_or_not_found
from minsheng.errors import Conflict, Forbidden, InvalidInput, NotFound
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.secrecy.custody import KeyDestroyed
from minsheng.secrecy.keeping import current_custody, new_subject_key
from minsheng.secrecy.sealing import RoundKeys
from minsheng.secrecy.shares import Share, ShareInvalid, check, combine, commitment, parse_share, split

PLATFORM = "platform"
SCRUTINEERS = "scrutineers"
HOLDING = (ScrutinyRole.CHIEF_SCRUTINEER.value, ScrutinyRole.SCRUTINEER.value)


def custody_chosen(hooks: TenantHooks) -> str:
    """The tenant's ``ballot_key_custody``: ``platform`` or ``scrutineers``."""
    return str(hooks.tenant.settings(DEFAULTS_PLUGIN).get("ballot_key_custody", "platform"))


async def _get_round(session: AsyncSession, round_id: uuid.UUID, *, for_update: bool = False) -> VotingRound:
    query = locked(select(VotingRound).where(VotingRound.id == round_id), exclusive=for_update, shared=False)
    return await one_or_not_found(
        session, query, NotFound("No voting round {round} in this tenant", round=str(round_id))
    )


async def round_key(session: AsyncSession, voting_round: VotingRound, hooks: TenantHooks) -> None:
    """Give a round opening now its key, in the custody the tenant chose (``ballot_key_custody``): the
    public half on the round, the private half with the platform or split among the scrutineers."""
    # A paper round seals nothing: its key stays with the platform whatever the tenant chose.
    if custody_chosen(hooks) == SCRUTINEERS and voting_round.method != VotingMethod.PAPER.value:
        voting_round.key_custody = SCRUTINEERS
        voting_round.ballot_key = await split_among_scrutineers(session, voting_round, hooks)
        return
    voting_round.key_custody = PLATFORM
    voting_round.ballot_key = await new_subject_key(voting_round.tenant_id, voting_round.id)


def _context(voting_round: VotingRound) -> bytes:
    return f"{voting_round.tenant_id}/{voting_round.id}".encode()


def _slot(voting_round: VotingRound, kind: str, number: int) -> uuid.UUID:
    """Where one share waits in the platform's custody: ``issued`` (to collect) or ``entered`` (for the count)."""
    return uuid.uuid5(voting_round.id, f"{kind}-share-{number}")


async def _holders(session: AsyncSession, voting_round: VotingRound) -> list[str]:
    found = await scrutiny.scrutineers_of(session, voting_round.session_id)
    return [row.username for row in found if row.role in HOLDING]


async def split_among_scrutineers(session: AsyncSession, voting_round: VotingRound, hooks: TenantHooks) -> bytes:
    """Make the round's key pair, split its private half among the session's scrutineers and keep only
    their commitments; the public half (returned) seals the ballots. 409 without a scrutineer."""
    holders = await _holders(session, voting_round)
    if not holders:
        raise Conflict("The session has approved no scrutineers to hold the key of the ballots")
    wanted = int(str(hooks.tenant.settings(DEFAULTS_PLUGIN).get("ballot_key_shares_needed", 2)))
    needed = max(1, min(wanted, len(holders)))
    keys = RoundKeys.generate()
    shares = split(keys.private, needed, len(holders))
    custody = current_custody()
    for share in shares:
        await custody.keep(voting_round.tenant_id, _slot(voting_round, "issued", share.number), share.value)
    voting_round.key_shares = {
        "needed": needed,
        "holders": holders,
        "commitments": {str(share.number): commitment(share, _context(voting_round)) for share in shares},
    }
    return keys.public


def _number_of(voting_round: VotingRound, username: str) -> int:
    holders = list((voting_round.key_shares or {}).get("holders") or [])
    if username not in holders:
        raise Forbidden("Only the scrutineers who hold a share of this round's key can do this")
    return holders.index(username) + 1


def _require_scrutineers(voting_round: VotingRound) -> dict[str, Any]:
    if voting_round.key_custody != SCRUTINEERS or not voting_round.key_shares:
        raise Conflict("The key of this voting round is not held by the scrutineers")
    return voting_round.key_shares


async def rounds_holding_a_share(session: AsyncSession, username: str) -> list[VotingRound]:
    """The open rounds whose key is split among scrutineers, one of them ``username``."""
    query = select(VotingRound).where(
        VotingRound.status == RoundStatus.OPEN.value, VotingRound.key_custody == SCRUTINEERS
    )
    found = (await session.execute(query.order_by(VotingRound.opened_at))).scalars()
    return [r for r in found if username in (r.key_shares or {}).get("holders", [])]


async def collect_share(session: AsyncSession, round_id: uuid.UUID, *, username: str) -> Share:
    """A scrutineer's share, handed out once: it is then deleted from the platform. 409 the second time."""
    voting_round = await _get_round(session, round_id)
    _require_scrutineers(voting_round)
    number = _number_of(voting_round, username)
    custody = current_custody()
    try:
        value = await custody.fetch(voting_round.tenant_id, _slot(voting_round, "issued", number))
    except KeyDestroyed as exc:
        raise Conflict("Your share of this round's key has been handed out already") from exc
    await custody.destroy(voting_round.tenant_id, _slot(voting_round, "issued", number))
    await audit.record(
        session, "round.key_share_collected", actor=username, subject=str(voting_round.id), payload={"number": number}
    )
    return Share(number, value)


async def require_holder(session: AsyncSession, round_id: uuid.UUID, username: str) -> None:
    """403 unless ``username`` holds a share of the round's key (409 when the scrutineers hold none)."""
    voting_round = await _get_round(session, round_id)
    _require_scrutineers(voting_round)
    _number_of(voting_round, username)


async def entered_shares(voting_round: VotingRound) -> list[Share]:
    """The shares entered so far for the round, checked against their commitments."""
    commitments = {int(k): v for k, v in _require_scrutineers(voting_round)["commitments"].items()}
    custody = current_custody()
    found = []
    for number in sorted(commitments):
        try:
            value = await custody.fetch(voting_round.tenant_id, _slot(voting_round, "entered", number))
        except KeyDestroyed:
            continue
        found.append(Share(number, value))
    return found


async def enter_share(session: AsyncSession, round_id: uuid.UUID, text: str, *, actor: str) -> tuple[int, int]:
    """Enter one scrutineer's share for the count; (shares entered, shares needed).

    422 for a share that cannot be read or is not the one committed for its number (the message names
    the scrutineer's number); 409 when the round is closed.
    """
    voting_round = await _get_round(session, round_id, for_update=True)
    if voting_round.status != RoundStatus.OPEN.value:
        raise Conflict("Key shares are entered while the round is open, before it is counted")
    held = _require_scrutineers(voting_round)
    try:
        share = parse_share(text)
    except ShareInvalid as exc:
        raise InvalidInput(
            "The share cannot be read: it starts with its number, then groups of letters and digits"
        ) from exc
    commitments = {int(k): v for k, v in held["commitments"].items()}
    try:
        check(share, _context(voting_round), commitments)
    except ShareInvalid as exc:
        raise InvalidInput(
            "This is not the key share of scrutineer No. {number}: check it and enter it again", number=share.number
        ) from exc
    await current_custody().keep(voting_round.tenant_id, _slot(voting_round, "entered", share.number), share.value)
    await audit.record(
        session, "round.key_share_entered", actor=actor, subject=str(voting_round.id), payload={"number": share.number}
    )
    return len(await entered_shares(voting_round)), int(held["needed"])


async def rebuilt_key(voting_round: VotingRound) -> bytes:
    """The round's private key from the shares entered; 409 until enough are."""
    needed = int(_require_scrutineers(voting_round)["needed"])
    shares = await entered_shares(voting_round)
    if len(shares) < needed:
        raise Conflict(
            "{entered} of the {needed} key shares needed have been entered: the scrutineers enter theirs before"
            " the round is counted",
            entered=len(shares),
            needed=needed,
        )
    return combine(shares[:needed])


def destroy_shares_after_commit(session: AsyncSession, voting_round: VotingRound) -> None:
    """Destroy every share slot of the round once its close has committed."""
    numbers = [int(k) for k in (voting_round.key_shares or {}).get("commitments", {})]
    tenant_id = voting_round.tenant_id
    slots = [_slot(voting_round, kind, number) for number in numbers for kind in ("issued", "entered")]

    async def destroy() -> None:
        custody = current_custody()
        for slot in slots:
            await custody.destroy(tenant_id, slot)

    after_commit(session, destroy)
