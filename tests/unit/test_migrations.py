"""The Alembic migrations: one chain with one head, frozen (no app code in a revision), and the schema
they create is exactly what the models describe (nothing forgotten in a migration).

PostgreSQL's side (types compared, the round trip down to nothing and up again) is in
``tests/postgres/test_migration_chain.py``.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, inspect

from minsheng.db import migrate
from minsheng.db.base import Base
from minsheng.db.migrate import MIGRATIONS, alembic_config, downgrade, upgrade
from minsheng.server import contexts  # noqa: F401  (imports every model)

# What env.py may take from the app: the models (autogenerate) and the grants every upgrade ends with.
ENV_IMPORTS = {"minsheng.db.base", "minsheng.db.roles", "minsheng.server"}


def app_imports(source: str) -> list[str]:
    """The modules of the app (``minsheng…``) that ``source`` imports."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name == "minsheng" or name.startswith("minsheng.")]
    return found


def test_the_import_check_sees_an_app_import_anywhere_in_a_file() -> None:
    source = "import sqlalchemy as sa\n\ndef upgrade():\n    from minsheng.db.rls import enable_tenant_rls\n"
    assert app_imports(source) == ["minsheng.db.rls"]
    assert app_imports("import minsheng.settings\nfrom alembic import op\n") == ["minsheng.settings"]


def test_no_revision_imports_the_app() -> None:
    revisions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert revisions
    for path in revisions:
        assert app_imports(path.read_text(encoding="utf-8")) == [], f"{path.name} imports the app"


def test_the_environment_imports_only_the_models_and_the_grants() -> None:
    assert set(app_imports((MIGRATIONS / "env.py").read_text(encoding="utf-8"))) <= ENV_IMPORTS


def test_the_revisions_form_one_chain_with_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"unmerged branches: {script.get_heads()}"
    assert len(script.get_bases()) == 1
    # Linear: every revision has at most one child.
    assert all(len(revision.nextrev) <= 1 for revision in script.walk_revisions())


def test_an_unmerged_branch_makes_two_heads_and_upgrade_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    parent = script.get_revision(script.get_current_head()).down_revision
    # A second child of the head's parent, as two branches each adding a revision would leave it.
    branch = (
        f'revision = "9999"\ndown_revision = "{parent}"\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n'
    )
    (copy / "versions" / "9999_branch.py").write_text(branch, encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", copy)
    assert len(ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads()) == 2
    with pytest.raises(CommandError, match="Multiple head revisions"):
        migrate.upgrade(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")


def _compare(path: Path) -> list[object]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "schema.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    assert _compare(path) == []


def test_every_revision_goes_down_and_up_again_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "schema.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    downgrade(url, "base")
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    upgrade(url)
    assert _compare(path) == []
