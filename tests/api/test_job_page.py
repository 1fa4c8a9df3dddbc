"""Long work has a visible status: the job's page shows its progress and then its result."""

from __future__ import annotations

from minsheng.testing import Api


async def test_an_export_job_page_shows_done_and_links_its_file(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.add_member("prov", "clerk", ["tenant_admin"])
    await api.add_member("prov", "deputy", ["deputy"])
    job_id = (await api.client.post("/api/v1/t/prov/audit/exports", headers=await api.headers("clerk"))).json()[
        "job_id"
    ]
    async with api.browser() as browser:
        assert (await api.page_login(browser, "clerk")).status_code == 303
        running = await browser.get(f"/t/prov/jobs/{job_id}", headers={"HX-Request": "true"})
        assert running.status_code == 200
        assert "<html" not in running.text, "htmx polls get the fragment only"
        await api.services.dispatcher.drain()
        page = await browser.get(f"/t/prov/jobs/{job_id}")
        assert page.status_code == 200
        assert "hx-trigger" not in page.text, "a finished job stops polling"
        link = "/t/prov/files/"
        assert link in page.text
        file_url = page.text.split(link, 1)[1].split('"', 1)[0]
        download = await browser.get(link + file_url)
        assert download.status_code == 200 and b'"events"' in download.content
    # A member who neither asked for the job nor keeps the office's records does not see it.
    deputy = await api.client.get(f"/api/v1/t/prov/jobs/{job_id}", headers=await api.headers("deputy"))
    assert deputy.status_code == 404
    clerk = await api.client.get(f"/api/v1/t/prov/jobs/{job_id}", headers=await api.headers("clerk"))
    assert clerk.status_code == 200 and clerk.json()["status"] == "done"
    async with api.browser() as stranger:
        to_login = await stranger.get(f"/t/prov/jobs/{job_id}", headers={"Accept": "text/html"})
        assert (to_login.status_code, to_login.headers["location"]) == (
            303,
            f"/login?next=%2Ft%2Fprov%2Fjobs%2F{job_id}",
        )


def test_every_registered_job_has_a_title_in_chinese_for_its_page() -> None:
    from minsheng.i18n import translate
    from minsheng.jobs.registry import job_name, job_title
    from minsheng.server import contexts

    contexts.install()
    # The platform's jobs (its contexts' JOBS), not the sample jobs tests register beside them.
    names = [job_name(fn) for context in contexts.CONTEXTS for fn in context.JOBS]
    assert names
    titles = {name: job_title(name) for name in names}
    assert all(titles.values()), titles
    assert all(translate(str(title), "zh_CN") != title for title in titles.values()), titles
