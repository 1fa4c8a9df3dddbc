"""cache epochs: counters the database bumps whenever a request's cached context may have changed

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

A request's principal (token, user, memberships) and tenant (ancestors, plugins, settings) are kept in
each server process between requests (``minsheng.http.context``). One row of two counters says
whether they are still good: ``auth`` goes up with any change of a login's validity, a user, or a
membership; ``tenants`` with any change of a tenant. Triggers bump them, so every writer (a service,
a job, the CLI, hand-written SQL) invalidates every process's cache in its own transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (trigger, table, PostgreSQL events, SQLite events, counter). SQLite has no TRUNCATE (and no
#: statement triggers: its row triggers bump once per row, which says the same).
TRIGGERS = (
    (
        "memberships_bump_auth",
        "memberships",
        "INSERT OR UPDATE OR DELETE OR TRUNCATE",
        ("INSERT", "UPDATE", "DELETE"),
        "auth",
    ),
    ("users_bump_auth", "users", "UPDATE OR DELETE OR TRUNCATE", ("UPDATE", "DELETE"), "auth"),
    # A login's last_seen_at is not part of what is cached: its refresh must not empty every cache.
    (
        "auth_sessions_bump_auth",
        "auth_sessions",
        "DELETE OR TRUNCATE OR UPDATE OF user_id, kind, csrf_token, expires_at",
        ("DELETE", "UPDATE OF user_id, kind, csrf_token, expires_at"),
        "auth",
    ),
    (
        "tenants_bump_tenants",
        "tenants",
        "INSERT OR UPDATE OR DELETE OR TRUNCATE",
        ("INSERT", "UPDATE", "DELETE"),
        "tenants",
    ),
)


def upgrade() -> None:
    op.create_table(
        "cache_epochs",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("auth", sa.BigInteger(), nullable=False),
        sa.Column("tenants", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cache_epochs")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres and _distributed():
        # Citus distributes no table with triggers (and they would run on the workers): below zero,
        # the counters tell every process to cache nothing (platform/docs/citus.md).
        op.execute("INSERT INTO cache_epochs (id, auth, tenants) VALUES (1, -1, -1)")
        return
    op.execute("INSERT INTO cache_epochs (id, auth, tenants) VALUES (1, 0, 0)")
    if postgres:
        for counter in ("auth", "tenants"):
            op.execute(
                f"CREATE FUNCTION minsheng_bump_{counter}_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
                f"BEGIN UPDATE cache_epochs SET {counter} = {counter} + 1 WHERE id = 1; RETURN NULL; END $$"
            )
        for name, table, events, _sqlite, counter in TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {events} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION minsheng_bump_{counter}_epoch()"
            )
        return
    for name, table, _events, sqlite_events, counter in TRIGGERS:
        for event in sqlite_events:
            suffix = event.split()[0].lower()
            op.execute(
                f"CREATE TRIGGER {name}_{suffix} AFTER {event} ON {table} "  # noqa: S608
                f"BEGIN UPDATE cache_epochs SET {counter} = {counter} + 1 WHERE id = 1; END"
            )


def _distributed() -> bool:
    """Whether this is a Citus coordinator whose schema is already distributed."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT to_regclass('pg_catalog.pg_dist_partition')")).scalar() is None:
        return False
    found = bind.execute(
        sa.text("SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'public.tenants'::regclass")
    ).scalar()
    return found is not None


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # A distributed schema has no such triggers (Citus refuses even their DROP on a reference table).
    for name, table, _events, sqlite_events, _counter in () if postgres and _distributed() else TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            for event in sqlite_events:
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{event.split()[0].lower()}")
    if postgres:
        for counter in ("auth", "tenants"):
            op.execute(f"DROP FUNCTION IF EXISTS minsheng_bump_{counter}_epoch()")
    op.drop_table("cache_epochs")
