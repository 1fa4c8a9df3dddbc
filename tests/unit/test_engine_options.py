"""Engine options: no TLS to a loopback PostgreSQL unless the URL asks for it."""

from __future__ import annotations

import pytest

from minsheng.db.session import loopback_without_ssl_choice


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("postgresql+asyncpg://app@127.0.0.1:5432/minsheng", True),
        ("postgresql+asyncpg://app@localhost/minsheng", True),
        ("postgresql+asyncpg://app@[::1]:5432/minsheng", True),
        ("postgresql+asyncpg://app@/minsheng?host=/var/run/postgresql", True),
        # The URL's own choice wins, and a database elsewhere keeps the driver's default.
        ("postgresql+asyncpg://app@127.0.0.1/minsheng?ssl=require", False),
        ("postgresql+asyncpg://app@localhost/minsheng?sslmode=verify-full", False),
        ("postgresql+asyncpg://app@db.internal:5432/minsheng", False),
        ("postgresql+asyncpg://app@10.0.0.5/minsheng", False),
        ("sqlite+aiosqlite:///var/minsheng.sqlite3", False),
    ],
)
def test_tls_is_off_only_for_a_loopback_database_without_a_choice(url: str, plain: bool) -> None:
    assert loopback_without_ssl_choice(url) is plain
