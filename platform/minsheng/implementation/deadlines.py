"""The deadline check the cron job runs for a tenant: remind before a deadline, flag it after.

Work plans are due a month after the vote, progress reports ten days after each quarter (rules.py).
Before a deadline the responsible unit (the tenant's government members) is reminded; after it those
who follow the projects are told (the presidium, the congress office and, in a county, the standing
committee: the permission table's), and for a township the county above it too. Each alert is a row with a dedupe key,
and its notification carries the same key: running the check again, or retrying the job, raises and
sends nothing twice. The clock is an argument: tests and the scheduler pass ``now``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.collection.rules import china_day
from minsheng.i18n import msgid, translate
from minsheng.implementation import chosen, overview, progress, rules
from minsheng.implementation.models import DeadlineAlert
from minsheng.notifications import services as notifications
from minsheng.permissions import Permission, RoleGrant, roles_with
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.tenancy.models import Tenant, TenantLevel

MESSAGE_LOCALE = "zh_CN"
SUBJECTS = {
    ("work_plan", "reminder"): msgid("Work plan due on {due}: «{title}»"),
    ("work_plan", "overdue"): msgid("Work plan overdue since {due}: «{title}»"),
    ("quarterly_report", "reminder"): msgid("Progress report for {period} due on {due}: «{title}»"),
    ("quarterly_report", "overdue"): msgid("Progress report for {period} overdue since {due}: «{title}»"),
}


@dataclass(frozen=True)
class Due:
    project_id: uuid.UUID
    title: str
    subject: str  # work_plan | quarterly_report
    period: str
    stage: rules.Stage
    due: date

    @property
    def dedupe_key(self) -> str:
        return f"{self.subject}:{self.project_id}:{self.period}:{self.stage.value}"


async def what_is_due(session: AsyncSession, today: date) -> list[Due]:
    """Every reminder and overdue flag the tenant's chosen projects call for on ``today``."""
    found: list[Due] = []
    for state in await overview.states(session, await chosen.chosen_projects(session)):
        if state.terminated:
            continue
        project = state.chosen.project
        stage = rules.deadline_stage(today, state.plan_due, done=state.plan is not None)
        if stage is not rules.Stage.NONE:
            found.append(Due(project.id, project.title, "work_plan", "", stage, state.plan_due))
        if state.plan is None:
            continue
        reported = await progress.reported_quarters(session, project.id)
        deadline = state.deadline or state.plan.deadline
        for report in rules.report_deadlines(
            today, state.plan_due, deadline, reported, finished=state.percent_done >= 100
        ):
            if report.stage is not rules.Stage.NONE:
                found.append(
                    Due(project.id, project.title, "quarterly_report", report.period, report.stage, report.due)
                )
    return found


def overseers(level: str, grants: Sequence[RoleGrant] = ()) -> list[str]:
    """Who follows the chosen projects' progress in a tenant of ``level`` (the permission table's, with
    the region's ``grants``): those who record the quarterly meetings and those who decide adjustments."""
    following = roles_with(Permission.MEETINGS_RECORD, level, grants)
    return list(dict.fromkeys(following + roles_with(Permission.ADJUSTMENTS_DECIDE, level, grants)))


async def _recipients(
    session: AsyncSession, tenant: Tenant, stage: rules.Stage, grants: Sequence[RoleGrant]
) -> list[notifications.Recipient]:
    level = tenant.level.value
    if stage is rules.Stage.REMINDER:
        filers = roles_with(Permission.WORK_PLANS_FILE, level, grants)
        return await notifications.members_with_roles(session, tenant.id, filers)
    people = await notifications.members_with_roles(session, tenant.id, overseers(level, grants))
    if tenant.level == TenantLevel.TOWNSHIP and tenant.parent_id is not None:
        # 县乡两级联动: the county congress follows its townships' overdue projects.
        county = overseers(TenantLevel.COUNTY.value, grants)
        people += await notifications.members_with_roles(session, tenant.parent_id, county)
    return list(dict.fromkeys(people))


async def check_deadlines(
    session: AsyncSession, tenant: Tenant, now: datetime, *, hooks: TenantHooks
) -> list[DeadlineAlert]:
    """Raise the alerts due at ``now`` that were not raised before; returns the new ones. ``hooks``: the
    tenant's, for the roles its region adds to the table."""
    grants = hooks.role_grants()
    today = china_day(now)
    raised = set((await session.execute(select(DeadlineAlert.dedupe_key))).scalars())
    new: list[DeadlineAlert] = []
    for due in await what_is_due(session, today):
        if due.dedupe_key in raised:
            continue
        alert = DeadlineAlert(
            project_id=due.project_id,
            subject=due.subject,
            period=due.period,
            stage=due.stage.value,
            due=due.due,
            dedupe_key=due.dedupe_key,
            raised_at=now,
        )
        session.add(alert)
        await session.flush()
        await audit.record(
            session,
            "deadline.flagged",
            actor="system",
            subject=str(due.project_id),
            payload={
                "subject": due.subject,
                "period": due.period,
                "stage": due.stage.value,
                "due": due.due.isoformat(),
            },
        )
        title = translate(
            SUBJECTS[(due.subject, due.stage.value)],
            MESSAGE_LOCALE,
            due=due.due.isoformat(),
            period=due.period,
            title=due.title,
        )
        await notifications.notify(
            session,
            dedupe_key=f"deadline:{due.dedupe_key}",
            kind=f"{due.subject}_{due.stage.value}",
            subject=title,
            body=title,
            recipients=await _recipients(session, tenant, due.stage, grants),
        )
        new.append(alert)
    return new


async def list_alerts(session: AsyncSession, *, stage: str | None = None) -> list[DeadlineAlert]:
    """The tenant's alerts, latest first."""
    query = select(DeadlineAlert)
    if stage:
        query = query.where(DeadlineAlert.stage == stage)
    return list((await session.execute(query.order_by(DeadlineAlert.raised_at.desc()))).scalars())
