"""API routes of voting rounds: open, ballots (electronic and paper), close, result, runoff."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.congress import ballots
from minsheng.congress.hall import scrutiny
from minsheng.congress.models import VotingRound
from minsheng.congress.schemas import (
    BallotIn,
    CandidateResult,
    CloseRound,
    Created,
    KeyShareIn,
    KeySharesEntered,
    KeyShareView,
    NewPaperIssue,
    NewRunoff,
    PaperBallotsIn,
    PaperDifference,
    PaperEntriesView,
    PaperEntryView,
    PaperIssuedView,
    Receipt,
    RoundResult,
    RoundView,
    TellerEntryView,
)
from minsheng.congress.voting import export, issuing, key_shares, paper, rounds, tally
from minsheng.db.idempotency import checked_key
from minsheng.http.idempotency import IdempotencyKeyHeader
from minsheng.http.openapi import problems
from minsheng.http.problems import request_locale
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import translate
from minsheng.permissions import Permission


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
        paper_issued=await issuing.paper_issued(db_session, voting_round.id),
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
        by_method=stored.get("by_method"),
    )


class RoundsController(Controller):
    path = "/api/v1/t/{slug:str}/rounds"
    tags = ["congress"]

    @requires(Permission.TENANT_READ)
    @get("/{round_id:uuid}")
    async def get_round(self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession) -> RoundView:
        """A voting round: seats, candidates, format, status, and how many deputies have voted so far."""
        return await round_view(db_session, await rounds.get_round(db_session, round_id))

    @requires(Permission.ROUNDS_PREPARE)
    @delete("/{round_id:uuid}", status_code=204, responses=problems(409))
    async def withdraw(self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession) -> None:
        """Withdraw a round created by mistake, before it opens (409 after); the audit chain keeps it."""
        await rounds.withdraw_round(db_session, round_id, actor=access.user.username)

    @requires(Permission.ROUNDS_CONDUCT)
    @post("/{round_id:uuid}/open", status_code=200, responses=problems(409))
    async def open_round(self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession) -> RoundView:
        """Open a draft round for ballots; 409 when the quorum is not met or the round is not a draft."""
        voting_round = await rounds.open_round(db_session, round_id, access.hooks, actor=access.user.username)
        return await round_view(db_session, voting_round)

    @requires(Permission.BALLOTS_CAST)
    @post("/{round_id:uuid}/ballots", status_code=201, responses=problems(409))
    async def cast(
        self,
        access: TenantScope,
        round_id: uuid.UUID,
        data: BallotIn,
        db_session: AsyncSession,
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> Receipt:
        """Cast a secret ballot (deputies): ``choices`` or ``selected`` by format; answers the receipt code.

        A ranking format's ``selected`` is in rank order (most urgent first), and the order is kept.
        With an ``Idempotency-Key``, a retry of the same ballot answers the same receipt (201).

        403 for a member who is not a deputy of the roster in office; 409 on a second ballot (or another
        ballot under the same key), before the round opens, after it closes, on a paper round, after the
        deputy took a paper ballot of a mixed round, or when the deputy has not checked in; 422 when the
        ballot names a candidate twice or a project that is not a candidate, or the format refuses it
        (e.g. more yes than seats).
        """
        receipt = await ballots.cast_ballot(
            db_session,
            round_id,
            access.user,
            access.hooks,
            choices=data.choices,
            selected=data.selected,
            idempotency_key=checked_key(idempotency_key),
        )
        return Receipt(receipt=receipt)

    @requires(Permission.CHECKIN_MANAGE)
    @post("/{round_id:uuid}/paper-issued", status_code=201, responses=problems(409))
    async def issue_paper(
        self, access: TenantScope, round_id: uuid.UUID, data: NewPaperIssue, db_session: AsyncSession
    ) -> PaperIssuedView:
        """Hand a deputy who asks for it a paper ballot of an open mixed round. 409 when the deputy voted on
        the phone, took paper already, has not checked in or is no longer in office, or the round is not
        an open mixed round. The deputy can no longer vote on the phone in this round."""
        issued = await issuing.issue_paper(db_session, round_id, data.deputy_id, actor=access.user.username)
        return PaperIssuedView(round_id=round_id, deputy_id=data.deputy_id, paper_issued=issued)

    @requires(Permission.TENANT_READ)
    @post("/{round_id:uuid}/paper-ballots", status_code=201, responses=problems(409))
    async def enter_paper(
        self, access: TenantScope, round_id: uuid.UUID, data: PaperBallotsIn, db_session: AsyncSession
    ) -> PaperEntryView:
        """Enter paper ballots as marked (the session's approved tellers and scrutineers); invalid ones
        (e.g. too many marked, a candidate left unmarked) are kept as invalid. 422 for a ballot naming a
        candidate twice or a project that is not a candidate (``ballot``: its number in the batch)."""
        voting_round = await rounds.get_round(db_session, round_id)
        teller = await scrutiny.require_counting_duty(db_session, access, voting_round.session_id)
        figures = await ballots.enter_paper_ballots(db_session, round_id, data.ballots, access.hooks, teller=teller)
        return PaperEntryView(
            entry_id=figures.entry_id, entered=figures.entered, valid=figures.valid, invalid=figures.invalid
        )

    @requires(Permission.TENANT_READ)
    @get("/{round_id:uuid}/paper-entries")
    async def paper_entries(
        self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession
    ) -> PaperEntriesView:
        """Each teller's entry of the paper ballots and how they compare (the session's approved tellers
        and scrutineers).

        ``differences`` lists every marking whose count differs between the entries, with each
        teller's count, so those ballots can be counted again.
        """
        voting_round = await rounds.get_round(db_session, round_id)
        await scrutiny.require_counting_duty(db_session, access, voting_round.session_id)
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

    @requires(Permission.TENANT_READ)
    @delete("/{round_id:uuid}/paper-entries/{entry_id:uuid}", status_code=204, responses=problems(409))
    async def withdraw_paper(
        self, access: TenantScope, round_id: uuid.UUID, entry_id: uuid.UUID, db_session: AsyncSession
    ) -> None:
        """Withdraw one of your own batches from an open round, to enter the recount (the session's tellers)."""
        voting_round = await rounds.get_round(db_session, round_id)
        teller = await scrutiny.require_counting_duty(db_session, access, voting_round.session_id)
        await paper.withdraw_batch(db_session, round_id, entry_id, teller=teller)

    @requires(Permission.ROUNDS_EXPORT)
    @get("/{round_id:uuid}/export", responses=problems(409))
    async def export(self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession) -> dict[str, Any]:
        """A closed round for ``minsheng verify`` (``minsheng-round-export/2``): the ballot contents
        (no deputy, no receipt) and the receipts as two separate sorted lists, the stored result, and
        the audit chain up to the round's close.
        """
        return await export.round_export(db_session, round_id)

    @requires(Permission.TENANT_READ)
    @get("/{round_id:uuid}/key-share", responses=problems(409))
    async def collect_key_share(
        self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession
    ) -> KeyShareView:
        """The caller's share of the round's key, when the tenant has the scrutineers hold it: handed out
        once (then deleted from the platform; 409 the second time); 403 for anyone but its scrutineer."""
        share = await key_shares.collect_share(db_session, round_id, username=access.user.username)
        voting_round = await rounds.get_round(db_session, round_id)
        held = voting_round.key_shares or {}
        return KeyShareView(
            number=share.number, share=share.text(), needed=int(held["needed"]), holders=len(held["holders"])
        )

    @requires(Permission.TENANT_READ)
    @post("/{round_id:uuid}/key-shares", status_code=200, responses=problems(409, 422))
    async def enter_key_share(
        self, access: TenantScope, round_id: uuid.UUID, data: KeyShareIn, db_session: AsyncSession
    ) -> KeySharesEntered:
        """A scrutineer enters a share of the round's key before the count; 422 naming the scrutineer's
        number for a share that is not theirs or mistyped; 409 when the round is not open."""
        await key_shares.require_holder(db_session, round_id, access.user.username)
        entered, needed = await key_shares.enter_share(db_session, round_id, data.share, actor=access.user.username)
        return KeySharesEntered(entered=entered, needed=needed)

    @requires(Permission.ROUNDS_CONDUCT)
    @post("/{round_id:uuid}/close", status_code=200, responses=problems(409))
    async def close(
        self,
        access: TenantScope,
        round_id: uuid.UUID,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        data: CloseRound | None = None,
    ) -> RoundResult:
        """Close an open round and answer its result; a paper round needs ballots issued and returned, a
        mixed round ``ballots_returned``: the paper ballots in the box.

        409 when the round is not open, the paper ballots were not entered by two tellers or their
        entries differ (``differences`` lists them), or the ballots entered do not add up to those returned.
        """
        counts = data or CloseRound()
        voting_round = await tally.close_round(
            db_session,
            round_id,
            access.hooks,
            issued=counts.ballots_issued,
            returned=counts.ballots_returned,
            actor=access.user.username,
        )
        return result_view(tally.stored_result(voting_round), request_locale(request))

    @requires(Permission.TENANT_READ)
    @get("/{round_id:uuid}/result", responses=problems(409))
    async def result(
        self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> RoundResult:
        """The result of a closed round (platform/docs/api.md); 409 while the round is not closed."""
        voting_round = await rounds.get_round(db_session, round_id)
        return result_view(tally.stored_result(voting_round), request_locale(request))

    @requires(Permission.ROUNDS_CONDUCT)
    @post("/{round_id:uuid}/runoff", status_code=201, responses=problems(409))
    async def runoff(
        self, access: TenantScope, round_id: uuid.UUID, db_session: AsyncSession, data: NewRunoff | None = None
    ) -> Created:
        """Start the runoff among the tied candidates for the remaining seats (not subject to the margin rule)."""
        title = data.title if data else None
        voting_round = await rounds.create_runoff(
            db_session, round_id, access.hooks, title=title, actor=access.user.username
        )
        return Created(id=voting_round.id)
