"""Satisfaction with 弃权 as a figure of its own: boundaries around "more than half of all members"."""

from __future__ import annotations

import pytest
from minsheng_zhejiang import special_inquiry_required
from minsheng_zhejiang.satisfaction import satisfaction_with_abstentions

from minsheng.plugins import SUPERVISION_METHODS, satisfaction_rule


@pytest.mark.parametrize(
    ("counts", "members", "outcome"),
    [
        # 30 members: 16 is more than half, 15 is not.
        ({"satisfied": 16, "abstain": 14}, 30, "satisfied"),
        ({"satisfied": 15, "abstain": 15}, 30, "unsatisfied"),
        ({"satisfied": 15, "basically_satisfied": 1, "abstain": 14}, 30, "basically_satisfied"),
        ({"satisfied": 15, "basically_satisfied": 0, "unsatisfied": 0, "abstain": 15}, 30, "unsatisfied"),
        # 29 members: 15 is more than half (14.5), 14 is not.
        ({"satisfied": 15, "abstain": 14}, 29, "satisfied"),
        ({"satisfied": 14, "abstain": 15}, 29, "unsatisfied"),
        ({"satisfied": 14, "basically_satisfied": 1, "abstain": 14}, 29, "basically_satisfied"),
        # Abstentions never count as satisfied, and absentees stay in the denominator.
        ({"satisfied": 5, "abstain": 5}, 10, "unsatisfied"),
        ({"satisfied": 5}, 10, "unsatisfied"),
        ({"satisfied": 6}, 10, "satisfied"),
        ({"abstain": 10}, 10, "unsatisfied"),
    ],
)
def test_boundaries(counts: dict[str, int], members: int, outcome: str) -> None:
    decided = satisfaction_with_abstentions(counts, members)
    assert decided.outcome == outcome
    assert decided.rectification_required is (outcome == "unsatisfied")
    platform = satisfaction_rule(counts, members)
    assert (decided.outcome, decided.rectification_required) == (platform.outcome, platform.rectification_required)


def test_the_reason_reports_abstentions_and_absentees_separately() -> None:
    decided = satisfaction_with_abstentions({"satisfied": 14, "unsatisfied": 2, "abstain": 10}, 29)
    assert decided.reason is not None
    assert decided.reason.render() == (
        "only 14 satisfied and 0 basically satisfied of 29 members (2 unsatisfied, 10 abstained, 3 did not rate):"
        " the project must be rectified and evaluated again"
    )
    decided = satisfaction_with_abstentions({"satisfied": 15, "abstain": 14}, 29)
    assert decided.reason is not None
    assert decided.reason.render() == (
        "15 of 29 members are satisfied, more than half (0 basically satisfied, 0 unsatisfied, 14 abstained,"
        " 0 did not rate)"
    )
    decided = satisfaction_with_abstentions({"satisfied": 10, "basically_satisfied": 6, "abstain": 4}, 30)
    assert decided.reason is not None
    assert decided.reason.render() == (
        "10 satisfied and 6 basically satisfied of 30 members, together more than half (0 unsatisfied,"
        " 4 abstained, 10 did not rate)"
    )


def test_impossible_counts_are_refused_as_the_platform_refuses_them() -> None:
    for counts, members in (({"satisfied": 11}, 10), ({"abstain": -1}, 10), ({"bored": 1}, 10), ({}, 0)):
        with pytest.raises(ValueError):
            satisfaction_with_abstentions(counts, members)


def test_special_inquiry_is_required_with_the_platform_fields() -> None:
    method = special_inquiry_required()
    platform = next(m for m in SUPERVISION_METHODS if m.code == "special_inquiry")
    assert (method.code, method.required, method.fields) == ("special_inquiry", True, platform.fields)
    assert platform.required is False
