"""The priority-ranking ballot (按轻重缓急排序票决): its validity rule, its tally and its outcome.

A ballot ranks at most ``seats`` candidates, most urgent first, in one of two shapes:

- a list of candidate ids, most urgent first (``{"selected": [...]}`` through the ballot API);
- a mapping candidate id -> rank number (1 = most urgent), as a teller reads the rank column of a
  paper ballot.

Valid when: it is one of those shapes; every id is a candidate of the round; no candidate appears
twice; the ranks of a mapping are whole numbers 1 to k, each once; at least one and at most ``seats``
candidates are ranked (ranking more invalidates the whole ballot, as 多选作废 does).

Counting: a ranked candidate gets one approval ("yes"), an unranked one a "no", so the platform's
"more than half of all deputies" rule decides who is chosen. Besides, each ballot gives priority
points by the modified Borda count: of k ranked candidates the first gets k points, the next k − 1,
..., the last 1 (a full ballot of ``seats`` gives ``seats`` ... 1; nobody gains weight by ranking
fewer). The points travel in the tally as a fourth figure, ``points``, and order the chosen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from minsheng.plugins import (
    BallotFormat,
    CandidateId,
    Outcome,
    PaperLayout,
    RankedCandidate,
    Reason,
    Tally,
    msgid,
    outcome_rule,
)

FORMAT_CODE = "priority_ranking"
POINTS = "points"


def _is_rank(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def ranking_of(ballot: object) -> list[object] | None:
    """The ranked candidates of a ballot, most urgent first; None when the ballot has neither shape.

    A mapping's candidates are put in the order of their rank numbers; whether those numbers are
    1 to k is for :func:`validate_priority_ranking` to say.
    """
    if isinstance(ballot, list | tuple):
        return list(ballot)
    if isinstance(ballot, Mapping):
        if not all(_is_rank(rank) for rank in ballot.values()):
            return None
        return [candidate for candidate, _rank in sorted(ballot.items(), key=lambda item: item[1])]
    return None


def validate_priority_ranking(ballot: object, candidates: Sequence[CandidateId], seats: int) -> Reason | None:
    """Return why a priority-ranking ballot is invalid, or None when it is valid."""
    ranked = ranking_of(ballot)
    if ranked is None:
        return Reason("the ballot is not a ranking of candidates by urgency")
    known = set(candidates)
    seen: set[object] = set()
    for candidate in ranked:
        if not isinstance(candidate, str) or candidate not in known:
            return Reason("the ballot names an unknown candidate {candidate}", {"candidate": str(candidate)})
        if candidate in seen:
            return Reason("candidate {candidate} is ranked more than once", {"candidate": candidate})
        seen.add(candidate)
    if isinstance(ballot, Mapping):
        ranks = sorted(ballot.values())
        if ranks != list(range(1, len(ranks) + 1)):
            return Reason(
                "the ranks {ranks} are not the numbers 1 to {count}, each once",
                {"ranks": ", ".join(str(rank) for rank in ranks), "count": len(ranks)},
            )
    if not ranked:
        return Reason("no candidate is ranked: the ballot is invalid")
    if len(ranked) > seats:
        return Reason(
            "{ranked} candidates are ranked, more than the {seats} allowed: the ballot is invalid",
            {"ranked": len(ranked), "seats": seats},
        )
    return None


def tally_priority_ranking(
    ballots: Iterable[object], candidates: Sequence[CandidateId]
) -> dict[CandidateId, dict[str, int]]:
    """Count valid ballots: approvals (ranked: yes, unranked: no) and priority points per candidate.

    Raises ``ValueError`` on a ballot that cannot have been validated (the limit of ``seats`` is
    validation's business: the counter is not given the seats).
    """
    counts = {candidate: {"yes": 0, "no": 0, "abstain": 0, POINTS: 0} for candidate in candidates}
    for ballot in ballots:
        problem = validate_priority_ranking(ballot, candidates, len(candidates))
        ranked = ranking_of(ballot)
        if problem is not None or ranked is None:
            raise ValueError(f"cannot count an invalid ballot: {problem}")
        for place, candidate in enumerate(ranked):
            counts[str(candidate)]["yes"] += 1
            counts[str(candidate)][POINTS] += len(ranked) - place
        for candidate in set(candidates) - set(ranked):
            counts[candidate]["no"] += 1
    return counts


def has_points(tally: Tally) -> bool:
    """Whether a tally came from the priority-ranking format (only it counts points)."""
    return any(POINTS in counts for counts in tally.values())


def rank_by_priority(chosen: Sequence[RankedCandidate], tally: Tally) -> tuple[RankedCandidate, ...]:
    """Re-rank chosen candidates by points, then approvals; equal on both share a rank (1, 1, 3)."""

    def key(ranked: RankedCandidate) -> tuple[int, int]:
        counts = tally.get(ranked.candidate, {})
        return (-counts.get(POINTS, 0), -counts.get("yes", 0))

    # sorted() is stable: candidates equal on both keep the platform's order (the ballot paper's).
    ordered = sorted(chosen, key=key)
    result: list[RankedCandidate] = []
    for position, ranked in enumerate(ordered):
        same = position and key(ranked) == key(ordered[position - 1])
        result.append(RankedCandidate(ranked.candidate, result[-1].rank if same else position + 1))
    return tuple(result)


def priority_outcome(tally: Tally, seats: int, entitled: int) -> Outcome:
    """Who is chosen is the platform's rule (more than half of all deputies ranked it; at most
    ``seats`` by approvals; a tie in approvals at the cut-off goes to a runoff); the order among the
    chosen, their priority (轻重缓急), is by points, then approvals."""
    outcome = outcome_rule(tally, seats, entitled)
    if not outcome.chosen:
        return outcome
    return dataclasses.replace(outcome, chosen=rank_by_priority(outcome.chosen, tally))


PRIORITY_RANKING = BallotFormat(
    code=FORMAT_CODE,
    label=msgid("Rank at most as many candidates as seats by urgency (轻重缓急)"),
    validate=validate_priority_ranking,
    tally=tally_priority_ranking,
    paper_layout=PaperLayout(
        columns=("rank",),
        instruction=msgid(
            "Write 1 to {seats} in the rank column, 1 beside the most urgent project; rank at most {seats}"
            " projects, each number once; a ballot ranking more is invalid."
        ),
    ),
    ordered=True,
)
