"""The export of a closed round for offline verification (``minsheng verify``).

The ballot contents without deputies or receipts (random id, content, valid), sorted by id; the
receipts as their own sorted list, so nothing pairs a receipt with marks (a receipt proves that a
ballot was counted, never what it said: platform/docs/threat-model.md); the stored result; and the
tenant's audit chain up to and including the round's ``round.closed`` event, which holds the sorted
ballot hashes, the sorted receipts and the tally the verifier recomputes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit.models import TenantAuditEvent
from minsheng.audit.services import event_as_dict
from minsheng.congress.models import Ballot
from minsheng.congress.voting import rounds, tally
from minsheng.errors import Conflict

EXPORT_FORMAT = "minsheng-round-export/2"


async def round_export(session: AsyncSession, round_id: uuid.UUID) -> dict[str, Any]:
    """The export document of a closed round of the tenant in context; 409 while it is not closed."""
    voting_round = await rounds.get_round(session, round_id)
    result = tally.stored_result(voting_round)
    closed = (
        await session.execute(
            select(TenantAuditEvent.seq)
            .where(TenantAuditEvent.action == "round.closed", TenantAuditEvent.subject == str(voting_round.id))
            .order_by(TenantAuditEvent.seq.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if closed is None:
        raise Conflict("The audit chain holds no close of this voting round")
    events = (
        await session.execute(
            select(TenantAuditEvent).where(TenantAuditEvent.seq <= closed).order_by(TenantAuditEvent.seq)
        )
    ).scalars()
    rows = (
        await session.execute(select(Ballot.id, Ballot.content, Ballot.valid).where(Ballot.round_id == voting_round.id))
    ).all()
    return {
        "format": EXPORT_FORMAT,
        "round": {
            "id": str(voting_round.id),
            "title": voting_round.title,
            "seats": voting_round.seats,
            "ballot_format": voting_round.ballot_format,
            "candidates": [str(c) for c in await rounds.candidates_of(session, voting_round.id)],
            "method": voting_round.method,
            "entitled": result["entitled"],
            "present": result["present"],
            "issued": result["ballots_issued"],
            "returned": result["ballots_returned"],
        },
        "ballots": [
            {"id": str(row.id), "content": row.content, "valid": row.valid}
            for row in sorted(rows, key=lambda row: str(row.id))
        ],
        "receipts": sorted(result["receipts"]),
        "result": result,
        "chain": [event_as_dict(event) for event in events],
    }
