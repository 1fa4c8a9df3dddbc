"""The Alembic migrations create exactly what the models describe (nothing forgotten in a migration)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from minsheng.db.base import Base
from minsheng.db.migrate import upgrade
from minsheng.server import contexts  # noqa: F401  (imports every model)


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "schema.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
