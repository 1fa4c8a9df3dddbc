"""A request's cached context (``minsheng.http.context``) never outlives a change: the next request sees it.

Each test first makes the process cache what it will change (the same request twice), then changes it
through the API or behind the app's back (a service in a session of its own, as another process
would), and asks again. On PostgreSQL and SQLite alike: the cache epochs are bumped by triggers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from minsheng.accounts import services as accounts
from minsheng.accounts.models import AuthSession, User
from minsheng.accounts.services import TOUCH_INTERVAL, digest_of
from minsheng.db.base import utcnow
from minsheng.http.context import write_touches
from minsheng.tenancy.models import Tenant
from minsheng.testing import Api, random_slug


async def member(api: Api, roles: list[str]) -> tuple[str, str, dict[str, str]]:
    slug = random_slug("ctx")
    await api.create_tenant(f"{slug}-p", "province")
    await api.create_tenant(slug, "county", f"{slug}-p")
    username = f"clerk-{slug}"
    await api.add_member(slug, username, roles)
    return slug, username, await api.headers(username)


def cached_logins(api: Api) -> dict[str, object]:
    return dict(api.services.database.context_cache.logins)


async def test_a_token_revoked_anywhere_is_refused_at_once(api: Api) -> None:
    slug, username, headers = await member(api, ["clerk"])
    profile = f"/api/v1/t/{slug}/"
    for _ in range(2):
        assert (await api.client.get(profile, headers=headers)).status_code == 200
    secret = headers["Authorization"].removeprefix("Bearer ")
    assert digest_of(secret) in cached_logins(api), "the second request came from the cache"

    # Logged out through the API: the token is gone for the next request.
    assert (await api.client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await api.client.get(profile, headers=headers)).status_code == 401

    # A new token, revoked by a service in its own transaction (another process, the CLI).
    api.tokens.pop(username)
    headers = await api.headers(username)
    assert (await api.client.get(profile, headers=headers)).status_code == 200
    async with api.services.database.session() as session:
        user = (await session.execute(User.__table__.select().where(User.username == username))).one()
        await accounts.revoke_sessions(session, user.id)
    assert (await api.client.get(profile, headers=headers)).status_code == 401


async def test_a_deactivated_user_or_an_expiry_moved_back_is_seen_at_once(api: Api) -> None:
    slug, username, headers = await member(api, ["clerk"])
    profile = f"/api/v1/t/{slug}/"
    assert (await api.client.get(profile, headers=headers)).status_code == 200
    digest = digest_of(headers["Authorization"].removeprefix("Bearer "))
    async with api.services.database.session() as session:
        await session.execute(update(AuthSession).where(AuthSession.id == digest).values(expires_at=utcnow()))
    assert (await api.client.get(profile, headers=headers)).status_code == 401

    api.tokens.pop(username)
    headers = await api.headers(username)
    assert (await api.client.get(profile, headers=headers)).status_code == 200
    async with api.services.database.session() as session:
        await session.execute(update(User).where(User.username == username).values(is_active=False))
    assert (await api.client.get(profile, headers=headers)).status_code == 401


async def test_a_removed_role_or_membership_is_seen_by_the_next_request(api: Api) -> None:
    slug, username, headers = await member(api, ["clerk"])
    projects = f"/api/v1/t/{slug}/projects"
    for _ in range(2):
        assert (await api.client.get(projects, headers=headers)).status_code == 200

    changed = await api.client.put(
        f"/api/v1/admin/tenants/{slug}/members/{username}", json={"roles": ["deputy"]}, headers=await api.operator()
    )
    assert changed.status_code == 200, changed.text
    assert (await api.client.get(projects, headers=headers)).status_code == 403  # a deputy reads no pool

    removed = await api.client.delete(f"/api/v1/admin/tenants/{slug}/members/{username}", headers=await api.operator())
    assert removed.status_code == 204, removed.text
    assert (await api.client.get(f"/api/v1/t/{slug}/", headers=headers)).status_code == 404


async def test_a_tenants_plugins_and_status_are_seen_by_the_next_request(api: Api) -> None:
    slug, _username, headers = await member(api, ["clerk"])
    profile = f"/api/v1/t/{slug}/"
    first = await api.client.get(profile, headers=headers)
    assert first.status_code == 200
    assert "zhejiang" not in first.json()["plugins"]
    assert slug in api.services.database.context_cache.tenants, "the tenant is cached"

    operator = await api.operator()
    patched = await api.client.patch(
        f"/api/v1/admin/tenants/{slug}", json={"plugins": ["minsheng.defaults", "zhejiang"]}, headers=operator
    )
    assert patched.status_code == 200, patched.text
    assert "zhejiang" in (await api.client.get(profile, headers=headers)).json()["plugins"]

    # Suspended behind the app's back: the tenant answers 404 to its members from the next request on.
    async with api.services.database.session() as session:
        await session.execute(update(Tenant).where(Tenant.slug == slug).values(status="suspended"))
    assert (await api.client.get(profile, headers=headers)).status_code == 404


async def test_an_api_tokens_last_seen_is_written_beside_the_request_and_keeps_the_cache(api: Api) -> None:
    slug, _username, headers = await member(api, ["clerk"])
    digest = digest_of(headers["Authorization"].removeprefix("Bearer "))
    long_ago = utcnow() - TOUCH_INTERVAL * 5
    async with api.services.database.session() as session:
        await session.execute(update(AuthSession).where(AuthSession.id == digest).values(last_seen_at=long_ago))

    assert (await api.client.get(f"/api/v1/t/{slug}/", headers=headers)).status_code == 200
    assert await last_seen(api, digest) == long_ago, "the request itself writes nothing"
    assert await write_touches(api.services.database) == 1
    assert await last_seen(api, digest) > long_ago + TOUCH_INTERVAL * 4
    assert await write_touches(api.services.database) == 0, "once per token and interval"

    # The refresh does not bump the epochs: the token is still served from the process's cache.
    assert digest in cached_logins(api)
    assert (await api.client.get(f"/api/v1/t/{slug}/", headers=headers)).status_code == 200
    assert digest in cached_logins(api)


async def last_seen(api: Api, digest: str) -> datetime:
    async with api.services.database.session() as session:
        row = await session.get(AuthSession, digest, populate_existing=True)
        assert row is not None
        moment = row.last_seen_at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
