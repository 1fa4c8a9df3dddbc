"""The margin rule (platform/docs/domain.md: margin), alone and through a tenant's hooks."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.rules.margin import margin_range, margin_rule, parse_ratio

# (seats, candidates, allowed)
BOUNDARIES = [
    (10, 11, False),
    (10, 12, True),
    (10, 15, True),
    (10, 16, False),
    (10, 10, False),
    (7, 8, False),
    (7, 9, True),
    (7, 10, True),
    (7, 11, False),
    (1, 1, False),
    (1, 2, True),
    (1, 3, False),
    (12, 15, True),
    (24, 30, True),
    (8, 10, True),
    (5, 6, True),
    (5, 7, True),
    (5, 8, False),
]


@pytest.mark.parametrize(("seats", "candidates", "allowed"), BOUNDARIES)
def test_default_margin_boundaries(seats: int, candidates: int, allowed: bool) -> None:
    assert margin_rule(seats, candidates).allowed is allowed


@pytest.mark.parametrize(("seats", "expected"), [(10, (2, 5)), (7, (2, 3)), (1, (1, 1)), (2, (1, 1)), (3, (1, 1))])
def test_allowed_range_per_seats(seats: int, expected: tuple[int, int]) -> None:
    verdict = margin_rule(seats, seats + expected[0])
    assert (verdict.minimum, verdict.maximum) == expected


def test_too_few_candidates_names_the_minimum() -> None:
    verdict = margin_rule(10, 11)
    assert verdict.reason is not None
    assert verdict.reason.render() == "margin 1 is below the required minimum of 2"


def test_too_many_candidates_names_the_maximum() -> None:
    verdict = margin_rule(10, 16)
    assert verdict.reason is not None
    assert verdict.reason.render() == "margin 6 is above the allowed maximum of 5"
    assert verdict.reason.params["maximum"] == 5


def test_allowed_margin_has_no_reason() -> None:
    assert margin_rule(10, 12).reason is None


def test_fewer_candidates_than_seats_is_refused_with_both_numbers() -> None:
    verdict = margin_rule(10, 8)
    assert not verdict.allowed
    assert verdict.reason is not None
    assert verdict.reason.render() == "8 candidates are fewer than the 10 seats"


def test_no_seats_is_refused() -> None:
    assert not margin_rule(0, 2).allowed


def test_no_margin_is_refused_by_default_and_allowed_by_setting() -> None:
    assert not margin_rule(10, 10).allowed
    verdict = margin_rule(10, 10, allow_no_margin=True)
    assert verdict.allowed
    assert verdict.no_margin_allowed


def test_no_margin_setting_keeps_the_range_for_other_margins() -> None:
    assert not margin_rule(10, 11, allow_no_margin=True).allowed
    assert margin_rule(10, 13, allow_no_margin=True).allowed


def test_custom_ratios() -> None:
    lower, upper = Fraction(1, 10), Fraction(3, 10)
    assert [margin_rule(10, c, lower_ratio=lower, upper_ratio=upper).allowed for c in range(10, 15)] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_lower_ratio_above_upper_still_allows_the_minimum() -> None:
    verdict = margin_rule(10, 14, lower_ratio=Fraction(2, 5), upper_ratio=Fraction(1, 5))
    assert (verdict.minimum, verdict.maximum, verdict.allowed) == (4, 4, True)


@pytest.mark.parametrize("text", ["0.2", "0.5", "0", "1", "0.333"])
def test_ratios_parse_exactly(text: str) -> None:
    assert parse_ratio(text) == Fraction(text)


@pytest.mark.parametrize("text", ["1.5", "-0.1", "abc", "nan", "inf"])
def test_bad_ratios_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ratio(text)


@given(st.integers(min_value=1, max_value=10_000))
def test_default_range_matches_integer_arithmetic(seats: int) -> None:
    # ceil(seats / 5) and floor(seats / 2) in integers: no float can make this drift.
    minimum = max(1, (seats + 4) // 5)
    assert margin_range(seats, Fraction(1, 5), Fraction(1, 2)) == (minimum, max(minimum, seats // 2))


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=1000))
def test_allowed_exactly_within_the_range(seats: int, candidates: int) -> None:
    verdict = margin_rule(seats, candidates)
    margin = candidates - seats
    assert 1 <= verdict.minimum <= verdict.maximum
    assert verdict.allowed is (verdict.minimum <= margin <= verdict.maximum)
    assert (verdict.reason is None) is verdict.allowed


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=6))
def test_any_decimal_ratio_parses_without_rounding(digits: int, places: int) -> None:
    digits %= 10**places
    assert parse_ratio(f"0.{digits:0{places}d}") == Fraction(digits, 10**places)


def test_hooks_apply_each_tenants_margin_settings(manager: MinshengPluginManager, tenant) -> None:
    default = tenant(("county", None, {}))
    lenient = tenant(("county", None, {"minsheng.defaults": {"allow_no_margin": True, "margin_upper_ratio": "1"}}))
    assert not manager.hooks_for(default).margin_rule(seats=10, candidates=10).allowed
    assert manager.hooks_for(lenient).margin_rule(seats=10, candidates=10).allowed
    assert manager.hooks_for(lenient).margin_rule(seats=10, candidates=20).allowed
    assert not manager.hooks_for(default).margin_rule(seats=10, candidates=20).allowed
