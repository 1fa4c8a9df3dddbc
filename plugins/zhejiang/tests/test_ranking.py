"""The priority-ranking format and outcome alone, with boundary tables."""

from __future__ import annotations

import pytest
from minsheng_zhejiang.ranking import (
    PRIORITY_RANKING,
    priority_outcome,
    tally_priority_ranking,
    validate_priority_ranking,
)

from minsheng.plugins import RankedCandidate, outcome_rule

CANDIDATES = ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("ballot", "seats", "message"),
    [
        (["a"], 3, None),
        (["c", "a", "b"], 3, None),  # exactly seats: valid
        (
            ["c", "a", "b", "d"],
            3,
            "{ranked} candidates are ranked, more than the {seats} allowed: the ballot is invalid",
        ),
        ([], 3, "no candidate is ranked: the ballot is invalid"),
        (["a", "a"], 3, "candidate {candidate} is ranked more than once"),
        (["a", "z"], 3, "the ballot names an unknown candidate {candidate}"),
        ([1, "a"], 3, "the ballot names an unknown candidate {candidate}"),
        ({"b": 1, "a": 2}, 3, None),
        ({"b": 1, "a": 2, "c": 3}, 3, None),
        (
            {"b": 1, "a": 2, "c": 3, "d": 4},
            3,
            "{ranked} candidates are ranked, more than the {seats} allowed: the ballot is invalid",
        ),
        ({}, 3, "no candidate is ranked: the ballot is invalid"),
        ({"b": 1, "a": 1}, 3, "the ranks {ranks} are not the numbers 1 to {count}, each once"),
        ({"b": 1, "a": 3}, 3, "the ranks {ranks} are not the numbers 1 to {count}, each once"),
        ({"b": 0}, 3, "the ranks {ranks} are not the numbers 1 to {count}, each once"),
        ({"b": 2}, 3, "the ranks {ranks} are not the numbers 1 to {count}, each once"),
        ({"b": "1"}, 3, "the ballot is not a ranking of candidates by urgency"),
        ({"b": True}, 3, "the ballot is not a ranking of candidates by urgency"),
        ({"z": 1}, 3, "the ballot names an unknown candidate {candidate}"),
        ("abc", 3, "the ballot is not a ranking of candidates by urgency"),
        (None, 3, "the ballot is not a ranking of candidates by urgency"),
        ([{"a": 1}], 3, "the ballot names an unknown candidate {candidate}"),
    ],
)
def test_validity(ballot: object, seats: int, message: str | None) -> None:
    problem = validate_priority_ranking(ballot, CANDIDATES, seats)
    assert (problem.message if problem else None) == message


def test_the_reasons_carry_their_figures() -> None:
    over = validate_priority_ranking(["a", "b", "c"], CANDIDATES, 2)
    assert over is not None
    assert over.render() == "3 candidates are ranked, more than the 2 allowed: the ballot is invalid"
    gaps = validate_priority_ranking({"a": 1, "b": 3}, CANDIDATES, 3)
    assert gaps is not None
    assert gaps.render() == "the ranks 1, 3 are not the numbers 1 to 2, each once"


def test_tally_counts_approvals_and_modified_borda_points() -> None:
    ballots = [
        ["a", "b", "c"],  # a 3, b 2, c 1
        {"c": 1, "a": 2, "b": 3},  # c 3, a 2, b 1 (the paper shape)
        ["b"],  # b 1: a short ballot gives its one choice 1 point
    ]
    counts = tally_priority_ranking(ballots, CANDIDATES)
    assert counts == {
        "a": {"yes": 2, "no": 1, "abstain": 0, "points": 5},
        "b": {"yes": 3, "no": 0, "abstain": 0, "points": 4},
        "c": {"yes": 2, "no": 1, "abstain": 0, "points": 4},
        "d": {"yes": 0, "no": 3, "abstain": 0, "points": 0},
        "e": {"yes": 0, "no": 3, "abstain": 0, "points": 0},
    }
    # The list and the mapping of one ranking count the same.
    assert tally_priority_ranking([["c", "a"]], CANDIDATES) == tally_priority_ranking([{"a": 2, "c": 1}], CANDIDATES)


def test_tally_refuses_a_ballot_it_cannot_count() -> None:
    with pytest.raises(ValueError):
        tally_priority_ranking([["a", "a"]], CANDIDATES)
    with pytest.raises(ValueError):
        tally_priority_ranking([{"a": 2}], CANDIDATES)


def test_the_format_prints_a_rank_column() -> None:
    assert PRIORITY_RANKING.code == "priority_ranking"
    assert PRIORITY_RANKING.paper_layout.columns == ("rank",)
    assert "{seats}" in PRIORITY_RANKING.paper_layout.instruction


def tally(**figures: tuple[int, int]) -> dict[str, dict[str, int]]:
    """``a=(approvals, points)``; the rest of 10 deputies said no."""
    return {c: {"yes": yes, "no": 10 - yes, "abstain": 0, "points": points} for c, (yes, points) in figures.items()}


@pytest.mark.parametrize(
    ("figures", "seats", "status", "chosen"),
    [
        # More than half of 10 deputies: 6 is enough, 5 is not (exactly half).
        ({"a": (6, 6), "b": (5, 9)}, 2, "decided", [("a", 1)]),
        # Chosen by approvals, ordered by points: b has fewer approvals but more points.
        ({"a": (9, 12), "b": (7, 20), "c": (6, 6)}, 3, "decided", [("b", 1), ("a", 2), ("c", 3)]),
        # Equal points: approvals break the tie.
        ({"a": (7, 15), "b": (9, 15)}, 2, "decided", [("b", 1), ("a", 2)]),
        # Equal on both: a shared rank, ballot-paper order kept.
        ({"a": (8, 15), "b": (8, 15), "c": (9, 10)}, 3, "decided", [("a", 1), ("b", 1), ("c", 3)]),
        # Who takes the seats is by approvals (the legal majority rule), not by points: c has the most
        # points but the fewest approvals among the winners, and 2 seats go to a and b.
        ({"a": (9, 10), "b": (8, 11), "c": (6, 30)}, 2, "decided", [("b", 1), ("a", 2)]),
        # A tie in approvals at the cut-off still goes to a runoff; the sure winner is ranked.
        ({"a": (9, 10), "b": (7, 30), "c": (7, 5)}, 2, "runoff_required", [("a", 1)]),
    ],
)
def test_outcome(figures: dict[str, tuple[int, int]], seats: int, status: str, chosen: list[tuple[str, int]]) -> None:
    outcome = priority_outcome(tally(**figures), seats, 10)
    assert outcome.status == status
    assert outcome.chosen == tuple(RankedCandidate(c, r) for c, r in chosen)
    platform = outcome_rule(tally(**figures), seats, 10)
    # The same candidates as the platform's rule, the same tie and reason: only the order differs.
    assert {r.candidate for r in outcome.chosen} == {r.candidate for r in platform.chosen}
    assert (outcome.tied, outcome.remaining_seats, outcome.reason) == (
        platform.tied,
        platform.remaining_seats,
        platform.reason,
    )


def test_a_void_tally_stays_void() -> None:
    outcome = priority_outcome({"a": {"yes": 11, "no": 0, "abstain": 0, "points": 11}}, 1, 10)
    assert outcome.status == "void"
