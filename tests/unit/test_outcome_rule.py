"""The result of a round (platform/docs/domain.md: result) and the validity of a paper round."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.rules.outcome import is_chosen, outcome_rule, round_validity
from minsheng.plugins.verdicts import RankedCandidate


def votes(yes: int, no: int = 0, abstain: int = 0) -> dict[str, int]:
    return {"yes": yes, "no": no, "abstain": abstain}


def test_exactly_half_of_all_deputies_is_not_chosen() -> None:
    outcome = outcome_rule({"a": votes(30, 30)}, seats=1, entitled=60)
    assert outcome.status == "decided"
    assert outcome.chosen == ()
    assert not is_chosen(30, 60)


def test_one_more_than_half_is_chosen() -> None:
    outcome = outcome_rule({"a": votes(31, 29)}, seats=1, entitled=60)
    assert outcome.chosen == (RankedCandidate("a", 1),)
    assert outcome.reason is None


def test_half_is_of_all_deputies_not_of_those_voting() -> None:
    # 31 of 60 entitled is enough even if only 40 voted; 30 of 60 is not even if all 30 voted yes.
    assert outcome_rule({"a": votes(31, 9)}, seats=1, entitled=60).chosen
    assert not outcome_rule({"a": votes(30)}, seats=1, entitled=60).chosen


def test_chosen_are_ranked_by_approvals_and_capped_at_seats() -> None:
    tally = {"a": votes(40), "b": votes(55), "c": votes(45), "d": votes(35)}
    outcome = outcome_rule(tally, seats=3, entitled=60)
    assert outcome.status == "decided"
    assert outcome.chosen == (RankedCandidate("b", 1), RankedCandidate("c", 2), RankedCandidate("a", 3))


def test_tie_at_the_cut_off_requires_a_runoff() -> None:
    tally = {"a": votes(50), "b": votes(40), "c": votes(40), "d": votes(20)}
    outcome = outcome_rule(tally, seats=2, entitled=60)
    assert outcome.status == "runoff_required"
    assert outcome.chosen == (RankedCandidate("a", 1),)
    assert outcome.tied == ("b", "c")
    assert outcome.remaining_seats == 1
    assert outcome.reason is not None


def test_tie_for_several_remaining_seats() -> None:
    tally = {"a": votes(40), "b": votes(40), "c": votes(40), "d": votes(50)}
    outcome = outcome_rule(tally, seats=3, entitled=60)
    assert outcome.status == "runoff_required"
    assert outcome.tied == ("a", "b", "c")
    assert outcome.remaining_seats == 2


def test_tie_above_the_cut_off_is_fine() -> None:
    tally = {"a": votes(45), "b": votes(45), "c": votes(35)}
    outcome = outcome_rule(tally, seats=2, entitled=60)
    assert outcome.status == "decided"
    assert outcome.chosen == (RankedCandidate("a", 1), RankedCandidate("b", 1))


def test_tie_that_fits_the_seats_shares_a_rank() -> None:
    tally = {"a": votes(45), "b": votes(40), "c": votes(40)}
    outcome = outcome_rule(tally, seats=3, entitled=60)
    assert outcome.chosen == (RankedCandidate("a", 1), RankedCandidate("b", 2), RankedCandidate("c", 2))


def test_tie_below_half_needs_no_runoff() -> None:
    tally = {"a": votes(45), "b": votes(20), "c": votes(20)}
    outcome = outcome_rule(tally, seats=2, entitled=60)
    assert outcome.status == "decided"
    assert outcome.chosen == (RankedCandidate("a", 1),)
    assert outcome.reason is not None
    assert outcome.reason.params == {"chosen": 1, "seats": 2, "entitled": 60}


def test_more_votes_than_deputies_makes_the_round_void() -> None:
    outcome = outcome_rule({"a": votes(40, 21)}, seats=1, entitled=60)
    assert outcome.status == "void"
    assert outcome.reason is not None
    assert outcome.reason.params["votes"] == 61


def test_negative_counts_and_no_seats_are_void() -> None:
    assert outcome_rule({"a": votes(-1)}, seats=1, entitled=60).status == "void"
    assert outcome_rule({"a": votes(40)}, seats=0, entitled=60).status == "void"
    assert outcome_rule({"a": votes(0)}, seats=1, entitled=0).status == "void"


def test_more_ballots_returned_than_issued_is_void() -> None:
    assert round_validity(issued=60, returned=60).valid
    assert round_validity(issued=60, returned=59).valid
    validity = round_validity(issued=60, returned=61)
    assert not validity.valid
    assert validity.reason is not None
    assert validity.reason.render() == "61 ballots returned but only 60 issued: the vote is void"


TALLIES = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.integers(min_value=0, max_value=60),
    min_size=1,
    max_size=12,
)


@given(TALLIES, st.integers(min_value=1, max_value=6))
def test_outcome_properties(approvals: dict[str, int], seats: int) -> None:
    entitled = 60
    outcome = outcome_rule({c: votes(yes) for c, yes in approvals.items()}, seats=seats, entitled=entitled)
    chosen = [candidate for candidate, _ in outcome.chosen]
    assert len(chosen) <= seats
    assert all(2 * approvals[c] > entitled for c in chosen)
    ranks = [rank for _, rank in outcome.chosen]
    assert ranks == sorted(ranks)
    # Nobody left out has more approvals than someone chosen.
    lowest = min((approvals[c] for c in chosen), default=None)
    others = [approvals[c] for c in approvals if c not in chosen and c not in outcome.tied]
    if lowest is not None:
        assert all(a < lowest for a in others)
    if outcome.status == "runoff_required":
        assert len(chosen) + outcome.remaining_seats == seats
        assert len(outcome.tied) > outcome.remaining_seats
        assert len({approvals[c] for c in outcome.tied}) == 1
    else:
        assert outcome.status == "decided"
        winners = [c for c in approvals if 2 * approvals[c] > entitled]
        assert len(chosen) == min(seats, len(winners))


def test_through_the_tenant_hooks(manager: MinshengPluginManager, tenant) -> None:
    hooks = manager.hooks_for(tenant(("county", None, {})))
    assert hooks.outcome_rule(tally={"a": votes(31)}, seats=1, entitled=60).chosen
    assert not hooks.round_validity(issued=10, returned=11).valid
