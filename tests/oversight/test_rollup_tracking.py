"""A change in a tenant enqueues its roll-up in the change's own transaction: one job per tenant and
transaction however many rows change, none when the change rolls back."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from minsheng.jobs.models import Job
from minsheng.oversight.tracking import ROLLUP_JOB
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant


async def rollup_jobs(api: Any, tenant_id: uuid.UUID) -> int:
    async with api.services.database.session() as session:
        query = select(func.count()).select_from(Job).where(Job.name == ROLLUP_JOB, Job.tenant_id == tenant_id)
        return int((await session.execute(query)).scalar_one())


def project(title: str) -> Project:
    return Project(year=2026, title=title, content="内容", category="health", created_by="test")


async def test_one_rollup_job_per_tenant_and_transaction_and_none_on_rollback(api: Any) -> None:
    tenant = await api.create_tenant("prov", "province")
    ref = TenantRef(uuid.UUID(tenant["id"]), "prov")
    database = api.services.database
    with tenant_scope(ref):
        async with database.sessionmaker() as session:
            await rebind_tenant(session)
            session.add_all([project("一"), project("二")])
            await session.flush()
            session.add(project("三"))
            await session.commit()
        assert await rollup_jobs(api, ref.id) == 1
        async with database.sessionmaker() as session:
            await rebind_tenant(session)
            session.add(project("四"))
            await session.flush()
            await session.rollback()
        assert await rollup_jobs(api, ref.id) == 1
        async with database.sessionmaker() as session:
            await rebind_tenant(session)
            row = (await session.execute(select(Project).where(Project.title == "一"))).scalar_one()
            row.title = row.title  # assigned, not changed: no roll-up
            await session.commit()
        assert await rollup_jobs(api, ref.id) == 1
        async with database.sessionmaker() as session:
            await rebind_tenant(session)
            row = (await session.execute(select(Project).where(Project.title == "一"))).scalar_one()
            row.budget = 5000
            await session.commit()
        assert await rollup_jobs(api, ref.id) == 2
