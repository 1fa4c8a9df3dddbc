"""Each chosen project's implementation at a glance, and the statistics over them.

Shared by the staff API, the public portal and the completion report, so all three tell one story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.implementation import adjustments, plans, progress, rules
from minsheng.implementation.chosen import ChosenProject
from minsheng.implementation.models import ProgressReport, WorkPlan


@dataclass(frozen=True)
class ProjectState:
    chosen: ChosenProject
    plan: WorkPlan | None
    latest: ProgressReport | None
    terminated: bool
    plan_due: date
    deadline: date | None  # the plan's, or the latest approved postponement's

    @property
    def percent_done(self) -> int:
        return self.latest.percent_done if self.latest else 0

    @property
    def spent(self) -> Decimal:
        return self.latest.spent if self.latest else Decimal(0)

    @property
    def budget(self) -> Decimal:
        if self.plan is not None:
            return self.plan.budget
        return self.chosen.project.budget or Decimal(0)

    @property
    def plan_filed_late(self) -> bool:
        return self.plan is not None and self.plan.filed_on > self.plan_due

    @property
    def status(self) -> str:
        """terminated | completed | in_progress | planned | awaiting_plan"""
        if self.terminated:
            return "terminated"
        if self.percent_done >= 100:
            return "completed"
        if self.latest is not None:
            return "in_progress"
        return "planned" if self.plan is not None else "awaiting_plan"


async def states(session: AsyncSession, chosen_projects: Sequence[ChosenProject]) -> list[ProjectState]:
    """The implementation state of each chosen project, in the given order."""
    ids = [c.project.id for c in chosen_projects]
    ended = await adjustments.terminated_ids(session, ids)
    postponed = await adjustments.postponed_deadlines(session)
    out = []
    for choice in chosen_projects:
        plan = await plans.get_plan(session, choice.project.id)
        deadline = postponed.get(choice.project.id) or (plan.deadline if plan else choice.project.deadline)
        out.append(
            ProjectState(
                chosen=choice,
                plan=plan,
                latest=await progress.latest_report(session, choice.project.id),
                terminated=choice.project.id in ended,
                plan_due=rules.work_plan_due(choice.vote_day),
                deadline=deadline,
            )
        )
    return out


def statistics(project_states: Sequence[ProjectState]) -> rules.ProgressStatistics:
    """Totals over the projects being carried out (terminated ones counted apart)."""
    return rules.progress_statistics(
        [rules.ProjectFigures(s.budget, s.spent, s.percent_done, s.terminated) for s in project_states]
    )
