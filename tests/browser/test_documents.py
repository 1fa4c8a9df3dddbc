"""In a browser: staff print the QR posters from the documents page; the code a villager
scans opens the phone form with the QR channel and the village already filled in."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from minsheng.testing import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

VILLAGES = ["赵庄村", "大营村"]


async def test_staff_print_posters_and_a_villager_opens_the_preset_form(
    live_server: LiveServer, desktop_page: Any, phone_page: Any
) -> None:
    base, slug = live_server.url, "baofeng-posters"
    await live_server.create_tenant("henan", "province", name="河南省")
    await live_server.create_tenant(
        slug, "county", "henan", name="宝丰县", settings={"minsheng.defaults": {"places": VILLAGES}}
    )
    await live_server.add_member(slug, "clerk", ["tenant_admin"])

    await desktop_page.goto(f"{base}/login?next=/t/{slug}/staff/documents")
    await desktop_page.fill("#login-username", "clerk")
    await desktop_page.fill("#login-password", PASSWORD)
    await desktop_page.press("#login-password", "Enter")
    await desktop_page.wait_for_url(f"**/t/{slug}/staff/documents")
    await desktop_page.locator("#order-qr_posters button[type=submit]").click()
    await desktop_page.wait_for_url(f"**/t/{slug}/jobs/*")
    download = desktop_page.locator(f'a.button--primary[href^="/t/{slug}/files/"]')
    await download.wait_for()  # the job page polls until the file is ready
    response = await desktop_page.request.get(base + await download.get_attribute("href"))
    assert response.ok
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(await response.body())).pages]
    assert len(pages) == len(VILLAGES)
    assert all(village in page for village, page in zip(VILLAGES, pages, strict=True))

    await desktop_page.goto(f"{base}/t/{slug}/staff/documents")
    assert await desktop_page.locator("#documents tbody tr").count() == 1

    # The address printed under the second poster's QR code (MINSHENG_PUBLIC_URL + path), opened on a phone.
    public_url = live_server.services.settings.public_url
    printed = re.search(re.escape(public_url) + r"(/t/\S+?place=[\u4e00-\u9fff]+)", pages[1].replace("\n", ""))
    assert printed
    address = printed.group(1)
    assert address == f"/t/{slug}/suggest?channel=qr_code&place={VILLAGES[1]}"
    await phone_page.goto(base + address)
    assert await phone_page.locator('input[name="channel"]').get_attribute("value") == "qr_code"
    assert await phone_page.locator("#suggest-place").input_value() == VILLAGES[1]
