"""CSRF protection bound to the session (platform/docs/hardening.md).

A form's token is an HMAC, under the key derived for CSRF (``minsheng.secrets_policy``), of what
identifies the browser's session: the digest of the session cookie once signed in, else a random
pre-session cookie (``minsheng_csrf``, set on the first page). A token is only good with the cookie it
was made for: a token taken from another session (an anonymous ``GET /login`` of the attacker's, say)
beside a victim's session cookie is refused with ``403``.

Every request that changes something (POST, PUT, PATCH, DELETE) outside the bearer-token API must
send its token in the ``X-CSRF-Token`` header (htmx) or a form's ``_csrf_token`` or ``_csrf`` field.
The pre-session cookie is HttpOnly, SameSite=Strict and Secure over https. The token of the request is
put where the templates read it (``ScopeState.csrf_token``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Sequence
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send
from litestar.utils.scope.state import ScopeState

from minsheng.http.dependencies import SESSION_COOKIE
from minsheng.secrets_policy import CSRF, derived_key

COOKIE = "minsheng_csrf"
HEADER = b"x-csrf-token"
FIELDS = ("_csrf_token", "_csrf")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Paths that take no cookie session (bearer tokens, probes): anchored patterns.
EXCLUDED = (re.compile(r"^/api/"), re.compile(r"^/health$"), re.compile(r"^/ready$"), re.compile(r"^/metrics"))
FAILED = "CSRF token verification failed"
MAX_FORM_BYTES = 16 * 1024 * 1024


def session_binding(session_cookie: str | None, presession_cookie: str | None) -> str | None:
    """What the token is bound to: the signed-in session (its stored id, the cookie's digest), else the
    pre-session cookie; None when the browser has neither yet."""
    if session_cookie:
        return "s:" + hashlib.sha256(session_cookie.encode()).hexdigest()
    if presession_cookie:
        return "a:" + presession_cookie
    return None


def token_for(key: bytes, binding: str) -> str:
    """The token of a session binding (pure)."""
    return hmac.new(key, binding.encode(), hashlib.sha256).hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 - a malformed cookie header is just no cookie
                continue
    return {name: morsel.value for name, morsel in jar.items()}


def _form_token(body: bytes, content_type: str) -> str | None:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return None
        return next((fields[name] for name in FIELDS if fields.get(name)), None)
    if kind == "multipart/form-data":
        for name in FIELDS:
            found = re.search(rb'name="' + name.encode() + rb'"\r\n(?:[^\r\n]+\r\n)*\r\n([0-9a-f]{16,128})\r\n', body)
            if found:
                return found.group(1).decode()
    return None


def csrf_middleware_for(
    secret_key: str, excluded: Sequence[re.Pattern[str]] = EXCLUDED
) -> Callable[[ASGIApp], ASGIApp]:
    key = derived_key(secret_key, CSRF)

    def csrf_middleware(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or any(p.search(scope.get("path", "")) for p in excluded):
                await app(scope, receive, send)
                return
            cookies = _cookies(scope)
            fresh = None
            binding = session_binding(cookies.get(SESSION_COOKIE), cookies.get(COOKIE))
            if binding is None:
                fresh = secrets.token_urlsafe(24)
                binding = session_binding(None, fresh)
            assert binding is not None
            expected = token_for(key, binding)
            ScopeState.from_scope(scope).csrf_token = expected
            if scope.get("method", "GET") not in SAFE_METHODS:
                receive = await _check(scope, receive, expected)
            if fresh is None:
                await app(scope, receive, send)
                return
            secure = "; Secure" if scope.get("scheme") == "https" else ""
            cookie = f"{COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Strict{secure}".encode("latin-1")

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
                await send(message)

            await app(scope, receive, send_with_cookie)

        return middleware

    return csrf_middleware


async def _check(scope: Scope, receive: Receive, expected: str) -> Receive:
    """Refuse the request unless it carries ``expected``; the receive that replays the body read."""
    headers = dict(scope.get("headers", []))
    sent = headers.get(HEADER, b"").decode("latin-1")
    if sent and hmac.compare_digest(sent, expected):
        return receive
    chunks: list[ReceiveMessage] = []
    size, complete = 0, False
    while not complete and size <= MAX_FORM_BYTES:
        message = await receive()
        chunks.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        complete = not message.get("more_body", False)
    body = b"".join(m.get("body", b"") for m in chunks if m["type"] == "http.request")
    token = _form_token(body, headers.get(b"content-type", b"").decode("latin-1")) if complete else None
    if not token or not hmac.compare_digest(token, expected):
        raise PermissionDeniedException(detail=FAILED)

    async def replay() -> ReceiveMessage:
        if chunks:
            return chunks.pop(0)
        return await receive()

    return replay
