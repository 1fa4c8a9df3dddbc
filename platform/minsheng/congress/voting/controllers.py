"""API routes of voting rounds: open, ballots (electronic and paper), close, result, runoff."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.models import Role
from minsheng.congress import ballots
from minsheng.congress.models import VotingRound
from minsheng.congress.schemas import (
    BallotIn,
    CandidateResult,
    CloseRound,
    Created,
    NewRunoff,
    PaperBallotsIn,
    PaperDifference,
    PaperEntriesView,
    PaperEntryView,
    Receipt,
    RoundResult,
    RoundView,
    TellerEntryView,
)
from minsheng.congress.voting import export, paper, rounds, tally
from minsheng.http.dependencies import TenantAccess, provide_tenant_access
from minsheng.http.openapi import problems
from minsheng.http.problems import request_locale
from minsheng.i18n import translate

ROUND_MANAGERS = (Role.TENANT_ADMIN.value, Role.PRESIDIUM.value)
PAPER_READERS = (Role.TELLER.value, *ROUND_MANAGERS)


async def round_view(db_session: AsyncSession, voting_round: VotingRound) -> RoundView:
    return RoundView(
        id=voting_round.id,
        session_id=voting_round.session_id,
        title=voting_round.title,
        seats=voting_round.seats,
        ballot_format=voting_round.ballot_format,
        method=voting_round.method,
        status=voting_round.status,
        candidates=await rounds.candidates_of(db_session, voting_round.id),
        runoff_of=voting_round.runoff_of,
        runoff=await rounds.runoff_of(db_session, voting_round.id),
        outcome=voting_round.outcome,
        ballots_received=await rounds.ballots_received(db_session, voting_round.id),
    )


def result_view(stored: dict[str, Any], locale: str) -> RoundResult:
    """The stored result in platform/docs/api.md's shape, its reason translated into the caller's language."""
    reason = stored.get("reason")
    return RoundResult(
        status=stored["status"],
        entitled=stored["entitled"],
        present=stored["present"],
        ballots_issued=stored["ballots_issued"],
        ballots_returned=stored["ballots_returned"],
        valid=stored["valid"],
        invalid=stored["invalid"],
        candidates=[
            CandidateResult(
                project_id=uuid.UUID(c["project_id"]),
                yes=c["yes"],
                no=c["no"],
                abstain=c["abstain"],
                chosen=c["chosen"],
                rank=c["rank"],
                figures=dict(c.get("figures") or {}),
            )
            for c in stored["candidates"]
        ],
        receipts=stored["receipts"],
        chain_head=stored["chain_head"],
        tied=[uuid.UUID(c) for c in stored["tied"]],
        reason=translate(reason["message"], locale, **reason["params"]) if reason else None,
        remaining_seats=stored["remaining_seats"],
    )


class RoundsController(Controller):
    path = "/api/v1/t/{slug:str}/rounds"
    tags = ["congress"]
    dependencies = {"access": Provide(provide_tenant_access)}

    @get("/{round_id:uuid}")
    async def get_round(self, access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession) -> RoundView:
        """A voting round: seats, candidates, format, status, and how many deputies have voted so far."""
        return await round_view(db_session, await rounds.get_round(db_session, round_id))

    @post("/{round_id:uuid}/open", status_code=200, responses=problems(409))
    async def open_round(self, access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession) -> RoundView:
        """Open a draft round for ballots; 409 when the quorum is not met or the round is not a draft."""
        user = access.require(*ROUND_MANAGERS)
        voting_round = await rounds.open_round(db_session, round_id, actor=user.username)
        return await round_view(db_session, voting_round)

    @post("/{round_id:uuid}/ballots", status_code=201, responses=problems(409))
    async def cast(
        self, access: TenantAccess, round_id: uuid.UUID, data: BallotIn, db_session: AsyncSession
    ) -> Receipt:
        """Cast a secret ballot (deputies): ``choices`` or ``selected`` by format; answers the receipt code.

        A ranking format's ``selected`` is in rank order (most urgent first), and the order is kept.

        403 for a member who is not a deputy of the roster; 409 on a second ballot, before the round
        opens, after it closes, on a paper round, or when the deputy has not checked in; 422 when the
        ballot format refuses the ballot.
        """
        user = access.require(Role.DEPUTY.value)
        receipt = await ballots.cast_ballot(db_session, round_id, user, choices=data.choices, selected=data.selected)
        return Receipt(receipt=receipt)

    @post("/{round_id:uuid}/paper-ballots", status_code=201, responses=problems(409))
    async def enter_paper(
        self, access: TenantAccess, round_id: uuid.UUID, data: PaperBallotsIn, db_session: AsyncSession
    ) -> PaperEntryView:
        """Enter paper ballots as marked (tellers); invalid ones (e.g. too many marked) are kept as invalid."""
        user = access.require(Role.TELLER.value)
        figures = await ballots.enter_paper_ballots(db_session, round_id, data.ballots, teller=user.username)
        return PaperEntryView(
            entry_id=figures.entry_id, entered=figures.entered, valid=figures.valid, invalid=figures.invalid
        )

    @get("/{round_id:uuid}/paper-entries")
    async def paper_entries(
        self, access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession
    ) -> PaperEntriesView:
        """Each teller's entry of the paper ballots and how they compare (tellers, tenant admins, presidium).

        ``differences`` lists every marking whose count differs between the entries, with each
        teller's count, so those ballots can be counted again.
        """
        access.require(*PAPER_READERS)
        await rounds.get_round(db_session, round_id)
        found = await paper.comparison(db_session, round_id)
        return PaperEntriesView(
            entries=[
                TellerEntryView(
                    teller=entry.teller,
                    batches=list(entry.batches),
                    ballots=entry.ballots,
                    valid=entry.valid,
                    invalid=entry.invalid,
                    counted=entry is found.counted,
                )
                for entry in found.entries
            ],
            required_tellers=paper.REQUIRED_TELLERS,
            agree=found.agree,
            differences=[PaperDifference(content=d["content"], counts=d["counts"]) for d in found.differences],
        )

    @delete("/{round_id:uuid}/paper-entries/{entry_id:uuid}", status_code=204, responses=problems(409))
    async def withdraw_paper(
        self, access: TenantAccess, round_id: uuid.UUID, entry_id: uuid.UUID, db_session: AsyncSession
    ) -> None:
        """Withdraw one of your own batches from an open paper round, to enter the recount (tellers)."""
        user = access.require(Role.TELLER.value)
        await paper.withdraw_batch(db_session, round_id, entry_id, teller=user.username)

    @get("/{round_id:uuid}/export", responses=problems(409))
    async def export(self, access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession) -> dict[str, Any]:
        """A closed round for ``minsheng verify`` (``minsheng-round-export/1``): ballots without
        deputies, the stored result, and the audit chain up to the round's close.
        """
        access.require(*ROUND_MANAGERS)
        return await export.round_export(db_session, round_id)

    @post("/{round_id:uuid}/close", status_code=200, responses=problems(409))
    async def close(
        self,
        access: TenantAccess,
        round_id: uuid.UUID,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        data: CloseRound | None = None,
    ) -> RoundResult:
        """Close an open round and answer its result; a paper round needs ballots issued and returned.

        409 when the round is not open, the paper ballots were not entered by two tellers or their
        entries differ (``differences`` lists them), or the ballots entered do not add up to those returned.
        """
        user = access.require(*ROUND_MANAGERS)
        counts = data or CloseRound()
        voting_round = await tally.close_round(
            db_session, round_id, issued=counts.ballots_issued, returned=counts.ballots_returned, actor=user.username
        )
        return result_view(tally.stored_result(voting_round), request_locale(request))

    @get("/{round_id:uuid}/result", responses=problems(409))
    async def result(
        self, access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> RoundResult:
        """The result of a closed round (platform/docs/api.md); 409 while the round is not closed."""
        voting_round = await rounds.get_round(db_session, round_id)
        return result_view(tally.stored_result(voting_round), request_locale(request))

    @post("/{round_id:uuid}/runoff", status_code=201, responses=problems(409))
    async def runoff(
        self, access: TenantAccess, round_id: uuid.UUID, db_session: AsyncSession, data: NewRunoff | None = None
    ) -> Created:
        """Start the runoff among the tied candidates for the remaining seats (not subject to the margin rule)."""
        user = access.require(*ROUND_MANAGERS)
        title = data.title if data else None
        voting_round = await rounds.create_runoff(db_session, round_id, title=title, actor=user.username)
        return Created(id=voting_round.id)
