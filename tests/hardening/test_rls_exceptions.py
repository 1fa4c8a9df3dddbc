"""The tables that carry ``tenant_id`` without row-level security, each held by the guard that
``platform/docs/hardening.md`` names for it, tried as an attacker would on PostgreSQL (where the app's
role is bound by RLS everywhere else):

- ``memberships``: read by the caller's own user id or the request's tenant only;
- ``invitations``: found by the digest of an unguessable token, which names its one tenant;
- ``password_links``: the same, used once, for the one user it names;
- ``jobs``: read through the tenant's scope only; the runner binds the job's tenant for its work.

Tenant A is the hardening office (``harden``); tenant B (``rival``) is a congress beside it, not
under it: A's administrator has no business there.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import text

from minsheng.jobs.outbox import enqueue
from minsheng.jobs.registry import JobContext, job, register_jobs
from minsheng.jobs.runner import run_job
from minsheng.testing import PASSWORD, Api

pytestmark = pytest.mark.postgres

A, B = "harden", "rival"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
NEW_PASSWORD = "Fresh-Start-Pass-58"


@pytest.fixture
def backend() -> str:
    # The point is what RLS does not cover: only PostgreSQL has it.
    return "postgres"


@dataclass
class Rivals:
    """Tenant A (``office``) and tenant B with members of their own, and one account in both."""

    office: Any
    ids: dict[str, str]
    a_admin: dict[str, str]
    b_admin: dict[str, str]

    async def owner(self, statement: str, **params: Any) -> Any:
        return await self.office.owner_sql(statement, **params)

    async def roles(self, username: str, slug: str) -> str | None:
        """The user's roles in ``slug`` as stored (JSON text), read as the tables' owner; None if none."""
        return await self.owner(
            "SELECT m.roles::text FROM memberships m JOIN users u ON u.id = m.user_id"
            " JOIN tenants t ON t.id = m.tenant_id WHERE u.username = :u AND t.slug = :t",
            u=username,
            t=slug,
        )


@pytest.fixture
async def rivals(api: Api, office: Any) -> Rivals:
    b = await api.create_tenant(B, "province")
    await api.add_member(B, "rival-admin", ["tenant_admin"])
    await api.add_member(B, "rival-deputy", ["deputy"])
    await api.add_member(A, "harden-deputy", ["deputy"])
    # Administers B, only a deputy in A.
    await api.add_member(B, "both", ["tenant_admin"])
    await api.add_member(A, "both", ["deputy"])
    a_id = await office.owner_sql("SELECT id::text FROM tenants WHERE slug = :s", s=A)
    return Rivals(office, {A: a_id, B: b["id"]}, office.staff, await api.headers("rival-admin"))


async def _me(api: Api, username: str) -> dict[str, list[str]]:
    response = await api.client.get("/api/v1/me", headers=await api.headers(username))
    assert response.status_code == 200, response.text
    return {m["tenant"]: m["roles"] for m in response.json()["memberships"]}


async def test_memberships_are_read_by_own_user_or_the_requests_tenant_only(api: Api, rivals: Rivals) -> None:
    # /me lists the caller's own memberships, never another user's, across tenants.
    assert await _me(api, "harden-staff") == {A: ["tenant_admin"]}
    assert await _me(api, "rival-deputy") == {B: ["deputy"]}
    assert await _me(api, "both") == {A: ["deputy"], B: ["tenant_admin"]}

    a_users = f"/api/v1/t/{A}/users"
    listed = await api.client.get(f"{a_users}?per_page=100", headers=rivals.a_admin)
    assert listed.status_code == 200, listed.text
    assert {m["username"] for m in listed.json()["items"]} == {"harden-staff", "harden-deputy", "both"}
    # B's member through A's routes: not there, whatever A's administrator tries.
    attempts = [
        ("GET", f"{a_users}/rival-deputy", None),
        ("PUT", f"{a_users}/rival-deputy/roles", {"roles": ["tenant_admin"]}),
        ("DELETE", f"{a_users}/rival-deputy", None),
        ("POST", f"{a_users}/rival-deputy/disable", None),
    ]
    for method, path, body in attempts:
        response = await api.client.request(method, path, json=body, headers=rivals.a_admin)
        assert response.status_code == 404, (method, path, response.text)
    searched = await api.client.get(f"{a_users}?q=rival", headers=rivals.a_admin)
    assert searched.status_code == 200 and searched.json()["items"] == [], searched.text
    # The slug changed to B's: A's administrator is no member there.
    b_users = f"/api/v1/t/{B}/users"
    for method, path, body in [
        ("GET", b_users, None),
        ("GET", f"{b_users}/rival-deputy", None),
        ("PUT", f"{b_users}/rival-deputy/roles", {"roles": ["tenant_admin"]}),
        ("DELETE", f"{b_users}/rival-deputy", None),
        ("POST", b_users, {"username": "planted", "password": PASSWORD, "display_name": "x", "roles": ["deputy"]}),
    ]:
        response = await api.client.request(method, path, json=body, headers=rivals.a_admin)
        assert response.status_code == 404, (method, path, response.text)
    # Roles are those of the request's tenant: B's administrator is only a deputy in A.
    both = await api.headers("both")
    assert (await api.client.get(a_users, headers=both)).status_code == 403
    assert (await api.client.get(b_users, headers=both)).status_code == 200
    # Nothing of B changed, nobody was planted there.
    assert await rivals.roles("rival-deputy", B) == '["deputy"]'
    assert await rivals.roles("rival-deputy", A) is None
    assert await rivals.roles("planted", B) is None


async def _invite(api: Api, slug: str, headers: dict[str, str], roles: list[str]) -> dict[str, Any]:
    response = await api.client.post(f"/api/v1/t/{slug}/invitations", json={"roles": roles}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_invitation_joins_only_the_tenant_its_token_names_once_and_only_its_digest_is_stored(
    api: Api, rivals: Rivals
) -> None:
    to_a = await _invite(api, A, rivals.a_admin, ["tenant_admin"])
    to_b = await _invite(api, B, rivals.b_admin, ["deputy"])
    b_id = to_b["invitation"]["id"]
    # A's administrator neither sees nor revokes B's invitation, through A's slug or B's.
    listed = await api.client.get(f"/api/v1/t/{A}/invitations", headers=rivals.a_admin)
    assert [i["id"] for i in listed.json()["items"]] == [to_a["invitation"]["id"]]
    for slug in (A, B):
        revoke = await api.client.delete(f"/api/v1/t/{slug}/invitations/{b_id}", headers=rivals.a_admin)
        assert revoke.status_code == 404, revoke.text
    assert (await api.client.get(f"/api/v1/t/{B}/invitations", headers=rivals.a_admin)).status_code == 404
    assert await rivals.owner("SELECT expires_at > now() FROM invitations WHERE id = CAST(:i AS uuid)", i=b_id)

    # B's deputy accepts A's invitation with its own password: administrator of A, still a deputy of B.
    accept = f"/api/v1/invitations/{to_a['token']}/accept"
    accepted = await api.client.post(accept, json={"username": "rival-deputy", "password": PASSWORD})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["tenant"] == A
    assert await rivals.roles("rival-deputy", A) == '["tenant_admin"]'
    assert await rivals.roles("rival-deputy", B) == '["deputy"]'
    # Used once; a made-up token, or one a character off, finds nothing.
    again = await api.client.post(accept, json={"username": "someone-else", "password": PASSWORD})
    assert again.status_code == 404, again.text
    twisted = to_b["token"][:-1] + ("A" if to_b["token"][-1] != "A" else "B")
    for token in (twisted, "x" * 43):
        response = await api.client.post(
            f"/api/v1/invitations/{token}/accept", json={"username": "guess", "password": PASSWORD}
        )
        assert response.status_code == 404, response.text
    assert await rivals.roles("guess", B) is None
    # The table holds the digest only: not the token, in any column.
    for invitation in (to_a, to_b):
        row = "SELECT {} FROM invitations i WHERE id = CAST(:i AS uuid)"
        stored = await rivals.owner(row.format("token_digest"), i=invitation["invitation"]["id"])
        assert stored == hashlib.sha256(invitation["token"].encode()).hexdigest()
        assert not await rivals.owner(
            row.format("strpos(i::text, :t) > 0"), i=invitation["invitation"]["id"], t=invitation["token"]
        )


async def _use_link(api: Api, path: str, password: str) -> httpx.Response:
    async with api.browser() as browser:
        form = await browser.get(path)
        if form.status_code != 200:
            return form
        found = CSRF.search(form.text)
        assert found
        data = {"password": password, "password_again": password, "_csrf_token": found.group(1)}
        return await browser.post(path, data=data)


async def _logs_in(api: Api, username: str, password: str) -> bool:
    response = await api.client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return response.status_code == 200


async def test_a_password_link_sets_only_its_own_users_password_once(api: Api, rivals: Rivals) -> None:
    # Not for a member of B, through A's slug or B's; not for an account B shares with A.
    for slug, username, status in ((A, "rival-deputy", 404), (B, "rival-deputy", 404), (A, "both", 403)):
        response = await api.client.post(f"/api/v1/t/{slug}/users/{username}/password-link", headers=rivals.a_admin)
        assert response.status_code == status, (slug, username, response.text)
    assert await rivals.owner("SELECT count(*) FROM password_links") == 0

    issued = await api.client.post(f"/api/v1/t/{A}/users/harden-deputy/password-link", headers=rivals.a_admin)
    assert issued.status_code == 201, issued.text
    token, path = issued.json()["token"], issued.json()["path"]
    assert (await _use_link(api, path, NEW_PASSWORD)).status_code == 200
    assert await _logs_in(api, "harden-deputy", NEW_PASSWORD)
    # Nobody else's password moved.
    for username in ("harden-staff", "rival-deputy", "both"):
        assert await _logs_in(api, username, PASSWORD), username
    # Once only: the spent link, or a guessed one, sets nothing.
    assert (await _use_link(api, path, "Another-Pass-91")).status_code == 404
    assert (await _use_link(api, "/password/" + "y" * 43, "Another-Pass-91")).status_code == 404
    assert await _logs_in(api, "harden-deputy", NEW_PASSWORD)
    # The digest only, bound to the one user and its tenant.
    row = await rivals.owner(
        "SELECT u.username || ' ' || t.slug || ' ' || (l.used_at IS NOT NULL)::text || ' ' ||"
        " (l.token_digest = :d)::text || ' ' || (strpos(l::text, :t) > 0)::text"
        " FROM password_links l JOIN users u ON u.id = l.user_id JOIN tenants t ON t.id = l.tenant_id",
        d=hashlib.sha256(token.encode()).hexdigest(),
        t=token,
    )
    assert row == "harden-deputy harden true true false"


def _roster() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "用户名"])
    sheet.append(["乙代表", "rival-new-deputy"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@job("tests.hardening.tenants_seen")
async def tenants_seen(ctx: JobContext, other: str) -> dict[str, Any]:
    """What raw SQL in a job's transaction sees of the audit log: which tenants, and how many rows of
    ``other`` when asked for them by id."""
    seen = (await ctx.session.execute(text("SELECT DISTINCT tenant_id::text FROM audit_events"))).scalars().all()
    asked = text("SELECT count(*) FROM audit_events WHERE tenant_id = CAST(:t AS uuid)")
    return {"seen": sorted(seen), "other": (await ctx.session.execute(asked, {"t": other})).scalar_one()}


register_jobs([tenants_seen])


async def test_jobs_are_read_through_their_tenants_scope_and_run_bound_to_it(api: Api, rivals: Rivals) -> None:
    export = await api.client.post(f"/api/v1/t/{B}/audit/exports", headers=rivals.b_admin)
    assert export.status_code == 202, export.text
    upload = {"file": ("代表名单.xlsx", _roster(), XLSX)}
    imported = await api.client.post(f"/api/v1/t/{B}/deputies/import", files=upload, headers=rivals.b_admin)
    assert imported.status_code == 202, imported.text
    b_job, b_import = export.json()["job_id"], imported.json()["job_id"]
    status_routes = [
        "/api/v1/t/{t}/jobs/" + b_job,
        "/api/v1/t/{t}/jobs/" + b_import,
        "/api/v1/t/{t}/deputies/imports/" + b_import,
        "/api/v1/t/{t}/deputies/imports/" + b_import + "/links.xlsx",
    ]
    for route in status_routes:  # B's own see them: the ids are real
        assert (await api.client.get(route.format(t=B), headers=rivals.b_admin)).status_code == 200, route
    for route in status_routes:
        for slug in (A, B):
            response = await api.client.get(route.format(t=slug), headers=rivals.a_admin)
            assert response.status_code == 404, (route, slug, response.text)
    async with api.browser() as browser:
        assert (await api.page_login(browser, "harden-staff")).status_code in (302, 303)
        for page in (f"/t/{{t}}/jobs/{b_job}", f"/t/{{t}}/congress/roster/imports/{b_import}"):
            for slug in (A, B):
                response = await browser.get(page.format(t=slug))
                assert response.status_code == 404, (page, slug, response.status_code)

    # The runner takes a job of B by its id and binds B for the work: A's rows are out of its sight.
    assert (
        await rivals.owner("SELECT count(*) FROM audit_events WHERE tenant_id = CAST(:t AS uuid)", t=rivals.ids[A]) > 0
    )
    async with api.services.database.session() as session:
        row = enqueue(
            session,
            "tests.hardening.tenants_seen",
            {"other": rivals.ids[A]},
            tenant_id=uuid.UUID(rivals.ids[B]),
            notify=False,
        )
        job_id = row.id
    await run_job(api.services.database, job_id)
    result = await rivals.owner("SELECT result::text FROM jobs WHERE id = CAST(:j AS uuid)", j=str(job_id))
    assert json.loads(result) == {"seen": [rivals.ids[B]], "other": 0}, result
