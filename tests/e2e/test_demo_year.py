"""The demo year of 赵庄镇: seeded on the first embedded start through the services, once.

The vote is genuine (a decided round, receipts, a chain ``minsheng verify`` accepts), the public
portal shows the chosen projects, the county's dashboard counts the township, and a second start
adds nothing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.app import create_app
from minsheng.audit.models import TenantAuditEvent
from minsheng.audit.signing import load_signer, public_key_text
from minsheng.audit.verify import verify_database_chain
from minsheng.collection.models import Suggestion
from minsheng.congress.models import Ballot, Deputy, VotingRound
from minsheng.congress.voting.verify import verify_round_export
from minsheng.db.session import Database
from minsheng.demo import script
from minsheng.projects.models import Project
from minsheng.settings import Settings
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import running

ZHAOZHUANG = script.TOWNSHIP


@asynccontextmanager
async def township(database: Database) -> AsyncIterator[AsyncSession]:
    """A session in 赵庄镇's scope."""
    async with database.session() as session:
        tenant = await tenancy.get_by_slug(session, ZHAOZHUANG)
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        async with database.session() as session:
            yield session


async def _counts(settings: Settings) -> dict[str, Any]:
    database = Database(settings)
    try:
        async with township(database) as session:

            async def count(model: Any) -> int:
                return int((await session.execute(select(func.count()).select_from(model))).scalar_one())

            async def by_status(model: Any) -> dict[str, int]:
                rows = await session.execute(select(model.status, func.count()).group_by(model.status))
                return {status: number for status, number in rows.all()}

            rounds = list((await session.execute(select(VotingRound))).scalars())
            return {
                "suggestions": await by_status(Suggestion),
                "projects": await by_status(Project),
                "deputies": await count(Deputy),
                "ballots": await count(Ballot),
                "events": await count(TenantAuditEvent),
                "rounds": [(r.status, r.outcome, len((r.result or {}).get("receipts", []))) for r in rounds],
            }
    finally:
        await database.dispose()


async def _round_id(database: Database) -> str:
    async with township(database) as session:
        return str((await session.execute(select(VotingRound.id))).scalar_one())


async def _start(settings: Settings) -> dict[str, Any]:
    """Start the app on ``settings`` (which seeds on an empty database) and read what a newcomer sees."""
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            logins = json.loads((settings.data_dir / "demo-users.json").read_text(encoding="utf-8"))

            async def bearer_of(username: str) -> dict[str, str]:
                body = {"username": username, "password": logins[username]["password"]}
                token = (await client.post("/api/v1/auth/token", json=body)).json()["access_token"]
                return {"Authorization": f"Bearer {token}"}

            portal = await client.get(f"/api/v1/t/{ZHAOZHUANG}/public/projects")
            page = await client.get(f"/t/{ZHAOZHUANG}/portal")
            county = await client.get("/api/v1/t/baofeng/oversight", headers=await bearer_of("county-admin"))
            province = await client.get("/api/v1/t/henan/oversight", headers=await bearer_of("operator"))
            coverage = await client.get(f"/api/v1/t/{ZHAOZHUANG}/coverage", headers=await bearer_of(script.ADMIN))
            round_id = await _round_id(app.state.services.database)
            export = await client.get(
                f"/api/v1/t/{ZHAOZHUANG}/rounds/{round_id}/export", headers=await bearer_of("zhaozhuang-presidium")
            )
            return {
                "portal": portal.json(),
                "page": page.text,
                "county": county.json(),
                "province": province.json(),
                "export": export.json(),
                "coverage": coverage.json(),
            }


async def test_the_first_start_seeds_a_whole_year_once(settings: Settings) -> None:
    settings = dataclasses.replace(settings, seed_demo=True)
    seen = await _start(settings)

    first = await _counts(settings)
    # 30 suggestions: 21 merged into the 10 projects, 4 declined with a reason, 5 still waiting.
    assert first["suggestions"] == {"merged": 21, "declined": 4, "received": 5}
    # Screened in 7 (the candidates), out 2 (one refused by the negative list), one still in the pool.
    assert first["projects"] == {"accepted": 7, "rejected": 2, "pool": 1}
    assert first["deputies"] == script.ROSTER_SIZE
    assert first["rounds"] == [("closed", "decided", script.PRESENT)]  # one receipt per ballot
    assert first["ballots"] == script.PRESENT
    # As `minsheng verify --tenant` does: the installation's own checkpoint key is trusted.
    installation_key = public_key_text(load_signer(settings).public)
    verified = await verify_database_chain(settings, ZHAOZHUANG, public_keys=[installation_key])
    assert verified.ok, verified.summary
    # The round's export recomputes offline: receipts, ballot hashes, tally and the chain to the close.
    exported = verify_round_export(seen["export"])
    assert exported.ok, exported.summary

    # Every sample village is configured (QR posters, coverage): 11, one of which sent nothing yet.
    assert seen["coverage"]["places_without_suggestions"] == ["示例枣林村"]
    assert {c["key"] for c in seen["coverage"]["by_channel"]} == {
        "online",
        "qr_code",
        "liaison_station",
        "symposium",
        "letter",
        "notice",
        "email",
    }

    chosen = {item["title"] for item in seen["portal"]["items"]}
    expected = {p.title for p in script.PROJECTS if p.key in ("road", "canteen", "water", "elderly", "lights")}
    assert chosen == expected
    assert "示例东庄村至集镇道路硬化" in seen["page"]

    places = {p["tenant"]["slug"]: p["figures"] for p in seen["county"]["by_place"]}
    town = places[ZHAOZHUANG]
    assert (town["suggestions"], town["projects"], town["chosen"], town["completed"]) == (30, 10, 5, 1)
    assert (town["work_plans"], town["overdue_plans"], town["evaluations"], town["satisfied"]) == (5, 1, 1, 1)
    assert seen["county"]["totals"]["chosen"] == 5
    assert seen["province"]["totals"]["chosen"] == 5 and seen["province"]["totals"]["suggestions"] == 30

    # A second start finds tenants and seeds nothing: same rows, same chain.
    await _start(settings)
    assert await _counts(settings) == first
