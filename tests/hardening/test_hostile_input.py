"""Hostile input is refused at the boundary on both backends, and nothing of it is stored: NUL and
control characters (422 naming the field) in JSON bodies, forms, query and path parameters; deeply
nested JSON (400). An export still works with a control character stored before the policy."""

from __future__ import annotations

import itertools
import json
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from minsheng.testing import Api

SUGGESTION = {"content": "村里的道路坑坑洼洼，希望修一修", "place": "东村"}


async def _suggestions(office: Any) -> int:
    return int(await office.owner_sql("SELECT count(*) FROM suggestions"))


def _named(response: Any, key: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert [e["key"] for e in body["errors"]] == [key], body


async def test_a_nul_in_the_token_request_is_refused_naming_the_field(api: Api) -> None:
    response = await api.client.post("/api/v1/auth/token", json={"username": "a\u0000b", "password": "x"})
    _named(response, "username")


CHARACTERS = ("\u0000", "\u0001", "\u001b", "\u007f", "\u0085", "\ud800", "\uffff")


async def test_control_characters_in_a_public_suggestion_are_refused_and_nothing_is_stored(
    api: Api, office: Any, client_from: Any
) -> None:
    async with client_from("10.9.0.1") as citizen:
        for field in ("content", "place"):
            for character in CHARACTERS:
                # Sent escaped (``\\ud800``), as JSON may carry even a lone surrogate.
                body = json.dumps({**SUGGESTION, field: f"东{character}村"})
                response = await citizen.post(
                    f"{office.base}/suggestions", content=body, headers={"Content-Type": "application/json"}
                )
                _named(response, field)
    assert await _suggestions(office) == 0


async def test_tab_and_line_breaks_stay_allowed_in_text(api: Api, office: Any, client_from: Any) -> None:
    async with client_from("10.9.0.2") as citizen:
        response = await citizen.post(
            f"{office.base}/suggestions", json={**SUGGESTION, "content": "第一行\r\n第二行\t完"}
        )
    assert response.status_code == 201, response.text
    assert await _suggestions(office) == 1


async def test_the_refusal_is_said_in_chinese(api: Api, office: Any, client_from: Any) -> None:
    async with client_from("10.9.0.3") as citizen:
        response = await citizen.post(
            f"{office.base}/suggestions",
            json={**SUGGESTION, "content": "a\u0000b"},
            headers={"Accept-Language": "zh-CN"},
        )
    assert response.status_code == 422
    assert "控制字符" in response.json()["detail"], response.json()


async def test_nested_fields_are_named_by_their_path(api: Api, office: Any) -> None:
    body = {"suggestions": [{"content": "好的建议"}, {"content": "坏\u0002的"}]}
    response = await api.client.post(f"{office.base}/suggestions/batch", json=body, headers=office.staff)
    _named(response, "suggestions.1.content")


async def test_a_control_character_in_a_json_key_is_refused(api: Api, office: Any, client_from: Any) -> None:
    async with client_from("10.9.0.4") as citizen:
        response = await citizen.post(f"{office.base}/suggestions", json={**SUGGESTION, "x\u0000": 1})
    assert response.status_code == 422
    assert await _suggestions(office) == 0


async def test_path_and_query_parameters_are_refused_naming_them(api: Api, office: Any) -> None:
    response = await api.client.get(f"{office.base}/suggestions/AB%00CD")
    _named(response, "code")
    response = await api.client.get(f"{office.base}/suggestions", params={"q": "a\u0000"}, headers=office.staff)
    _named(response, "q")
    response = await api.client.get(f"{office.base}/audit", params={"action": "x\u0001"}, headers=office.staff)
    _named(response, "action")
    # A tab has no place in a parameter either; bytes that are not UTF-8 are refused as well.
    response = await api.client.get(f"{office.base}/suggestions?q=a%09b", headers=office.staff)
    _named(response, "q")
    response = await api.client.get(f"{office.base}/suggestions?q=%ff", headers=office.staff)
    assert response.status_code == 422


async def test_a_form_with_a_control_character_is_refused(api: Api, office: Any, client_from: Any) -> None:
    async with client_from("10.9.0.5") as citizen:
        fields = {"content": "村\u0000道", "category": "", "place": ""}
        multipart = await citizen.post(
            f"{office.base}/suggestions/with-photos", data=fields, files={"photos": ("a.png", b"\x89PNG", "image/png")}
        )
        urlencoded = await citizen.post("/login", data={"username": "a\u0000", "password": "b"})
    _named(multipart, "content")
    assert urlencoded.status_code == 422
    assert await _suggestions(office) == 0


async def test_deeply_nested_json_is_refused_with_400(api: Api, office: Any, client_from: Any) -> None:
    async with client_from("10.9.0.6") as citizen:
        for depth, path in itertools.product((33, 1000, 100_000), ("/api/v1/auth/token", f"{office.base}/suggestions")):
            deep = b"[" * depth + b"]" * depth
            response = await citizen.post(path, content=deep, headers={"Content-Type": "application/json"})
            assert response.status_code == 400, response.text
    assert await _suggestions(office) == 0


async def test_nesting_within_the_cap_is_only_judged_by_the_handler(api: Api, office: Any, client_from: Any) -> None:
    async with client_from("10.9.0.7") as citizen:
        body = {**SUGGESTION, "extra": [[[[["deep but allowed"]]]]]}
        response = await citizen.post(f"{office.base}/suggestions", json=body)
    assert response.status_code in (201, 400, 422), response.text


async def test_the_exports_still_work_with_a_control_character_stored(api: Api, office: Any) -> None:
    body = {"title": "道路提质改造", "content": "硬化村道三公里", "category": "roads_transport"}
    created = await api.client.post(f"{office.base}/projects", json=body, headers=office.staff)
    assert created.status_code == 201, created.text
    # Stored before the policy (or by an import): written behind the app's back, as the tables' owner.
    nul_free = "chr(1)" if api.services.settings.is_postgres else "char(1)"
    await office.owner_sql(f"UPDATE projects SET title = '=道路' || {nul_free} || '改造', content = 'a' || {nul_free}")
    response = await api.client.get(f"{office.base}/projects/export.xlsx", headers=office.staff)
    assert response.status_code == 200, response.text
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "'=道路改造"
    assert rows[1][11] == "a"
