"""The staff page: order a document with the cookie login, follow its job, find it in the list."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import County

from minsheng.documents.pages import unreachable_public_url
from minsheng.testing import Api


async def test_staff_order_posters_and_a_round_document_from_the_page(api: Api, county: County) -> None:
    round_id = await county.decided_round()
    await api.add_member(county.slug, f"staff-{county.slug}", ["tenant_admin"])
    async with api.browser() as browser:
        assert (await api.page_login(browser, f"staff-{county.slug}")).status_code in (302, 303)
        page = await browser.get(f"/t/{county.slug}/staff/documents")
        assert page.status_code == 200
        assert "意见建议征集二维码海报" in page.text and "主席团公告" in page.text
        assert f'<option value="{round_id}">' in page.text  # the decided round is offered as the subject
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token
        form = {"kind": "result_announcement", "subject_id": round_id, "format": "docx", "_csrf_token": token.group(1)}
        ordered = await browser.post(f"/t/{county.slug}/staff/documents", data=form)
        assert ordered.status_code == 303
        job_page = ordered.headers["location"]
        assert job_page.startswith(f"/t/{county.slug}/jobs/")
        await api.services.dispatcher.drain()
        done = await browser.get(job_page)
        link = re.search(rf'href="(/t/{county.slug}/files/[0-9a-f-]+)"', done.text)
        assert link, done.text
        listing = await browser.get(f"/t/{county.slug}/staff/documents")
        assert link.group(1) in listing.text and "DOCX" in listing.text


async def test_deputies_do_not_see_the_documents_page(api: Api, county: County) -> None:
    await api.add_member(county.slug, f"deputy-{county.slug}", ["deputy"])
    async with api.browser() as browser:
        await api.page_login(browser, f"deputy-{county.slug}")
        assert (await browser.get(f"/t/{county.slug}/staff/documents")).status_code == 403


@pytest.mark.parametrize(
    ("url", "unreachable"),
    [
        ("", True),
        (None, True),
        ("http://127.0.0.1:8000", True),
        ("http://127.8.0.1", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://0.0.0.0", True),
        ("https://minsheng.baofeng.gov.cn", False),
        ("http://10.1.2.3:8000", False),  # a private network some offices do use
    ],
)
def test_an_unset_or_loopback_public_address_is_unreachable(url: str | None, unreachable: bool) -> None:
    assert unreachable_public_url(url) is unreachable


async def test_the_admin_is_warned_before_printing_posters_that_lead_nowhere(api: Api, county: County) -> None:
    await api.add_member(county.slug, f"staff-{county.slug}", ["tenant_admin"])
    await api.add_member(county.slug, f"gov-{county.slug}", ["government"])
    async with api.browser() as browser:
        await api.page_login(browser, f"staff-{county.slug}")
        page = await browser.get(f"/t/{county.slug}/staff/documents")
        assert 'id="public-address-warning"' in page.text and "http://127.0.0.1:8000" in page.text
        assert "MINSHENG_PUBLIC_URL" in page.text
    async with api.browser() as browser:
        # The government orders none of the office's posters: neither the kind nor the warning.
        await api.page_login(browser, f"gov-{county.slug}")
        page = await browser.get(f"/t/{county.slug}/staff/documents")
        assert page.status_code == 200
        assert 'id="order-qr_posters"' not in page.text and "public-address-warning" not in page.text
    refused = await api.client.post(
        f"/api/v1/t/{county.slug}/documents",
        json={"kind": "qr_posters", "format": "pdf"},
        headers=await api.headers(f"gov-{county.slug}"),
    )
    assert refused.status_code == 403


async def test_no_warning_once_the_public_address_is_set(api: Api, county: County) -> None:
    api.services.settings = dataclasses.replace(api.services.settings, public_url="https://ms.example.gov.cn")
    await api.add_member(county.slug, f"staff-{county.slug}", ["tenant_admin"])
    async with api.browser() as browser:
        await api.page_login(browser, f"staff-{county.slug}")
        page = await browser.get(f"/t/{county.slug}/staff/documents")
        assert "public-address-warning" not in page.text and "https://ms.example.gov.cn" in page.text
