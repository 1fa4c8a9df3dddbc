"""citus: a database function that places a new tenant table on a distributed database

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

On a Citus coordinator whose schema has been distributed (``minsheng db citus-sql``,
platform/docs/citus.md), a migration that creates a tenant table must distribute it too: a local
table cannot hold a foreign key to a distributed one, and its rows would never reach the workers.
Migrations are frozen (they import nothing from the app), so the rule lives in the database:

    SELECT minsheng_distribute_tenant_table('new_table');

distributes ``new_table`` on ``tenant_id``, colocated with ``projects`` (the anchor of the tenant
tables' colocation group), when the schema is distributed, and does nothing on plain PostgreSQL.
A migration creates the table with its key and its foreign key to ``tenants``, calls the function,
then adds its foreign keys to other tenant tables, its row-level security and its policy (Citus
carries all three to the shards). SQLite has no such function; a migration checks the dialect first.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION minsheng_distribute_tenant_table(tenant_table regclass) RETURNS boolean
        LANGUAGE plpgsql AS $$
        BEGIN
            IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
                RETURN false;  -- plain PostgreSQL
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM pg_catalog.pg_dist_partition
                WHERE logicalrelid = 'public.projects'::regclass AND partmethod = 'h'
            ) THEN
                RETURN false;  -- Citus installed, the schema not distributed (yet)
            END IF;
            EXECUTE format(
                'SELECT create_distributed_table(%L, %L, colocate_with => %L)',
                tenant_table::text, 'tenant_id', 'public.projects'
            );
            RETURN true;
        END
        $$
        """
    )
    op.execute(
        "COMMENT ON FUNCTION minsheng_distribute_tenant_table(regclass) IS "
        "'Distributes a new tenant table on tenant_id beside the others when the schema is distributed "
        "on Citus; returns whether it did (platform/docs/citus.md)'"
    )
    # Only the owner distributes tables (it runs the migrations); not the app's role.
    op.execute("REVOKE EXECUTE ON FUNCTION minsheng_distribute_tenant_table(regclass) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS minsheng_distribute_tenant_table(regclass)")
