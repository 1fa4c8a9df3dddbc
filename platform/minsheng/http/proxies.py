"""The real client behind trusted proxies (``MINSHENG_TRUSTED_PROXIES``, platform/docs/hardening.md).

Behind a load balancer or an ingress every connection comes from the proxy: without this, all
citizens would share one rate-limit bucket and cookies would not know the page was reached over
https. A connection from a trusted proxy (an address or a CIDR of the setting) has its client address
taken from ``X-Forwarded-For`` (the right-most address that is not itself a trusted proxy, so a client
cannot choose its own by sending the header) and its scheme from ``X-Forwarded-Proto``. A connection
from anywhere else is taken as it is, whatever headers it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence

from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str | Iterable[str]) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 192.168.1.7"`` (or its parts) as networks; a bad entry is a ValueError."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in parts if part.strip())


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def real_client(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy, then the right-most address of
    ``forwarded_for`` that is not a trusted proxy (pure)."""
    if not _trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: nothing left of it can be believed
        client = hop
        if not _trusted(hop, networks):
            break
    return client


def _header(scope: Scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers", []) if key.lower() == name]
    return ",".join(values)


def proxy_middleware_for(networks: Sequence[Network]) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware for these trusted proxies (none: requests are taken as they come)."""

    def proxy_middleware(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            if networks and scope["type"] in ("http", "websocket") and client and _trusted(client[0], networks):
                real = real_client(client[0], _header(scope, b"x-forwarded-for"), networks)
                scope["client"] = (real, client[1])
                proto = _header(scope, b"x-forwarded-proto").split(",")[0].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
            await app(scope, receive, send)

        return middleware

    return proxy_middleware
