"""Pure rules of implementation: the month after the vote, reminders, overdue flags, quarters, statistics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minsheng.implementation.rules import (
    ProjectFigures,
    Stage,
    add_months,
    adjustment_problems,
    deadline_stage,
    decision_body,
    progress_problems,
    progress_statistics,
    report_deadlines,
    report_due,
    reporting_quarters,
    work_plan_due,
)


@pytest.mark.parametrize(
    ("vote", "due"),
    [
        (date(2026, 1, 10), date(2026, 2, 10)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 12, 15), date(2027, 1, 15)),  # across the new year
        (date(2026, 3, 31), date(2026, 4, 30)),
    ],
)
def test_the_work_plan_is_due_one_calendar_month_after_the_vote(vote: date, due: date) -> None:
    assert work_plan_due(vote) == due


def test_add_months_goes_backwards_too() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("today", "done", "stage"),
    [
        (date(2026, 2, 2), False, Stage.NONE),  # eight days before: nothing yet
        (date(2026, 2, 3), False, Stage.REMINDER),  # seven days before: remind
        (date(2026, 2, 10), False, Stage.REMINDER),  # exactly one month after the vote: still on time
        (date(2026, 2, 11), False, Stage.OVERDUE),  # the day after: overdue
        (date(2026, 2, 11), True, Stage.NONE),  # filed: nothing to say
        (date(2026, 5, 1), True, Stage.NONE),
    ],
)
def test_a_deadline_is_on_time_through_its_last_day_and_overdue_the_day_after(
    today: date, done: bool, stage: Stage
) -> None:
    assert deadline_stage(today, work_plan_due(date(2026, 1, 10)), done=done) is stage


def test_quarterly_reports_are_due_ten_days_after_the_quarter() -> None:
    assert report_due(2026, 1) == date(2026, 4, 10)
    assert report_due(2026, 4) == date(2027, 1, 10)
    assert reporting_quarters(date(2026, 2, 10), date(2026, 8, 1)) == [(2026, 1), (2026, 2), (2026, 3)]


def test_late_quarterly_reports_are_flagged_and_reported_ones_are_not() -> None:
    found = report_deadlines(date(2026, 7, 11), date(2026, 2, 10), date(2026, 12, 31), {(2026, 1)})
    stages = {d.period: d.stage for d in found}
    assert stages == {"2026Q1": Stage.NONE, "2026Q2": Stage.OVERDUE, "2026Q3": Stage.NONE}
    on_the_day = report_deadlines(date(2026, 7, 10), date(2026, 2, 10), date(2026, 12, 31), {(2026, 1)})
    assert {d.period: d.stage for d in on_the_day}["2026Q2"] is Stage.REMINDER
    finished = report_deadlines(date(2026, 7, 11), date(2026, 2, 10), date(2026, 12, 31), set(), finished=True)
    assert all(d.stage is Stage.NONE for d in finished)


def test_a_project_owes_no_report_on_quarters_after_its_deadline() -> None:
    found = report_deadlines(date(2027, 3, 1), date(2026, 2, 10), date(2026, 5, 31), set())
    assert [d.period for d in found] == ["2026Q1", "2026Q2"]


def test_a_township_presidium_decides_and_above_it_the_standing_committee() -> None:
    assert decision_body("township") == "presidium"
    assert decision_body("county") == "standing_committee"


def test_adjustment_problems_name_their_fields() -> None:
    assert adjustment_problems("terminate", "不可抗力", None, None) == []
    assert [k for k, _ in adjustment_problems("postpone", "", None, date(2026, 11, 30))] == ["reason", "new_deadline"]
    later = adjustment_problems("postpone", "资金未到位", date(2026, 11, 30), date(2026, 11, 30))
    assert later[0][1].message == "The new deadline must be later than the current one"
    assert adjustment_problems("postpone", "x", date(2026, 12, 1), date(2026, 11, 30)) == []
    assert adjustment_problems("cancel", "x", None, None)[0][0] == "kind"


def test_progress_figures_are_checked() -> None:
    assert progress_problems(100, Decimal(0), 100) == []
    assert [k for k, _ in progress_problems(101, Decimal(-1), None)] == ["percent_done", "spent"]
    assert progress_problems(40, Decimal(1), 50)[0][1].params == {"previous": 50, "percent": 40}


def test_terminated_projects_leave_the_statistics_but_are_counted_apart() -> None:
    figures = [
        ProjectFigures(Decimal(100), Decimal(50), 50),
        ProjectFigures(Decimal(200), Decimal(200), 100),
        ProjectFigures(Decimal(1000), Decimal(10), 5, terminated=True),
    ]
    stats = progress_statistics(figures)
    assert (stats.projects, stats.completed, stats.terminated) == (2, 1, 1)
    assert (stats.budget, stats.spent) == (Decimal(300), Decimal(250))
    assert stats.average_percent == 75.0
    assert progress_statistics([]).average_percent == 0.0
