"""``minsheng.testing_tenant``: one tenant under test, with members and deputies written directly.

The companion of :mod:`minsheng.testing` for tests that need people in a tenant: the platform's own
fixtures (``tests/congress``, ``tests/supervision``, ``tests/documents``, ``tests/implementation``)
and plugin authors' build on :class:`TenantUnderTest`::

    @dataclass
    class Hall(TenantUnderTest):
        async def vote(self, round_id: str, deputy: int, ballot: dict[str, Any]) -> Any:
            return await self.api.client.post(
                f"{self.base}/rounds/{round_id}/ballots", json=ballot, headers=self.deputy_headers[deputy]
            )

    hall = await Hall.open_county(api)
    await hall.add_member(f"clerk-{hall.slug}", ["tenant_admin", "presidium"])
    await hall.add_deputies(30)

Members and deputies are written in one transaction each (a user with an unusable password, the
membership, the roster entry, an API token), because 300 logins through argon2 would take minutes and
test nothing; ``api.headers(username)`` knows every member's token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership, User
from minsheng.congress.models import Deputy
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api, random_slug

#: A password hash no password matches: these users sign in with their API tokens only.
NO_PASSWORD = "!"  # noqa: S105


@dataclass
class TenantUnderTest:
    """A tenant of the test's app: its slug and id, and the deputies added with their API headers."""

    api: Api
    slug: str
    tenant_id: uuid.UUID
    deputies: list[uuid.UUID] = field(default_factory=list, kw_only=True)
    deputy_headers: list[dict[str, str]] = field(default_factory=list, kw_only=True)

    #: Headers every deputy's requests carry besides the token (e.g. ``{"Accept-Language": "en"}``).
    deputy_extra_headers: ClassVar[dict[str, str]] = {}

    @classmethod
    async def open_county(cls, api: Api, *, province: dict[str, Any] | None = None, **county: Any) -> Self:
        """A new county (slug ``county-…``) under a province of its own (``<slug>-p``).

        ``province`` and ``county``: further fields of each tenant (``name``, ``plugins``, ``settings``).
        """
        slug = random_slug("county")
        await api.create_tenant(f"{slug}-p", "province", **(province or {}))
        created = await api.create_tenant(slug, "county", f"{slug}-p", **county)
        return cls(api=api, slug=slug, tenant_id=uuid.UUID(created["id"]))

    @property
    def base(self) -> str:
        """The tenant's API prefix."""
        return f"/api/v1/t/{self.slug}"

    def scope(self) -> Any:
        """The tenancy context of this tenant, to write its rows directly."""
        return tenant_scope(TenantRef(self.tenant_id, self.slug))

    async def add_member(
        self, username: str, roles: list[str], *, tenant_id: uuid.UUID | None = None
    ) -> dict[str, str]:
        """A member of this tenant (or of ``tenant_id``) with ``roles`` and an API token: its headers."""
        async with self.api.services.database.session() as session:
            user = User(username=username, display_name=username, password_hash=NO_PASSWORD)
            session.add(user)
            await session.flush()
            session.add(Membership(tenant_id=tenant_id or self.tenant_id, user_id=user.id, roles=roles))
            secret, _row = await accounts.open_session(session, self.api.services.settings, user, "api")
        self.api.tokens[username] = secret
        return {"Authorization": f"Bearer {secret}"}

    async def add_deputies(self, count: int) -> None:
        """``count`` more deputies on the roster (``d<n>-<slug>``, role deputy) with API tokens."""
        settings = self.api.services.settings
        with self.scope():
            async with self.api.services.database.session() as session:
                start = len(self.deputies)
                for number in range(start, start + count):
                    username, display_name = f"d{number}-{self.slug}", f"代表{number}"
                    user = User(username=username, display_name=display_name, password_hash=NO_PASSWORD)
                    session.add(user)
                    await session.flush()
                    session.add(Membership(tenant_id=self.tenant_id, user_id=user.id, roles=["deputy"]))
                    deputy = Deputy(name=f"代表{number:03d}", user_id=user.id, created_by="test")
                    session.add(deputy)
                    secret, _row = await accounts.open_session(session, settings, user, "api")
                    await session.flush()
                    self.deputies.append(deputy.id)
                    self.deputy_headers.append({"Authorization": f"Bearer {secret}", **self.deputy_extra_headers})
