"""The staff page: order a document with the cookie login, follow its job, find it in the list."""

from __future__ import annotations

import re

from conftest import County

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
