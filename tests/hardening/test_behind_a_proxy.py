"""Behind a proxy at another address with ``MINSHENG_TRUSTED_PROXIES`` set, two clients are limited
separately and the session cookie is Secure when the original scheme was https; forwarded headers from
anyone else are not believed."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from minsheng.settings import Settings
from minsheng.testing import PASSWORD, Api

PROXY = "10.20.0.5"
SUGGESTION = {"content": "村里的道路坑坑洼洼，希望修一修"}


@pytest.fixture
async def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, trusted_proxies=("10.20.0.0/16",), suggestion_rate_per_minute=2)


async def _suggest(proxy: Any, office: Any, forwarded_for: str) -> int:
    response = await proxy.post(
        f"{office.base}/suggestions", json=SUGGESTION, headers={"X-Forwarded-For": forwarded_for}
    )
    return int(response.status_code)


async def test_two_clients_behind_a_trusted_proxy_are_limited_separately(office: Any, client_from: Any) -> None:
    async with client_from(PROXY) as proxy:
        first = [await _suggest(proxy, office, "203.0.113.1") for _ in range(3)]
        # A client prepending an address of its choice does not get a bucket of its own.
        spoofed = await _suggest(proxy, office, "198.51.100.9, 203.0.113.1")
        second = [await _suggest(proxy, office, "203.0.113.2") for _ in range(2)]
    assert first == [201, 201, 429]
    assert spoofed == 429
    assert second == [201, 201]


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(office: Any, client_from: Any) -> None:
    async with client_from("192.0.2.44") as stranger:
        statuses = [await _suggest(stranger, office, f"203.0.113.{n}") for n in range(3)]
    assert statuses == [201, 201, 429]  # one bucket: the connection's own address


async def _login(client_from: Any, address: str, headers: dict[str, str]) -> Any:
    """Open the login page and post it, from a browser of its own behind ``address``."""
    async with client_from(address) as client:
        page = await client.get("/login", headers=headers)
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        # Sent by hand: the jar keeps a Secure cookie from a plain-http test client.
        cookies = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
        client.cookies.clear()
        form = {"username": "proxied", "password": PASSWORD, "next": "/", "_csrf_token": token}
        return await client.post("/login", data=form, headers={**headers, "Cookie": cookies})


def _session_cookie(response: Any) -> str:
    found = [v for v in response.headers.get_list("set-cookie") if v.startswith("minsheng_session=")]
    assert found, response.text[:300]
    return found[0].lower()


async def test_the_session_cookie_is_secure_when_the_original_scheme_was_https(api: Api, client_from: Any) -> None:
    await api.make_user("proxied")
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    https = await _login(client_from, PROXY, {"X-Forwarded-Proto": "https", **forwarded})
    assert https.status_code == 303, https.text
    assert "secure" in _session_cookie(https)
    assert "secure" in https.headers.get("set-cookie", "").lower()  # the CSRF cookie too
    http = await _login(client_from, PROXY, {"X-Forwarded-Proto": "http", **forwarded})
    assert "secure" not in _session_cookie(http)
    # Only a trusted proxy says what the scheme was.
    claimed = await _login(client_from, "192.0.2.44", {"X-Forwarded-Proto": "https"})
    assert "secure" not in _session_cookie(claimed)
