"""Double entry of paper ballots (platform/docs/domain.md, "Paper ballots"; platform/docs/architecture.md: two
tellers must agree).

Every teller enters the whole box. A teller's *entry* is the union of all the batches that teller
posted (``paper_entries`` rows with the same ``teller``), so one teller posting twice is still one
entry. Paper ballots carry no identity we could trust, so two entries are compared as multisets of
normalised ballot contents: "this marking, so many times". A round closes only when at least two
different tellers have entered and every entry equals the first one; the ballots then count once,
from the first teller's entry, and the other copies are removed in the closing transaction.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.models import Ballot, PaperEntry, RoundStatus, VotingMethod
from minsheng.congress.voting import rounds
from minsheng.errors import Conflict, Forbidden, NotFound

REQUIRED_TELLERS = 2


def content_key(content: Any) -> str:
    """One spelling of a stored ballot's marks, so equal markings compare equal.

    Stored contents are canonical already (an unordered format's list was sorted on the way in), and
    a ranking's order is its vote: two tellers entering one ranking in different orders differ.
    """
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class TellerEntry:
    """All the batches one teller entered in a round."""

    teller: str
    batches: tuple[uuid.UUID, ...]
    first_entered: datetime
    contents: Counter[str]
    valid: int
    invalid: int

    @property
    def ballots(self) -> int:
        return sum(self.contents.values())


@dataclass(frozen=True)
class Comparison:
    """How the tellers' entries compare: enough of them, and each marking's count per teller."""

    entries: tuple[TellerEntry, ...]
    differences: tuple[dict[str, Any], ...]

    @property
    def enough(self) -> bool:
        return len(self.entries) >= REQUIRED_TELLERS

    @property
    def agree(self) -> bool:
        return self.enough and not self.differences

    @property
    def counted(self) -> TellerEntry | None:
        """The entry whose ballots count (the first teller's), or None before anything is entered."""
        return self.entries[0] if self.entries else None


def compare(entries: Sequence[TellerEntry]) -> tuple[dict[str, Any], ...]:
    """Every marking whose count is not the same in all entries, with the count in each entry."""
    keys = sorted(set().union(*(entry.contents for entry in entries))) if entries else []
    differences = []
    for key in keys:
        counts = {entry.teller: entry.contents.get(key, 0) for entry in entries}
        if len(set(counts.values())) > 1:
            differences.append({"content": json.loads(key), "counts": counts})
    return tuple(differences)


def group_entries(batches: Iterable[Any], ballots: Iterable[Any]) -> list[TellerEntry]:
    """Teller entries from batch rows (id, teller, entered_at) and ballot rows (entry_id, content, valid)."""
    by_batch: dict[uuid.UUID, list[Any]] = {}
    for row in ballots:
        by_batch.setdefault(row.entry_id, []).append(row)
    tellers: dict[str, list[Any]] = {}
    for batch in sorted(batches, key=lambda b: (b.entered_at, str(b.id))):
        tellers.setdefault(batch.teller, []).append(batch)
    entries = []
    for teller, rows in tellers.items():
        marked = [ballot for batch in rows for ballot in by_batch.get(batch.id, [])]
        valid = sum(1 for ballot in marked if ballot.valid)
        entries.append(
            TellerEntry(
                teller=teller,
                batches=tuple(batch.id for batch in rows),
                first_entered=rows[0].entered_at,
                contents=Counter(content_key(ballot.content) for ballot in marked),
                valid=valid,
                invalid=len(marked) - valid,
            )
        )
    return entries


async def comparison(session: AsyncSession, round_id: uuid.UUID) -> Comparison:
    """The tellers' entries of a round (in the order they started entering) and their differences."""
    batches = (
        await session.execute(
            select(PaperEntry.id, PaperEntry.teller, PaperEntry.entered_at).where(PaperEntry.round_id == round_id)
        )
    ).all()
    ballots = (
        await session.execute(
            select(Ballot.entry_id, Ballot.content, Ballot.valid).where(
                Ballot.round_id == round_id, Ballot.entry_id.is_not(None)
            )
        )
    ).all()
    entries = group_entries(batches, ballots)
    return Comparison(entries=tuple(entries), differences=compare(entries))


def require_agreement(found: Comparison) -> None:
    """409 unless two tellers have entered the ballots and their entries agree, listing the differences."""
    if not found.enough:
        conflict = Conflict(
            "Paper ballots must be entered by {required} different tellers before the round can close;"
            " {tellers} teller(s) have entered them",
            required=REQUIRED_TELLERS,
            tellers=len(found.entries),
        )
        conflict.extra["tellers"] = [entry.teller for entry in found.entries]
        raise conflict
    if found.differences:
        conflict = Conflict(
            "The tellers' entries differ for {count} marking(s): count those ballots again",
            count=len(found.differences),
        )
        conflict.extra["differences"] = list(found.differences)
        raise conflict


async def drop_duplicate_entries(session: AsyncSession, found: Comparison) -> None:
    """Remove the ballots of every entry but the counted one, so each paper ballot counts once."""
    counted = found.counted
    others = [batch for entry in found.entries if entry is not counted for batch in entry.batches]
    if others:
        await session.execute(delete(Ballot).where(Ballot.entry_id.in_(others)))


async def withdraw_batch(session: AsyncSession, round_id: uuid.UUID, entry_id: uuid.UUID, *, teller: str) -> int:
    """A teller withdraws one of their own batches from an open round (to enter a recount); its size."""
    voting_round = await rounds.get_round(session, round_id, for_update=True)
    rounds.require_status(voting_round, RoundStatus.OPEN)
    if voting_round.method != VotingMethod.PAPER.value:
        raise Conflict("This voting round is held on {method} ballots", method=rounds.method_term(voting_round.method))
    batch = (
        await session.execute(select(PaperEntry).where(PaperEntry.round_id == round_id, PaperEntry.id == entry_id))
    ).scalar_one_or_none()
    if batch is None:
        raise NotFound("No paper entry {entry} in this voting round", entry=str(entry_id))
    if batch.teller != teller:
        raise Forbidden("Only the teller who entered these ballots can withdraw them")
    size = batch.ballots
    await session.execute(delete(Ballot).where(Ballot.round_id == round_id, Ballot.entry_id == entry_id))
    await session.delete(batch)
    await session.flush()
    await audit.record(
        session,
        "round.paper_ballots_withdrawn",
        actor=teller,
        subject=str(round_id),
        payload={"entry": str(entry_id), "ballots": size},
    )
    return size
