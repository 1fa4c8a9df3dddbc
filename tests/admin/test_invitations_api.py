"""Invitations through the API: a link with a token, expiring, used once, accepted with a password."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from minsheng.admin.models import Invitation
from minsheng.db.base import utcnow
from minsheng.testing import PASSWORD


async def test_an_invitation_is_accepted_once_by_setting_a_password(api: Any) -> None:
    await api.create_tenant("prov", "province")
    operator = await api.operator()
    created = await api.client.post(
        "/api/v1/admin/tenants/prov/invitations",
        json={"roles": ["presidium", "deputy"], "display_name": "李代表", "username": "li-daibiao"},
        headers=operator,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    token = body["token"]
    assert body["path"] == f"/invitations/{token}" and body["invitation"]["roles"] == ["presidium", "deputy"]
    listed = await api.client.get("/api/v1/admin/tenants/prov/invitations", headers=operator)
    assert listed.json()["total"] == 1 and token not in listed.text, "the token is shown once only"

    shown = await api.client.get(f"/api/v1/invitations/{token}")
    assert shown.status_code == 200 and shown.json()["username"] == "li-daibiao"
    weak = await api.client.post(
        f"/api/v1/invitations/{token}/accept", json={"username": "li-daibiao", "password": "short"}
    )
    assert weak.status_code == 422
    accepted = await api.client.post(
        f"/api/v1/invitations/{token}/accept", json={"username": "li-daibiao", "password": PASSWORD}
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json() == {"username": "li-daibiao", "tenant": "prov", "roles": ["presidium", "deputy"]}
    again = await api.client.post(
        f"/api/v1/invitations/{token}/accept", json={"username": "other", "password": PASSWORD}
    )
    assert again.status_code == 404
    members = await api.client.get("/api/v1/admin/tenants/prov/members", headers=operator)
    assert [(m["username"], m["roles"]) for m in members.json()["items"]] == [("li-daibiao", ["presidium", "deputy"])]
    audit = await api.client.get("/api/v1/t/prov/audit?per_page=50", headers=await api.headers("li-daibiao"))
    assert {"invitation.created", "invitation.accepted"} <= {e["action"] for e in audit.json()["items"]}


async def test_an_expired_or_revoked_invitation_answers_404(api: Any) -> None:
    await api.create_tenant("prov", "province")
    operator = await api.operator()
    tokens = []
    for _ in range(2):
        created = await api.client.post(
            "/api/v1/admin/tenants/prov/invitations", json={"roles": ["deputy"]}, headers=operator
        )
        tokens.append(created.json())
    async with api.services.database.session() as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.id == uuid.UUID(tokens[0]["invitation"]["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    expired = await api.client.post(
        f"/api/v1/invitations/{tokens[0]['token']}/accept", json={"username": "late", "password": PASSWORD}
    )
    assert expired.status_code == 404
    revoked = await api.client.delete(
        f"/api/v1/admin/tenants/prov/invitations/{tokens[1]['invitation']['id']}", headers=operator
    )
    assert revoked.status_code == 204
    assert (await api.client.get(f"/api/v1/invitations/{tokens[1]['token']}")).status_code == 404


async def test_an_existing_user_joins_with_its_own_password_only(api: Any) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    await api.add_member("prov", "zhang", ["deputy"])
    operator = await api.operator()
    created = await api.client.post(
        "/api/v1/admin/tenants/city/invitations", json={"roles": ["tenant_admin"]}, headers=operator
    )
    token = created.json()["token"]
    wrong = await api.client.post(
        f"/api/v1/invitations/{token}/accept", json={"username": "zhang", "password": "Another-Pass-99"}
    )
    assert wrong.status_code == 409
    right = await api.client.post(
        f"/api/v1/invitations/{token}/accept", json={"username": "zhang", "password": PASSWORD}
    )
    assert right.status_code == 201
    changed = await api.client.put(
        "/api/v1/admin/tenants/city/members/zhang", json={"roles": ["government"]}, headers=operator
    )
    assert changed.json()["roles"] == ["government"]
    assert (await api.client.delete("/api/v1/admin/tenants/city/members/zhang", headers=operator)).status_code == 204
    me = await api.client.get("/api/v1/me", headers=await api.headers("zhang"))
    assert [m["tenant"] for m in me.json()["memberships"]] == ["prov"]
