"""The satisfaction rule (platform/docs/domain.md: satisfaction evaluation, the Zhenhai rule)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.rules.satisfaction import satisfaction_rule


@pytest.mark.parametrize(
    ("satisfied", "basically", "unsatisfied", "outcome"),
    [
        (15, 0, 14, "satisfied"),
        (14, 1, 14, "basically_satisfied"),
        (14, 0, 15, "unsatisfied"),
        (0, 15, 14, "basically_satisfied"),
        (7, 7, 15, "unsatisfied"),
        (29, 0, 0, "satisfied"),
    ],
)
def test_29_members_boundaries(satisfied: int, basically: int, unsatisfied: int, outcome: str) -> None:
    counts = {"satisfied": satisfied, "basically_satisfied": basically, "unsatisfied": unsatisfied}
    result = satisfaction_rule(counts, 29)
    assert result.outcome == outcome
    assert result.rectification_required is (outcome == "unsatisfied")


def test_half_is_of_all_members_not_of_those_voting() -> None:
    # 15 of 30 is exactly half: not more than half, even if nobody else voted.
    assert satisfaction_rule({"satisfied": 15}, 30).outcome == "unsatisfied"
    assert satisfaction_rule({"satisfied": 16}, 30).outcome == "satisfied"


def test_abstentions_count_for_nothing() -> None:
    assert satisfaction_rule({"satisfied": 14, "abstain": 15}, 29).outcome == "unsatisfied"


def test_unsatisfied_reason_names_the_numbers() -> None:
    result = satisfaction_rule({"satisfied": 14, "unsatisfied": 15}, 29)
    assert result.reason is not None
    assert "14" in result.reason.render()
    assert "29" in result.reason.render()


@pytest.mark.parametrize(
    ("counts", "members"),
    [({"satisfied": 30}, 29), ({"satisfied": -1}, 29), ({"happy": 1}, 29), ({}, 0)],
)
def test_impossible_counts_are_a_caller_error(counts: dict[str, int], members: int) -> None:
    with pytest.raises(ValueError):
        satisfaction_rule(counts, members)


@given(st.integers(min_value=1, max_value=500), st.data())
def test_outcome_follows_the_two_halves(members: int, data: st.DataObject) -> None:
    satisfied = data.draw(st.integers(min_value=0, max_value=members))
    basically = data.draw(st.integers(min_value=0, max_value=members - satisfied))
    result = satisfaction_rule({"satisfied": satisfied, "basically_satisfied": basically}, members)
    if 2 * satisfied > members:
        assert result.outcome == "satisfied"
    elif 2 * (satisfied + basically) > members:
        assert result.outcome == "basically_satisfied"
    else:
        assert result.outcome == "unsatisfied"
        assert result.rectification_required


def test_through_the_tenant_hooks(manager: MinshengPluginManager, tenant) -> None:
    hooks = manager.hooks_for(tenant(("township", None, {})))
    assert hooks.satisfaction_rule(counts={"satisfied": 15}, members=29).outcome == "satisfied"
