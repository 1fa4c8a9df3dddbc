"""CSRF tokens are bound to the session: a token from another session (an anonymous ``GET /login``)
beside a victim's session cookie is refused with 403; the ``_csrf`` field is checked like
``_csrf_token``; the CSRF cookie is HttpOnly, SameSite=Strict and Secure over https."""

from __future__ import annotations

import re

import httpx

from minsheng.testing import Api


def _token(page: httpx.Response, field: str = "_csrf_token") -> str:
    found = re.search(rf'name="{field}" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


async def test_a_cross_session_pair_is_refused_with_403(api: Api) -> None:
    await api.make_user("victim")
    async with api.browser() as victim, api.browser() as attacker:
        assert (await api.page_login(victim, "victim")).status_code == 303
        session = victim.cookies["minsheng_session"]
        foreign = _token(await attacker.get("/login"))  # the attacker's own, anonymous pair
        # The victim's session cookie beside the attacker's own CSRF cookie and token.
        attacker.cookies.set("minsheng_session", session, domain="testserver.local")
        assert attacker.cookies["minsheng_csrf"]
        forged = await attacker.post("/logout", data={"_csrf_token": foreign})
        assert f"minsheng_session={session}" in forged.request.headers["cookie"]
        assert forged.status_code == 403, forged.text
        assert (await victim.get("/home")).status_code == 200  # still signed in
        for missing in ({}, {"_csrf_token": "0" * 64}):
            assert (await victim.post("/logout", data=missing)).status_code == 403
        own = _token(await victim.get("/login"), "_csrf")
        assert (await victim.post("/logout", data={"_csrf": own})).status_code == 303


async def test_the_login_token_changes_with_the_session(api: Api) -> None:
    await api.make_user("someone")
    async with api.browser() as browser:
        before = _token(await browser.get("/login"))
        assert (await api.page_login(browser, "someone")).status_code == 303
        after = _token(await browser.get("/login"))
        assert before != after
        # The anonymous token no longer passes once signed in.
        assert (await browser.post("/logout", data={"_csrf_token": before})).status_code == 403


async def test_the_csrf_cookie_is_httponly_strict_and_secure_over_https(api: Api) -> None:
    transport = httpx.ASGITransport(app=api.app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver.local") as browser:
        cookie = (await browser.get("/login")).headers["set-cookie"].lower()
    assert cookie.startswith("minsheng_csrf=")
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    async with api.browser() as plain:
        assert "secure" not in (await plain.get("/login")).headers["set-cookie"].lower()
