"""Every ``minsheng`` command on a data folder whose database was never migrated either works or says, in
one line and without a traceback, to run ``minsheng db upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from minsheng.cli import main
from minsheng.db.migrate import head_revision, upgrade

ROOT = Path(__file__).resolve().parents[2]
HINT = "run `minsheng db upgrade` first"

# Each command with the arguments it is tried with, and whether it works without a migrated database.
COMMANDS: dict[str, tuple[list[str], bool]] = {
    "serve": ([], True),  # embedded: the server migrates on start (uvicorn is replaced below)
    "worker": ([], False),
    "db upgrade": ([], True),
    "db citus-sql": ([], True),
    "db citus-isolate": (["a-county"], False),
    "db citus-rebalance": ([], False),
    "users add": (["someone"], False),
    "tenants apply": ([str(ROOT / "tenants" / "henan-baofeng.yaml")], False),
    "plugins list": ([], True),
    "verify": (["--platform"], False),
}


def leaf_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += leaf_commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def invoke(tmp_path: Path, args: list[str]) -> Result:
    env = {
        "MINSHENG_DATA_DIR": str(tmp_path / "var"),
        "MINSHENG_DATABASE_URL": None,
        "MINSHENG_MIGRATION_DATABASE_URL": None,
        "MINSHENG_PASSWORD": "Correct-Horse-42",
        # A worker is refused before it would reach Redis.
        "MINSHENG_REDIS_URL": "redis://127.0.0.1:1/0",
    }
    return CliRunner().invoke(main, args, env=env, catch_exceptions=True)


def test_every_command_is_tried() -> None:
    assert sorted(leaf_commands(main)) == sorted(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_before_the_first_upgrade_works_or_says_to_run_it(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append(args))
    args, works = COMMANDS[command]
    result = invoke(tmp_path, [*command.split(), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if works:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and result.output.rstrip().endswith(HINT), result.output
    assert "Traceback" not in result.output


def test_plugins_are_listed_before_the_first_upgrade_and_the_tenants_after_it(tmp_path: Path) -> None:
    before = invoke(tmp_path, ["plugins", "list"])
    assert "minsheng.defaults" in before.output and HINT in before.output
    assert invoke(tmp_path, ["db", "upgrade"]).exit_code == 0
    after = invoke(tmp_path, ["plugins", "list"])
    assert after.exit_code == 0 and "tenants: 0" in after.output and HINT not in after.output


def test_a_database_behind_the_code_is_named_with_its_revision(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'minsheng.sqlite3'}", "0014")
    result = invoke(tmp_path, ["users", "add", "someone"])
    assert result.exit_code == 1
    assert f"is at revision 0014, this code needs {head_revision()}: {HINT}" in result.output
