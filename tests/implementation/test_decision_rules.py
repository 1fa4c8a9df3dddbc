"""Who decides an adjustment and at which meeting, at the rules' boundaries (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.implementation import rules

PROPOSED, TODAY = date(2026, 5, 10), date(2026, 6, 1)


@pytest.mark.parametrize(
    ("decision", "meeting", "day", "refused"),
    [
        ("approved", "县人大常委会第十二次会议", TODAY, []),  # the meeting sat today
        ("rejected", "县人大常委会第十二次会议", PROPOSED, []),  # the day it was proposed
        ("approved", "会议", date(2026, 6, 2), ["meeting_date"]),  # tomorrow
        ("approved", "会议", date(2026, 5, 9), ["meeting_date"]),  # before the proposal
        ("approved", "  ", TODAY, ["meeting_name"]),
        ("approved", "会议", None, ["meeting_date"]),
        ("postponed", "", None, ["decision", "meeting_name", "meeting_date"]),
    ],
)
def test_a_decision_names_the_meeting_that_took_it(
    decision: str, meeting: str, day: date | None, refused: list[str]
) -> None:
    problems = rules.decision_problems(decision, meeting, day, PROPOSED, TODAY)
    assert [key for key, _reason in problems] == refused


def test_the_presidium_decides_in_a_township_and_the_standing_committee_above() -> None:
    assert rules.decision_body("township") == "presidium"
    assert rules.decision_body("county") == "standing_committee"
