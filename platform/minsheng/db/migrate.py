"""Running Alembic from code: ``minsheng db upgrade`` and the embedded start both call ``upgrade``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, app_role: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if app_role:
        config.set_main_option("app_role", app_role)
    return config


def upgrade(url: str, revision: str = "head", app_role: str | None = None) -> None:
    """Bring the schema at ``url`` (connected as the tables' owner) up to ``revision``.

    ``head`` is the one head of the chain: with two (an unmerged branch) Alembic refuses, instead of
    applying both in an order nobody chose. ``app_role`` (PostgreSQL) is then granted data access,
    never ownership, so RLS binds it.
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url, app_role), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema at ``url`` back down to ``revision`` (``base``: nothing left but Alembic's table)."""
    command.downgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head", app_role: str | None = None) -> None:
    """``upgrade`` from inside a running event loop (Alembic's env runs its own loop)."""
    await asyncio.to_thread(upgrade, url, revision, app_role)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
