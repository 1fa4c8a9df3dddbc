"""The built-in ballot formats: yes/no/abstain per candidate, and choose at most as many as seats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.rules.ballot_formats import APPROVE_UP_TO_SEATS, YES_NO_ABSTAIN

CANDIDATES = ("a", "b", "c")


def test_complete_yes_no_abstain_ballot_is_valid() -> None:
    assert YES_NO_ABSTAIN.validate({"a": "yes", "b": "no", "c": "abstain"}, CANDIDATES, 2) is None


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ({"a": "yes", "b": "no"}, "no choice is marked for candidate c"),
        ({"a": "yes", "b": "no", "c": "yes", "z": "yes"}, "the ballot names an unknown candidate z"),
        ({"a": "yes", "b": "maybe", "c": "no"}, "choice maybe for candidate b is not yes, no or abstain"),
        (["a", "b"], "the ballot does not have a choice per candidate"),
    ],
)
def test_invalid_yes_no_abstain_ballots(ballot: object, message: str) -> None:
    reason = YES_NO_ABSTAIN.validate(ballot, CANDIDATES, 2)
    assert reason is not None
    assert reason.render() == message


def test_yes_no_abstain_tally_counts_each_choice() -> None:
    ballots = [
        {"a": "yes", "b": "no", "c": "abstain"},
        {"a": "yes", "b": "yes", "c": "no"},
    ]
    assert YES_NO_ABSTAIN.tally(ballots, CANDIDATES) == {
        "a": {"yes": 2, "no": 0, "abstain": 0},
        "b": {"yes": 1, "no": 1, "abstain": 0},
        "c": {"yes": 0, "no": 1, "abstain": 1},
    }


def test_tally_refuses_an_invalid_ballot() -> None:
    with pytest.raises(ValueError):
        YES_NO_ABSTAIN.tally([{"a": "yes"}], CANDIDATES)
    with pytest.raises(ValueError):
        APPROVE_UP_TO_SEATS.tally([["z"]], CANDIDATES)


@pytest.mark.parametrize("ballot", [[], ["a"], ["a", "c"], ("b",), {"c", "a"}])
def test_approval_ballot_up_to_seats_is_valid(ballot: object) -> None:
    assert APPROVE_UP_TO_SEATS.validate(ballot, CANDIDATES, 2) is None


def test_marking_more_than_seats_invalidates_the_whole_ballot() -> None:
    reason = APPROVE_UP_TO_SEATS.validate(["a", "b", "c"], CANDIDATES, 2)
    assert reason is not None
    assert reason.params == {"selected": 3, "seats": 2}
    assert reason.render() == "3 candidates are marked, more than the 2 allowed: the ballot is invalid"


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (["a", "z"], "the ballot names an unknown candidate z"),
        (["a", "a"], "candidate a is marked more than once"),
        ("ab", "the ballot is not a list of selected candidates"),
        ({"a": "yes"}, "the ballot is not a list of selected candidates"),
    ],
)
def test_invalid_approval_ballots(ballot: object, message: str) -> None:
    reason = APPROVE_UP_TO_SEATS.validate(ballot, CANDIDATES, 2)
    assert reason is not None
    assert reason.render() == message


def test_approval_tally_counts_selected_as_yes_and_the_rest_as_no() -> None:
    assert APPROVE_UP_TO_SEATS.tally([["a", "b"], ["a"], []], CANDIDATES) == {
        "a": {"yes": 2, "no": 1, "abstain": 0},
        "b": {"yes": 1, "no": 2, "abstain": 0},
        "c": {"yes": 0, "no": 3, "abstain": 0},
    }


@given(st.lists(st.lists(st.sampled_from(CANDIDATES), unique=True, max_size=2), max_size=50))
def test_every_approval_ballot_counts_once_per_candidate(ballots: list[list[str]]) -> None:
    assert all(APPROVE_UP_TO_SEATS.validate(b, CANDIDATES, 2) is None for b in ballots)
    counts = APPROVE_UP_TO_SEATS.tally(ballots, CANDIDATES)
    for candidate in CANDIDATES:
        assert counts[candidate]["yes"] + counts[candidate]["no"] == len(ballots)
    assert sum(c["yes"] for c in counts.values()) == sum(len(b) for b in ballots)


@given(st.lists(st.fixed_dictionaries({c: st.sampled_from(["yes", "no", "abstain"]) for c in CANDIDATES})))
def test_every_yes_no_abstain_ballot_counts_once_per_candidate(ballots: list[dict[str, str]]) -> None:
    counts = YES_NO_ABSTAIN.tally(ballots, CANDIDATES)
    for candidate in CANDIDATES:
        assert sum(counts[candidate].values()) == len(ballots)


def test_tenant_registry_offers_both_formats(manager: MinshengPluginManager, tenant) -> None:
    formats = manager.hooks_for(tenant(("county", None, {}))).ballot_formats()
    assert list(formats) == ["yes_no_abstain", "approve_up_to_seats"]
    assert "{seats}" in formats["approve_up_to_seats"].paper_layout.instruction
