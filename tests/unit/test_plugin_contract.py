"""A closed plugin contract: region plugins import nothing of the platform but ``minsheng.plugins`` (and
their tests the testing kit, ``minsheng.testing`` and ``minsheng.testing_tenant``), and the guide's hook
table says exactly what ``hookspecs.py`` does.

The import rule is also an import-linter contract over the installed plugin packages (``pyproject.toml``);
both checks are proved here to catch a planted violation.
"""

from __future__ import annotations

import ast
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

from minsheng.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
GUIDE = ROOT / "platform" / "minsheng" / "plugins" / "README.md"
ALLOWED_IN_PACKAGES = ("minsheng.plugins",)
ALLOWED_IN_TESTS = ("minsheng.plugins", "minsheng.testing", "minsheng.testing_tenant")


def platform_imports(path: Path) -> list[str]:
    """Every platform module ``path`` imports (``minsheng`` itself or below it)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [name for name in names if name == "minsheng" or name.startswith("minsheng.")]
    return found


def contract_breaches(plugins_dir: Path) -> list[str]:
    breaches = []
    for path in sorted(plugins_dir.rglob("*.py")):
        if ".venv" in path.parts or "build" in path.parts:
            continue
        allowed = ALLOWED_IN_TESTS if "tests" in path.relative_to(plugins_dir).parts else ALLOWED_IN_PACKAGES
        breaches += [
            f"{path.relative_to(plugins_dir)}: {name}" for name in platform_imports(path) if name not in allowed
        ]
    return breaches


def test_region_plugins_import_only_the_contract() -> None:
    assert contract_breaches(PLUGINS) == []


def test_the_import_check_catches_a_planted_internal_import(tmp_path: Path) -> None:
    copy = tmp_path / "plugins"
    shutil.copytree(PLUGINS, copy, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    planted = next(copy.glob("henan/minsheng_henan/__init__.py"))
    planted.write_text(planted.read_text() + "\nfrom minsheng.plugins.rules.margin import margin_rule  # noqa\n")
    assert contract_breaches(copy) == ["henan/minsheng_henan/__init__.py: minsheng.plugins.rules.margin"]


def _lint(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_the_import_linter_contract_holds_for_the_installed_plugins() -> None:
    result = _lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Region plugins use the plugin contract only KEPT" in result.stdout


# --- The hook table of the guide, against the hookspecs --------------------------------------------


def specified_hooks() -> dict[str, str]:
    """Every hook of ``hookspecs.py``: "one" (firstresult) or "all"."""
    hooks = {}
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("minsheng_"):
            options = getattr(function, "minsheng_spec", {}) or {}
            hooks[name] = "one" if options.get("firstresult") else "all"
    return hooks


def guide_hooks(text: str) -> dict[str, str]:
    """The hooks the guide's table lists, with the kind its second column says."""
    rows = re.findall(r"^\| `(minsheng_\w+)` \| (one|all)\b", text, flags=re.MULTILINE)
    return dict(rows)


def table_differences(specified: dict[str, str], documented: dict[str, str]) -> list[str]:
    differences = [f"{name}: not in the guide" for name in specified if name not in documented]
    differences += [f"{name}: in the guide, not a hook" for name in documented if name not in specified]
    differences += [
        f"{name}: the guide says {documented[name]}, the spec {kind}"
        for name, kind in specified.items()
        if name in documented and documented[name] != kind
    ]
    return sorted(differences)


def test_the_guides_hook_table_matches_the_hookspecs() -> None:
    specified = specified_hooks()
    assert "minsheng_margin_rule" in specified and specified["minsheng_margin_rule"] == "one"
    assert table_differences(specified, guide_hooks(GUIDE.read_text(encoding="utf-8"))) == []


def test_a_new_hookspec_without_its_guide_row_is_caught() -> None:
    documented = guide_hooks(GUIDE.read_text(encoding="utf-8"))
    grown = {**specified_hooks(), "minsheng_new_rule": "one"}
    assert table_differences(grown, documented) == ["minsheng_new_rule: not in the guide"]
    changed = {**specified_hooks(), "minsheng_margin_rule": "all"}
    assert table_differences(changed, documented) == ["minsheng_margin_rule: the guide says one, the spec all"]


def _forbidden_list(config: Path) -> list[str]:
    import tomllib

    contracts = tomllib.loads(config.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    return list(next(c for c in contracts if c["id"] == "plugins")["forbidden_modules"])


def test_the_import_linter_contract_forbids_every_platform_module_but_the_contract() -> None:
    package = ROOT / "platform" / "minsheng"
    expected = {f"minsheng.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    expected |= {f"minsheng.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    expected |= {f"minsheng.plugins.{p.stem}" for p in (package / "plugins").glob("*.py") if p.stem != "__init__"}
    expected |= {"minsheng.plugins.rules"}
    expected -= {"minsheng.plugins"}
    assert sorted(_forbidden_list(ROOT / "pyproject.toml")) == sorted(expected)


def test_the_import_linter_contract_catches_a_planted_breach(tmp_path: Path) -> None:
    # A copy of one plugin package, planted with an internal import, stands in for the real one.
    copy = tmp_path / "minsheng_henan"
    shutil.copytree(PLUGINS / "henan" / "minsheng_henan", copy, ignore=shutil.ignore_patterns("__pycache__"))
    planted = copy / "__init__.py"
    planted.write_text(planted.read_text() + "\nfrom minsheng.congress.voting import tally  # noqa\n")
    config = tmp_path / "pyproject.toml"
    config.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT / 'platform'}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "minsheng_henan -> minsheng.congress.voting.tally" in result.stdout
