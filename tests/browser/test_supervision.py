"""A deputy rates a project's satisfaction on a phone, as in WeChat's browser, and keeps the receipt."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from minsheng.congress.models import CongressSession, VotingRound
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser


async def _chosen_project(live_server: LiveServer, tenant_id: uuid.UUID, slug: str) -> uuid.UUID:
    """A project chosen by a closed voting round, written directly (the vote has tests of its own)."""

    async def write() -> uuid.UUID:
        with tenant_scope(TenantRef(tenant_id, slug)):
            async with live_server.services.database.session() as session:
                project = Project(
                    year=2026,
                    title="孤寡老人义诊",
                    content="每月为孤寡老人义诊一次",
                    category="health",
                    status="accepted",
                    created_by="t",
                )
                session.add(project)
                congress = CongressSession(title="第一次会议", date=date(2026, 1, 10), created_by="t")
                session.add(congress)
                await session.flush()
                session.add(
                    VotingRound(
                        session_id=congress.id,
                        title="票决",
                        seats=1,
                        ballot_format="yes_no_abstain",
                        status="closed",
                        outcome="decided",
                        created_by="t",
                        result={"candidates": [{"project_id": str(project.id), "chosen": True}]},
                    )
                )
                return project.id

    return await live_server.on_server(write())


async def test_a_deputy_rates_on_the_phone_and_sees_the_receipt(live_server: LiveServer, phone_page) -> None:
    tenant = await live_server.create_tenant("town-s", "province", name="甲镇")
    await live_server.add_member("town-s", "clerk", ["tenant_admin", "presidium"])
    await live_server.add_member("town-s", "deputy", ["deputy"])
    clerk = await live_server.headers("clerk")
    added = await live_server.client.post(
        "/api/v1/t/town-s/deputies", json={"name": "张代表", "username": "deputy"}, headers=clerk
    )
    assert added.status_code == 201, added.text
    project = await _chosen_project(live_server, uuid.UUID(tenant["id"]), "town-s")
    opened = await live_server.client.post(f"/api/v1/t/town-s/projects/{project}/evaluations", json={}, headers=clerk)
    assert opened.status_code == 201, opened.text
    evaluation = opened.json()["id"]

    await phone_page.goto(f"{live_server.url}/t/town-s/evaluations")
    await phone_page.fill("input[name=username]", "deputy")
    await phone_page.fill("input[name=password]", PASSWORD)
    await phone_page.locator("form button[type=submit]").last.click()
    await phone_page.wait_for_url(f"{live_server.url}/t/town-s/evaluations")
    await phone_page.get_by_text("孤寡老人义诊").tap()
    await phone_page.wait_for_url(f"**/evaluations/{evaluation}/rate")
    # By value: the words are Chinese once the catalogs are merged, English until then.
    await phone_page.locator("input[name=rating][value=basically_satisfied]").check()
    await phone_page.locator("form.form button[type=submit]").tap()
    receipt = phone_page.locator("[data-receipt]")
    await receipt.wait_for()
    code = await receipt.get_attribute("data-receipt")
    assert code and len(code) == 12
    # Nothing on the phone shows anyone else's rating; the form is not offered twice.
    await phone_page.goto(f"{live_server.url}/t/town-s/evaluations/{evaluation}/rate")
    assert await phone_page.locator("input[name=rating]").count() == 0
    closed = await live_server.client.post(f"/api/v1/t/town-s/evaluations/{evaluation}/close", headers=clerk)
    assert closed.json()["receipts"] == [code] and closed.json()["counts"]["basically_satisfied"] == 1
