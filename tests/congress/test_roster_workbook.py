"""The roster's Excel import and export: all or nothing, with a row-by-row report."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook

from minsheng.testing import PASSWORD, Api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["姓名", "用户名", "初始密码", "在任"]


def workbook(rows: list[list[Any]], headings: list[str] = HEADINGS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(api: Api, hall: Any, content: bytes, headers: dict[str, str], **form: str) -> Any:
    return await api.client.post(
        f"{hall.base}/deputies/import",
        files={"file": ("代表名单.xlsx", content, XLSX)},
        data=form,
        headers=headers,
    )


async def roster(api: Api, hall: Any) -> list[dict[str, Any]]:
    found = await api.client.get(f"{hall.base}/deputies?per_page=100", headers=await hall.clerk())
    assert found.status_code == 200, found.text
    return list(found.json()["items"])


async def test_a_valid_workbook_adds_deputies_and_their_accounts(api: Api, hall) -> None:
    await api.add_member(hall.slug, f"old-{hall.slug}", ["teller"])
    content = workbook(
        [
            ["王伟", f"wang-{hall.slug}", PASSWORD, "是"],
            ["李娜", f"old-{hall.slug}", None, None],
            ["张强", None, None, "是"],
            [None, None, None, None],  # a blank row is skipped, not an error
        ]
    )
    response = await upload(api, hall, content, await hall.clerk())
    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 3, "added": 3, "updated": 0, "accounts_created": 1, "deactivated": 0}
    names = {(d["name"], d["username"]) for d in await roster(api, hall)}
    assert names == {("王伟", f"wang-{hall.slug}"), ("李娜", f"old-{hall.slug}"), ("张强", None)}
    # The new account logs in with its initial password; the existing one keeps its roles and gains deputy.
    token = await api.client.post("/api/v1/auth/token", json={"username": f"wang-{hall.slug}", "password": PASSWORD})
    assert token.status_code == 200
    me = await api.client.get("/api/v1/me", headers=await api.headers(f"old-{hall.slug}"))
    roles = next(m["roles"] for m in me.json()["memberships"] if m["tenant"] == hall.slug)
    assert set(roles) == {"teller", "deputy"}


async def test_one_wrong_row_imports_nothing_and_names_the_row(api: Api, hall) -> None:
    rows = [[f"代表{n}", f"d{n}x-{hall.slug}", PASSWORD, "是"] for n in range(5)]
    rows[2][2] = None  # row 4 in Excel: a new account without its initial password
    response = await upload(api, hall, workbook(rows), {**await hall.clerk(), "Accept-Language": "en"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"] == [{"row": 4, "column": "初始密码", "message": "A new account needs an initial password"}]
    assert await roster(api, hall) == []
    token = await api.client.post("/api/v1/auth/token", json={"username": f"d0x-{hall.slug}", "password": PASSWORD})
    assert token.status_code == 401, "no account of the good rows was created either"


async def test_every_wrong_cell_is_reported_in_row_order(api: Api, hall, another_hall) -> None:
    other = await another_hall()
    await api.add_member(other.slug, f"elsewhere-{hall.slug}", ["deputy"])
    content = workbook(
        [
            ["", f"a-{hall.slug}", PASSWORD, "是"],  # 2: no name
            ["乙", f"a-{hall.slug}", PASSWORD, "也许"],  # 3: repeated user name, bad 在任
            ["丙", "x", PASSWORD, "否"],  # 4: user name too short
            ["丁", f"elsewhere-{hall.slug}", None, "是"],  # 5: an account of another tenant
            ["戊", f"weak-{hall.slug}", "short", "是"],  # 6: password policy
            ["己" * 101, None, None, None],  # 7: name too long
        ]
    )
    response = await upload(api, hall, content, {**await hall.clerk(), "Accept-Language": "en"})
    assert response.status_code == 422
    report = [(e["row"], e["column"]) for e in response.json()["errors"]]
    assert report == [
        (2, "姓名"),
        (3, "用户名"),
        (3, "在任"),
        (4, "用户名"),
        (5, "用户名"),
        (6, "初始密码"),
        (7, "姓名"),
    ]
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages[1] == "The user name is also on row 2"
    assert await roster(api, hall) == []


async def test_a_missing_heading_and_a_file_that_is_not_a_workbook_are_refused(api: Api, hall) -> None:
    clerk = {**await hall.clerk(), "Accept-Language": "en"}
    no_username = await upload(api, hall, workbook([["王伟"]], headings=["姓名"]), clerk)
    assert no_username.status_code == 422
    assert no_username.json()["errors"] == [{"row": 1, "column": "用户名", "message": "The heading 用户名 is missing"}]
    text = await api.client.post(
        f"{hall.base}/deputies/import", files={"file": ("roster.xlsx", b"name,username\n", XLSX)}, headers=clerk
    )
    assert text.status_code == 422
    assert await roster(api, hall) == []


async def test_export_imports_back_unchanged_and_a_new_term_retires_the_missing(api: Api, hall) -> None:
    clerk = await hall.clerk()
    first = workbook(
        [["王伟", f"w-{hall.slug}", PASSWORD, "是"], ["+李娜", None, None, "是"], ["张强", None, None, "否"]]
    )
    assert (await upload(api, hall, first, clerk)).status_code == 200
    exported = await api.client.get(f"{hall.base}/deputies/export.xlsx", headers=clerk)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(BytesIO(exported.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADINGS
    assert ["'+李娜", None, None, "是"] in rows, "a name starting with + is written as text, never as a formula"
    again = await upload(api, hall, exported.content, clerk)
    assert again.status_code == 200, again.text
    assert again.json()["added"] == 1 and again.json()["updated"] == 2  # the quoted name is a new spelling
    new_term = await upload(
        api, hall, workbook([["王伟", f"w-{hall.slug}", None, "是"]]), clerk, deactivate_missing="true"
    )
    assert new_term.json()["deactivated"] == 2
    active = {d["name"] for d in await roster(api, hall) if d["active"]}
    assert active == {"王伟"}


async def test_only_staff_of_the_tenant_import_and_export(api: Api, hall, another_hall) -> None:
    await hall.add_deputies(1)
    other = await another_hall()
    content = workbook([["王伟", None, None, "是"]])
    assert (await upload(api, hall, content, hall.deputy_headers[0])).status_code == 403
    assert (await upload(api, hall, content, await other.clerk())).status_code == 404
    assert (
        await api.client.get(f"{hall.base}/deputies/export.xlsx", headers=hall.deputy_headers[0])
    ).status_code == 403
