"""The staff's inbox pages — filters, search, pages, escaping, permissions, paper entry,
decline, merge and unmerge — answer through the same services as the JSON API."""

from __future__ import annotations

import re
from typing import Any

from collection.pages import staff_browser

from minsheng.testing import Api

HTML = '<script>alert("x")</script><b>修路</b>'


async def test_the_inbox_page_filters_searches_pages_and_escapes(api: Api, town: Any) -> None:
    await town.suggest("学校门口需要红绿灯", category="education", place="西村")
    await town.suggest("卫生院缺少医生", category="health", place="东村", channel="qr_code")
    evil = await town.suggest(HTML + "，请尽快处理", place="<i>北村</i>")
    browser = await staff_browser(api, town.slug, f"{town.slug}-staff")

    page = await browser.get(f"{browser.staff}/suggestions")
    assert page.status_code == 200
    assert "学校门口需要红绿灯" in page.text and "卫生院缺少医生" in page.text
    assert '<script>alert("x")</script>' not in page.text and "<b>修路</b>" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;修路&lt;/b&gt;" in page.text
    assert "&lt;i&gt;北村&lt;/i&gt;" in page.text

    searched = await browser.get(f"{browser.staff}/suggestions", params={"q": "红绿灯"})
    assert "学校门口需要红绿灯" in searched.text and "卫生院缺少医生" not in searched.text
    by_code = await browser.get(f"{browser.staff}/suggestions", params={"q": evil.lower()})
    assert evil in by_code.text and "红绿灯" not in by_code.text
    channel = await browser.get(f"{browser.staff}/suggestions", params={"channel": "qr_code", "status": ""})
    assert "卫生院缺少医生" in channel.text and "红绿灯" not in channel.text
    place = await browser.get(f"{browser.staff}/suggestions", params={"place": "西村", "category": "education"})
    assert "红绿灯" in place.text and "卫生院" not in place.text
    none = await browser.get(f"{browser.staff}/suggestions", params={"status": "declined"})
    assert "没有符合" in none.text or "No suggestion matches" in none.text
    future = await browser.get(f"{browser.staff}/suggestions", params={"since": "2099-01-01"})
    assert "红绿灯" not in future.text
    bad_date = await browser.get(f"{browser.staff}/suggestions", params={"since": "yesterday"})
    assert bad_date.status_code == 422

    for n in range(21):
        await town.suggest(f"第{n:02d}条关于路灯的建议")
    first = await browser.get(f"{browser.staff}/suggestions", params={"q": "路灯"})
    assert first.text.count('name="suggestion_ids"') == 20
    assert 'rel="next" href="?q=%E8%B7%AF%E7%81%AF&amp;page=2"' in first.text
    second = await browser.get(f"{browser.staff}/suggestions", params={"q": "路灯", "page": 2})
    # Newest first: the oldest alone on the second page.
    assert second.text.count('name="suggestion_ids"') == 1 and "第00条关于路灯的建议" in second.text
    assert "第00条" not in first.text and 'rel="prev"' in second.text


async def test_staff_pages_are_404_in_another_tenant_and_403_without_a_staff_role(
    api: Api, town: Any, town_factory: Any
) -> None:
    other = await town_factory("other")
    code = await other.suggest("别的镇的建议内容")
    other_id = await other.suggestion_id(code)
    await api.add_member(town.slug, "deputy-1", ["deputy"])
    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    for path in ("suggestions", f"suggestions/{other_id}", "paper", "coverage", "projects", "candidates/2026"):
        assert (await staff.get(f"/t/other/staff/{path}")).status_code == 404, path
    # Another tenant's suggestion does not exist in this one either.
    assert (await staff.get(f"{staff.staff}/suggestions/{other_id}")).status_code == 404
    deputy = await staff_browser(api, town.slug, "deputy-1")
    for path in ("suggestions", "paper", "coverage", "projects"):
        assert (await deputy.get(f"{deputy.staff}/{path}")).status_code == 403, path
    assert (await deputy.post(f"{deputy.staff}/suggestions/merge", {"title": "x"})).status_code == 403
    anonymous = api.browser()
    to_login = await anonymous.get(f"{staff.staff}/suggestions?q=x", headers={"Accept": "text/html"})
    assert (to_login.status_code, to_login.headers["location"]) == (
        303,
        "/login?next=%2Ft%2Ftown%2Fstaff%2Fsuggestions%3Fq%3Dx",
    )
    # An expired session is sent to log in again, like a visitor.
    anonymous.cookies.set("minsheng_session", "expired")
    expired = await anonymous.get(f"{staff.staff}/suggestions", headers={"Accept": "text/html"})
    assert (expired.status_code, expired.headers["location"]) == (303, "/login?next=%2Ft%2Ftown%2Fstaff%2Fsuggestions")
    # A form posted without the CSRF token is refused.
    staff.token = "forged"
    assert (await staff.post(f"{staff.staff}/suggestions/merge", {"title": "x"})).status_code == 403


async def test_paper_suggestions_are_entered_all_or_none_and_show_their_codes(api: Api, town: Any) -> None:
    browser = await staff_browser(api, town.slug, f"{town.slug}-staff")
    form = await browser.get(f"{browser.staff}/paper")
    assert form.status_code == 200 and 'name="content_7"' in form.text
    meeting = "3月12日东村代表联络站座谈会"
    wrong = await browser.post(
        f"{browser.staff}/paper",
        {
            "channel": "symposium",
            "meeting": meeting,
            "content_0": "村口小桥年久失修存在安全隐患",
            "place_0": "东村",
            "content_2": "短",
            "contact_phone_2": "12345",
        },
    )
    assert wrong.status_code == 422
    assert "村口小桥年久失修存在安全隐患" in wrong.text  # the rows are kept
    assert wrong.text.count('class="data-table__row--error"') == 1
    inbox = await api.client.get(f"{town.base}/suggestions", headers=town.staff)
    assert inbox.json()["total"] == 0

    done = await browser.post(
        f"{browser.staff}/paper",
        {
            "channel": "symposium",
            "meeting": meeting,
            "content_0": "村口小桥年久失修存在安全隐患",
            "place_0": "东村",
            "content_3": HTML,
            "category_3": "roads_transport",
        },
    )
    assert done.status_code == 201
    codes = re.findall(r"/staff/suggestions/[0-9a-f-]{36}\">([2-9A-Z]{10})<", done.text)
    assert len(codes) == 2
    assert "&lt;script&gt;" in done.text and "<script>alert" not in done.text
    items = (await api.client.get(f"{town.base}/suggestions", headers=town.staff)).json()["items"]
    assert {(i["channel"], i["meeting"]) for i in items} == {("symposium", meeting)}
    assert sorted(i["code"] for i in items) == sorted(codes)


async def test_staff_decline_merge_and_unmerge_through_the_pages(api: Api, town: Any) -> None:
    road = await town.suggest("村里的道路坑坑洼洼，希望修一修", place="东村")
    road_again = await town.suggest("村里道路坑坑洼洼希望能修一修路", place="西村")
    golf = await town.suggest("建议在村里修建一座高尔夫球场")
    ids = {code: await town.suggestion_id(code) for code in (road, road_again, golf)}
    browser = await staff_browser(api, town.slug, f"{town.slug}-staff")

    detail = await browser.get(f"{browser.staff}/suggestions/{ids[road]}")
    assert detail.status_code == 200
    hints = detail.text.split('id="similar-title"')[1]
    assert road_again in hints and golf not in hints  # the duplicate hint, side by side

    declined = await browser.post(
        f"{browser.staff}/suggestions/{ids[golf]}/decline", {"reason": "不属于民生实事<范围>"}
    )
    assert declined.status_code == 303
    status = (await api.client.get(f"{town.base}/suggestions/{golf}")).json()
    assert (status["status"], status["decline_reason"]) == ("declined", "不属于民生实事<范围>")
    shown = await browser.get(f"{browser.staff}/suggestions/{ids[golf]}")
    assert "不属于民生实事&lt;范围&gt;" in shown.text

    no_title = await browser.post(
        f"{browser.staff}/suggestions/merge",
        {"suggestion_ids": ids[road], "project_id": "", "title": "", "category": "roads_transport"},
    )
    assert no_title.status_code == 422
    merged = await browser.post(
        f"{browser.staff}/suggestions/merge",
        [
            ("suggestion_ids", ids[road]),
            ("suggestion_ids", ids[road_again]),
            ("project_id", ""),
            ("title", "东西村道路硬化"),
            ("category", "roads_transport"),
        ],
    )
    assert merged.status_code == 303
    project_url = merged.headers["location"]
    project_id = project_url.rsplit("/", 1)[1]
    project = (await api.client.get(f"{town.base}/projects/{project_id}", headers=town.staff)).json()
    assert (project["title"], project["supporters"]) == ("东西村道路硬化", 2)
    assert project["content"] == "村里的道路坑坑洼洼，希望修一修"
    page = await browser.get(project_url)
    assert road in page.text and road_again in page.text and "东西村道路硬化" in page.text
    public = await api.client.get(f"/t/{town.slug}/suggestions/{road}")
    assert "东西村道路硬化" in public.text

    again = await browser.post(
        f"{browser.staff}/suggestions/merge", {"suggestion_ids": ids[road], "project_id": project_id}
    )
    assert again.status_code == 409
    out = await browser.post(f"{project_url}/suggestions/{ids[road_again]}/unmerge", {})
    assert out.status_code == 303
    project = (await api.client.get(f"{town.base}/projects/{project_id}", headers=town.staff)).json()
    assert project["supporters"] == 1
    back = await browser.post(
        f"{browser.staff}/suggestions/merge", {"suggestion_ids": ids[road_again], "project_id": project_id}
    )
    assert back.status_code == 303
    assert (await api.client.get(f"{town.base}/projects/{project_id}", headers=town.staff)).json()["supporters"] == 2
