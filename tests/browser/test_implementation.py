"""A government officer files the work plan with its milestones and reports progress with a photo on a
phone, from the pages alone; a citizen, without logging in, sees the progress and the photo on the
public portal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from minsheng.implementation.testing import record_decided_round
from minsheng.tenancy.context import TenantRef
from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


async def test_an_officer_reports_progress_with_a_photo_and_a_citizen_sees_it(
    live_server: LiveServer, phone_page: Any, browser: Any, tmp_path: Path
) -> None:
    base = live_server.url
    await live_server.create_tenant("prov-a", "province", name="甲省")
    await live_server.create_tenant("county-a", "county", "prov-a", name="甲县")
    tenant = await live_server.create_tenant("town-a", "township", "county-a", name="甲镇")
    await live_server.add_member("town-a", "officer", ["government"])
    ref = TenantRef(uuid.UUID(tenant["id"]), "town-a")
    voted_at = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    (project,) = await live_server.on_server(
        record_decided_round(live_server.services.database, ref, ["中心小学教室改造"], voted_at=voted_at)
    )
    photo = tmp_path / "site.png"
    photo.write_bytes(PNG)

    # The officer, on a phone: log in, file the work plan, report progress with a photo.
    await phone_page.goto(f"{base}/login?next=/t/town-a/implementation/projects/{project}")
    await phone_page.fill("input[name=username]", "officer")
    await phone_page.fill("input[name=password]", PASSWORD)
    await phone_page.press("input[name=password]", "Enter")
    await phone_page.wait_for_url(f"**/t/town-a/implementation/projects/{project}")
    await phone_page.fill("#responsible_unit", "镇教育办")
    await phone_page.fill("#targets", "改造教室 6 间")
    await phone_page.fill("#budget", "1200000")
    await phone_page.fill("#funding_source", "县级财政")
    await phone_page.fill("#deadline", "2026-11-30")
    dues, titles = phone_page.locator("input[name=milestone_due]"), phone_page.locator("input[name=milestone_title]")
    for row, (due, title) in enumerate((("2026-03-31", "开工"), ("2026-12-20", "竣工"))):
        await dues.nth(row).fill(due)
        await titles.nth(row).fill(title)
    await phone_page.locator("#plan-form button[type=submit]").tap()
    # A milestone after the deadline is refused beside its row; what was typed is still there.
    await phone_page.locator("#plan-form .field__error").wait_for()
    assert await phone_page.locator("#responsible_unit").input_value() == "镇教育办"
    assert await titles.nth(1).input_value() == "竣工"
    await dues.nth(1).fill("2026-10-31")
    await phone_page.locator("#plan-form button[type=submit]").tap()
    await phone_page.wait_for_url("**?done=plan")
    assert "竣工" in await phone_page.locator("#milestone-list").inner_text()
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page fits the phone's width"
    await phone_page.fill("#percent_done", "40")
    await phone_page.fill("#spent", "480000")
    await phone_page.fill("#text", "主体结构完工，正在安装门窗")
    await phone_page.set_input_files("#photos", str(photo))
    await phone_page.locator("#progress-form button[type=submit]").tap()
    await phone_page.wait_for_url("**?done=progress")
    assert "主体结构完工" in await phone_page.locator("#reports").inner_text()

    # A citizen, on another phone, no login.
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    citizen = await context.new_page()
    await citizen.goto(f"{base}/t/town-a/portal")
    await citizen.locator("#portal-projects a").first.tap()
    await citizen.wait_for_url(f"**/t/town-a/portal/projects/{project}")
    assert (await citizen.locator("#project-title").inner_text()).strip() == "中心小学教室改造"
    assert "40%" in await citizen.locator("#project-progress").inner_text()
    assert "主体结构完工，正在安装门窗" in await citizen.locator("#public-reports").inner_text()
    image = citizen.locator("#public-reports img").first
    await image.wait_for()
    loaded = await image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded, "the photo is served to a citizen without login"
    assert "officer" not in await citizen.content()
    await context.close()
