"""Accounts (platform/docs/api.md: authentication; 等保 level 3: 身份鉴别, 登录失败处理, 会话超时).

Time is moved by moving the stored instants back (``locked_until``, ``expires_at``, ``last_seen_at``),
as if the clock had run on.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result
from sqlalchemy import select, update
from sqlalchemy.sql import Executable

from minsheng.accounts.models import AuthSession, LoginThrottle, Membership, User
from minsheng.accounts.throttling import FIRST_DELAY_SECONDS
from minsheng.app import create_app
from minsheng.cli import main
from minsheng.db.base import utcnow
from minsheng.db.migrate import upgrade
from minsheng.testing import PASSWORD, Api, make_settings, running

WRONG = "Wrong-Horse-42"


# --- helpers -----------------------------------------------------------------------------------------


async def execute(api: Api, statement: Executable) -> None:
    """Change stored rows behind the app's back (the clock moving on, say)."""
    async with api.services.database.session() as session:
        await session.execute(statement)


async def stored_user(api: Api, username: str) -> User | None:
    async with api.services.database.session() as session:
        return (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()


async def stored_throttle(api: Api, username: str) -> LoginThrottle | None:
    async with api.services.database.session() as session:
        query = select(LoginThrottle).where(LoginThrottle.username == username)
        return (await session.execute(query)).scalar_one_or_none()


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def ask_token(api: Api, username: str, password: str, **headers: str) -> httpx.Response:
    return await api.client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, headers=headers
    )


async def me(api: Api, token: str) -> httpx.Response:
    return await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def new_browser(api: Api) -> httpx.AsyncClient:
    return api.browser()


async def login_form_token(browser: httpx.AsyncClient) -> str:
    assert_token = await Api.login_form_token(browser)
    assert "minsheng_csrf" in browser.cookies
    return assert_token


async def page_login(browser: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    token = await login_form_token(browser)
    return await browser.post(
        "/login", data={"username": username, "password": password, "next": "/", "_csrf_token": token}
    )


def signed_in_as(page: httpx.Response, username: str) -> bool:
    return f"当前用户：{username}" in page.text and 'action="/logout"' in page.text


# --- tokens, wrong passwords and lockout ---------------------------------------------------------------


async def test_the_right_password_gives_a_bearer_token(api: Api) -> None:
    await api.make_user("wang")
    response = await ask_token(api, "wang", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == api.services.settings.token_lifetime_minutes * 60
    assert len(body["access_token"]) >= 32
    profile = await me(api, body["access_token"])
    assert profile.status_code == 200
    assert profile.json()["username"] == "wang"


async def test_a_wrong_password_is_401_problem_details_in_the_callers_language(api: Api) -> None:
    await api.make_user("wang")
    zh = await ask_token(api, "wang", WRONG)
    assert zh.status_code == 401
    assert zh.headers["content-type"].startswith("application/problem+json")
    assert zh.json()["detail"] == "用户名或密码错误"
    en = await ask_token(api, "wang", WRONG, **{"Accept-Language": "en"})
    assert en.json()["detail"] == "Wrong username or password"


async def test_an_unknown_user_is_answered_like_a_wrong_password(api: Api) -> None:
    await api.make_user("wang")
    known = await ask_token(api, "wang", WRONG)
    unknown = await ask_token(api, "nobody-here", WRONG)
    assert unknown.status_code == known.status_code == 401
    assert unknown.json() == known.json()
    assert unknown.headers["content-type"] == known.headers["content-type"]
    assert "www-authenticate" not in unknown.headers or unknown.headers == known.headers


async def test_an_unknown_user_is_locked_out_like_a_known_one(api: Api) -> None:
    await api.make_user("wang")
    for _ in range(api.services.settings.lockout_threshold):
        await ask_token(api, "wang", WRONG)
        await ask_token(api, "nobody-here", WRONG)
    known = await ask_token(api, "wang", WRONG)
    unknown = await ask_token(api, "nobody-here", WRONG)
    assert unknown.status_code == known.status_code


async def test_after_the_threshold_of_failures_a_stranger_waits_even_with_the_right_password(api: Api) -> None:
    await api.make_user("wang")
    threshold = api.services.settings.lockout_threshold
    assert threshold == 5
    for _ in range(threshold):
        assert (await ask_token(api, "wang", WRONG)).status_code == 401
    locked = await ask_token(api, "wang", PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["content-type"].startswith("application/problem+json")
    # The first wait is short; each further failure doubles it (accounts/throttling.py).
    wait = int(locked.headers["Retry-After"])
    assert FIRST_DELAY_SECONDS - 5 <= wait <= FIRST_DELAY_SECONDS + 1
    assert locked.json()["detail"] == "登录失败次数过多，请 1 分钟后再试"
    # Wrong passwords while locked do not prolong the lock.
    assert (await ask_token(api, "wang", WRONG)).status_code == 429
    assert int((await ask_token(api, "wang", WRONG)).headers["Retry-After"]) <= wait


async def test_the_lock_ends_when_its_time_has_passed(api: Api) -> None:
    await api.make_user("wang")
    for _ in range(api.services.settings.lockout_threshold):
        await ask_token(api, "wang", WRONG)
    assert (await ask_token(api, "wang", PASSWORD)).status_code == 429
    await execute(
        api,
        update(LoginThrottle)
        .where(LoginThrottle.username == "wang")
        .values(locked_until=utcnow() - timedelta(seconds=1)),
    )
    assert (await ask_token(api, "wang", PASSWORD)).status_code == 200
    assert await stored_throttle(api, "wang") is None


async def test_a_success_resets_the_failure_count(api: Api) -> None:
    await api.make_user("wang")
    threshold = api.services.settings.lockout_threshold
    for _ in range(threshold - 1):
        assert (await ask_token(api, "wang", WRONG)).status_code == 401
    throttle = await stored_throttle(api, "wang")
    assert throttle is not None and throttle.failures == threshold - 1
    assert (await ask_token(api, "wang", PASSWORD)).status_code == 200
    assert await stored_throttle(api, "wang") is None
    for _ in range(threshold - 1):
        assert (await ask_token(api, "wang", WRONG)).status_code == 401
    assert (await ask_token(api, "wang", PASSWORD)).status_code == 200


async def test_concurrent_wrong_passwords_all_count_towards_the_lock(api: Api) -> None:
    await api.make_user("wang")
    threshold = api.services.settings.lockout_threshold
    answers = await asyncio.gather(*(ask_token(api, "wang", WRONG) for _ in range(threshold * 2)))
    assert {a.status_code for a in answers} <= {401, 429}
    assert (await ask_token(api, "wang", PASSWORD)).status_code == 429


async def test_the_page_login_counts_towards_the_same_lock(api: Api) -> None:
    await api.make_user("wang")
    async with new_browser(api) as browser:
        for _ in range(api.services.settings.lockout_threshold):
            refused = await page_login(browser, "wang", WRONG)
            assert refused.status_code == 401
            assert "用户名或密码错误" in refused.text
            assert "minsheng_session" not in refused.cookies
        locked = await page_login(browser, "wang", PASSWORD)
        assert locked.status_code == 429
        assert "登录失败次数过多" in locked.text
        assert "minsheng_session" not in browser.cookies
    assert (await ask_token(api, "wang", PASSWORD)).status_code == 429


# --- creating users: the password policy, one user in several tenants ----------------------------------


async def test_a_weak_password_is_refused_with_a_translated_reason_and_creates_nothing(api: Api) -> None:
    await api.create_tenant("prov", "province")
    operator = await api.operator()
    body = {"username": "li.ming", "password": "Short-1", "display_name": "李明", "roles": ["deputy"]}
    zh = await api.client.post("/api/v1/admin/tenants/prov/users", json=body, headers=operator)
    assert zh.status_code == 422
    assert zh.headers["content-type"].startswith("application/problem+json")
    assert zh.json()["detail"] == "密码长度至少为 10 位"
    en = await api.client.post(
        "/api/v1/admin/tenants/prov/users", json=body, headers={**operator, "Accept-Language": "en"}
    )
    assert en.status_code == 422
    assert en.json()["detail"] == "The password must be at least 10 characters long"
    for password, zh_detail in [
        ("alllowercase12", "密码须至少包含小写字母、大写字母、数字、符号中的三类"),
        ("Li.Ming-2024!", "密码不得包含用户名"),
    ]:
        refused = await api.client.post(
            "/api/v1/admin/tenants/prov/users", json={**body, "password": password}, headers=operator
        )
        assert refused.status_code == 422
        assert refused.json()["detail"] == zh_detail
    assert await stored_user(api, "li.ming") is None
    assert (await ask_token(api, "li.ming", "Short-1")).status_code == 401


async def test_one_user_belongs_to_two_tenants_when_added_with_the_right_password(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    first = await api.add_member("prov", "wang", ["deputy"])
    second = await api.add_member("city", "wang", ["presidium", "teller"])
    assert second["id"] == first["id"]
    assert second["roles"] == ["presidium", "teller"]
    profile = await me(api, await api.token("wang"))
    assert profile.status_code == 200
    assert [(m["tenant"], m["roles"]) for m in profile.json()["memberships"]] == [
        ("city", ["presidium", "teller"]),
        ("prov", ["deputy"]),
    ]


async def test_adding_an_existing_user_with_a_wrong_password_is_409_and_grants_nothing(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    await api.add_member("prov", "wang", ["deputy"])
    refused = await api.client.post(
        "/api/v1/admin/tenants/city/users",
        json={"username": "wang", "password": WRONG, "display_name": "x", "roles": ["tenant_admin"]},
        headers=await api.operator(),
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["detail"] == "用户名 wang 已存在"
    profile = await me(api, await api.token("wang"))
    assert [m["tenant"] for m in profile.json()["memberships"]] == ["prov"]
    user = await stored_user(api, "wang")
    assert user is not None
    async with api.services.database.session() as session:
        rows = (await session.execute(select(Membership).where(Membership.user_id == user.id))).scalars().all()
    assert len(rows) == 1


# --- bearer tokens ---------------------------------------------------------------------------------------


async def test_logout_revokes_the_token(api: Api) -> None:
    await api.make_user("wang")
    token = await api.token("wang")
    other = (await ask_token(api, "wang", PASSWORD)).json()["access_token"]
    assert (await me(api, token)).status_code == 200
    out = await api.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    gone = await me(api, token)
    assert gone.status_code == 401
    assert gone.headers["content-type"].startswith("application/problem+json")
    again = await api.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
    assert (await me(api, other)).status_code == 200, "only the token used is revoked"


async def test_an_expired_token_is_401(api: Api) -> None:
    await api.make_user("wang")
    token = await api.token("wang")
    async with api.services.database.session() as session:
        row = await session.get(AuthSession, digest(token))
        assert row is not None
        assert row.kind == "api"
        lifetime = row.expires_at - row.last_seen_at
    assert lifetime == timedelta(minutes=api.services.settings.token_lifetime_minutes)
    await execute(
        api,
        update(AuthSession).where(AuthSession.id == digest(token)).values(expires_at=utcnow() - timedelta(seconds=1)),
    )
    assert (await me(api, token)).status_code == 401


async def test_a_made_up_or_malformed_token_is_401(api: Api) -> None:
    await api.make_user("wang")
    for header in ["Bearer not-a-token", "Bearer ", "Basic d2FuZzpwdw==", "bearer"]:
        response = await api.client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
    assert (await api.client.get("/api/v1/me")).status_code == 401


# --- cookie sessions for pages ----------------------------------------------------------------------------


async def test_page_login_sets_an_httponly_session_cookie_and_the_page_shows_the_user(api: Api) -> None:
    await api.make_user("wang")
    async with new_browser(api) as browser:
        anonymous = await browser.get("/")
        assert anonymous.status_code == 200
        assert not signed_in_as(anonymous, "wang")
        response = await page_login(browser, "wang")
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        set_cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("minsheng_session="))
        attributes = [a.strip().lower() for a in set_cookie.split(";")]
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert "path=/" in attributes
        home = await browser.get("/")
        assert home.status_code == 200
        assert signed_in_as(home, "wang")


async def test_the_session_cookie_does_not_authenticate_api_calls(api: Api) -> None:
    await api.make_user("wang")
    async with new_browser(api) as browser:
        assert (await page_login(browser, "wang")).status_code == 303
        assert "minsheng_session" in browser.cookies
        assert (await browser.get("/api/v1/me")).status_code == 401
        assert (await browser.post("/api/v1/auth/logout")).status_code == 401
        assert signed_in_as(await browser.get("/"), "wang"), "the refused calls did not end the session"


async def test_a_bearer_token_does_not_open_a_page_session(api: Api) -> None:
    await api.make_user("wang")
    token = await api.token("wang")
    async with new_browser(api) as browser:
        browser.cookies.set("minsheng_session", token)
        assert not signed_in_as(await browser.get("/"), "wang")


async def test_login_and_logout_without_the_csrf_token_are_refused(api: Api) -> None:
    await api.make_user("wang")
    async with new_browser(api) as browser:
        await login_form_token(browser)  # the cookie is there, the field is not
        no_field = await browser.post("/login", data={"username": "wang", "password": PASSWORD})
        assert no_field.status_code == 403
        assert "minsheng_session" not in browser.cookies
        wrong_field = await browser.post(
            "/login", data={"username": "wang", "password": PASSWORD, "_csrf_token": "forged"}
        )
        assert wrong_field.status_code == 403
    async with new_browser(api) as browser:
        no_cookie = await browser.post("/login", data={"username": "wang", "password": PASSWORD})
        assert no_cookie.status_code == 403
        assert "minsheng_session" not in browser.cookies

    async with new_browser(api) as browser:
        assert (await page_login(browser, "wang")).status_code == 303
        refused = await browser.post("/logout")
        assert refused.status_code == 403
        assert signed_in_as(await browser.get("/"), "wang"), "a forged logout leaves the session alone"


async def test_logout_with_the_csrf_token_ends_the_session(api: Api) -> None:
    await api.make_user("wang")
    async with new_browser(api) as browser:
        assert (await page_login(browser, "wang")).status_code == 303
        secret = browser.cookies["minsheng_session"]
        home = await browser.get("/")
        found = re.search(r'name="_csrf_token" value="([^"]+)"', home.text)
        assert found
        out = await browser.post("/logout", data={"_csrf_token": found.group(1)})
        assert out.status_code == 303
        assert out.headers["location"] == "/"
        assert "minsheng_session" not in browser.cookies
        assert not signed_in_as(await browser.get("/"), "wang")
    async with api.services.database.session() as session:
        assert await session.get(AuthSession, digest(secret)) is None
    async with new_browser(api) as replay:
        replay.cookies.set("minsheng_session", secret)
        assert not signed_in_as(await replay.get("/"), "wang"), "the old cookie is worthless"


async def test_an_idle_session_is_no_longer_accepted(api: Api) -> None:
    await api.make_user("wang")
    idle = timedelta(minutes=api.services.settings.session_idle_minutes)
    async with new_browser(api) as browser:
        assert (await page_login(browser, "wang")).status_code == 303
        row_id = digest(browser.cookies["minsheng_session"])

        await execute(
            api,
            update(AuthSession)
            .where(AuthSession.id == row_id)
            .values(last_seen_at=utcnow() - idle + timedelta(minutes=1)),
        )
        assert signed_in_as(await browser.get("/"), "wang"), "a minute short of the limit is not idle"

        await execute(
            api,
            update(AuthSession)
            .where(AuthSession.id == row_id)
            .values(last_seen_at=utcnow() - idle - timedelta(minutes=1)),
        )
        logged_out = await browser.get("/")
        assert logged_out.status_code == 200
        assert not signed_in_as(logged_out, "wang")
        assert 'href="/login"' in logged_out.text
    async with api.services.database.session() as session:
        assert await session.get(AuthSession, row_id) is None, "the idle session is removed"


async def test_an_active_session_stays_alive_past_the_idle_limit(api: Api) -> None:
    await api.make_user("wang")
    idle = timedelta(minutes=api.services.settings.session_idle_minutes)
    async with new_browser(api) as browser:
        assert (await page_login(browser, "wang")).status_code == 303
        row_id = digest(browser.cookies["minsheng_session"])
        for _ in range(3):
            # Each visit comes just before the limit and counts as activity.
            await execute(
                api,
                update(AuthSession)
                .where(AuthSession.id == row_id)
                .values(last_seen_at=utcnow() - idle + timedelta(minutes=1)),
            )
            assert signed_in_as(await browser.get("/"), "wang")


# --- the command line -------------------------------------------------------------------------------------


def invoke(args: list[str], env: dict[str, Any], password: str | None, input: str | None = None) -> Result:
    environment = {"MINSHENG_PASSWORD": password, "MINSHENG_SECRET_KEY": "cli-test-secret-of-at-least-32-bytes", **env}
    return CliRunner().invoke(main, args, env=environment, input=input)


async def cli_database(tmp_path: Path) -> dict[str, Any]:
    """A migrated SQLite file (the one ``make_settings(tmp_path)`` uses) and the CLI's environment for it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'minsheng.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    return {"MINSHENG_DATABASE_URL": url, "MINSHENG_DATA_DIR": str(tmp_path)}


async def token_answer(tmp_path: Path, username: str, password: str) -> tuple[int, dict[str, Any] | None]:
    """Ask the app running on that file for a token; the status and, when given one, the profile."""
    app = create_app(make_settings(tmp_path))
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            answer = await client.post("/api/v1/auth/token", json={"username": username, "password": password})
            if answer.status_code != 200:
                return answer.status_code, None
            token = answer.json()["access_token"]
            profile = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            return answer.status_code, dict(profile.json())


async def test_cli_users_add_creates_a_platform_operator_who_can_get_a_token(tmp_path: Path) -> None:
    env = await cli_database(tmp_path)
    result = await asyncio.to_thread(invoke, ["users", "add", "ops.admin", "--platform-admin"], env, PASSWORD)
    assert result.exit_code == 0, result.output
    assert "ops.admin" in result.output
    status, profile = await token_answer(tmp_path, "ops.admin", PASSWORD)
    assert status == 200
    assert profile is not None
    assert profile["platform_admin"] is True
    assert profile["username"] == "ops.admin"


async def test_cli_users_add_without_the_flag_creates_an_ordinary_user(tmp_path: Path) -> None:
    env = await cli_database(tmp_path)
    result = await asyncio.to_thread(invoke, ["users", "add", "clerk"], env, PASSWORD)
    assert result.exit_code == 0, result.output
    status, profile = await token_answer(tmp_path, "clerk", PASSWORD)
    assert status == 200
    assert profile is not None and profile["platform_admin"] is False


async def test_cli_users_add_prompts_for_the_password_when_the_environment_has_none(tmp_path: Path) -> None:
    env = await cli_database(tmp_path)
    result = await asyncio.to_thread(
        invoke, ["users", "add", "ops.admin", "--platform-admin"], env, None, f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output, "the password is not echoed"
    status, _profile = await token_answer(tmp_path, "ops.admin", PASSWORD)
    assert status == 200


async def test_cli_users_add_refuses_a_weak_password_clearly(tmp_path: Path) -> None:
    env = await cli_database(tmp_path)
    for password, message in [
        ("short-1A", "The password must be at least 10 characters long"),
        ("onlylowercaseletters", "The password must mix at least three of"),
        ("Ops.Admin-2024", "The password must not contain the user name"),
    ]:
        result = await asyncio.to_thread(invoke, ["users", "add", "ops.admin", "--platform-admin"], env, password)
        assert result.exit_code != 0
        assert message in result.output
        assert "Traceback" not in result.output
    status, _profile = await token_answer(tmp_path, "ops.admin", "short-1A")
    assert status == 401


async def test_cli_users_add_refuses_a_taken_name(tmp_path: Path) -> None:
    env = await cli_database(tmp_path)
    assert (await asyncio.to_thread(invoke, ["users", "add", "ops.admin"], env, PASSWORD)).exit_code == 0
    again = await asyncio.to_thread(invoke, ["users", "add", "ops.admin", "--platform-admin"], env, PASSWORD)
    assert again.exit_code != 0
    assert "A user named ops.admin already exists" in again.output
