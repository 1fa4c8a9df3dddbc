"""Pure rules of implementation: deadlines, reminders and overdue flags, quarters, statistics.

platform/docs/domain.md, "Implementation": within one month of the vote the government adopts a work plan for each
chosen project; progress is reported quarterly; a project may be amended, postponed or terminated only
by a decision of the presidium (township) or the standing committee (county). No I/O here.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from minsheng.plugins.verdicts import Reason

#: Days before a deadline on which the responsible unit is reminded.
REMINDER_DAYS = 7
#: Days after a quarter ends within which its progress report is due.
REPORT_GRACE_DAYS = 10
ADJUSTMENT_KINDS = ("amend", "postpone", "terminate")
DECISIONS = ("approved", "rejected")


class Stage(StrEnum):
    NONE = "none"  # nothing to say yet, or it was done
    REMINDER = "reminder"  # due soon: remind the responsible unit
    OVERDUE = "overdue"  # past due: flag it to the presidium (and the county above a township)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def work_plan_due(vote_day: date) -> date:
    """The last day on which the work plan is on time: one calendar month after the vote."""
    return add_months(vote_day, 1)


def deadline_stage(today: date, due: date, *, done: bool, remind_days: int = REMINDER_DAYS) -> Stage:
    """Where a deadline stands on ``today``: due day itself is still on time; the day after is overdue."""
    if done:
        return Stage.NONE
    if today > due:
        return Stage.OVERDUE
    if today >= due - timedelta(days=remind_days):
        return Stage.REMINDER
    return Stage.NONE


def quarter_of(day: date) -> tuple[int, int]:
    """The (year, quarter) a day falls in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter."""
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def report_due(year: int, quarter: int, grace_days: int = REPORT_GRACE_DAYS) -> date:
    """The last day on which the progress report on a quarter is on time."""
    return quarter_end(year, quarter) + timedelta(days=grace_days)


def period_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def reporting_quarters(plan_due: date, until: date) -> list[tuple[int, int]]:
    """The quarters a project reports on: from the quarter its work plan is due in, through the
    quarter of ``until`` (today, or the project's deadline if earlier)."""
    quarters: list[tuple[int, int]] = []
    current = quarter_of(plan_due)
    last = quarter_of(until)
    while current <= last:
        quarters.append(current)
        current = next_quarter(*current)
    return quarters


@dataclass(frozen=True)
class ReportDeadline:
    year: int
    quarter: int
    due: date
    stage: Stage

    @property
    def period(self) -> str:
        return period_label(self.year, self.quarter)


def report_deadlines(
    today: date,
    plan_due: date,
    deadline: date,
    reported: Iterable[tuple[int, int]],
    *,
    finished: bool = False,
) -> list[ReportDeadline]:
    """Each quarter's report deadline with its stage on ``today``; a finished project owes nothing more.

    A quarter is owed once it has begun and the project's own deadline has not passed before it.
    """
    done = set(reported)
    until = min(today, deadline)
    out = []
    for year, quarter in reporting_quarters(plan_due, until):
        due = report_due(year, quarter)
        stage = deadline_stage(today, due, done=finished or (year, quarter) in done)
        out.append(ReportDeadline(year, quarter, due, stage))
    return out


def decision_body(level: str) -> str:
    """Who decides an adjustment: the presidium of a township congress, the standing committee above."""
    return "presidium" if level == "township" else "standing_committee"


def adjustment_problems(
    kind: str, reason: str, new_deadline: date | None, current_deadline: date | None
) -> list[tuple[str, Reason]]:
    """What is wrong with a proposed adjustment, by field (empty: fine)."""
    problems: list[tuple[str, Reason]] = []
    if kind not in ADJUSTMENT_KINDS:
        problems.append(("kind", Reason("Unknown adjustment kind {kind}", {"kind": kind})))
    if not reason.strip():
        problems.append(("reason", Reason("An adjustment needs a reason")))
    if kind == "postpone":
        if new_deadline is None:
            problems.append(("new_deadline", Reason("A postponement needs a new deadline")))
        elif current_deadline is not None and new_deadline <= current_deadline:
            problems.append(("new_deadline", Reason("The new deadline must be later than the current one")))
    return problems


def decision_problems(
    decision: str, meeting_name: str, meeting_date: date | None, proposed_on: date, today: date
) -> list[tuple[str, Reason]]:
    """What is wrong with a decision on an adjustment, by field (empty: fine).

    The body decides at a meeting (platform/docs/roles.md): its name and date go with the decision.
    The meeting sat on or after the day the adjustment was proposed, and not after ``today``.
    """
    problems: list[tuple[str, Reason]] = []
    if decision not in DECISIONS:
        problems.append(("decision", Reason("Unknown decision {decision}", {"decision": decision})))
    if not meeting_name.strip():
        problems.append(("meeting_name", Reason("Name the meeting that took the decision")))
    if meeting_date is None:
        problems.append(("meeting_date", Reason("Give the date of the meeting that took the decision")))
    elif meeting_date > today:
        problems.append(("meeting_date", Reason("The meeting cannot be after today")))
    elif meeting_date < proposed_on:
        problems.append(
            (
                "meeting_date",
                Reason(
                    "The meeting cannot be before the adjustment was proposed on {date}",
                    {"date": proposed_on.isoformat()},
                ),
            )
        )
    return problems


def progress_problems(percent_done: int, spent: Decimal, previous_percent: int | None) -> list[tuple[str, Reason]]:
    """What is wrong with a progress report's figures, by field (empty: fine)."""
    problems: list[tuple[str, Reason]] = []
    if not 0 <= percent_done <= 100:
        problems.append(("percent_done", Reason("Percent done must be between 0 and 100")))
    elif previous_percent is not None and percent_done < previous_percent:
        problems.append(
            (
                "percent_done",
                Reason(
                    "Percent done cannot go down from {previous}% to {percent}%",
                    {"previous": previous_percent, "percent": percent_done},
                ),
            )
        )
    if spent < 0:
        problems.append(("spent", Reason("Money spent cannot be negative")))
    return problems


@dataclass(frozen=True)
class ProjectFigures:
    """One project's figures for the statistics."""

    budget: Decimal
    spent: Decimal
    percent_done: int
    terminated: bool = False


@dataclass(frozen=True)
class ProgressStatistics:
    projects: int
    completed: int
    budget: Decimal
    spent: Decimal
    average_percent: float
    terminated: int


def progress_statistics(figures: Sequence[ProjectFigures]) -> ProgressStatistics:
    """Totals over the projects being carried out: terminated projects are counted apart, not in them."""
    active = [f for f in figures if not f.terminated]
    count = len(active)
    return ProgressStatistics(
        projects=count,
        completed=sum(1 for f in active if f.percent_done >= 100),
        budget=sum((f.budget for f in active), Decimal(0)),
        spent=sum((f.spent for f in active), Decimal(0)),
        average_percent=round(sum(f.percent_done for f in active) / count, 1) if count else 0.0,
        terminated=len(figures) - count,
    )
