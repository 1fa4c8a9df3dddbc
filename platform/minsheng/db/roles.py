"""The PostgreSQL role the app connects as: it may read and write rows, and owns nothing.

A table's owner could switch RLS off; a role that owns nothing and has no BYPASSRLS cannot.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

APPEND_ONLY_TABLES = ("audit_events", "platform_audit_events")


def quote_ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe role name {name!r}")
    return f'"{name}"'


def grant_app_role(connection: Connection, role: str) -> None:
    """Grant ``role`` data access to every table in the schema (run as the owner after migrating)."""
    ident = quote_ident(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {ident}"))
    connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ident}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ident}"))
    connection.execute(text(f"REVOKE ALL ON alembic_version FROM {ident}"))
    # The audit log is append-only for the app: no UPDATE or DELETE, even of its own tenant's rows.
    # (Deleting a whole tenant cascades through foreign keys, which run with the owner's rights.)
    for table in APPEND_ONLY_TABLES:
        connection.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {ident}"))


def create_app_role(connection: Connection, role: str) -> None:
    """Create the login role if it is missing (needs CREATEROLE; deployments may create it instead)."""
    ident = quote_ident(role)
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        connection.execute(text(f"CREATE ROLE {ident} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"))
