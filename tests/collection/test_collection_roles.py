"""Who may do what with suggestions, by the permission table: the office handles them, the presidium
and the government read them, deputies do not see the inbox; each page offers only what its reader may do."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pages import staff_browser

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership
from minsheng.testing import PASSWORD, Api

BATCH = {"channel": "letter", "suggestions": [{"content": "村卫生室缺少常用药品"}]}


async def _member(api: Api, slug: str, username: str, roles: list[str]) -> dict[str, str]:
    """A member with ``roles`` written directly (the account pages' role list is not what is tested)."""
    tenant = (await api.client.get(f"/api/v1/admin/tenants/{slug}", headers=await api.operator())).json()
    async with api.services.database.session() as session:
        user = await accounts.create_user(session, username, PASSWORD)
        session.add(Membership(tenant_id=uuid.UUID(tenant["id"]), user_id=user.id, roles=roles))
    return await api.headers(username)


@pytest.mark.parametrize(
    ("roles", "read", "enter", "decline"),
    [
        (["clerk"], 200, 201, 200),
        (["tenant_admin"], 200, 201, 200),
        (["presidium"], 200, 403, 403),
        (["government"], 200, 403, 403),
        (["deputy"], 403, 403, 403),
        (["teller"], 403, 403, 403),
    ],
)
async def test_the_inbox_by_role(api: Api, town: Any, roles: list[str], read: int, enter: int, decline: int) -> None:
    headers = await _member(api, town.slug, f"member-{roles[0]}", roles)
    suggestion = await town.suggestion_id(await town.suggest())
    assert (await api.client.get(f"{town.base}/suggestions", headers=headers)).status_code == read
    assert (await api.client.get(f"{town.base}/coverage", headers=headers)).status_code == read
    assert (await api.client.post(f"{town.base}/suggestions/batch", json=BATCH, headers=headers)).status_code == enter
    declined = await api.client.post(
        f"{town.base}/suggestions/{suggestion}/decline", json={"reason": "不属于民生实事范围"}, headers=headers
    )
    assert declined.status_code == decline


async def test_the_government_reads_the_inbox_without_the_office_s_controls(api: Api, town: Any) -> None:
    suggestion = await town.suggestion_id(await town.suggest())
    government = await staff_browser(api, town.slug, f"{town.slug}-gov")
    inbox = await government.get(f"{government.staff}/suggestions")
    assert inbox.status_code == 200 and "村里的道路" in inbox.text
    assert 'id="merge-button"' not in inbox.text and 'name="suggestion_ids"' not in inbox.text
    assert f'href="/t/{town.slug}/staff/paper"' not in inbox.text
    one = await government.get(f"{government.staff}/suggestions/{suggestion}")
    assert one.status_code == 200 and "decline-reason" not in one.text and 'id="merge-button"' not in one.text
    refused = await government.post(f"{government.staff}/suggestions/{suggestion}/decline", {"reason": "x"})
    assert refused.status_code == 403
    assert (await government.get(f"{government.staff}/paper")).status_code == 403
    staff = await staff_browser(api, town.slug, f"{town.slug}-staff")
    office = await staff.get(f"{staff.staff}/suggestions/{suggestion}")
    assert "decline-reason" in office.text and 'id="merge-button"' in office.text
