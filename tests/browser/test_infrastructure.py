"""The browser fixtures themselves: a live server, the phone and desktop pages, a cookie login."""

from __future__ import annotations

import pytest

from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser


async def test_phone_page_renders_the_public_form(live_server: LiveServer, phone_page) -> None:
    await live_server.create_tenant("town-a", "province", name="甲镇")
    await phone_page.goto(f"{live_server.url}/t/town-a/suggest")
    assert await phone_page.evaluate("window.innerWidth") == 390
    assert await phone_page.evaluate("'ontouchstart' in window")
    await phone_page.get_by_role("heading", level=1).wait_for()
    assert "甲镇" in await phone_page.content()


async def test_desktop_page_logs_in_with_a_cookie(live_server: LiveServer, desktop_page) -> None:
    await live_server.create_tenant("town-a", "province")
    await live_server.add_member("town-a", "clerk", ["tenant_admin"])
    await desktop_page.goto(f"{live_server.url}/login")
    assert await desktop_page.evaluate("window.innerWidth") == 1366
    await desktop_page.fill("input[name=username]", "clerk")
    await desktop_page.fill("input[name=password]", PASSWORD)
    await desktop_page.locator("form button[type=submit]").last.click()
    await desktop_page.wait_for_load_state()
    cookies = await desktop_page.context.cookies()
    assert any(c["httpOnly"] for c in cookies), cookies
