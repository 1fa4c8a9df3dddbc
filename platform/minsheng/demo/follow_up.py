"""The second half of 赵庄镇's demo year through the services: work plans and progress of the chosen
projects, a quarterly meeting, the supervision plan, a special inquiry with a commitment, a closed
satisfaction evaluation (platform/docs/domain.md, stages 4-5).

The services stamp their own clock, so the whole year happens on the day of seeding; the dates that
staff type (deadlines, milestones, meetings) are set around that day. The street lights' plan set a
deadline that has passed before the work was finished: the dashboards count it as overdue.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.demo import script
from minsheng.demo.cycle import Year
from minsheng.implementation import plans, progress
from minsheng.implementation import rules as implementation_rules
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.plans import services as supervision
from minsheng.supervision.records import services as records
from minsheng.tenancy.configuration import current_tenant_hooks

OVERDUE = "lights"


def _deadline(key: str, today: date) -> date:
    # The street lights were promised before winter and are late; the rest finish within the year.
    return today - timedelta(days=8) if key == OVERDUE else today + timedelta(days=120)


async def carry_out(session: AsyncSession, year: Year) -> None:
    """A work plan for each chosen project, their progress reports and a quarterly meeting."""
    today = china_day(utcnow())
    for key in year.chosen:
        project = year.projects[key]
        deadline = _deadline(key, today)
        budget = project.budget or Decimal(0)
        draft = plans.WorkPlanDraft(
            responsible_unit="赵庄镇人民政府",
            targets=project.content,
            budget=budget,
            funding_source="镇级财政与上级专项资金",
            deadline=deadline,
            safeguards="镇人大主席团全程监督，每季度向代表通报进展。",
            milestones=[
                plans.MilestoneDraft("完成设计和招标", deadline - timedelta(days=60)),
                plans.MilestoneDraft("完工验收", deadline),
            ],
        )
        await plans.file_plan(session, project.id, draft, actor=script.GOVERNMENT)
        for percent, share, text in script.PROGRESS.get(key, []):
            report = progress.ProgressDraft(
                spent=(budget * Decimal(share)).quantize(Decimal(1)), percent_done=percent, text=text
            )
            await progress.report_progress(session, project.id, report, actor=script.GOVERNMENT)
    quarter_year, quarter = implementation_rules.quarter_of(today)
    await progress.record_meeting(
        session,
        progress.MeetingDraft(
            year=quarter_year,
            quarter=quarter,
            held_on=today,
            attendees=["镇人大主席团", "镇人民政府", "代表监督小组"],
            conclusions="路灯项目滞后，要求镇政府两周内拿出赶工方案；其余项目按计划推进。",
            project_ids=[year.projects[key].id for key in year.chosen],
        ),
        actor=script.PRESIDIUM,
    )


async def supervise(session: AsyncSession, year: Year) -> None:
    """The supervision plan (one group per project), an inspection, and a special inquiry on the
    overdue project whose answer promises a fix."""
    today = china_day(utcnow())
    hooks = await current_tenant_hooks(session)
    plan = await supervision.create_plan(
        session, year=year.projects[year.chosen[0]].year, title="赵庄镇民生实事项目代表监督计划", actor=script.PRESIDIUM
    )
    deputies = [d.id for d in year.deputies]
    for number, key in enumerate(year.chosen):
        await supervision.add_group(
            session,
            plan.id,
            project_id=year.projects[key].id,
            name=f"第{number + 1}监督小组",
            leader=script.PRESIDIUM,
            deputies=deputies[number * 3 : number * 3 + 3],
            methods=["quarterly_meeting", "follow_up_review"],
            actor=script.PRESIDIUM,
            hooks=hooks,
        )
    await supervision.adopt_plan(session, plan.id, actor=script.PRESIDIUM)
    road = year.projects["road"]
    await records.add_record(
        session,
        road.id,
        method="follow_up_review",
        fields={
            "held_on": today.isoformat(),
            "participants": [d.name for d in year.deputies[:3]],
            "findings": "已硬化路段平整，排水沟尚未全部贯通。",
            "follow_up": "督促施工单位年底前完成排水沟。",
        },
        visits=[records.Visit(place="示例东庄村", visited_on=today, notes="现场查看路面和排水沟")],
        photo_ids=[],
        actor=script.PRESIDIUM,
        hooks=hooks,
    )
    lights = year.projects[OVERDUE]
    inquiry = await inquiries.create_inquiry(
        session,
        lights.id,
        title="路灯安装项目进度滞后专题询问",
        held_on=today,
        participants=["镇人大主席团", "代表监督小组", "镇人民政府分管负责人"],
        actor=script.PRESIDIUM,
    )
    question = await inquiries.ask(
        session,
        inquiry.id,
        asked_by=year.deputies[1].name,
        question="杨树岭村段为什么滞后？什么时候能全部亮灯？",
        actor=script.PRESIDIUM,
    )
    await inquiries.answer(
        session,
        question.id,
        answered_by="镇人民政府分管负责人",
        text="路灯供货延误，已更换供货商，剩余100盏已到货。",
        promises=[inquiries.Promise("剩余100盏路灯安装完毕并全部亮灯", "赵庄镇人民政府", today + timedelta(days=20))],
        actor=script.PRESIDIUM,
    )


async def evaluate(session: AsyncSession, year: Year) -> None:
    """The deputies' secret satisfaction evaluation of the finished canteen, closed with its outcome."""
    canteen = year.projects["canteen"]
    hooks = await current_tenant_hooks(session)
    evaluation = await evaluations.open_evaluation(
        session, canteen.id, title="镇中心小学食堂改造满意度测评", public=False, actor=script.PRESIDIUM, hooks=hooks
    )
    choices = [rating for rating, count in script.RATINGS.items() for _ in range(count)]
    for principal, rating in zip(year.voters, choices, strict=False):
        await evaluations.rate(session, evaluation.id, principal, rating)
    await evaluations.close_evaluation(session, evaluation.id, actor=script.PRESIDIUM, hooks=hooks)
