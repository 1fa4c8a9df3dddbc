"""The cache epochs: two counters the database bumps when cached request context may be stale.

Triggers (migration 0017) raise ``auth`` on any change of a membership, a user, or a login's validity
(deleted, or its user, kind, CSRF token or expiry changed; not its ``last_seen_at``), and ``tenants`` on
any change of a tenant (its status, plugins, settings, place in the tree). A process keeps what it
cached under the counters it read; reading different ones empties that cache (``minsheng.http.context``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base


class CacheEpochs(Base):
    """The one row (``id`` 1) of counters."""

    __tablename__ = "cache_epochs"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    auth: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tenants: Mapped[int] = mapped_column(BigInteger, nullable=False)


class EpochCache:
    """What one process keeps between requests, good while the counters it was read under hold.

    ``logins`` (token digest → a login with its memberships) goes with ``auth``; ``tenants`` (slug →
    a tenant's chain and hooks) with ``tenants``. What goes in is typed by its one user
    (``minsheng.http.context``); this class only keeps the counters honest.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.auth: int | None = None
        self.tenants_epoch: int | None = None
        self.logins: dict[str, Any] = {}
        self.tenants: dict[str, Any] = {}
        #: Token digest → when it was last used: ``last_seen_at`` refreshes waiting to be written.
        self.touches: dict[str, Any] = {}

    def observe(self, auth: int, tenants: int) -> None:
        """The counters a request just read: what was cached under others is dropped.

        Counters below zero say that nothing bumps them (a distributed database has no triggers:
        ``minsheng.db.citus``): then nothing is kept, and every request reads its context afresh.
        """
        if auth < 0 or tenants < 0:
            self.logins.clear()
            self.tenants.clear()
            self.auth = self.tenants_epoch = None
            return
        if auth != self.auth:
            self.logins.clear()
            self.auth = auth
        if tenants != self.tenants_epoch:
            self.tenants.clear()
            self.tenants_epoch = tenants

    def keep_login(self, auth: int, key: str, value: Any) -> None:
        """Cache a login read after counter ``auth`` was; not when another request saw a newer one."""
        if auth == self.auth:
            if len(self.logins) >= self.limit:
                self.logins.clear()
            self.logins[key] = value

    def keep_tenant(self, tenants: int, key: str, value: Any) -> None:
        if tenants == self.tenants_epoch:
            if len(self.tenants) >= self.limit:
                self.tenants.clear()
            self.tenants[key] = value
