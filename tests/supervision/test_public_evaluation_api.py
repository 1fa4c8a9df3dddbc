"""The online public evaluation: one rating per verified phone, only a keyed hash of the number kept,
shown apart from the deputies' result, rate-limited like public suggestions."""

from __future__ import annotations

import re
from typing import Any

import httpx

from minsheng.notifications.testing import capture_channel
from minsheng.testing import Api, dump_database

PUBLIC_ON = {"settings": {"minsheng.defaults": {"public_evaluation": True}}}


def citizen(api: Api, address: str) -> httpx.AsyncClient:
    """A phone on a connection of its own (the rate limits count per connection)."""
    transport = httpx.ASGITransport(app=api.app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local", headers={"Accept-Language": "en"})


def code_in(body: str) -> str:
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


async def test_citizens_rate_once_per_verified_phone_and_are_counted_apart(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=3, **PUBLIC_ON)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project, public=True)
    url = f"{office.base}/evaluations/{evaluation}/public"

    with capture_channel("sms", accepts="phone") as sent:
        async with citizen(api, "10.0.0.1") as phone:
            assert (await phone.post(f"{url}/codes", json={"phone": "12345"})).status_code == 422
            asked = await phone.post(f"{url}/codes", json={"phone": "138 0013 8000"})
            assert asked.status_code == 202, asked.text
            assert sent[-1].recipients == ["13800138000"]
            code = code_in(sent[-1].body)
            wrong = "000000" if code != "000000" else "111111"
            refused = await phone.post(
                f"{url}/ratings", json={"phone": "13800138000", "code": wrong, "rating": "satisfied"}
            )
            assert refused.status_code == 422
            assert refused.json()["detail"] == "The verification code is wrong or has expired; ask for a new one"
            rated = await phone.post(
                f"{url}/ratings", json={"phone": "+86 138-0013-8000", "code": code, "rating": "unsatisfied"}
            )
            assert rated.status_code == 201, rated.text
        async with citizen(api, "10.0.0.4") as phone:
            again = await phone.post(f"{url}/codes", json={"phone": "13800138000"})
            assert again.status_code == 409
            reused = await phone.post(
                f"{url}/ratings", json={"phone": "13800138000", "code": code, "rating": "satisfied"}
            )
            assert reused.status_code == 422  # the code was used
        async with citizen(api, "10.0.0.2") as phone:
            await phone.post(f"{url}/codes", json={"phone": "13900139000"})
            code = code_in(sent[-1].body)
            rated = await phone.post(
                f"{url}/ratings", json={"phone": "13900139000", "code": code, "rating": "satisfied"}
            )
            assert rated.status_code == 201
            while_open = (await phone.get(url)).json()
            assert while_open["status"] == "open" and while_open["public_counts"] is None

    await office.rate_many(evaluation, ["satisfied", "satisfied"])
    result = (await office.close(evaluation)).json()
    # The deputies alone decide; the citizens' ratings are shown apart.
    assert result["counts"] == {"satisfied": 2, "basically_satisfied": 0, "unsatisfied": 0, "abstain": 0}
    assert result["outcome"] == "satisfied"
    async with citizen(api, "10.0.0.3") as phone:
        shown = (await phone.get(url)).json()
        assert shown["public_counts"] == {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 1, "abstain": 0}
        assert shown["deputies_outcome"] == "satisfied"
        closed = await phone.post(f"{url}/codes", json={"phone": "13700137000"})
        assert closed.status_code == 409
    view = (await api.client.get(f"{office.base}/evaluations/{evaluation}", headers=await office.clerk())).json()
    assert view["public_counts"]["unsatisfied"] == 1 and view["result"]["counts"]["unsatisfied"] == 0

    # Never the number: only keyed hashes, in every table.
    dump = await dump_database(api.services.settings.migration_database_url)
    for name, rows in dump.rows.items():
        for row in rows:
            cells = " ".join(row.values())
            assert "13800138000" not in cells and "13900139000" not in cells, name
    assert len(dump.rows["public_ratings"]) == 2
    assert all(len(row["phone_hash"]) == 64 for row in dump.rows["public_ratings"])


async def test_codes_are_rate_limited_and_need_the_tenant_setting(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1, **PUBLIC_ON)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project, public=True)
    url = f"{office.base}/evaluations/{evaluation}/public/codes"
    with capture_channel("sms", accepts="phone"):
        async with citizen(api, "10.0.1.1") as phone:
            codes = [(await phone.post(url, json={"phone": "13800138000"})).status_code for _ in range(6)]
            assert codes == [202] * 5 + [429]
            limited = await phone.post(url, json={"phone": "13900139000"})
            assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0

    private = await make_office(deputies=1)
    (other,) = await private.add_projects(1)
    deputies_only = await private.open_evaluation(other)
    async with citizen(api, "10.0.1.2") as phone:
        hidden = await phone.post(
            f"{private.base}/evaluations/{deputies_only}/public/codes", json={"phone": "13800138000"}
        )
        assert hidden.status_code == 404


async def test_a_citizen_rates_on_the_phone_page(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1, **PUBLIC_ON)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project, public=True, title="孤寡老人义诊")
    page_url = f"/t/{office.slug}/evaluations/{evaluation}/public"
    with capture_channel("sms", accepts="phone") as sent:
        async with citizen(api, "10.0.3.1") as phone:
            form = await phone.get(page_url)
            assert form.status_code == 200 and 'name="phone"' in form.text
            token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
            assert token
            bad = await phone.post(f"{page_url}/code", data={"phone": "123", "_csrf_token": token.group(1)})
            assert bad.status_code == 422 and 'name="phone"' in bad.text
            asked = await phone.post(f"{page_url}/code", data={"phone": "13800138000", "_csrf_token": token.group(1)})
            assert asked.status_code == 200 and 'name="code"' in asked.text
            assert "13800138000" in asked.text  # kept in the page (hidden field), never on the server
            rated = await phone.post(
                f"{page_url}/rate",
                data={
                    "phone": "13800138000",
                    "code": code_in(sent[-1].body),
                    "rating": "basically_satisfied",
                    "_csrf_token": token.group(1),
                },
            )
            assert rated.status_code == 201, rated.text
    await office.rate_many(evaluation, ["satisfied"])
    await office.close(evaluation)
    async with citizen(api, "10.0.3.2") as phone:
        closed = await phone.get(page_url)
        assert closed.status_code == 200 and 'name="phone"' not in closed.text
        assert "<b>1</b>" in closed.text  # the one citizen's rating, shown apart


async def test_a_code_the_sms_channel_cannot_send_is_503_and_nothing_is_kept(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1, **PUBLIC_ON)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project, public=True)
    with capture_channel("sms", accepts="phone") as sent:
        sent.fail_next = 1
        async with citizen(api, "10.0.4.1") as phone:
            failed = await phone.post(
                f"{office.base}/evaluations/{evaluation}/public/codes", json={"phone": "13800138000"}
            )
            assert failed.status_code == 503
            assert failed.json()["detail"] == "The verification code could not be sent; try again in a moment"
            assert sent == []  # the SMS channel failed; the log channel is not used when SMS exists
            dump = await dump_database(api.services.settings.migration_database_url)
            assert dump.rows["phone_verifications"] == []
            again = await phone.post(
                f"{office.base}/evaluations/{evaluation}/public/codes", json={"phone": "13800138000"}
            )
            assert again.status_code == 202 and len(sent) == 1
