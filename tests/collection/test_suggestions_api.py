"""Public suggestions reach the inbox and their authors see their fate;
abuse is contained (rate limit, validation in the reader's language, HTML shown as text)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from minsheng.testing import Api

HTML = '<script>alert("x")</script><b>修路</b>'


async def test_a_public_suggestion_reaches_the_inbox_and_its_author_sees_its_fate(api: Api, town: Any) -> None:
    code = await town.suggest(
        "村东头的路灯坏了好几个月了", category="utilities", place="东村", contact_phone="13800138000"
    )
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", code)
    inbox = await api.client.get(f"{town.base}/suggestions?status=received&place=东村", headers=town.staff)
    assert inbox.status_code == 200
    (item,) = inbox.json()["items"]
    assert (item["code"], item["content"], item["channel"], item["category"]) == (
        code,
        "村东头的路灯坏了好几个月了",
        "online",
        "utilities",
    )
    public = await api.client.get(f"{town.base}/suggestions/{code.lower()}")
    assert public.json() == {"status": "received", "project_id": None, "project_title": None, "decline_reason": None}

    project = await town.project("路灯维修", suggestion_ids=[item["id"]])
    merged = (await api.client.get(f"{town.base}/suggestions/{code}")).json()
    assert merged["status"] == "merged"
    assert (merged["project_id"], merged["project_title"]) == (project["id"], "路灯维修")
    page = await api.client.get(f"/t/{town.slug}/suggestions/{code}")
    assert page.status_code == 200 and "路灯维修" in page.text
    assert "13800138000" not in page.text

    other = await town.suggest("建议在村里修建一座高尔夫球场")
    other_id = await town.suggestion_id(other)
    declined = await api.client.post(
        f"{town.base}/suggestions/{other_id}/decline", json={"reason": "不属于民生实事项目范围"}, headers=town.staff
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    status = (await api.client.get(f"{town.base}/suggestions/{other}")).json()
    assert (status["status"], status["decline_reason"]) == ("declined", "不属于民生实事项目范围")
    page = await api.client.get(f"/t/{town.slug}/suggestions/{other}")
    assert "不属于民生实事项目范围" in page.text
    again = await api.client.post(
        f"{town.base}/suggestions/{other_id}/decline", json={"reason": "x"}, headers=town.staff
    )
    assert again.status_code == 409


async def test_the_inbox_filters_and_searches(api: Api, town: Any) -> None:
    await town.suggest("学校门口需要红绿灯", category="education", place="西村")
    await town.suggest("卫生院缺少医生", category="health", place="东村", channel="qr_code")
    search = await api.client.get(f"{town.base}/suggestions?q=红绿灯", headers=town.staff)
    assert [i["content"] for i in search.json()["items"]] == ["学校门口需要红绿灯"]
    by_channel = await api.client.get(f"{town.base}/suggestions?channel=qr_code", headers=town.staff)
    assert by_channel.json()["total"] == 1
    by_category = await api.client.get(f"{town.base}/suggestions?category=education&per_page=1", headers=town.staff)
    assert by_category.json()["total"] == 1
    future = await api.client.get(f"{town.base}/suggestions?since=2999-01-01T00:00:00Z", headers=town.staff)
    assert future.json() == {"items": [], "total": 0}
    # Percent signs are searched for, not used as wildcards.
    assert (await api.client.get(f"{town.base}/suggestions?q=%25", headers=town.staff)).json()["total"] == 0


async def test_public_submission_is_rate_limited_with_retry_after(api: Api, town: Any, new_citizen: Any) -> None:
    async with new_citizen("192.0.2.7") as client:
        for _ in range(5):
            ok = await client.post(f"{town.base}/suggestions", json={"content": "希望多建几个公园"})
            assert ok.status_code == 201
        refused = await client.post(f"{town.base}/suggestions", json={"content": "希望多建几个公园"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 120
    async with new_citizen("192.0.2.8") as neighbour:
        assert (
            await neighbour.post(f"{town.base}/suggestions", json={"content": "希望多建几个公园"})
        ).status_code == 201


async def test_length_and_phone_errors_are_clear_in_the_reader_s_language(
    api: Api, town: Any, new_citizen: Any
) -> None:
    async with new_citizen() as client:
        short = await client.post(
            f"{town.base}/suggestions", json={"content": "  修路  "}, headers={"Accept-Language": "en"}
        )
        assert short.status_code == 422
        assert short.json()["detail"] == "A suggestion needs between 5 and 2000 characters; this one has 2"
        assert short.json()["errors"][0]["key"] == "content"
        phone = await client.post(
            f"{town.base}/suggestions",
            json={"content": "村里需要一个卫生室", "contact_phone": "12345"},
            headers={"Accept-Language": "en"},
        )
        assert phone.status_code == 422
        assert "12345" in phone.json()["detail"]
        assert [e["key"] for e in phone.json()["errors"]] == ["contact_phone"]
        category = await client.post(
            f"{town.base}/suggestions", json={"content": "村里需要一个卫生室", "category": "casino"}
        )
        assert category.status_code == 422
        staff_channel = await client.post(
            f"{town.base}/suggestions", json={"content": "村里需要一个卫生室", "channel": "letter"}
        )
        assert staff_channel.status_code in (400, 422)


async def test_html_in_content_is_stored_as_text_and_shown_escaped(api: Api, town: Any) -> None:
    code = await town.suggest(HTML)
    inbox = await api.client.get(f"{town.base}/suggestions?q=script", headers=town.staff)
    assert inbox.json()["items"][0]["content"] == HTML
    page = await api.client.get(f"/t/{town.slug}/suggestions/{code}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;修路&lt;/b&gt;" in page.text


async def test_the_public_form_takes_a_suggestion_and_shows_its_code(api: Api, town: Any, new_citizen: Any) -> None:
    async with new_citizen() as browser:
        form = await browser.get(f"/t/{town.slug}/suggest?channel=qr_code&place=<b>北村</b>")
        assert form.status_code == 200
        assert 'name="channel" value="qr_code"' in form.text
        assert "&lt;b&gt;北村&lt;/b&gt;" in form.text and "<b>北村" not in form.text
        assert "教育" in form.text  # the tenant's categories
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token
        fields = {"content": HTML, "place": "北村", "channel": "qr_code", "category": "education"}
        without = await browser.post(f"/t/{town.slug}/suggest", data=fields)
        assert without.status_code == 403  # CSRF
        bad = await browser.post(
            f"/t/{town.slug}/suggest", data={**fields, "contact_phone": "1", "_csrf_token": token.group(1)}
        )
        assert bad.status_code == 422
        assert "&lt;script&gt;" in bad.text and "<script>alert" not in bad.text
        done = await browser.post(f"/t/{town.slug}/suggest", data={**fields, "_csrf_token": token.group(1)})
        assert done.status_code == 201
        code = re.search(r'id="tracking-code">([2-9A-Z]{10})<', done.text)
        assert code
    item = (await api.client.get(f"{town.base}/suggestions?q={code.group(1)}", headers=town.staff)).json()["items"][0]
    assert (item["channel"], item["place"]) == ("qr_code", "北村")


async def test_two_identical_submissions_at_once_make_two_suggestions(api: Api, town: Any) -> None:
    codes = await asyncio.gather(town.suggest("桥梁需要加固维修"), town.suggest("桥梁需要加固维修"))
    assert len(set(codes)) == 2
    listed = await api.client.get(f"{town.base}/suggestions?q=桥梁", headers=town.staff)
    assert listed.json()["total"] == 2


async def test_another_tenant_s_code_is_not_found(api: Api, town: Any) -> None:
    code = await town.suggest("希望修建村级文化广场")
    await api.create_tenant("other-town", "province")
    assert (await api.client.get(f"/api/v1/t/other-town/suggestions/{code}")).status_code == 404
    assert (await api.client.get(f"/t/other-town/suggestions/{code}")).status_code == 404
    assert (await api.client.get("/api/v1/t/no-such-town/suggestions/ABCDEFGH23")).status_code == 404


async def test_staff_enter_paper_suggestions_all_or_nothing(api: Api, town: Any) -> None:
    batch = {
        "channel": "symposium",
        "meeting": "五老人员座谈会",
        "suggestions": [
            {"content": "老年活动中心需要空调", "place": "东村", "category": "elderly_care"},
            {"content": "短", "contact_phone": "999"},
            {"content": "河道需要清淤疏浚"},
        ],
    }
    refused = await api.client.post(
        f"{town.base}/suggestions/batch", json=batch, headers={**town.staff, "Accept-Language": "en"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "1 of 3 rows are not valid; nothing was saved"
    assert {(e["row"], e["key"]) for e in refused.json()["errors"]} == {(1, "content"), (1, "contact_phone")}
    assert (await api.client.get(f"{town.base}/suggestions", headers=town.staff)).json()["total"] == 0

    batch["suggestions"][1] = {"content": "村小学操场需要翻新"}
    stored = await api.client.post(f"{town.base}/suggestions/batch", json=batch, headers=town.staff)
    assert stored.status_code == 201, stored.text
    assert stored.json()["total"] == 3
    assert {i["meeting"] for i in stored.json()["items"]} == {"五老人员座谈会"}
    deputy = await api.add_member(town.slug, "a-deputy", ["deputy"])
    assert deputy
    forbidden = await api.client.post(
        f"{town.base}/suggestions/batch", json=batch, headers=await api.headers("a-deputy")
    )
    assert forbidden.status_code == 403


async def test_duplicate_hints_show_the_most_similar_suggestions(api: Api, town: Any) -> None:
    first = await town.suggest("村里的道路坑坑洼洼需要修")
    await town.suggest("希望修一下村里的道路，坑坑洼洼的")
    await town.suggest("学校门口需要装红绿灯")
    first_id = await town.suggestion_id(first)
    hints = await api.client.get(f"{town.base}/suggestions/{first_id}/similar", headers=town.staff)
    assert hints.status_code == 200
    assert [h["suggestion"]["content"] for h in hints.json()] == ["希望修一下村里的道路，坑坑洼洼的"]
    assert 0 < hints.json()[0]["score"] <= 1
