"""Benchmark of a whole province on PostgreSQL: the province dashboard, the console's tenant list and a
county onboarding.

Run it explicitly (pytest does not collect ``tests/bench``)::

    .venv/bin/python tests/bench/bench_province.py [--tenants 3000] [--projects 150000] [--repeat 30]

It makes a fresh database beside ``MINSHENG_TEST_DATABASE_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) with the app role RLS binds, as the test suite
does, and bulk-loads with COPY as the owner (not through the API): a province, 17 cities, counties
and townships up to ``--tenants``; ``--projects`` projects over five years spread over the counties and
townships; one closed voting round per tenant and year choosing six of its projects. It then builds
every roll-up with the daily rebuild (as the app role: RLS applies) and times, in-process through
the ASGI app (no network), the p50/p95 of:

* the province dashboard (API and page), the figures of all 3,000 tenants;
* the console's tenant list: the tree's top, a page of search results, a county's children;
* onboarding a county with 20 townships through the console wizard (plan, then apply).

Figures depend on the machine (and on what else runs on it): nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CATEGORIES = [
    "education",
    "health",
    "elderly_care",
    "roads_transport",
    "employment",
    "culture_sports",
    "environment",
    "water_supply",
    "social_assistance",
    "other",
]
YEARS = range(2022, 2027)
CITIES = 17


def plan_tree(total: int) -> list[tuple[uuid.UUID, str, str, str, uuid.UUID | None]]:
    """(id, slug, name, level, parent) for a province of ``total`` tenants, parents first."""
    province = uuid.uuid4()
    rows: list[tuple[uuid.UUID, str, str, str, uuid.UUID | None]] = [(province, "prov", "某省", "province", None)]
    counties_total = max(1, (total - 1 - CITIES) // 20)
    townships_total = total - 1 - CITIES - counties_total
    cities = [uuid.uuid4() for _ in range(CITIES)]
    rows += [(c, f"city-{i:02d}", f"第{i}市", "city", province) for i, c in enumerate(cities)]
    counties = [uuid.uuid4() for _ in range(counties_total)]
    rows += [(c, f"county-{i:03d}", f"第{i}县", "county", cities[i % CITIES]) for i, c in enumerate(counties)]
    rows += [
        (uuid.uuid4(), f"town-{i:04d}", f"第{i}镇", "township", counties[i % counties_total])
        for i in range(townships_total)
    ]
    return rows


async def bulk_load(owner_url: str, tenants: int, projects: int) -> dict[str, int]:
    """COPY the tree, the projects and the rounds that chose some of them, as the tables' owner."""
    url = make_url(owner_url)
    conn = await asyncpg.connect(
        user=url.username, password=url.password, host=url.host, port=url.port or 5432, database=url.database
    )
    now = datetime.now(UTC)
    tree = plan_tree(tenants)
    try:
        await conn.copy_records_to_table(
            "tenants",
            records=[(i, s, n, lv, p, "active", None, "{}", now, now) for i, s, n, lv, p in tree],
            columns=[
                "id",
                "slug",
                "name",
                "level",
                "parent_id",
                "status",
                "plugins",
                "settings",
                "updated_at",
                "created_at",
            ],
        )
        owners = [row[0] for row in tree if row[3] in ("county", "township")]
        per_owner_year: dict[tuple[uuid.UUID, int], list[uuid.UUID]] = {}
        records = []
        rng = random.Random(6)
        for n in range(projects):
            owner = owners[n % len(owners)]
            year = YEARS[(n // len(owners)) % len(YEARS)]
            project_id = uuid.uuid4()
            per_owner_year.setdefault((owner, year), []).append(project_id)
            budget = Decimal(rng.randrange(10, 500)) * 10000
            records.append(
                (
                    owner,
                    project_id,
                    year,
                    f"项目{n}",
                    "内容",
                    CATEGORIES[n % len(CATEGORIES)],
                    "",
                    "",
                    budget,
                    "",
                    "",
                    None,
                    False,
                    "{}",
                    "accepted",
                    "bench",
                    now,
                    now,
                )
            )
        await conn.copy_records_to_table(
            "projects",
            records=records,
            columns=[
                "tenant_id",
                "id",
                "year",
                "title",
                "content",
                "category",
                "target",
                "location",
                "budget",
                "funding_source",
                "responsible_unit",
                "deadline",
                "multi_year",
                "extra",
                "status",
                "created_by",
                "updated_at",
                "created_at",
            ],
        )
        sessions, rounds = [], []
        for (owner, year), ids in per_owner_year.items():
            session_id, round_id = uuid.uuid4(), uuid.uuid4()
            sessions.append((owner, session_id, f"{year}年人代会", date(year, 1, 15), year, "bench", now))
            candidates = [
                {"project_id": str(pid), "chosen": k < 6, "rank": k + 1 if k < 6 else None} for k, pid in enumerate(ids)
            ]
            result = json.dumps({"status": "decided", "candidates": candidates})
            closed = datetime(year, 1, 15, 4, tzinfo=UTC)
            rounds.append(
                (
                    owner,
                    round_id,
                    session_id,
                    "票决",
                    6,
                    "yes_no_abstain",
                    "electronic",
                    "closed",
                    None,
                    None,
                    "decided",
                    result,
                    "bench",
                    closed,
                    closed,
                    now,
                )
            )
        await conn.copy_records_to_table(
            "congress_sessions",
            records=sessions,
            # ``year``: the 实施年度 the session decides (here the year of its date).
            columns=["tenant_id", "id", "title", "date", "year", "created_by", "created_at"],
        )
        await conn.copy_records_to_table(
            "voting_rounds",
            records=rounds,
            columns=[
                "tenant_id",
                "id",
                "session_id",
                "title",
                "seats",
                "ballot_format",
                "method",
                "status",
                "runoff_of",
                "entitled",
                "outcome",
                "result",
                "created_by",
                "opened_at",
                "closed_at",
                "created_at",
            ],
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"tenants": len(tree), "projects": projects, "rounds": len(rounds)}


async def timed(repeat: int, call: Callable[[], Awaitable[httpx.Response]]) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 303), (response.status_code, response.text[:300])
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    print(f"{name:<44} n={len(samples):>3}  p50={statistics.median(samples):8.1f} ms  p95={p95:8.1f} ms")


async def main(args: argparse.Namespace) -> None:
    from minsheng.app import create_app
    from minsheng.oversight.rollup import refresh_everything
    from minsheng.testing import Api, create_postgres_database, drop_postgres_database, make_settings, running

    logging.disable(logging.INFO)
    base = os.environ.get("MINSHENG_TEST_DATABASE_URL", DEFAULT_URL)
    database = await create_postgres_database(base)
    try:
        started = time.perf_counter()
        loaded = await bulk_load(database.owner_url, args.tenants, args.projects)
        print(f"loaded {loaded} in {time.perf_counter() - started:.1f} s (COPY)")
        settings = make_settings(
            Path(tempfile.mkdtemp()), database_url=database.app_url, migration_database_url=database.owner_url
        )
        app = create_app(settings)
        async with running(app):
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://bench.local", timeout=120) as client:
                api = Api(client=client, app=app)
                started = time.perf_counter()
                async with api.services.database.session() as session:
                    count = await refresh_everything(session)
                print(f"roll-ups of {count} tenants rebuilt in {time.perf_counter() - started:.1f} s (as the app role)")
                await api.make_user("ops", platform_admin=True)
                await api.add_member("prov", "prov-staff", ["tenant_admin"])
                staff = await api.headers("prov-staff")
                summary = (await client.get("/api/v1/t/prov/oversight", headers=staff)).json()
                print(
                    f"province totals: {summary['totals']['projects']} projects, {summary['totals']['chosen']} chosen"
                )
                async with api.browser() as staff_browser, api.browser() as ops:
                    await api.page_login(staff_browser, "prov-staff")
                    await api.page_login(ops, "ops")
                    html = {"accept": "text/html"}
                    report(
                        "province dashboard (API)",
                        await timed(args.repeat, lambda: client.get("/api/v1/t/prov/oversight", headers=staff)),
                    )
                    report(
                        "province dashboard (page)",
                        await timed(args.repeat, lambda: staff_browser.get("/t/prov/oversight", headers=html)),
                    )
                    report(
                        "province dashboard, one year (page)",
                        await timed(
                            args.repeat, lambda: staff_browser.get("/t/prov/oversight?year=2025", headers=html)
                        ),
                    )
                    report(
                        "tenant list: tree top (page)",
                        await timed(args.repeat, lambda: ops.get("/admin/tenants", headers=html)),
                    )
                    report(
                        "tenant list: search townships p.30 (page)",
                        await timed(args.repeat, lambda: ops.get("/admin/tenants?q=town-&page=30", headers=html)),
                    )
                    report(
                        "tenant list: a county's children (fragment)",
                        await timed(
                            args.repeat,
                            lambda: ops.get(
                                "/admin/tenants/county-007/children", headers={**html, "hx-request": "true"}
                            ),
                        ),
                    )
                    token = await api.login_form_token(ops)
                    plans, applies = [], []
                    for n in range(args.onboardings):
                        form = {
                            "parent": "city-03",
                            "slug": f"new-county-{n}",
                            "name": f"新县{n}",
                            "townships": "\n".join(f"new-{n}-t{k:02d} 新{n}镇{k}" for k in range(20)),
                            "admins": f"new-county-{n} admin-{n} 管理员",
                            "inherit_plugins": "1",
                            "_csrf_token": token,
                        }
                        plans += await timed(
                            1, lambda: ops.post("/admin/onboarding", data={**form, "step": "plan"}, headers=html)
                        )
                        applies += await timed(
                            1, lambda: ops.post("/admin/onboarding", data={**form, "step": "apply"}, headers=html)
                        )
                    report("county onboarding, 20 townships: plan", plans)
                    report("county onboarding, 20 townships: apply", applies)
                    report("county onboarding, plan + apply", [a + b for a, b in zip(plans, applies, strict=True)])
    finally:
        await drop_postgres_database(base, database)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=3000)
    parser.add_argument("--projects", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--onboardings", type=int, default=5)
    sys.exit(asyncio.run(main(parser.parse_args())))
