"""The office edits its 公告's template from a page: preview with its own data, publish, the next 公告
uses it, revert restores the default; the neighbour is untouched; the editor is the office
administrator's alone; what an office types runs in the sandbox; two publications at once make one."""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
from typing import Any

import pytest
from conftest import County, open_county, pdf_text, render
from jinja2.exceptions import SecurityError

from minsheng.documents.kinds import get_kind
from minsheng.documents.rendering import render_html
from minsheng.documents.template_editing import check_source, preview_context
from minsheng.documents.template_resolution import office_template
from minsheng.errors import InvalidInput
from minsheng.testing import Api

KIND = "result_announcement"
OURS = "本公告经本机关按本地惯例修订。"


def editor(county: County) -> str:
    return f"/t/{county.slug}/staff/document-templates/{KIND}"


def csrf(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, page[:500]
    return html.unescape(found.group(1))


async def signed_in(api: Api, county: County, username: str, roles: list[str]) -> Any:
    await api.add_member(county.slug, username, roles)
    browser = api.browser()
    client = await browser.__aenter__()
    assert (await api.page_login(client, username)).status_code in (302, 303)
    return browser, client


async def audit_events(county: County, action: str) -> list[dict[str, Any]]:
    response = await county.api.client.get(
        f"{county.base}/audit", params={"action": action}, headers=await county.headers()
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def announcement(county: County, round_id: str) -> str:
    return pdf_text(await county.document(KIND, round_id))


async def test_an_office_edits_previews_publishes_and_reverts_its_announcement(api: Api) -> None:
    county = await open_county(api, name="鲁山县")
    neighbour = await open_county(api, name="宝丰县")
    round_id = await county.decided_round(session_title="鲁山县第十七届人民代表大会第三次会议")
    neighbour_round = await neighbour.decided_round()
    neighbour_before = await render(neighbour, KIND, neighbour_round, "pdf")
    browser, client = await signed_in(api, county, f"admin-{county.slug}", ["tenant_admin"])
    try:
        page = await client.get(editor(county))
        assert page.status_code == 200
        default = textarea(page.text)
        assert "{{ presidium }}公告" in default and "正在使用：默认模板" in page.text
        edited = default.replace("现予公告。", f"{OURS}\n\n现予公告。")
        form = {"source": edited, "subject_id": round_id, "_csrf_token": csrf(page.text)}

        preview = await client.post(f"{editor(county)}/preview", data=form, headers={"HX-Request": "true"})
        assert preview.status_code == 200
        shown = html.unescape(re.search(r'srcdoc="([^"]*)"', preview.text, re.S).group(1))  # type: ignore[union-attr]
        assert OURS in shown and "道路提质改造" in shown  # the new wording with this county's own data
        assert "diff__added" in preview.text and OURS in preview.text  # and what differs from the default
        pdf = await client.post(f"{editor(county)}/preview.pdf", data=form)
        assert pdf.headers["content-type"] == "application/pdf" and OURS in pdf_text(pdf.content)
        assert OURS not in await announcement(county, round_id)  # a preview changes nothing

        published = await client.post(editor(county), data={**form, "based_on": "0", "note": "本地惯例"})
        assert published.status_code == 303, published.text
        text = await announcement(county, round_id)
        assert OURS in text and "鲁山县第十七届人民代表大会第三次会议主席团" in text
        listed = await api.client.get(f"{county.base}/documents", headers=await county.headers())
        assert listed.json()["items"][0]["template"] == f"office:{KIND}.v1.md.j2"
        event = (await audit_events(county, "document_template.published"))[0]["payload"]
        source = textarea((await client.get(editor(county))).text)
        assert event == {"kind": KIND, "version": 1, "syntax": "markdown", "sha256": _sha(source)}

        # The neighbour is untouched: its 公告 is byte for byte what it was.
        assert await render(neighbour, KIND, neighbour_round, "pdf") == neighbour_before

        page = await client.get(editor(county))
        reverted = await client.post(f"{editor(county)}/revert", data={"based_on": "1", "_csrf_token": csrf(page.text)})
        assert reverted.status_code == 303
        assert OURS not in await announcement(county, round_id)
        event = (await audit_events(county, "document_template.reverted"))[0]["payload"]
        assert event["to"] == "default" and event["version"] == 2 and event["sha256"] == _sha(default)

        page = await client.get(editor(county))
        assert "本地惯例" in page.text  # the versions are kept, with their notes
        again = await client.post(
            f"{editor(county)}/revert", data={"based_on": "2", "version": "1", "_csrf_token": csrf(page.text)}
        )
        assert again.status_code == 303
        assert OURS in await announcement(county, round_id)
    finally:
        await browser.__aexit__(None, None, None)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def test_only_the_office_administrator_edits_templates(api: Api) -> None:
    county = await open_county(api)
    neighbour = await open_county(api, deputies=0)
    for username, roles in ((f"gov-{county.slug}", ["government"]), (f"pres-{county.slug}", ["presidium"])):
        browser, client = await signed_in(api, county, username, roles)
        try:
            assert (await client.get(editor(county))).status_code == 403
        finally:
            await browser.__aexit__(None, None, None)
    browser, client = await signed_in(api, neighbour, f"admin-{neighbour.slug}", ["tenant_admin"])
    try:
        assert (await client.get(editor(county))).status_code == 404  # another tenant's editor does not exist
        assert (await client.get(editor(neighbour))).status_code == 200
    finally:
        await browser.__aexit__(None, None, None)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ lipsum.__globals__['os'] }}",
        "{% set x = result.candidates.append(1) %}{{ x }}",
    ],
)
async def test_a_typed_template_cannot_reach_python(county: County, source: str) -> None:
    round_id = await county.decided_round()
    kind = get_kind(KIND)
    assert kind is not None
    template = office_template(kind, number=1, syntax="markdown", source=check_source(source, "markdown"))
    with county.scope():
        async with county.api.services.database.session() as session:
            tenant_context = await preview_context(session, await _view(county), kind, None, public_url="")
    with pytest.raises(SecurityError):
        await asyncio.to_thread(render_html, template, tenant_context)
    assert round_id


def test_a_typed_template_reads_no_file_and_must_compile() -> None:
    with pytest.raises(InvalidInput):
        check_source("{% for x in %}", "markdown")
    with pytest.raises(InvalidInput, match="empty"):
        check_source("  \n", "markdown")
    kind = get_kind(KIND)
    assert kind is not None
    template = office_template(kind, number=1, syntax="markdown", source='{% include "/etc/passwd" %}')
    with pytest.raises(TypeError):  # no loader at all: nothing to include from
        template.compiled().render({})


async def _view(county: County) -> Any:
    from minsheng.tenancy.configuration import tenant_view
    from minsheng.tenancy.models import Tenant

    async with county.api.services.database.session() as session:
        tenant = await session.get(Tenant, county.tenant_id)
        assert tenant is not None
        return await tenant_view(session, tenant)


async def test_a_refused_template_is_explained_and_kept_in_the_editor(api: Api) -> None:
    county = await open_county(api)
    await county.decided_round()
    browser, client = await signed_in(api, county, f"admin-{county.slug}", ["tenant_admin"])
    try:
        page = await client.get(editor(county))
        broken = "# 公告\n\n{{ result.nothing_like_this }}\n"
        refused = await client.post(
            editor(county), data={"source": broken, "based_on": "0", "_csrf_token": csrf(page.text)}
        )
        assert refused.status_code == 422
        assert "模板引用了本文书没有的数据" in refused.text and "nothing_like_this" in textarea(refused.text)
        syntax = await client.post(
            editor(county), data={"source": "{% if %}", "based_on": "0", "_csrf_token": csrf(page.text)}
        )
        assert syntax.status_code == 422 and "模板第1行有误" in syntax.text
    finally:
        await browser.__aexit__(None, None, None)


async def test_two_publications_at_once_make_one_version(api: Api) -> None:
    county = await open_county(api)
    await county.decided_round()
    sessions = [await signed_in(api, county, f"admin{n}-{county.slug}", ["tenant_admin"]) for n in (1, 2)]
    try:
        pages = [await client.get(editor(county)) for _browser, client in sessions]
        posts = [
            client.post(
                editor(county),
                data={
                    "source": textarea(page.text) + f"\n第{n}位管理员的修改。\n",
                    "based_on": "0",
                    "_csrf_token": csrf(page.text),
                },
            )
            for n, ((_browser, client), page) in enumerate(zip(sessions, pages, strict=True))
        ]
        answers = sorted(response.status_code for response in await asyncio.gather(*posts))
        assert answers == [303, 409]
        events = await audit_events(county, "document_template.published")
        assert [event["payload"]["version"] for event in events] == [1]
    finally:
        for browser, _client in sessions:
            await browser.__aexit__(None, None, None)
