"""Pure ballot rules: the canonical spelling of a ballot (sorted, unless its format is ordered), the
hash binding a ranking's order, and the order of a result's candidates."""

from __future__ import annotations

import uuid

from minsheng.congress.voting.rules import ballot_hash, canonical_content, result_order


def test_a_selection_is_sorted_but_a_ranking_keeps_its_order() -> None:
    assert canonical_content(["c", "a", "b"]) == ["a", "b", "c"]
    assert canonical_content(["c", "a", "b"], ordered=True) == ["c", "a", "b"]
    assert canonical_content(("c", "a"), ordered=True) == ["c", "a"]
    assert canonical_content({"b": "yes", "a": "no"}, ordered=True) == {"b": "yes", "a": "no"}


def test_the_hash_binds_a_rankings_order_and_ignores_a_mappings_key_order() -> None:
    ballot_id = uuid.uuid4()
    assert ballot_hash(ballot_id, ["a", "b"]) != ballot_hash(ballot_id, ["b", "a"])
    assert ballot_hash(ballot_id, {"a": "yes", "b": "no"}) == ballot_hash(ballot_id, {"b": "no", "a": "yes"})


def test_the_chosen_are_listed_by_rank_then_the_rest_by_approvals() -> None:
    tally = {"a": {"yes": 9}, "b": {"yes": 7}, "c": {"yes": 5}, "d": {"yes": 6}}
    # b outranks a although a has more approvals (a plugin ordered them by something else).
    assert result_order(["a", "b", "c", "d"], tally, {"b": 1, "a": 2}) == ["b", "a", "d", "c"]
    # Shared ranks and equal approvals keep the ballot paper's order.
    tally = {"a": {"yes": 5}, "b": {"yes": 5}, "c": {"yes": 5}}
    assert result_order(["c", "b", "a"], tally, {"a": 1, "b": 1}) == ["b", "a", "c"]
