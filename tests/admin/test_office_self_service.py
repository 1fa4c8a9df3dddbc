"""An office runs itself: its administrator keeps its users (add, roles, disable, one-time password
links), its villages, its negative list and its plugin settings, without the platform operator; a
county's administrator keeps its townships' users. Everything is audited in the office's chain."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from minsheng.audit.models import PlatformAuditEvent, TenantAuditEvent
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import PASSWORD, Api, random_slug

NEW_PASSWORD = "Brand-New-Pass-77"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class Offices:
    county: str
    town: str
    neighbour: str
    ids: dict[str, uuid.UUID]

    def admin(self, slug: str) -> str:
        return f"admin-{slug}"


async def offices(api: Api) -> Offices:
    """A county with two townships, each office with its administrator; the county lists a place of its own."""
    base = random_slug("office")
    ids = {}
    await api.create_tenant(f"{base}-p", "province")
    for slug, level, parent, settings in (
        (f"{base}-c", "county", f"{base}-p", {"minsheng.defaults": {"places": ["县城社区"]}}),
        (f"{base}-a", "township", f"{base}-c", {}),
        (f"{base}-b", "township", f"{base}-c", {"minsheng.defaults": {"places": ["北村"]}}),
    ):
        created = await api.create_tenant(slug, level, parent, settings=settings)
        ids[slug] = uuid.UUID(created["id"])
        await api.add_member(slug, f"admin-{slug}", ["tenant_admin"])
    return Offices(f"{base}-c", f"{base}-a", f"{base}-b", ids)


async def operator_events(api: Api, tenant_ids: list[uuid.UUID]) -> int:
    """Audit events the operator is the actor of: the platform's chain and the offices' chains."""
    async with api.services.database.session() as session:
        count = len(
            list(await session.scalars(select(PlatformAuditEvent).where(PlatformAuditEvent.actor == "operator")))
        )
        for tenant_id in tenant_ids:
            with tenant_scope(TenantRef(tenant_id, "x")):
                found = await session.scalars(select(TenantAuditEvent).where(TenantAuditEvent.actor == "operator"))
                count += len(list(found))
    return count


async def actions_in(api: Api, tenant_id: uuid.UUID) -> list[tuple[str, str, str]]:
    async with api.services.database.session() as session:
        with tenant_scope(TenantRef(tenant_id, "x")):
            rows = await session.scalars(select(TenantAuditEvent).order_by(TenantAuditEvent.seq))
            return [(e.action, e.actor, e.subject) for e in rows]


async def use_link(api: Api, path: str, password: str) -> httpx.Response:
    """Open a one-time link and choose ``password``, as its holder would in a browser."""
    async with api.browser() as browser:
        form = await browser.get(path)
        assert form.status_code == 200, form.text
        found = CSRF.search(form.text)
        assert found
        return await browser.post(
            path, data={"password": password, "password_again": password, "_csrf_token": found.group(1)}
        )


async def coverage_silent(api: Api, slug: str, headers: dict[str, str]) -> list[str]:
    response = await api.client.get(f"/api/v1/t/{slug}/coverage", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["places_without_suggestions"])


async def test_a_township_admin_adds_resets_and_sets_its_villages_without_the_operator(api: Api) -> None:
    o = await offices(api)
    before = await operator_events(api, list(o.ids.values()))
    admin = await api.headers(o.admin(o.town))
    base = f"/api/v1/t/{o.town}"

    # A government user, added by the township's own administrator.
    body = {"username": f"gov-{o.town}", "password": PASSWORD, "display_name": "镇政府办", "roles": ["government"]}
    added = await api.client.post(f"{base}/users", json=body, headers=admin)
    assert added.status_code == 201, added.text
    assert added.json()["roles"] == ["government"]
    listed = await api.client.get(f"{base}/users", headers=admin)
    assert {u["username"] for u in listed.json()["items"]} == {o.admin(o.town), f"gov-{o.town}"}
    old_token = await api.token(f"gov-{o.town}")

    # Its password reset with a one-time link: shown once, used once; the old login ends.
    link = await api.client.post(f"{base}/users/gov-{o.town}/password-link", headers=admin)
    assert link.status_code == 201, link.text
    path = link.json()["path"]
    assert (await use_link(api, path, NEW_PASSWORD)).status_code == 200
    async with api.browser() as browser:
        assert (await browser.get(path)).status_code == 404, "a link works once"
    gone = await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"})
    assert gone.status_code == 401, "setting the password ended the old logins"
    for password, status in ((PASSWORD, 401), (NEW_PASSWORD, 200)):
        token = await api.client.post("/api/v1/auth/token", json={"username": f"gov-{o.town}", "password": password})
        assert token.status_code == status

    # Its own villages: coverage names those without suggestions, never the county's places.
    assert await coverage_silent(api, o.town, admin) == [], "the county's own places are not the township's villages"
    saved = await api.client.put(f"{base}/places", json={"places": ["东村", " 西村 ", "东村", ""]}, headers=admin)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"places": ["东村", "西村"]}
    assert await coverage_silent(api, o.town, admin) == ["东村", "西村"]
    sent = await api.client.post(f"{base}/suggestions", json={"content": "东村的路灯坏了，请修一修", "place": "东村"})
    assert sent.status_code == 201, sent.text
    assert await coverage_silent(api, o.town, admin) == ["西村"]

    # The neighbour township is unchanged, and nobody of it was touched.
    neighbour = await api.headers(o.admin(o.neighbour))
    assert (await api.client.get(f"/api/v1/t/{o.neighbour}/places", headers=neighbour)).json() == {"places": ["北村"]}
    assert await coverage_silent(api, o.neighbour, neighbour) == ["北村"]
    users = await api.client.get(f"/api/v1/t/{o.neighbour}/users", headers=neighbour)
    assert [u["username"] for u in users.json()["items"]] == [o.admin(o.neighbour)]
    assert (await api.client.get(f"/api/v1/t/{o.neighbour}/users", headers=admin)).status_code == 404

    # The operator was not involved; the office's chain records who did what.
    assert await operator_events(api, list(o.ids.values())) == before
    done = [(action, actor) for action, actor, _subject in await actions_in(api, o.ids[o.town])]
    for action in ("user.added", "password.link_issued", "password.link_used", "tenant.updated"):
        assert any(a == action and actor in (o.admin(o.town), f"gov-{o.town}") for a, actor in done), action


async def test_the_county_keeps_its_townships_users_but_a_township_never_the_county(api: Api) -> None:
    o = await offices(api)
    county_admin = await api.headers(o.admin(o.county))
    body = {
        "username": f"new-admin-{o.town}",
        "password": PASSWORD,
        "display_name": "新管理员",
        "roles": ["tenant_admin"],
    }
    added = await api.client.post(f"/api/v1/t/{o.town}/users", json=body, headers=county_admin)
    assert added.status_code == 201, added.text
    link = await api.client.post(f"/api/v1/t/{o.town}/users/{o.admin(o.town)}/password-link", headers=county_admin)
    assert link.status_code == 201, "a county's administrator may reset its townships' administrators"
    places = await api.client.put(f"/api/v1/t/{o.town}/places", json={"places": ["x"]}, headers=county_admin)
    assert places.status_code == 403, "the township's settings stay the township's"
    town_admin = await api.headers(o.admin(o.town))
    assert (await api.client.get(f"/api/v1/t/{o.county}/users", headers=town_admin)).status_code == 404


async def test_disabling_ends_the_logins_at_once_and_stays_within_the_office(api: Api) -> None:
    o = await offices(api)
    admin = await api.headers(o.admin(o.town))
    for slug in (o.town, o.neighbour):
        await api.add_member(slug, f"both-{o.town}", ["deputy"])
    await api.add_member(o.town, f"only-{o.town}", ["clerk"])
    token = await api.headers(f"only-{o.town}")
    assert (await api.client.get("/api/v1/me", headers=token)).status_code == 200
    disabled = await api.client.post(f"/api/v1/t/{o.town}/users/only-{o.town}/disable", headers=admin)
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert (await api.client.get("/api/v1/me", headers=token)).status_code == 401, "its token ended at once"
    refused = await api.client.post("/api/v1/auth/token", json={"username": f"only-{o.town}", "password": PASSWORD})
    assert refused.status_code == 401
    enabled = await api.client.post(f"/api/v1/t/{o.town}/users/only-{o.town}/enable", headers=admin)
    assert enabled.json()["active"] is True
    audited = [
        (a, actor, subject) for a, actor, subject in await actions_in(api, o.ids[o.town]) if a.startswith("user.")
    ]
    assert audited[-2:] == [
        ("user.disabled", o.admin(o.town), f"only-{o.town}"),
        ("user.enabled", o.admin(o.town), f"only-{o.town}"),
    ]
    # An account that also belongs to the neighbour is not the township's to disable or reset.
    for action in ("disable", "password-link"):
        other = await api.client.post(f"/api/v1/t/{o.town}/users/both-{o.town}/{action}", headers=admin)
        assert other.status_code == 403, other.text
    county_admin = await api.headers(o.admin(o.county))
    both = await api.client.post(f"/api/v1/t/{o.town}/users/both-{o.town}/disable", headers=county_admin)
    assert both.status_code == 200, "the county administers both townships"
    myself = await api.client.post(f"/api/v1/t/{o.town}/users/{o.admin(o.town)}/disable", headers=admin)
    assert myself.status_code == 422


async def test_adding_an_existing_account_needs_its_password_and_a_known_role(api: Api) -> None:
    o = await offices(api)
    admin = await api.headers(o.admin(o.town))
    await api.add_member(o.neighbour, f"known-{o.town}", ["deputy"])
    body: dict[str, Any] = {"username": f"known-{o.town}", "password": "Wrong-Horse-42", "roles": ["deputy"]}
    assert (await api.client.post(f"/api/v1/t/{o.town}/users", json=body, headers=admin)).status_code == 409
    body["password"] = PASSWORD
    assert (await api.client.post(f"/api/v1/t/{o.town}/users", json=body, headers=admin)).status_code == 201
    assert (await api.client.post(f"/api/v1/t/{o.town}/users", json=body, headers=admin)).status_code == 409
    unknown = {**body, "username": f"odd-{o.town}", "roles": ["mayor"]}
    refused = await api.client.post(
        f"/api/v1/t/{o.town}/users", json=unknown, headers={**admin, "Accept-Language": "en"}
    )
    assert refused.status_code == 422 and "mayor" in refused.json()["detail"]
    roles = await api.client.put(
        f"/api/v1/t/{o.town}/users/known-{o.town}/roles", json={"roles": ["deputy", "teller"]}, headers=admin
    )
    assert roles.status_code == 200 and roles.json()["roles"] == ["deputy", "teller"]
    changed = [e for e in await actions_in(api, o.ids[o.town]) if e[0] == "membership.changed"]
    assert changed == [("membership.changed", o.admin(o.town), f"known-{o.town}")]


async def test_the_negative_list_is_inherited_until_the_office_sets_its_own(api: Api) -> None:
    o = await offices(api)
    county = await api.headers(o.admin(o.county))
    town = await api.headers(o.admin(o.town))
    assert (
        await api.client.put(f"/api/v1/t/{o.county}/negative-list", json={"terms": ["网吧"]}, headers=county)
    ).status_code == 204
    inherited = await api.client.get(f"/api/v1/t/{o.town}/negative-list", headers=town)
    assert inherited.json() == {"terms": ["网吧"], "own": False}
    assert (
        await api.client.put(f"/api/v1/t/{o.town}/negative-list", json={"terms": ["KTV", "KTV"]}, headers=town)
    ).status_code == 204
    assert (await api.client.get(f"/api/v1/t/{o.town}/negative-list", headers=town)).json() == {
        "terms": ["KTV"],
        "own": True,
    }
    assert (
        await api.client.put(f"/api/v1/t/{o.town}/negative-list", json={"terms": None}, headers=town)
    ).status_code == 204
    assert (await api.client.get(f"/api/v1/t/{o.town}/negative-list", headers=town)).json()["own"] is False


async def test_plugin_settings_stay_within_the_plugins_schema(api: Api) -> None:
    o = await offices(api)
    admin = {**await api.headers(o.admin(o.town)), "Accept-Language": "en"}
    url = f"/api/v1/t/{o.town}/settings"
    found = await api.client.get(url, headers=admin)
    assert found.status_code == 200
    defaults = next(p for p in found.json() if p["plugin"] == "minsheng.defaults")
    assert defaults["schema"]["properties"]["rectification_days"]["maximum"] == 730
    bad = await api.client.put(f"{url}/minsheng.defaults", json={"values": {"rectification_days": 9999}}, headers=admin)
    assert bad.status_code == 422 and "minsheng.defaults" in bad.json()["detail"]
    unknown = await api.client.put(f"{url}/minsheng.defaults", json={"values": {"colour": "red"}}, headers=admin)
    assert unknown.status_code == 422
    assert (
        await api.client.put(f"{url}/minsheng.defaults", json={"values": {"rectification_days": 60}}, headers=admin)
    ).status_code == 204
    again = next(p for p in (await api.client.get(url, headers=admin)).json() if p["plugin"] == "minsheng.defaults")
    assert again["own"] == {"rectification_days": 60} and again["effective"]["rectification_days"] == 60
    assert (await api.client.put(f"{url}/not-installed", json={"values": {}}, headers=admin)).status_code == 404


async def test_a_user_changes_its_own_password_and_its_other_logins_end(api: Api) -> None:
    o = await offices(api)
    username = o.admin(o.town)
    first = await api.headers(username)
    login = await api.client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    second = {"Authorization": f"Bearer {login.json()['access_token']}"}
    wrong = {"current_password": "Wrong-Horse-42", "new_password": NEW_PASSWORD}
    assert (await api.client.post("/api/v1/me/password", json=wrong, headers=first)).status_code == 422
    weak = {"current_password": PASSWORD, "new_password": "short"}
    assert (await api.client.post("/api/v1/me/password", json=weak, headers=first)).status_code == 422
    right = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert (await api.client.post("/api/v1/me/password", json=right, headers=first)).status_code == 204
    assert (await api.client.get("/api/v1/me", headers=first)).status_code == 200, "the login that changed it stays"
    assert (await api.client.get("/api/v1/me", headers=second)).status_code == 401, "the others end"
    token = await api.client.post("/api/v1/auth/token", json={"username": username, "password": NEW_PASSWORD})
    assert token.status_code == 200


async def test_a_link_used_twice_at_once_sets_one_password_and_one_name_is_added_once(api: Api) -> None:
    o = await offices(api)
    admin = await api.headers(o.admin(o.town))
    await api.add_member(o.town, f"staff-{o.town}", ["clerk"])
    link = await api.client.post(f"/api/v1/t/{o.town}/users/staff-{o.town}/password-link", headers=admin)
    path = link.json()["path"]
    browsers = [api.browser() for _ in range(2)]
    try:
        forms = []
        for browser, password in zip(browsers, ("First-Choice-77", "Second-Choice-77"), strict=True):
            opened = await browser.get(path)
            found = CSRF.search(opened.text)
            assert found
            forms.append({"password": password, "password_again": password, "_csrf_token": found.group(1)})
        answers = await asyncio.gather(*(b.post(path, data=f) for b, f in zip(browsers, forms, strict=True)))
    finally:
        for browser in browsers:
            await browser.aclose()
    assert sorted(a.status_code for a in answers) == [200, 404]
    winner = forms[[a.status_code for a in answers].index(200)]["password"]
    for password in ("First-Choice-77", "Second-Choice-77"):
        token = await api.client.post("/api/v1/auth/token", json={"username": f"staff-{o.town}", "password": password})
        assert token.status_code == (200 if password == winner else 401)
    body = {"username": f"twice-{o.town}", "password": PASSWORD, "roles": ["clerk"]}
    county = await api.headers(o.admin(o.county))
    added = await asyncio.gather(
        *(api.client.post(f"/api/v1/t/{o.town}/users", json=body, headers=h) for h in (admin, county, admin))
    )
    assert sorted(a.status_code for a in added) == [201, 409, 409]
