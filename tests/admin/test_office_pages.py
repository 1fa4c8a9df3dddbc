"""The office's pages: users (add with a link shown once, roles, disable), places, the negative list and a
plugin's settings form generated from its schema, in the office's words; refusals shown on the page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from minsheng.testing import PASSWORD, Api, random_slug

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html"}


class Office:
    def __init__(self, api: Api, browser: httpx.AsyncClient, slug: str) -> None:
        self.api, self.browser, self.slug = api, browser, slug
        self.base = f"/t/{slug}/office"

    async def post(self, page: str, action: str, fields: list[tuple[str, str]]) -> httpx.Response:
        opened = await self.browser.get(page, headers=HTML)
        found = CSRF.search(opened.text)
        assert found, page
        form: dict[str, list[str]] = {"_csrf_token": [found.group(1)]}
        for name, value in fields:
            form.setdefault(name, []).append(value)
        return await self.browser.post(action, data=form, headers=HTML)


@pytest.fixture
async def office(api: Api) -> AsyncIterator[Office]:
    slug = random_slug("town")
    await api.create_tenant(f"{slug}-p", "province")
    await api.create_tenant(f"{slug}-c", "county", f"{slug}-p")
    await api.create_tenant(slug, "township", f"{slug}-c")
    await api.add_member(slug, f"admin-{slug}", ["tenant_admin"])
    async with api.browser() as browser:
        assert (await api.page_login(browser, f"admin-{slug}")).status_code == 303
        yield Office(api, browser, slug)


async def test_adding_a_user_without_a_password_shows_its_link_once(api: Api, office: Office) -> None:
    users = f"{office.base}/users"
    page = await office.browser.get(users, headers=HTML)
    assert page.status_code == 200 and "添加用户" in page.text and "人民政府" in page.text
    fields = [
        ("username", f"gov-{office.slug}"),
        ("display_name", "镇政府办"),
        ("roles", "government"),
        ("roles", "clerk"),
    ]
    added = await office.post(users, users, fields)
    assert added.status_code == 200, added.text
    link = re.search(r'<code id="password-link">https?://[^/]+(/password/[^<]+)</code>', added.text)
    assert link, "the link is shown, once"
    assert 'id="password-link"' not in (await office.browser.get(f"{users}/gov-{office.slug}", headers=HTML)).text
    roles = await api.client.get(
        f"/api/v1/t/{office.slug}/users/gov-{office.slug}", headers=await api.headers(f"admin-{office.slug}")
    )
    assert roles.json()["roles"] == ["government", "clerk"]
    async with api.browser() as holder:
        form = await holder.get(link.group(1))
        assert "开通账号" in form.text
        found = CSRF.search(form.text)
        assert found
        differ = {"password": PASSWORD, "password_again": "Other-Horse-42", "_csrf_token": found.group(1)}
        refused = await holder.post(link.group(1), data=differ)
        assert refused.status_code == 422 and "两次输入的密码不一致" in refused.text
        same = {**differ, "password_again": PASSWORD}
        assert (await holder.post(link.group(1), data=same)).status_code == 200
    token = await api.client.post("/api/v1/auth/token", json={"username": f"gov-{office.slug}", "password": PASSWORD})
    assert token.status_code == 200


async def test_a_refused_user_keeps_the_typed_form_and_says_why(api: Api, office: Office) -> None:
    users = f"{office.base}/users"
    refused = await office.post(users, users, [("username", "x"), ("display_name", "张三")])
    assert refused.status_code == 422
    assert 'value="张三"' in refused.text, "what was typed stays"
    assert 'id="office-error"' in refused.text


async def test_roles_and_disabling_from_the_users_page(api: Api, office: Office) -> None:
    await api.add_member(office.slug, f"clerk-{office.slug}", ["clerk"])
    page = f"{office.base}/users/clerk-{office.slug}"
    saved = await office.post(page, f"{page}/roles", [("roles", "clerk"), ("roles", "teller")])
    assert saved.status_code == 303 and saved.headers["location"] == f"{page}?done=roles"
    shown = await office.browser.get(saved.headers["location"], headers=HTML)
    assert "角色已保存" in shown.text
    disabled = await office.post(page, f"{page}/disable", [])
    assert disabled.headers["location"] == f"{page}?done=disabled"
    assert "已停用" in (await office.browser.get(page, headers=HTML)).text
    mine = await office.browser.get(f"{office.base}/users/admin-{office.slug}", headers=HTML)
    assert f"{office.base}/users/admin-{office.slug}/disable" not in mine.text, "no button to disable oneself"


async def test_places_and_the_negative_list_pages(api: Api, office: Office) -> None:
    places = f"{office.base}/places"
    saved = await office.post(places, places, [("places", "东村\n西村\n\n东村")])
    assert saved.status_code == 303
    page = await office.browser.get(places, headers=HTML)
    assert "东村\n西村</textarea>" in page.text
    long = await office.post(places, places, [("places", "村" * 101)])
    assert long.status_code == 422 and "超过 100 个字" in long.text
    negative = f"{office.base}/negative-list"
    first = await office.browser.get(negative, headers=HTML)
    assert "本级沿用" in first.text and "办公楼\n办公设备\n楼堂馆所</textarea>" in first.text, (
        "the county's (default) list"
    )
    own = await office.post(negative, negative, [("terms", "网吧\nKTV")])
    assert own.status_code == 303
    assert "本级有自己的负面清单" in (await office.browser.get(negative, headers=HTML)).text


async def test_the_settings_form_comes_from_the_schema_in_the_offices_words(api: Api, office: Office) -> None:
    url = f"{office.base}/settings/minsheng.defaults"
    page = await office.browser.get(url, headers=HTML)
    assert page.status_code == 200
    for label in ("整改期限（天）", "最小差额比例（占应选数）", "允许等额票决（候选项目数等于应选数）"):
        assert label in page.text, label
    assert f'href="{office.base}/places"' in page.text, "the places are edited on their own page"
    # As the page sends it: every other setting left inherited (its box ticked), one value typed.
    others = [
        ("inherit." + key, "1")
        for key in (
            "margin_lower_ratio",
            "margin_upper_ratio",
            "allow_no_margin",
            "public_evaluation",
            "yes_within_seats",
            "ballot_key_custody",
            "ballot_key_shares_needed",
            "time_zone",
        )
    ]
    bad = await office.post(url, url, [*others, ("value.rectification_days", "9999")])
    assert bad.status_code == 422 and "须在 1 至 730 之间" in bad.text
    assert 'value="9999"' in bad.text, "the typed value stays"
    good = await office.post(url, url, [*others, ("value.rectification_days", "60")])
    assert good.status_code == 303, good.text
    settings = await api.client.get(
        f"/api/v1/t/{office.slug}/settings", headers=await api.headers(f"admin-{office.slug}")
    )
    defaults: Any = next(p for p in settings.json() if p["plugin"] == "minsheng.defaults")
    assert defaults["own"]["rectification_days"] == 60 and "allow_no_margin" not in defaults["own"]
    assert (await office.browser.get(f"{office.base}/settings/nothing-here", headers=HTML)).status_code == 404


async def test_a_clerk_sees_no_office_pages(api: Api, office: Office) -> None:
    await api.add_member(office.slug, f"clerk-{office.slug}", ["clerk"])
    async with api.browser() as clerk:
        assert (await api.page_login(clerk, f"clerk-{office.slug}")).status_code == 303
        home = await clerk.get(f"/t/{office.slug}/", headers=HTML)
        assert f"{office.base}/users" not in home.text
        assert (await clerk.get(f"{office.base}/users", headers=HTML)).status_code == 403
        assert (await clerk.get(f"{office.base}/places", headers=HTML)).status_code == 403


async def test_an_invitation_from_the_office_is_shown_once_and_can_be_revoked(api: Api, office: Office) -> None:
    url = f"{office.base}/invitations"
    made = await office.post(url, url, [("display_name", "王五"), ("roles", "deputy"), ("valid_hours", "48")])
    assert made.status_code == 200
    link = re.search(r'<code id="invitation-link">https?://[^/]+(/invitations/[^<]+)</code>', made.text)
    assert link and "代表" in made.text
    listed = await office.browser.get(url, headers=HTML)
    assert "invitation-link" not in listed.text and "王五" in listed.text
    revoke = re.search(rf'action="({url}/[0-9a-f-]+/revoke)"', listed.text)
    assert revoke
    assert (await office.post(url, revoke.group(1), [])).headers["location"] == f"{url}?done=revoked"
    assert (await api.client.get(f"/api/v1/invitations/{link.group(1).rsplit('/', 1)[1]}")).status_code == 404
    refused = await office.post(url, url, [("display_name", "赵六")])
    assert refused.status_code == 422 and "请至少选择一个角色" in refused.text and 'value="赵六"' in refused.text
