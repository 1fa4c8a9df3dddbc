"""The roster's Excel import and export: checked at once, all or nothing, with a row-by-row report; the
import itself runs as a job whose accounts open with an initial password or a one-time link."""

from __future__ import annotations

import json
import re
import uuid
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from minsheng.accounts.models import Membership
from minsheng.accounts.sealing import unseal
from minsheng.congress.roster.excel import RosterImportRefused, RosterRow
from minsheng.congress.roster.importing import import_rows
from minsheng.congress.roster.jobs import PURPOSE, start_import
from minsheng.jobs.models import Job
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


async def imported(api: Api, hall: Any, content: bytes, **form: str) -> dict[str, Any]:
    """Upload as the clerk, let the job run, and return what the import job says."""
    clerk = await hall.clerk()
    started = await upload(api, hall, content, clerk, **form)
    assert started.status_code == 202, started.text
    await api.services.dispatcher.drain()
    status = await api.client.get(f"{hall.base}/deputies/imports/{started.json()['job_id']}", headers=clerk)
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "done", status.json()
    return dict(status.json())


async def roster(api: Api, hall: Any) -> list[dict[str, Any]]:
    found = await api.client.get(f"{hall.base}/deputies?per_page=100", headers=await hall.clerk())
    assert found.status_code == 200, found.text
    return list(found.json()["items"])


async def roles_of(api: Api, hall: Any, username: str) -> list[str] | None:
    me = await api.client.get("/api/v1/me", headers=await api.headers(username))
    return next((m["roles"] for m in me.json()["memberships"] if m["tenant"] == hall.slug), None)


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
    status = await imported(api, hall, content)
    assert status["summary"] == {
        "rows": 3,
        "added": 3,
        "updated": 0,
        "accounts_created": 1,
        "deactivated": 0,
        "links": 0,
        "without_account": 0,
    }
    assert status["progress"] == status["total"] == 4  # one password hashed, three rows written
    names = {(d["name"], d["username"]) for d in await roster(api, hall)}
    assert names == {("王伟", f"wang-{hall.slug}"), ("李娜", f"old-{hall.slug}"), ("张强", None)}
    # The new account logs in with its initial password; the existing one keeps its roles and gains deputy.
    token = await api.client.post("/api/v1/auth/token", json={"username": f"wang-{hall.slug}", "password": PASSWORD})
    assert token.status_code == 200
    assert set(await roles_of(api, hall, f"old-{hall.slug}") or []) == {"teller", "deputy"}


async def test_one_wrong_row_imports_nothing_names_the_row_and_starts_no_job(api: Api, hall) -> None:
    rows = [[f"代表{n}", f"d{n}x-{hall.slug}", PASSWORD, "是"] for n in range(5)]
    rows[2][3] = "也许"  # row 4 in Excel: neither 是 nor 否
    response = await upload(api, hall, workbook(rows), {**await hall.clerk(), "Accept-Language": "en"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"row": 4, "column": "在任", "message": "Write 是 or 否"}]
    await api.services.dispatcher.drain()
    assert await roster(api, hall) == []
    token = await api.client.post("/api/v1/auth/token", json={"username": f"d0x-{hall.slug}", "password": PASSWORD})
    assert token.status_code == 401, "no account of the good rows was created either"
    async with api.services.database.session() as session:
        assert (await session.execute(select(Job).where(Job.tenant_id == hall.tenant_id))).first() is None


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
        [
            ["王伟", f"w-{hall.slug}", PASSWORD, "是"],
            ["+李娜", f"l-{hall.slug}", PASSWORD, "是"],
            ["张强", None, None, "否"],
        ]
    )
    await imported(api, hall, first)
    exported = await api.client.get(f"{hall.base}/deputies/export.xlsx", headers=clerk)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(BytesIO(exported.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADINGS
    assert ["'+李娜", f"l-{hall.slug}", None, "是"] in rows, (
        "a name starting with + is written as text, never as a formula"
    )
    again = await imported(api, hall, exported.content)
    assert again["summary"]["added"] == 0 and again["summary"]["updated"] == 3
    new_term = await imported(api, hall, workbook([["王伟", f"w-{hall.slug}", None, "是"]]), deactivate_missing="true")
    assert new_term["summary"]["deactivated"] == 1  # 李娜; 张强 was not serving already
    active = {d["name"] for d in await roster(api, hall) if d["active"]}
    assert active == {"王伟"}
    # The deputy who left keeps the account but no longer holds the role deputy here (nor any other).
    assert await roles_of(api, hall, f"l-{hall.slug}") is None


async def test_new_accounts_without_a_password_get_one_time_links_on_a_sheet(api: Api, hall) -> None:
    names = [f"n{n}-{hall.slug}" for n in range(3)]
    status = await imported(api, hall, workbook([[f"代表{n}", name, None, "是"] for n, name in enumerate(names)]))
    assert status["summary"]["accounts_created"] == 3 and status["summary"]["links"] == 3
    assert status["total"] == 3, "no password to hash: only the rows to write"
    sheet_url = f"{hall.base}/deputies/imports/{status['job_id']}/links.xlsx"
    sheet = await api.client.get(sheet_url, headers=await hall.clerk())
    assert sheet.status_code == 200, sheet.text
    rows = [list(r) for r in load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    assert rows[0] == ["姓名", "用户名", "设置密码链接", "有效期至"]
    assert [r[:2] for r in rows[1:]] == [[f"代表{n}", name] for n, name in enumerate(names)]
    # No password yet: the account cannot log in until its owner opens the link.
    refused = await api.client.post("/api/v1/auth/token", json={"username": names[0], "password": PASSWORD})
    assert refused.status_code == 401
    path = re.sub(r"^https?://[^/]+", "", str(rows[1][2]))
    browser = api.browser()
    form = await browser.get(path)
    assert form.status_code == 200 and names[0] in form.text
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert csrf
    body = {"password": PASSWORD, "password_again": PASSWORD, "_csrf_token": csrf.group(1)}
    saved = await browser.post(path, data=body)
    assert saved.status_code == 200, saved.text
    assert (await browser.post(path, data=body)).status_code == 404, "a link works once"
    await browser.aclose()
    token = await api.client.post("/api/v1/auth/token", json={"username": names[0], "password": PASSWORD})
    assert token.status_code == 200
    again = await api.client.get(sheet_url, headers=await hall.clerk())
    listed = [r[1] for r in list(load_workbook(BytesIO(again.content)).active.iter_rows(values_only=True))[1:]]  # type: ignore[union-attr]
    assert listed == names[1:], "a used link is no longer on the sheet"


async def test_deputies_no_longer_serving_get_no_account_and_lose_the_deputy_role(api: Api, hall) -> None:
    await api.add_member(hall.slug, f"was-{hall.slug}", ["deputy", "government"])
    status = await imported(
        api,
        hall,
        workbook([["赵六", f"gone-{hall.slug}", PASSWORD, "否"], ["钱七", f"was-{hall.slug}", None, "否"]]),
    )
    assert status["summary"]["accounts_created"] == 0 and status["summary"]["without_account"] == 1
    refused = await api.client.post("/api/v1/auth/token", json={"username": f"gone-{hall.slug}", "password": PASSWORD})
    assert refused.status_code == 401
    assert await roles_of(api, hall, f"was-{hall.slug}") == ["government"]
    assert {(d["name"], d["username"], d["active"]) for d in await roster(api, hall)} == {
        ("赵六", None, False),
        ("钱七", f"was-{hall.slug}", False),
    }


async def test_the_job_carries_the_rows_sealed_and_wipes_them_once_imported(api: Api, hall) -> None:
    secret = api.services.settings.secret_key
    rows = [RosterRow(2, "王伟", f"seal-{hall.slug}", PASSWORD, True)]
    async with api.services.database.session() as session:
        job = start_import(session, hall.tenant_id, rows, deactivate_missing=False, actor="t", secret_key=secret)
    assert PASSWORD not in json.dumps(job.args)
    assert json.loads(unseal(secret, PURPOSE, job.args["rows"]))[0]["password"] == PASSWORD
    await api.services.dispatcher.sweep()
    await api.services.dispatcher.drain()
    async with api.services.database.session() as session:
        done = await session.get(Job, job.id)
        assert done is not None and done.status.value == "done", done.error if done else None
        assert done.args["rows"] is None


async def test_a_job_finding_an_account_taken_since_the_check_refuses_and_writes_nothing(
    api: Api, hall, another_hall
) -> None:
    other = await another_hall()
    taken = f"late-{hall.slug}"
    await api.add_member(other.slug, taken, ["deputy"])
    rows = [RosterRow(2, "王伟", taken, PASSWORD, True)]
    with hall.scope():
        async with api.services.database.session() as session:
            try:
                await import_rows(
                    session,
                    hall.tenant_id,
                    rows,
                    deactivate_missing=False,
                    actor="t",
                    secret_key="k",
                    batch=uuid.uuid4(),
                )
            except RosterImportRefused as refused:
                assert [(p.row, p.column) for p in refused.problems] == [(2, "用户名")]
            else:
                raise AssertionError("the import should have refused")
            found = await session.execute(select(Membership).where(Membership.tenant_id == hall.tenant_id))
            assert all(m.roles != ["deputy"] for m in found.scalars())


async def test_only_the_roster_keepers_of_the_tenant_import_and_only_readers_export(
    api: Api, hall, another_hall
) -> None:
    await hall.add_deputies(1)
    other = await another_hall()
    content = workbook([["王伟", None, None, "是"]])
    assert (await upload(api, hall, content, hall.deputy_headers[0])).status_code == 403
    assert (await upload(api, hall, content, await hall.teller())).status_code == 403
    assert (await upload(api, hall, content, await other.clerk())).status_code == 404
    clerk_only = await hall.add_member(f"staff-{hall.slug}", ["clerk"])
    assert (await upload(api, hall, content, clerk_only)).status_code == 202
    export = f"{hall.base}/deputies/export.xlsx"
    assert (await api.client.get(export, headers=hall.deputy_headers[0])).status_code == 403
    assert (await api.client.get(export, headers=clerk_only)).status_code == 200
