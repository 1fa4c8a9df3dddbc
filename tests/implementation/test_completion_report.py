"""The completion report (完成情况报告) for the next session: its PDF names every chosen project."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from minsheng.documents.kinds import get_kind
from minsheng.documents.rendering import render_document
from minsheng.tenancy.configuration import tenant_view
from minsheng.tenancy.models import Tenant
from minsheng.testing import Api


async def test_the_completion_report_lists_the_projects_with_plan_progress_and_decisions(api: Api, town: Any) -> None:
    kept, ended = await town.choose(["中心小学教室改造", "东村道路提质"])
    for project in (kept, ended):
        assert (await town.file_plan(project)).status_code == 201
    assert (await town.report(kept, percent_done=100, spent=1200000, text="全部完工")).status_code == 201
    proposal = await api.client.post(
        f"{town.base}/projects/{ended}/adjustments",
        json={"kind": "terminate", "reason": "线路规划取消"},
        headers=await town.headers("officer"),
    )
    assert (await town.decide(proposal.json()["id"], "approved")).status_code == 200

    meeting = await api.client.post(
        f"{town.base}/quarterly-meetings",
        json={
            "year": 2026,
            "quarter": 3,
            "held_on": "2026-10-08",
            "attendees": ["镇长"],
            "conclusions": "加快门窗安装",
        },
        headers=await town.headers("presidium"),
    )
    assert meeting.status_code == 201
    with town.scope():
        async with api.services.database.session() as session:
            tenant = await session.get(Tenant, town.tenant_id)
            assert tenant is not None
            view = await tenant_view(session, tenant)
            kind = get_kind("completion_report")
            assert kind is not None
            rendered = await render_document(session, view, kind, None, "pdf", public_url="http://testserver.local")
            again = await render_document(session, view, kind, None, "pdf", public_url="http://testserver.local")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.content)).pages)
    compact = "".join(text.split())
    for title in ("中心小学教室改造", "东村道路提质", "完成情况"):
        assert title in compact
    assert "线路规划取消" in compact  # the termination, with its reason
    assert "全部完工" in compact
    assert "加快门窗安装" in compact
    assert rendered.sha256 == again.sha256  # the same data renders the same document
