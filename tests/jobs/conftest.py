"""Fixtures for the job tests: a fresh migrated SQLite database per test, a tenant, sample jobs, Redis.

Tests marked ``redis`` need a real Redis, named by ``MINSHENG_TEST_REDIS_URL`` (CI always sets it).
Without it they are deselected, with the reason printed, rather than skipped as if they had passed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from arq.worker import Worker, create_worker

from minsheng.db.session import Database
from minsheng.jobs.registry import JobContext, PermanentFailure, job, register_jobs
from minsheng.jobs.worker import worker_settings
from minsheng.server import contexts
from minsheng.settings import Settings
from minsheng.tenancy.context import TenantRef, current_tenant
from minsheng.tenancy.models import Tenant, TenantLevel
from minsheng.testing import migrated_sqlite, truncate_all

REDIS_ENV = "MINSHENG_TEST_REDIS_URL"
HERE = Path(__file__).parent
_REDIS_REASON = f"jobs: tests marked 'redis' deselected because {REDIS_ENV} is not set (CI sets it)"
_deselected: list[int] = []

# What the sample jobs did, in order: (job name, job id, attempt). Cleared before every test.
CALLS: list[tuple[str, Any, int]] = []
# Events a gated job waits for, by name, so a test can look at a job while it runs.
GATES: dict[str, asyncio.Event] = {}
# Events a gated job sets once it has reported progress.
REACHED: dict[str, asyncio.Event] = {}


@job("tests.record")
async def record(ctx: JobContext, value: int = 0, gate: str | None = None) -> dict[str, Any]:
    """Record the call; with ``gate``, report progress 1 of 3, then wait until the test opens it."""
    CALLS.append(("tests.record", ctx.job_id, ctx.attempt))
    if gate is not None:
        await ctx.progress(1, 3)
        REACHED[gate].set()
        await GATES[gate].wait()
        await ctx.progress(3, 3)
    return {"value": value * 2}


@job("tests.flaky")
async def flaky(ctx: JobContext, failures: int) -> dict[str, Any]:
    """Fail on the first ``failures`` attempts, then succeed."""
    CALLS.append(("tests.flaky", ctx.job_id, ctx.attempt))
    if ctx.attempt <= failures:
        raise RuntimeError(f"boom on attempt {ctx.attempt}")
    return {"attempt": ctx.attempt}


@job("tests.refuse")
async def refuse(ctx: JobContext) -> None:
    """Fail in a way no retry can mend."""
    CALLS.append(("tests.refuse", ctx.job_id, ctx.attempt))
    raise PermanentFailure("the record is gone")


@job("tests.tenant_probe")
async def tenant_probe(ctx: JobContext, fail: bool = False) -> dict[str, Any]:
    """Report the tenant in context; write a tenant row first, then fail if asked (to see it undone)."""
    CALLS.append(("tests.tenant_probe", ctx.job_id, ctx.attempt))
    ctx.session.add(Tenant(slug=f"made-by-{ctx.job_id.hex[:8]}", name="made by a job", level=TenantLevel.TOWNSHIP))
    await ctx.session.flush()
    # Reported while the job's transaction holds SQLite's write lock: must not wait for itself.
    await ctx.progress(1, 1)
    if fail:
        raise RuntimeError("after writing")
    tenant = current_tenant()
    return {"slug": tenant.slug if tenant else None, "tenant_id": str(ctx.tenant_id) if ctx.tenant_id else None}


# Registered as the contexts' JOBS are when an app is built (the platform's own too: tests run
# ``platform.ping`` without building an app, and in any order under xdist).
contexts.install()
register_jobs([record, flaky, refuse, tenant_probe])


@pytest.fixture(autouse=True)
def calls() -> list[tuple[str, Any, int]]:
    """What the sample jobs did in this test: (job name, job id, attempt), in order."""
    CALLS.clear()
    GATES.clear()
    REACHED.clear()
    return CALLS


class Gate:
    """Holds a ``tests.record`` job that names it after its first progress report, until opened."""

    def __init__(self, name: str) -> None:
        self.name = name
        GATES[name] = asyncio.Event()
        REACHED[name] = asyncio.Event()

    async def reached(self) -> None:
        await asyncio.wait_for(REACHED[self.name].wait(), 5)

    def open(self) -> None:
        GATES[self.name].set()


@pytest.fixture
def gate() -> Gate:
    return Gate("main")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings on a fresh database: SQLite at the migrations' head, or PostgreSQL emptied (connecting as a
    role that row-level security binds), when ``MINSHENG_TEST_DATABASE_URL`` is set."""
    if request.param == "sqlite":
        url = owner_url = migrated_sqlite(tmp_path / "db.sqlite3")
    else:
        postgres = request.getfixturevalue("postgres_database")
        await truncate_all(postgres.owner_url)
        url, owner_url = postgres.app_url, postgres.owner_url
    return Settings(
        data_dir=tmp_path,
        database_url=url,
        migration_database_url=owner_url,
        redis_url=None,
        s3=None,
        secret_key="test-secret",
        seed_demo=False,
    )


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def tenant(database: Database) -> TenantRef:
    """One county."""
    async with database.session() as session:
        county = Tenant(slug="jiaxian", name="甲县", level=TenantLevel.COUNTY)
        session.add(county)
        await session.flush()
        return TenantRef(county.id, county.slug)


async def _run_burst_worker(settings: Settings, **overrides: Any) -> Worker:
    options = {"burst": True, "handle_signals": False, "poll_delay": 0.05, **overrides}
    worker = create_worker(worker_settings(settings, **options))
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


@pytest.fixture
def burst_worker() -> Callable[..., Awaitable[Worker]]:
    """Run an arq worker built by ``worker_settings(settings)`` until its queue is empty, then close it."""
    return _run_burst_worker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(REDIS_ENV):
        return
    deselected = [item for item in items if item.get_closest_marker("redis") and item.path.is_relative_to(HERE)]
    if not deselected:
        return
    config.hook.pytest_deselected(items=deselected)
    items[:] = [item for item in items if item not in deselected]
    _deselected.append(len(deselected))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"{_REDIS_REASON} ({len(deselected)} tests)", yellow=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Said again at the end, where it is not lost above the results.
    if _deselected:
        terminalreporter.write_line(f"{_REDIS_REASON} ({sum(_deselected)} tests)", yellow=True)
