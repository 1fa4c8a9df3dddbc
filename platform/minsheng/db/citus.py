"""The SQL that turns the migrated schema into a Citus cluster's (platform/docs/citus.md).

Each table gets one of three kinds, each for a reason written beside it:

* **distributed** on ``tenant_id`` (every tenant table), all in one colocation group: a tenant's rows of
  every table live in one shard group on one worker, joins and foreign keys between them stay on that
  worker, and the ORM's explicit ``tenant_id = ...`` routes each query there;
* **reference** (copied to every node): platform tables read across tenants that the distributed
  tables point at or that a query joins with any tenant's rows;
* **coordinator-local**: platform tables read and written only by the coordinator, keyed by something
  other than a tenant, whose writes would cost a round trip to every worker as reference tables.

Citus accepts foreign keys only from distributed to colocated distributed or reference tables, and
between reference and local tables; and ``create_distributed_table`` refuses a table that a local
table still points at, or that points at one. So the script drops the foreign keys between tenant
tables, distributes every table, and adds them back: the same constraints, now enforced per shard.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import AddConstraint, DropConstraint

from minsheng.db.base import Base, tenant_tables

# Every tenant table is distributed for this one reason.
DISTRIBUTED_REASON = "a tenant's own rows: distributed on tenant_id, colocated, routed to one shard per query"

REFERENCE_TABLES: dict[str, str] = {
    "tenants": "the tenant tree: every tenant table's foreign key points here, every request reads it",
    "users": "accounts span tenants (one person, several tenants); deputies point here",
    "memberships": "read by user across tenants at every login and request; small",
    "user_contacts": "a user's phone and e-mail, read by notification jobs of any tenant",
    "invitations": "looked up by token before anyone knows the tenant",
    "oversight_rollups": "read by a county or province across its whole subtree in one query; "
    "written only by roll-up jobs",
}

COORDINATOR_TABLES: dict[str, str] = {
    "jobs": "the outbox: polled across tenants by the relay, written beside each change",
    "auth_sessions": "looked up by session id on every request, before a tenant is known",
    "login_throttles": "keyed by user name, written on every failed login",
    "password_links": "one-time links to set a password, looked up by token before a tenant is known",
    "platform_audit_events": "the platform's own hash chain: one sequence, written by operators",
    "alembic_version": "the schema's revision, read by migrations only",
    "cache_epochs": "one row read at the start of every request, bumped by triggers on the reference tables",
}

# The first distributed table: every other one is colocated with it, and placement commands name it
# (with CASCADE, a tenant's move carries its rows of every colocated table).
ANCHOR = "projects"

# How Citus moves shards: ``auto`` copies online (logical replication: needs wal_level = logical on
# every node) when it can; ``block_writes`` holds writes to the moving shards until the copy is done.
TRANSFER_MODES = ("auto", "force_logical", "block_writes")


class NotCitusError(RuntimeError):
    """The database is not a Citus coordinator's."""


#: The triggers that bump the cache epochs on a single PostgreSQL (migration 0017), as (name, table).
EPOCH_TRIGGERS = (
    ("memberships_bump_auth", "memberships"),
    ("users_bump_auth", "users"),
    ("auth_sessions_bump_auth", "auth_sessions"),
    ("tenants_bump_tenants", "tenants"),
)
#: The cache epochs of a database whose changes nothing counts: no process may cache its context.
NO_CACHE_EPOCH = -1


def placements() -> dict[str, tuple[str, str]]:
    """Every table of the schema mapped to its kind (distributed, reference, local) and the reason.

    The models must be loaded (``minsheng.server.contexts``, as every entry point does).
    """
    known = set(Base.metadata.tables)
    missing = (set(REFERENCE_TABLES) | set(COORDINATOR_TABLES)) - known - {"alembic_version"}
    if missing or not tenant_tables():
        raise RuntimeError(f"the models are not loaded (no {sorted(missing) or 'tenant tables'}): import them first")
    scoped = set(tenant_tables())
    placed: dict[str, tuple[str, str]] = {}
    for table in _tables():
        if table.name in scoped:
            placed[table.name] = ("distributed", DISTRIBUTED_REASON)
        elif table.name in REFERENCE_TABLES:
            placed[table.name] = ("reference", REFERENCE_TABLES[table.name])
        elif table.name in COORDINATOR_TABLES:
            placed[table.name] = ("local", COORDINATOR_TABLES[table.name])
        else:
            raise ValueError(f"table {table.name} has no place in the Citus cluster: add it to minsheng.db.citus")
    placed["alembic_version"] = ("local", COORDINATOR_TABLES["alembic_version"])
    return placed


def distribution_sql(shard_count: int | None = None) -> str:
    """The statements to run once, as the owner, on a Citus coordinator after ``minsheng db upgrade``.

    ``shard_count`` sets the number of shards of the colocation group (Citus's default otherwise).
    """
    placed = placements()
    tables = _tables()
    scoped = [t for t in tables if placed[t.name][0] == "distributed"]
    between = [fk for t in scoped for fk in _foreign_keys(t) if _target(fk) in {s.name for s in scoped}]
    dialect = postgresql.dialect()
    lines = [
        "-- Generated by `minsheng db citus-sql`: run once, as the tables' owner, on the Citus coordinator",
        "-- after `minsheng db upgrade` (platform/docs/citus.md).",
        "BEGIN;",
        "-- Reference tables are written and the distributed tables' new foreign keys checked in this one",
        "-- transaction: one connection per worker keeps Citus from refusing that mix.",
        "SET LOCAL citus.multi_shard_modify_mode TO 'sequential';",
        "",
        "-- On the coordinator only (the workers run no distributed queries of their own): the tenant",
        "-- setting of each transaction, SET LOCAL app.tenant_id, reaches the workers, where the shards'",
        "-- row-level security policies read it. The app sets this on its own connections too.",
        "SET LOCAL citus.enable_ddl_propagation TO off;",
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET citus.propagate_set_commands = %L', "
        "current_database(), 'local'); END $$;",
        "SET LOCAL citus.enable_ddl_propagation TO on;",
    ]
    if shard_count is not None:
        lines.append(f"SET LOCAL citus.shard_count TO {int(shard_count)};")
    lines += ["", "-- Foreign keys between tenant tables come back once both sides are distributed."]
    lines += [f"{DropConstraint(fk).compile(dialect=dialect)};" for fk in between]
    lines.append("")
    lines += [
        "-- The cache epochs' triggers go: Citus distributes no table that has triggers, and one would run",
        "-- on the workers, where cache_epochs is not. Without them no process can tell that a login or a",
        "-- tenant it cached has changed, so the counters are set below zero: the app then caches nothing",
        "-- and reads every request's context from the database (platform/docs/citus.md).",
    ]
    lines += [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in EPOCH_TRIGGERS]
    no_cache = f"UPDATE cache_epochs SET auth = {NO_CACHE_EPOCH}, tenants = {NO_CACHE_EPOCH} WHERE id = 1;"  # noqa: S608
    lines.append(no_cache)
    lines.append("")
    # In the order written above: each after the reference tables it points at.
    for name, reason in REFERENCE_TABLES.items():
        lines.append(f"-- {name}: {reason}")
        lines.append(f"SELECT create_reference_table('{name}');")
    lines.append("")
    lines.append(f"-- Distributed tables: {DISTRIBUTED_REASON}.")
    lines.append(f"SELECT create_distributed_table('{ANCHOR}', 'tenant_id');")
    for table in scoped:
        if table.name != ANCHOR:
            lines.append(f"SELECT create_distributed_table('{table.name}', 'tenant_id', colocate_with => '{ANCHOR}');")
    lines.append("")
    lines += [f"{AddConstraint(fk).compile(dialect=dialect)};" for fk in between]
    lines.append("")
    lines.append("-- Coordinator-local tables (they become Citus local tables where they point at a reference table):")
    for name in sorted(name for name, (kind, _) in placed.items() if kind == "local"):
        lines.append(f"--   {name}: {placed[name][1]}")
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


async def apply_distribution(owner_url: str, shard_count: int | None = None) -> bool:
    """Run :func:`distribution_sql` as the owner at ``owner_url``, statement by statement as psql would.

    Returns False, doing nothing, when the schema is distributed already (a deployment may run this on
    every start).
    """
    from minsheng.db.session import make_engine

    engine = make_engine(owner_url, pool=False)
    try:
        async with engine.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            if (await autocommit.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'citus'"))).first() is None:
                raise NotCitusError(
                    "this database has no citus extension: CREATE EXTENSION citus (and add the workers)"
                )
            done = await autocommit.execute(
                text("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = CAST(:t AS regclass))"),
                {"t": ANCHOR},
            )
            if done.scalar():
                return False
            for statement in split_statements(distribution_sql(shard_count)):
                await autocommit.exec_driver_sql(statement)
            return True
    finally:
        await engine.dispose()


def split_statements(script: str) -> list[str]:
    """The script's statements (each ends its line with ``;``), comments and blank lines dropped."""
    statements: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        if line.startswith("--") or not line.strip():
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current))
            current = []
    return statements


def _tables() -> list[Table]:
    # Referenced tables first, so every reference table exists as one before its dependants.
    return list(Base.metadata.sorted_tables)


def _foreign_keys(table: Table) -> list[ForeignKeyConstraint]:
    return sorted(table.foreign_key_constraints, key=lambda fk: str(fk.name))


def _target(fk: ForeignKeyConstraint) -> str:
    return str(fk.elements[0].column.table.name)


# --- Tenant placement: where a tenant's shard group lives, moving a big one, spreading the rest ------


@dataclass(frozen=True)
class Placement:
    """The shard holding a tenant's rows of the anchor table (its colocated shards sit beside it)."""

    shard_id: int
    host: str
    port: int

    def describe(self) -> str:
        return f"shard {self.shard_id} on {self.host}:{self.port}"


async def tenant_id_for(conn: AsyncConnection, slug: str) -> uuid.UUID:
    found = (await conn.execute(text("SELECT id FROM tenants WHERE slug = :slug"), {"slug": slug})).scalar()
    if found is None:
        raise LookupError(f"no tenant {slug!r}")
    return uuid.UUID(str(found))


async def tenant_placement(conn: AsyncConnection, tenant_id: uuid.UUID) -> Placement:
    row = (
        await conn.execute(
            text(
                "SELECT s.shardid, s.nodename, s.nodeport FROM citus_shards s "
                "WHERE s.shardid = get_shard_id_for_distribution_column(CAST(:table AS regclass), CAST(:t AS uuid))"
            ),
            {"table": ANCHOR, "t": str(tenant_id)},
        )
    ).one()
    return Placement(int(row[0]), str(row[1]), int(row[2]))


async def isolate_tenant(conn: AsyncConnection, tenant_id: uuid.UUID, transfer_mode: str = "auto") -> Placement:
    """Give the tenant a shard group of its own (every colocated table), on the node it was on.

    Other tenants of the old shards keep theirs; the new shards can then be moved to a worker of their
    own with ``citus_move_shard_placement`` or left to the rebalancer.
    """
    if transfer_mode not in TRANSFER_MODES:
        raise ValueError(f"unknown transfer mode {transfer_mode!r}")
    await conn.execute(
        text(
            "SELECT isolate_tenant_to_new_shard(CAST(:table AS regclass), CAST(:t AS uuid), 'CASCADE', "
            "shard_transfer_mode => CAST(:mode AS citus.shard_transfer_mode))"
        ),
        {"table": ANCHOR, "t": str(tenant_id), "mode": transfer_mode},
    )
    return await tenant_placement(conn, tenant_id)


async def rebalance(conn: AsyncConnection, transfer_mode: str = "auto") -> int:
    """Spread the shard groups over every worker (after adding one); returns the number of moves.

    Citus's background rebalancer moves one shard group at a time; this waits for it to finish (wrap it
    in ``asyncio.timeout`` to stop waiting: the job goes on, ``citus_rebalance_status()`` shows it).
    ``conn`` must be outside a transaction: the job starts only once its scheduling has committed.
    A job whose tasks stay "runnable" has no executor: the coordinator lacks background worker slots
    (``max_worker_processes``; each database with Citus takes one for its maintenance daemon).
    """
    if transfer_mode not in TRANSFER_MODES:
        raise ValueError(f"unknown transfer mode {transfer_mode!r}")
    planned = len((await conn.execute(text("SELECT * FROM get_rebalance_table_shards_plan()"))).all())
    if not planned:
        return 0
    job = (
        await conn.execute(
            text("SELECT citus_rebalance_start(shard_transfer_mode => CAST(:mode AS citus.shard_transfer_mode))"),
            {"mode": transfer_mode},
        )
    ).scalar()
    while True:
        state, details = (
            await conn.execute(
                text("SELECT state::text, details::text FROM citus_rebalance_status() WHERE job_id = :job"),
                {"job": job},
            )
        ).one()
        if state == "finished":
            return planned
        if state in ("failed", "cancelled", "failing", "cancelling"):
            raise RuntimeError(f"the rebalance job {job} is {state}: {details}")
        await asyncio.sleep(0.5)
