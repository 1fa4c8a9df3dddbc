"""A whole year of one tenant, for documents of every kind: the vote, work plans and progress, a
quarterly meeting, the supervision plan, a special inquiry with a commitment, and a satisfaction
evaluation found unsatisfied, rectified and evaluated again (satisfied).

The steps after the vote go through the services the pages call (their permissions are tested in
their own contexts); deputies rate through the API, each with their own token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from conftest import County

from minsheng.accounts.models import Membership, User
from minsheng.implementation import plans, progress
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.inquiries import services as inquiries
from minsheng.supervision.plans import services as supervision
from minsheng.tenancy.configuration import current_tenant_hooks
from minsheng.testing_tenant import NO_PASSWORD

TODAY = date(2026, 3, 20)
LEADER = "王建国"


@dataclass
class YearOfRecords:
    """The subjects of every kind of document in the seeded year."""

    round_id: str
    plan_id: str
    inquiry_id: str
    first_evaluation_id: str
    reevaluation_id: str


async def _rate(county: County, evaluation_id: uuid.UUID, ratings: list[str]) -> None:
    for headers, rating in zip(county.deputy_headers, ratings, strict=False):
        response = await county.api.client.post(
            f"{county.base}/evaluations/{evaluation_id}/ratings", json={"rating": rating}, headers=headers
        )
        assert response.status_code == 201, response.text


async def seed_year(county: County, session_title: str) -> YearOfRecords:
    """The whole year of ``county`` after its vote in the session ``session_title`` (5 deputies)."""
    round_id = await county.decided_round(session_title=session_title)
    road, school, _clinic = county.projects
    database = county.api.services.database
    async with database.session() as session:
        leader = User(username=f"leader-{county.slug}", display_name=LEADER, password_hash=NO_PASSWORD)
        session.add(leader)
        await session.flush()
        session.add(Membership(tenant_id=county.tenant_id, user_id=leader.id, roles=["presidium"]))
    with county.scope():
        async with database.session() as session:
            for project_id, unit in ((road, "交通局"), (school, "教育局")):
                deadline = TODAY + timedelta(days=240)
                draft = plans.WorkPlanDraft(
                    responsible_unit=unit,
                    targets="完成改造并通过验收。",
                    budget=Decimal(2_500_000),
                    funding_source="县级财政",
                    deadline=deadline,
                    safeguards="县人大常委会全程监督，每季度向代表通报进展",
                    milestones=[plans.MilestoneDraft("完成设计和招标", deadline - timedelta(days=120))],
                )
                await plans.file_plan(session, project_id, draft, actor="gov")
                report = progress.ProgressDraft(spent=Decimal(800_000), percent_done=40, text="路基已完成。")
                await progress.report_progress(session, project_id, report, actor="gov")
            await progress.record_meeting(
                session,
                progress.MeetingDraft(
                    year=2026,
                    quarter=1,
                    held_on=TODAY,
                    attendees=["县人大常委会", "县人民政府"],
                    conclusions="各项目按计划推进。",
                    project_ids=[road, school],
                ),
                actor="clerk",
            )
            plan = await supervision.create_plan(session, year=2026, title="民生实事项目代表监督计划", actor="clerk")
            for number, project_id in enumerate((road, school)):
                await supervision.add_group(
                    session,
                    plan.id,
                    project_id=project_id,
                    name=f"第{number + 1}监督小组",
                    leader=leader.username,
                    deputies=county.deputies[number * 2 : number * 2 + 2],
                    methods=["quarterly_meeting", "follow_up_review"],
                    actor="clerk",
                    hooks=await current_tenant_hooks(session),
                )
            await supervision.adopt_plan(session, plan.id, actor="standing")
            inquiry = await inquiries.create_inquiry(
                session,
                road,
                title="道路提质改造进度专题询问",
                held_on=TODAY,
                participants=["县人大常委会", "代表监督小组", "县交通局"],
                actor="clerk",
            )
            question = await inquiries.ask(
                session, inquiry.id, asked_by="代表001", question="排水沟何时贯通？", actor="clerk"
            )
            await inquiries.answer(
                session,
                question.id,
                answered_by="县交通局局长",
                text="六月底前全部贯通。",
                promises=[inquiries.Promise("排水沟六月底前全部贯通", "交通局", TODAY + timedelta(days=100))],
                actor="clerk",
            )
            first = await evaluations.open_evaluation(
                session,
                school,
                title="课后延时服务满意度测评",
                public=False,
                actor="standing",
                hooks=await current_tenant_hooks(session),
            )
    await _rate(county, first.id, ["unsatisfied", "unsatisfied", "unsatisfied", "basically_satisfied", "abstain"])
    with county.scope():
        async with database.session() as session:
            closed = await evaluations.close_evaluation(
                session, first.id, actor="standing", hooks=await current_tenant_hooks(session)
            )
            assert closed.outcome == "unsatisfied", closed.result
            rectification = await evaluations.rectification_of(session, first.id)
            assert rectification is not None
            await evaluations.report_rectification(
                session, rectification.id, report="增加两名辅导教师，延长服务至18时。", actor="gov"
            )
            again = await evaluations.open_scheduled(session, rectification.reevaluation_id, actor="standing")
    await _rate(county, again.id, ["satisfied", "satisfied", "satisfied", "basically_satisfied", "abstain"])
    with county.scope():
        async with database.session() as session:
            await evaluations.close_evaluation(
                session, again.id, actor="standing", hooks=await current_tenant_hooks(session)
            )
    return YearOfRecords(
        round_id=round_id,
        plan_id=str(plan.id),
        inquiry_id=str(inquiry.id),
        first_evaluation_id=str(first.id),
        reevaluation_id=str(again.id),
    )
