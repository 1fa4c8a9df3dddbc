"""Security headers on every answer (platform/docs/hardening.md): a strict Content-Security-Policy (no
inline script: every script is a file under ``/static``), no framing by anyone, HSTS over https, a
referrer kept to the site, no content sniffing. The OpenAPI explorer (``/api/v1/schema``) loads its
viewer's scripts from elsewhere and gets no CSP; nothing else is exempt."""

from __future__ import annotations

from litestar.types import Message, Scope

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # htmx adds its indicator style inline, and documents' previews carry their own stylesheet.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
NO_CSP_PREFIX = "/api/v1/schema"


def _headers(csp: bool, https: bool) -> tuple[tuple[bytes, bytes], ...]:
    headers = [
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"x-content-type-options", b"nosniff"),
    ]
    if csp:
        headers.append((b"content-security-policy", CSP.encode()))
    if https:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return tuple(headers)


# Four answers in all, made once rather than on every response: (with CSP, over https) -> headers.
_BY_KIND = {(csp, https): _headers(csp, https) for csp in (False, True) for https in (False, True)}


def security_headers(path: str, scheme: str) -> list[tuple[bytes, bytes]]:
    """The headers an answer to ``path`` over ``scheme`` carries (pure)."""
    return list(_BY_KIND[(not path.startswith(NO_CSP_PREFIX), scheme == "https")])


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: runs for every answer, error answers of middleware included."""
    if message["type"] != "http.response.start" or scope["type"] != "http":
        return
    extra = security_headers(scope.get("path", ""), scope.get("scheme", "http"))
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    headers.extend(header for header in extra if header[0] not in present)
    message["headers"] = headers
