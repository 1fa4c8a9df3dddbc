"""The script applied to a freshly migrated database on a real cluster (the ``citus_database`` fixture
runs it as ``psql`` would): every table sits where ``minsheng.db.citus`` says, the foreign keys are the
models' own, every shard on every worker carries the tenant policy and the app's grants, and a later
migration (a new tenant table, in the frozen style) applies to the distributed schema."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from minsheng.db.base import Base
from minsheng.db.citus import ANCHOR, placements
from minsheng.db.migrate import MIGRATIONS, alembic_config
from minsheng.testing import APP_ROLE

pytestmark = pytest.mark.citus

# The migration creating minsheng_distribute_tenant_table.
PLACEMENT_REVISION = "0015"
CONFDELTYPE = {"CASCADE": "c", "SET NULL": "n", "RESTRICT": "r", None: "a"}


async def test_every_table_sits_where_the_script_says(cluster) -> None:
    async with cluster.connect(cluster.database.owner_url) as conn:
        rows = await conn.execute(
            text(
                "SELECT logicalrelid::regclass::text, partmethod::text, repmodel::text, colocationid "
                "FROM pg_dist_partition"
            )
        )
        found = {name: (method, model, colocation) for name, method, model, colocation in rows}
        coordinator_shards = {
            str(r[0])
            for r in await conn.execute(
                text("SELECT DISTINCT table_name::text FROM citus_shards WHERE nodeport = :p"),
                {"p": int(str(conn.engine.url.port))},
            )
        }
    placed = placements()
    anchor_group = found[ANCHOR][2]
    for name, (kind, _reason) in placed.items():
        if kind == "distributed":
            assert found[name][:2] == ("h", "s") and found[name][2] == anchor_group, name
        elif kind == "reference":
            assert found[name][:2] == ("n", "t"), name
        else:
            # Plain local, or a Citus local table (it points at a reference table): its one shard is
            # on the coordinator either way, never on a worker.
            assert name not in found or (found[name][:2] == ("n", "s") and name in coordinator_shards), name
    distributed = [n for n, (k, _) in placed.items() if k == "distributed"]
    assert len(distributed) > 30
    for name in distributed:
        shards = await cluster.shards(name)
        assert {port for _shard, _host, port in shards} == {w.port for w in cluster.workers}, name


async def test_the_foreign_keys_are_the_models_own(cluster) -> None:
    names = postgresql.dialect().identifier_preparer
    expected = {
        (table.name, names.format_constraint(fk)): CONFDELTYPE[fk.ondelete]
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_key_constraints
    }
    async with cluster.connect(cluster.database.owner_url) as conn:
        rows = await conn.execute(
            text(
                "SELECT c.conrelid::regclass::text, c.conname, c.confdeltype::text FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(:tables)"
            ),
            {"tables": sorted({t for t, _ in expected})},
        )
        found = {(table, name): action for table, name, action in rows}
    assert found == expected


async def test_every_shard_on_every_worker_has_the_policy_and_the_grants(cluster) -> None:
    distributed = [n for n, (kind, _) in placements().items() if kind == "distributed"]
    checked = 0
    for worker in cluster.workers:
        async with cluster.on_worker(worker) as conn:
            for table in distributed:
                for shard in [s for s, _h, port in await cluster.shards(table) if port == worker.port]:
                    relation = f"{table}_{shard}"
                    row = (
                        await conn.execute(
                            text(
                                "SELECT c.relrowsecurity, c.relforcerowsecurity, "
                                "(SELECT string_agg(p.qual, ' ') FROM pg_policies p "
                                "WHERE p.tablename = c.relname), "
                                "has_table_privilege(:role, c.oid, 'SELECT, INSERT, UPDATE, DELETE') "
                                "FROM pg_class c WHERE c.relname = :rel"
                            ),
                            {"role": APP_ROLE, "rel": relation},
                        )
                    ).one()
                    enabled, forced, policy, granted = row
                    assert enabled and forced and granted, relation
                    assert "current_setting('app.tenant_id'" in str(policy), (relation, policy)
                    checked += 1
    assert checked >= len(distributed) * len(cluster.workers)


async def test_the_tenant_setting_is_propagated_from_the_coordinator_only(api, cluster) -> None:
    engine = api.services.database.engine
    async with engine.connect() as conn:
        assert (await conn.execute(text("SHOW citus.propagate_set_commands"))).scalar() == "local"
    for worker in cluster.workers:
        async with cluster.connect(cluster.worker_url(worker)) as conn:
            assert (await conn.execute(text("SHOW citus.propagate_set_commands"))).scalar() == "none", worker


PROBE_MIGRATION = '''"""a later migration: a new tenant table, on plain PostgreSQL, SQLite or a distributed schema"""

import sqlalchemy as sa
from alembic import op

revision = "citus_probe"
down_revision = {heads!r}
branch_labels = None
depends_on = None

PREDICATE = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def upgrade():
    op.create_table(
        "probe_notes",
        sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_probe_notes"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT minsheng_distribute_tenant_table('probe_notes')")
    op.create_foreign_key(
        "fk_probe_notes_project", "probe_notes", "projects", ["tenant_id", "project_id"], ["tenant_id", "id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE probe_notes ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE probe_notes FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_isolation ON probe_notes USING ({{PREDICATE}}) WITH CHECK ({{PREDICATE}})")


def downgrade():
    op.drop_table("probe_notes")
'''


def _probe_config(url: str, tmp_path: Path):
    # With the app role: tables the round trip drops and creates again get its grants back.
    config = alembic_config(url, APP_ROLE)
    heads = tuple(ScriptDirectory.from_config(config).get_heads())
    probe = tmp_path / "versions"
    probe.mkdir()
    (probe / "citus_probe.py").write_text(PROBE_MIGRATION.format(heads=heads), encoding="utf-8")
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join([str(MIGRATIONS / "versions"), str(probe)]))
    return config


async def test_a_later_migration_creating_a_tenant_table_applies_to_the_distributed_schema(
    cluster, tmp_path: Path
) -> None:
    owner = cluster.database.owner_url
    config = _probe_config(owner, tmp_path)
    # Re-run the migration that placed the distribution function on the distributed schema first, then
    # a new one on top.
    before = ScriptDirectory.from_config(config).get_revision(PLACEMENT_REVISION).down_revision
    await asyncio.to_thread(command.downgrade, config, str(before))
    await asyncio.to_thread(command.upgrade, config, "head")
    try:
        async with cluster.connect(owner) as conn:
            placed = (
                await conn.execute(
                    text(
                        "SELECT p.partmethod::text, p.colocationid = (SELECT colocationid FROM pg_dist_partition "
                        "WHERE logicalrelid = CAST(:anchor AS regclass)) FROM pg_dist_partition p "
                        "WHERE p.logicalrelid = 'probe_notes'::regclass"
                    ),
                    {"anchor": ANCHOR},
                )
            ).one()
            assert tuple(placed) == ("h", True), "distributed beside the other tenant tables"
        shards = await cluster.shards("probe_notes")
        assert {port for _s, _h, port in shards} == {w.port for w in cluster.workers}
        worker = cluster.workers[0]
        async with cluster.on_worker(worker) as conn:
            shard = next(s for s, _h, port in shards if port == worker.port)
            policies = await conn.execute(
                text("SELECT count(*) FROM pg_policies WHERE tablename = :t"), {"t": f"probe_notes_{shard}"}
            )
            assert policies.scalar() == 1
            keys = await conn.execute(
                text("SELECT count(*) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'"),
                {"t": f"probe_notes_{shard}"},
            )
            assert keys.scalar() == 2, "the tenant's and the project's foreign keys, on the shard"
    finally:
        await asyncio.to_thread(command.downgrade, config, "-1")
    async with cluster.connect(owner) as conn:
        assert (await conn.execute(text("SELECT to_regclass('probe_notes')"))).scalar() is None


async def test_the_distribution_function_distributes_a_new_table_for_the_owner_only(cluster) -> None:
    async with cluster.connect(cluster.database.owner_url) as conn, conn.begin():
        await conn.execute(text("CREATE TABLE probe_local (tenant_id uuid PRIMARY KEY)"))
        assert (await conn.execute(text("SELECT minsheng_distribute_tenant_table('probe_local')"))).scalar() is True
        method = await conn.execute(
            text("SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = 'probe_local'::regclass")
        )
        assert method.scalar() == "h"
        # The app's role may not call it: distributing is the owner's, at migration time.
        role = await conn.execute(
            text("SELECT has_function_privilege(:r, 'minsheng_distribute_tenant_table(regclass)', 'EXECUTE')"),
            {"r": APP_ROLE},
        )
        assert role.scalar() is False
        await conn.rollback()
