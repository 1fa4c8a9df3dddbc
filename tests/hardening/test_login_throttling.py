"""Login throttling without lockout abuse: a stranger's 50 wrong passwords do not stop the owner
logging in from their usual address; one address trying 30 names is slowed; the audit chain records it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from minsheng.accounts.throttling import ADDRESS_FREE_FAILURES, delay_after
from minsheng.audit.models import PlatformAuditEvent
from minsheng.testing import PASSWORD, Api

OWNER_ADDRESS, STRANGER = "198.51.100.10", "203.0.113.66"


async def _token(client: Any, username: str, password: str) -> int:
    response = await client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return int(response.status_code)


async def _events(api: Api, action: str) -> list[PlatformAuditEvent]:
    async with api.services.database.session() as session:
        found = await session.execute(select(PlatformAuditEvent).where(PlatformAuditEvent.action == action))
        return list(found.scalars())


async def test_a_strangers_50_wrong_passwords_do_not_stop_the_owner(api: Api, client_from: Any) -> None:
    await api.make_user("owner")
    async with client_from(OWNER_ADDRESS) as owner:
        assert await _token(owner, "owner", PASSWORD) == 200  # the usual address
    async with client_from(STRANGER) as stranger:
        answers = [await _token(stranger, "owner", f"Wrong-{n}-password") for n in range(50)]
        assert set(answers) == {401, 429} and answers[-1] == 429
        assert await _token(stranger, "owner", PASSWORD) == 429  # the stranger waits, right password or not
    async with client_from(OWNER_ADDRESS) as owner:
        assert await _token(owner, "owner", PASSWORD) == 200
    throttled = await _events(api, "login.throttled")
    assert [(e.subject, e.payload["by"]) for e in throttled] == [("owner", "account")]
    assert all(e.actor == STRANGER for e in throttled)
    allowed = await _events(api, "login.allowed_from_usual_address")
    assert [(e.subject, e.actor) for e in allowed] == [("owner", OWNER_ADDRESS)]


async def test_one_address_trying_30_names_is_slowed(api: Api, client_from: Any) -> None:
    await api.make_user("someone")
    async with client_from(STRANGER) as stranger:
        answers = [await _token(stranger, f"name-{n}", "Wrong-password-1") for n in range(30)]
        assert answers[:ADDRESS_FREE_FAILURES] == [401] * ADDRESS_FREE_FAILURES
        assert set(answers[ADDRESS_FREE_FAILURES:]) == {429}
        # Whatever name it tries next, a right password included.
        assert await _token(stranger, "someone", PASSWORD) == 429
    async with client_from("192.0.2.1") as elsewhere:
        assert await _token(elsewhere, "someone", PASSWORD) == 200  # nobody else is held up


def test_the_wait_doubles_with_each_failure_up_to_the_cap() -> None:
    assert [delay_after(n, 5, 900) for n in (0, 4, 5, 6, 7, 10, 50)] == [0, 0, 30, 60, 120, 900, 900]
