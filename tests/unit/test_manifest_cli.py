"""``minsheng tenants apply``: idempotent; a changed manifest changes only what differs."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from minsheng.cli import main
from minsheng.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "MINSHENG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
        "MINSHENG_DATA_DIR": str(tmp_path),
    }
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def test_applying_the_demo_manifest_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    manifest = str(ROOT / "tenants" / "henan-baofeng.yaml")
    code, output = run(tmp_path, "tenants", "apply", "--plan", manifest)
    assert code == 0 and "15 tenant(s) would change" in output
    code, output = run(tmp_path, "tenants", "apply", manifest)
    assert code == 0, output
    assert "+ baofeng-zhaozhuang" in output and "15 tenant(s) changed" in output
    code, output = run(tmp_path, "tenants", "apply", manifest)
    assert code == 0 and "no changes" in output

    changed = tmp_path / "changed.yaml"
    changed.write_text(
        Path(manifest).read_text(encoding="utf-8").replace("name: 赵庄镇", "name: 赵庄镇（试点）"), encoding="utf-8"
    )
    code, output = run(tmp_path, "tenants", "apply", str(changed))
    assert code == 0, output
    assert next(line for line in output.splitlines() if line.strip()) == "~ baofeng-zhaozhuang: name"
    assert "1 tenant(s) changed" in output
    code, output = run(tmp_path, "verify", "--tenant", "baofeng-zhaozhuang")
    assert code == 0 and "OK: 2 events" in output


def test_a_bad_manifest_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenants:\n  - slug: x\n    name: X\n    level: village\n", encoding="utf-8")
    code, output = run(tmp_path, "tenants", "apply", str(bad))
    assert code != 0
    assert "Unknown tenant level village" in output


def test_plugins_list_shows_the_defaults_with_their_hooks_and_tenants(tmp_path: Path) -> None:
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    run(tmp_path, "tenants", "apply", str(ROOT / "tenants" / "henan-baofeng.yaml"))
    code, output = run(tmp_path, "plugins", "list")
    assert code == 0, output
    assert "minsheng.defaults" in output
    assert "minsheng_margin_rule" in output
    assert "tenants: 15" in output
    assert "henan-baofeng" in output and "tenants: 13 (baofeng," in output


def test_the_second_region_uses_other_plugins_and_applies_idempotently(tmp_path: Path) -> None:
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    manifest = str(ROOT / "tenants" / "zhejiang-zhenhai.yaml")
    code, output = run(tmp_path, "tenants", "apply", manifest)
    assert code == 0 and "9 tenant(s) changed" in output, output
    code, output = run(tmp_path, "tenants", "apply", manifest)
    assert code == 0 and "no changes" in output
    code, output = run(tmp_path, "plugins", "list")
    # Zhenhai and its six towns use the Zhejiang rules and SM3; nobody in that region uses Henan's.
    assert "zhejiang\n" in output and "tenants: 7 (zhenhai," in output
    assert "henan-baofeng\n  hooks" in output and "tenants: 0" in output
