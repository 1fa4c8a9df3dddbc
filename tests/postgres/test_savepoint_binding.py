"""A savepoint sends no second ``set_config`` for the tenant its transaction already bound, and does
send one when the tenant in context is another, or after a savepoint bound one of its own (released,
its binding stays; rolled back, it goes)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.tenancy.isolation import rebind_tenant
from minsheng.testing import Api

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend() -> str:
    return "postgres"


@contextmanager
def set_configs(api: Api) -> Iterator[list[str]]:
    sent: list[str] = []
    engine = api.services.database.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "set_config" in statement:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def bound(session: Any) -> str:
    return str((await session.execute(text("SELECT current_setting('app.tenant_id', true)"))).scalar_one())


async def test_a_savepoint_keeps_the_binding_of_its_transaction(api: Api) -> None:
    a = TenantRef(uuid.UUID((await api.create_tenant("prov-a", "province"))["id"]), "prov-a")
    b = TenantRef(uuid.UUID((await api.create_tenant("prov-b", "province"))["id"]), "prov-b")
    async with api.services.database.sessionmaker() as session:
        with set_configs(api) as sent, tenant_scope(a):
            await session.execute(text("SELECT 1"))  # the transaction begins bound to a
            async with session.begin_nested():
                assert await bound(session) == str(a.id)
            assert len(sent) == 1, "the savepoint inherited the binding"
            with tenant_scope(b):
                async with session.begin_nested():
                    assert await bound(session) == str(b.id), "another tenant in context is bound"
            assert len(sent) == 2
            async with session.begin_nested():
                assert await bound(session) == str(a.id), "a's binding is back after b's savepoint"
            assert len(sent) == 3, "b's released savepoint left b bound: a is bound again"
        await session.rollback()

    async with api.services.database.sessionmaker() as session:
        with set_configs(api) as sent:
            await session.execute(text("SELECT 1"))  # begun with no tenant: nothing bound
            with tenant_scope(a):
                await rebind_tenant(session)
                async with session.begin_nested():
                    assert await bound(session) == str(a.id)
                assert len(sent) == 1, "the rebind counts as the transaction's binding"
                savepoint = await session.begin_nested()
                with tenant_scope(b):
                    await rebind_tenant(session)  # inside a savepoint that is then rolled back
                await savepoint.rollback()
                before = len(sent)
                async with session.begin_nested():
                    assert await bound(session) == str(a.id)
                assert len(sent) == before + 1, "after a savepoint's rebind, the next savepoint binds again"
        await session.rollback()
