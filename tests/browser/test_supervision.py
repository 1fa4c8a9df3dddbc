"""A deputy rates a project's satisfaction on a phone, as in WeChat's browser, and keeps the receipt."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from minsheng.congress.models import CongressSession, VotingRound
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


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
    await live_server.create_tenant("prov-s", "province", name="甲省")
    await live_server.create_tenant("county-s", "county", "prov-s", name="甲县")
    # A township: its presidium (the clerk here holds both roles) opens and closes the evaluation.
    tenant = await live_server.create_tenant("town-s", "township", "county-s", name="甲镇")
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


async def test_a_deputy_files_an_inspection_with_a_photo_on_the_phone(
    live_server: LiveServer, phone_page: Any, tmp_path: Path
) -> None:
    await live_server.create_tenant("prov-r", "province", name="乙省")
    await live_server.create_tenant("county-r", "county", "prov-r", name="乙县")
    tenant = await live_server.create_tenant("town-r", "township", "county-r", name="乙镇")
    await live_server.add_member("town-r", "deputy", ["deputy"])
    project = await _chosen_project(live_server, uuid.UUID(tenant["id"]), "town-r")
    photo = tmp_path / "clinic.png"
    photo.write_bytes(PNG)

    await phone_page.goto(f"{live_server.url}/login?next=/t/town-r/supervision/projects/{project}")
    await phone_page.fill("input[name=username]", "deputy")
    await phone_page.fill("input[name=password]", PASSWORD)
    await phone_page.press("input[name=password]", "Enter")
    await phone_page.wait_for_url(f"**/t/town-r/supervision/projects/{project}")
    await phone_page.locator("#record-methods a[href$='method=inspection']").tap()
    await phone_page.wait_for_url("**/records/new?method=inspection")
    await phone_page.fill("[name='field.held_on']", "2026-06-01")
    await phone_page.fill("[name='field.places']", "东村卫生室")
    await phone_page.fill("[name='field.participants']", "张代表\n李代表")
    await phone_page.locator("input[name=visit_place]").first.fill("东村卫生室")
    await phone_page.locator("input[name=visit_notes]").first.fill("药品齐全，医生在岗")
    await phone_page.set_input_files("#photos", str(photo))
    await phone_page.locator("#record-form button[type=submit]").tap()
    # The findings were left out: refused beside the field, everything typed is still there.
    await phone_page.locator("#record-form .field__error").wait_for()
    assert await phone_page.locator("input[name=visit_notes]").first.input_value() == "药品齐全，医生在岗"
    await phone_page.fill("[name='field.findings']", "义诊按月开展")
    await phone_page.set_input_files("#photos", str(photo))
    await phone_page.locator("#record-form button[type=submit]").tap()
    await phone_page.wait_for_url(f"**/supervision/projects/{project}?done=record")
    records = phone_page.locator("#records")
    assert "义诊按月开展" in await records.inner_text() and "东村卫生室" in await records.inner_text()
    image = records.locator("img").first
    await image.wait_for()
    # The photo loads after the element appears: polled from here (the page's CSP forbids the eval a
    # wait_for_function predicate needs), for up to 10 s.
    for _ in range(50):
        if await image.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the photo did not load")
    assert await phone_page.evaluate("document.documentElement.scrollWidth") <= 390
