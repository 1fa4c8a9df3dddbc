"""The result of a voting round: who is chosen, whether a runoff is needed, whether the round is void.

platform/docs/domain.md, "Result": a candidate is chosen with the approval of more than half of all deputies
(全体代表过半数: of those entitled, not of those present; exactly half is not enough); chosen
candidates are ranked by approvals and at most ``seats`` are taken; a tie at the cut-off is settled
by a new vote among the tied candidates. platform/docs/domain.md, "Paper ballots": more ballots returned than
issued makes the round void.
"""

from __future__ import annotations

from minsheng.plugins.verdicts import (
    CandidateId,
    Outcome,
    RankedCandidate,
    Reason,
    RoundValidity,
    Tally,
)

VOTE_CHOICES = ("yes", "no", "abstain")


def is_chosen(approvals: int, entitled: int) -> bool:
    """Whether ``approvals`` are more than half of ``entitled`` deputies (compared in integers)."""
    return 2 * approvals > entitled


def _inconsistent_tally(tally: Tally, entitled: int) -> Reason | None:
    """Explain why the tally cannot be true, or return None when it can."""
    for candidate, counts in tally.items():
        votes = [counts.get(choice, 0) for choice in VOTE_CHOICES]
        if any(count < 0 for count in votes):
            return Reason("candidate {candidate} has a negative vote count", {"candidate": candidate})
        if sum(votes) > entitled:
            return Reason(
                "candidate {candidate} has {votes} votes, more than the {entitled} deputies entitled",
                {"candidate": candidate, "votes": sum(votes), "entitled": entitled},
            )
    return None


def _ranked(candidates: list[tuple[CandidateId, int]]) -> tuple[RankedCandidate, ...]:
    """Give competition ranks (1, 1, 3 ...) to candidates already sorted by approvals, descending."""
    ranked: list[RankedCandidate] = []
    for position, (candidate, approvals) in enumerate(candidates):
        if position and approvals == candidates[position - 1][1]:
            rank = ranked[-1].rank
        else:
            rank = position + 1
        ranked.append(RankedCandidate(candidate, rank))
    return tuple(ranked)


def outcome_rule(tally: Tally, seats: int, entitled: int) -> Outcome:
    """Decide a round's outcome from per-candidate ``tally`` counts (platform/docs/domain.md: result)."""
    if seats < 1:
        return Outcome("void", reason=Reason("a vote must fill at least one seat, not {seats}", {"seats": seats}))
    if entitled < 1:
        return Outcome("void", reason=Reason("no deputies are entitled to vote", {"entitled": entitled}))
    inconsistency = _inconsistent_tally(tally, entitled)
    if inconsistency is not None:
        return Outcome("void", reason=inconsistency)

    approvals = [(candidate, counts.get("yes", 0)) for candidate, counts in tally.items()]
    # sorted() is stable: equal approvals keep the order of the candidate list, so results are repeatable.
    winners = sorted(
        ((candidate, yes) for candidate, yes in approvals if is_chosen(yes, entitled)),
        key=lambda pair: pair[1],
        reverse=True,
    )
    if len(winners) > seats and winners[seats][1] == winners[seats - 1][1]:
        # Equal approvals straddle the last seat: nobody may pick among them but the deputies.
        cut_off = winners[seats - 1][1]
        sure = [pair for pair in winners if pair[1] > cut_off]
        tied = tuple(candidate for candidate, yes in winners if yes == cut_off)
        remaining = seats - len(sure)
        return Outcome(
            "runoff_required",
            chosen=_ranked(sure),
            tied=tied,
            remaining_seats=remaining,
            reason=Reason(
                "{count} candidates are tied at {approvals} approvals for {remaining} remaining seats;"
                " a runoff vote among them is required",
                {"count": len(tied), "approvals": cut_off, "remaining": remaining},
            ),
        )
    chosen = _ranked(winners[:seats])
    reason = None
    if len(chosen) < seats:
        reason = Reason(
            "only {chosen} of {seats} seats were filled: no other candidate won the approval of more"
            " than half of the {entitled} deputies",
            {"chosen": len(chosen), "seats": seats, "entitled": entitled},
        )
    return Outcome("decided", chosen=chosen, reason=reason)


def round_validity(issued: int, returned: int) -> RoundValidity:
    """Decide whether a paper round stands: more ballots returned than issued makes it void."""
    params = {"issued": issued, "returned": returned}
    if issued < 0 or returned < 0:
        return RoundValidity(False, Reason("ballot counts cannot be negative", params))
    if returned > issued:
        return RoundValidity(
            False, Reason("{returned} ballots returned but only {issued} issued: the vote is void", params)
        )
    return RoundValidity(True)
