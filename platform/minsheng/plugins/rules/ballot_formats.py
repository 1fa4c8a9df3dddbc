"""The two built-in ballot formats (platform/docs/domain.md, "Ballot formats").

``yes_no_abstain``: each candidate is marked yes, no or abstain (赞成 / 反对 / 弃权); a ballot is a
mapping candidate id -> choice. ``approve_up_to_seats``: the deputy selects at most ``seats``
candidates (marking more makes the ballot invalid, 多选作废); a ballot is a list of selected ids, and
counting treats selected as yes and not selected as no.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from minsheng.i18n import msgid
from minsheng.plugins.registries import BallotFormat, PaperLayout
from minsheng.plugins.verdicts import CandidateId, Reason

CHOICES = frozenset({"yes", "no", "abstain"})


def _empty_counts(candidates: Sequence[CandidateId]) -> dict[CandidateId, dict[str, int]]:
    # Every candidate appears with every choice, so a candidate nobody approved still shows 0 yes.
    return {candidate: {"yes": 0, "no": 0, "abstain": 0} for candidate in candidates}


def validate_yes_no_abstain(ballot: object, candidates: Sequence[CandidateId], seats: int) -> Reason | None:
    """Return why a yes/no/abstain ballot is invalid, or None when it is valid."""
    if not isinstance(ballot, Mapping):
        return Reason("the ballot does not have a choice per candidate")
    known = set(candidates)
    for candidate in ballot:
        if candidate not in known:
            return Reason("the ballot names an unknown candidate {candidate}", {"candidate": candidate})
    for candidate in candidates:
        if candidate not in ballot:
            return Reason("no choice is marked for candidate {candidate}", {"candidate": candidate})
        if ballot[candidate] not in CHOICES:
            return Reason(
                "choice {choice} for candidate {candidate} is not yes, no or abstain",
                {"choice": ballot[candidate], "candidate": candidate},
            )
    return None


def tally_yes_no_abstain(
    ballots: Iterable[object], candidates: Sequence[CandidateId]
) -> dict[CandidateId, dict[str, int]]:
    """Count valid yes/no/abstain ballots per candidate.

    Raises ``ValueError`` on a ballot that does not validate: only valid ballots may be counted, and
    counting a bad one silently would falsify the result.
    """
    counts = _empty_counts(candidates)
    for ballot in ballots:
        problem = validate_yes_no_abstain(ballot, candidates, len(candidates))
        if problem is not None or not isinstance(ballot, Mapping):
            raise ValueError(f"cannot count an invalid ballot: {problem}")
        for candidate, choice in ballot.items():
            counts[candidate][choice] += 1
    return counts


def _selections(ballot: object) -> list[object] | None:
    """The selected ids of an approval ballot, or None when the ballot is not a collection of them."""
    # A string is a sequence too, but "ab" is not two selections.
    if isinstance(ballot, str | bytes) or not isinstance(ballot, list | tuple | set | frozenset):
        return None
    return list(ballot)


def validate_approve_up_to_seats(ballot: object, candidates: Sequence[CandidateId], seats: int) -> Reason | None:
    """Return why an approval ballot is invalid, or None when it is valid."""
    selected = _selections(ballot)
    if selected is None:
        return Reason("the ballot is not a list of selected candidates")
    known = set(candidates)
    seen: set[object] = set()
    for candidate in selected:
        if candidate not in known:
            return Reason("the ballot names an unknown candidate {candidate}", {"candidate": candidate})
        if candidate in seen:
            return Reason("candidate {candidate} is marked more than once", {"candidate": candidate})
        seen.add(candidate)
    if len(selected) > seats:
        # 多选作废: the whole ballot is invalid, not just the marks beyond the seats.
        return Reason(
            "{selected} candidates are marked, more than the {seats} allowed: the ballot is invalid",
            {"selected": len(selected), "seats": seats},
        )
    return None


def tally_approve_up_to_seats(
    ballots: Iterable[object], candidates: Sequence[CandidateId]
) -> dict[CandidateId, dict[str, int]]:
    """Count valid approval ballots: a selected candidate gets yes, every other candidate no.

    The over-selection check needs ``seats`` and belongs to validation; here a ballot naming an
    unknown or repeated candidate raises ``ValueError`` because it cannot have been validated.
    """
    counts = _empty_counts(candidates)
    for ballot in ballots:
        problem = validate_approve_up_to_seats(ballot, candidates, len(candidates))
        selected = _selections(ballot)
        if problem is not None or selected is None:
            raise ValueError(f"cannot count an invalid ballot: {problem}")
        chosen = set(selected)
        for candidate in candidates:
            counts[candidate]["yes" if candidate in chosen else "no"] += 1
    return counts


YES_NO_ABSTAIN = BallotFormat(
    code="yes_no_abstain",
    label=msgid("Yes / no / abstain for each candidate"),
    validate=validate_yes_no_abstain,
    tally=tally_yes_no_abstain,
    paper_layout=PaperLayout(
        columns=("yes", "no", "abstain"),
        instruction=msgid("Mark exactly one of yes, no or abstain for each candidate."),
    ),
)

APPROVE_UP_TO_SEATS = BallotFormat(
    code="approve_up_to_seats",
    label=msgid("Choose at most as many candidates as seats"),
    validate=validate_approve_up_to_seats,
    tally=tally_approve_up_to_seats,
    paper_layout=PaperLayout(
        columns=("approve",),
        instruction=msgid("Mark at most {seats} candidates; a ballot with more marks is invalid."),
    ),
)
