"""The public record on the portal: the year's 公告, 决议 and completion report as files, and an
evaluation's whole history (不满意 → 整改 → re-evaluation) after the later outcome is satisfied."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from minsheng.congress.models import VotingRound
from minsheng.documents.models import GeneratedDocument
from minsheng.files import services as files
from minsheng.implementation.testing import record_decided_round
from minsheng.supervision.models import Rectification, SatisfactionEvaluation
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api
from minsheng.testing_tenant import TenantUnderTest

VOTED = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _document(
    api: Api, ref: TenantRef, kind: str, subject: uuid.UUID | None, made: datetime, body: bytes
) -> None:
    """A generated document as the render job stores it: the file, then its record."""
    with tenant_scope(ref):
        async with api.services.database.session() as session:
            stored = await files.save_generated(
                session, api.services.store, body, folder="documents", filename=f"{kind}.docx",
                content_type=DOCX, created_by="t",
            )  # fmt: skip
            session.add(
                GeneratedDocument(
                    kind=kind, subject_id=subject, format="docx", file_id=stored.id, filename=f"{kind}.docx",
                    sha256=stored.sha256, template="minsheng.defaults:x", created_by="t", created_at=made,
                )
            )  # fmt: skip


async def test_the_portal_lists_the_year_s_announcement_resolution_and_completion_report(api: Api) -> None:
    town = await TenantUnderTest.open_county(api)
    ref = TenantRef(town.tenant_id, town.slug)
    await record_decided_round(api.services.database, ref, ["学校改造"], voted_at=VOTED)
    with tenant_scope(ref):
        async with api.services.database.session() as session:
            round_id = (await session.execute(select(VotingRound.id))).scalar_one()
    await _document(api, ref, "result_announcement", round_id, VOTED, b"gonggao-old")
    await _document(api, ref, "result_announcement", round_id, datetime(2026, 1, 11, tzinfo=UTC), b"gonggao")
    await _document(api, ref, "resolution", round_id, datetime(2026, 1, 11, tzinfo=UTC), b"jueyi")
    await _document(api, ref, "completion_report", None, datetime(2026, 12, 20, tzinfo=UTC), b"baogao")
    await _document(api, ref, "ballot_paper", round_id, datetime(2026, 1, 9, tzinfo=UTC), b"ballots")  # not public

    listing = (await api.client.get(f"/api/v1/t/{town.slug}/public/projects?year=2026")).json()
    documents = listing["documents"]
    assert [d["kind"] for d in documents] == ["result_announcement", "resolution", "completion_report"]
    bodies = [(await api.client.get(d["url"])).content for d in documents]
    assert bodies == [b"gonggao", b"jueyi", b"baogao"]  # the latest announcement, downloaded without login
    page = await api.client.get(f"/t/{town.slug}/portal?year=2026")
    assert page.text.count('<li data-kind="') == 3 and "主席团公告" in page.text
    # Another year lists none of them; a document that is not public is not served.
    assert (await api.client.get(f"/api/v1/t/{town.slug}/public/projects?year=2025")).json()["documents"] == []
    with tenant_scope(ref):
        async with api.services.database.session() as session:
            ballots = (
                await session.execute(select(GeneratedDocument.id).where(GeneratedDocument.kind == "ballot_paper"))
            ).scalar_one()
    assert (await api.client.get(f"/api/v1/t/{town.slug}/public/documents/{ballots}")).status_code == 404


async def test_an_unsatisfied_outcome_its_rectification_and_the_re_evaluation_stay_on_the_portal(api: Api) -> None:
    town = await TenantUnderTest.open_county(api)
    ref = TenantRef(town.tenant_id, town.slug)
    (project,) = await record_decided_round(api.services.database, ref, ["道路硬化"], voted_at=VOTED)
    first_id, again_id = uuid.uuid4(), uuid.uuid4()
    counts: dict[str, Any] = {"satisfied": 5, "basically_satisfied": 6, "unsatisfied": 19, "abstain": 0}
    with tenant_scope(ref):
        async with api.services.database.session() as session:
            session.add(
                SatisfactionEvaluation(
                    id=first_id, project_id=project, title="满意度测评", status="closed", outcome="unsatisfied",
                    members=30, result={"counts": counts, "rectification_required": True}, created_by="t",
                    closed_at=datetime(2026, 6, 30, 16, 30, tzinfo=UTC),  # 00:30 on 1 July in Beijing
                )
            )  # fmt: skip
            await session.flush()
            session.add(
                SatisfactionEvaluation(
                    id=again_id, project_id=project, title="满意度测评", status="closed", outcome="satisfied",
                    reevaluation_of=first_id, members=30, created_by="t",
                    result={"counts": {**counts, "satisfied": 25, "unsatisfied": 0}, "rectification_required": False},
                    closed_at=datetime(2026, 10, 8, 2, tzinfo=UTC),
                )
            )  # fmt: skip
            await session.flush()
            session.add(
                Rectification(
                    evaluation_id=first_id, project_id=project, reevaluation_id=again_id, deadline=date(2026, 9, 28),
                    status="reported", report="路面已重新铺设，排水沟已疏通", reported_by="t",
                    reported_at=datetime(2026, 9, 20, 2, tzinfo=UTC),
                )
            )  # fmt: skip

    detail = (await api.client.get(f"/api/v1/t/{town.slug}/public/projects/{project}")).json()
    assert detail["project"]["evaluation"]["outcome"] == "satisfied"  # the latest outcome
    history = detail["evaluations"]
    assert [(s["outcome"], s["reevaluation"]) for s in history] == [("unsatisfied", False), ("satisfied", True)]
    assert history[0]["closed_on"] == "2026-07-01"  # its day in Beijing
    assert (history[0]["rectification_deadline"], history[0]["rectification_reported_on"]) == (
        "2026-09-28",
        "2026-09-20",
    )
    assert history[0]["counts"]["unsatisfied"] == 19
    page = (await api.client.get(f"/t/{town.slug}/portal/projects/{project}")).text
    section = page.split('id="evaluation-history"', 1)[1].split("</ol>", 1)[0]
    assert section.index("不满意") < section.index("路面已重新铺设") < section.index("再次测评")
    assert "2026年7月1日" in section and "2026年9月28日" in section
    # Budgets in 万元: 100000 yuan is 10万元.
    assert "计划投资10万元" in page
