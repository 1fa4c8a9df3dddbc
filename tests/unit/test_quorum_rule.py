"""The quorum rule (platform/docs/domain.md: quorum): two thirds of the deputies, the number itself included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.rules.quorum import quorum_rule, required_for_quorum


@pytest.mark.parametrize(
    ("entitled", "required"), [(30, 20), (31, 21), (32, 22), (33, 22), (3, 2), (1, 1), (2, 2), (365, 244)]
)
def test_required_number_is_two_thirds_rounded_up(entitled: int, required: int) -> None:
    assert required_for_quorum(entitled) == required


def test_exactly_two_thirds_present_is_a_quorum() -> None:
    assert quorum_rule(30, 20) == quorum_rule(30, 20)
    assert quorum_rule(30, 20).met
    assert quorum_rule(30, 20).reason is None


def test_one_fewer_than_two_thirds_is_no_quorum_and_says_how_many_are_needed() -> None:
    verdict = quorum_rule(30, 19)
    assert not verdict.met
    assert verdict.required == 20
    assert verdict.reason is not None
    assert verdict.reason.render() == "19 of 30 deputies present, fewer than the 20 required"


def test_31_deputies_need_21() -> None:
    assert not quorum_rule(31, 20).met
    assert quorum_rule(31, 21).met


@pytest.mark.parametrize(("entitled", "present"), [(0, 0), (30, 31), (30, -1)])
def test_impossible_attendance_is_no_quorum(entitled: int, present: int) -> None:
    verdict = quorum_rule(entitled, present)
    assert not verdict.met
    assert verdict.reason is not None


@given(st.integers(min_value=1, max_value=100_000))
def test_required_is_the_smallest_two_thirds(entitled: int) -> None:
    required = required_for_quorum(entitled)
    assert 3 * required >= 2 * entitled
    assert 3 * (required - 1) < 2 * entitled


@given(st.integers(min_value=1, max_value=2_000), st.data())
def test_met_exactly_from_the_required_number(entitled: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(min_value=0, max_value=entitled))
    assert quorum_rule(entitled, present).met is (present >= required_for_quorum(entitled))


def test_through_the_tenant_hooks(manager: MinshengPluginManager, tenant) -> None:
    hooks = manager.hooks_for(tenant(("county", None, {})))
    assert hooks.quorum_rule(entitled=31, present=21).met
    assert not hooks.quorum_rule(entitled=31, present=20).met
