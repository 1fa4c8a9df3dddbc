"""The Baofeng rules alone: plain numbers in, verdicts out (no platform running)."""

from __future__ import annotations

import pytest
from minsheng_henan import REQUIRED_METHODS, baofeng_margin_rule, required_methods

from minsheng.plugins import SUPERVISION_METHODS, margin_rule, parse_ratio
from minsheng.testing import translated


@pytest.mark.parametrize(
    ("seats", "candidates", "allowed", "minimum", "maximum", "message"),
    [
        # 10 seats take 12 to 15 candidates (platform/docs/domain.md): both edges and one beyond each.
        (10, 11, False, 2, 5, "margin of 1 (差额 1 项) is below the required minimum of 2 (差额 2 项)"),
        (10, 12, True, 2, 5, "margin of 2 (差额 2 项): 12 candidates for 10 seats, within 2 to 5"),
        (10, 15, True, 2, 5, "margin of 5 (差额 5 项): 15 candidates for 10 seats, within 2 to 5"),
        (10, 16, False, 2, 5, "margin of 6 (差额 6 项) is above the allowed maximum of 5 (差额 5 项)"),
        # 7 seats take 9 or 10.
        (7, 8, False, 2, 3, "margin of 1 (差额 1 项) is below the required minimum of 2 (差额 2 项)"),
        (7, 9, True, 2, 3, "margin of 2 (差额 2 项): 9 candidates for 7 seats, within 2 to 3"),
        (7, 10, True, 2, 3, "margin of 3 (差额 3 项): 10 candidates for 7 seats, within 2 to 3"),
        (7, 11, False, 2, 3, "margin of 4 (差额 4 项) is above the allowed maximum of 3 (差额 3 项)"),
        # 1 seat takes exactly 2; as many as the seats is not a margin vote here.
        (1, 1, False, 1, 1, "margin of 0 (差额 0 项) is below the required minimum of 1 (差额 1 项)"),
        (1, 2, True, 1, 1, "margin of 1 (差额 1 项): 2 candidates for 1 seats, within 1 to 1"),
        (1, 3, False, 1, 1, "margin of 2 (差额 2 项) is above the allowed maximum of 1 (差额 1 项)"),
        # Fewer candidates than seats.
        (
            10,
            9,
            False,
            2,
            5,
            "9 candidates are fewer than the 10 seats: add at least 2 more than the seats (差额 2 项)",
        ),
    ],
)
def test_margin_boundaries_are_worded_as_items(
    seats: int, candidates: int, allowed: bool, minimum: int, maximum: int, message: str
) -> None:
    verdict = baofeng_margin_rule(seats, candidates)
    assert (verdict.allowed, verdict.minimum, verdict.maximum) == (allowed, minimum, maximum)
    assert verdict.reason is not None
    assert verdict.reason.render() == message


@pytest.mark.parametrize(
    "lower, upper, allow_no_margin", [("0.2", "0.5", False), ("0.1", "0.3", True), ("0", "1", True)]
)
def test_the_decision_is_the_platform_margin_rule_for_every_list(lower: str, upper: str, allow_no_margin: bool) -> None:
    """Only the wording changes: allowed, minimum and maximum are the platform's, seat by seat."""
    for seats in range(0, 40):
        for candidates in range(0, 2 * seats + 3):
            ours = baofeng_margin_rule(
                seats, candidates, lower_ratio=lower, upper_ratio=upper, allow_no_margin=allow_no_margin
            )
            platform = margin_rule(
                seats,
                candidates,
                lower_ratio=parse_ratio(lower),
                upper_ratio=parse_ratio(upper),
                allow_no_margin=allow_no_margin,
            )
            assert (ours.allowed, ours.minimum, ours.maximum, ours.no_margin_allowed) == (
                platform.allowed,
                platform.minimum,
                platform.maximum,
                platform.no_margin_allowed,
            ), (seats, candidates)


def test_a_vote_without_margin_is_named_when_the_tenant_allows_it() -> None:
    verdict = baofeng_margin_rule(10, 10, allow_no_margin=True)
    assert verdict.allowed
    assert verdict.reason is not None
    assert verdict.reason.render() == "10 candidates for 10 seats: a vote without margin (等额)"


def test_no_seats_keeps_the_platform_reason() -> None:
    verdict = baofeng_margin_rule(0, 3)
    assert not verdict.allowed
    assert verdict.reason is not None
    assert verdict.reason.message == "a vote must fill at least one seat, not {seats}"


def test_quarterly_meetings_and_follow_up_review_are_required_with_the_platform_fields() -> None:
    methods = {method.code: method for method in required_methods()}
    assert set(methods) == set(REQUIRED_METHODS) == {"quarterly_meeting", "follow_up_review"}
    platform = {method.code: method for method in SUPERVISION_METHODS}
    for code, method in methods.items():
        assert method.required is True
        assert platform[code].required is False
        assert method.fields == platform[code].fields
    # The labels are message ids, read in Chinese through the plugin's catalog.
    assert translated(methods["quarterly_meeting"].label, "zh_CN") == "季度例会（面对面）"
    assert translated(methods["follow_up_review"].label, "zh_CN") == "回头看"
