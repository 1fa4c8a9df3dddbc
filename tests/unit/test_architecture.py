"""The house's shape holds: the layers, no import cycles, one registration list.

The layers are import-linter contracts in ``pyproject.toml`` (run here and in CI); each test below
also plants a violation in a copy of the package, to prove the contract would catch it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "platform" / "minsheng"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(platform_dir: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(platform_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=platform_dir,
        check=False,
    )


def copy_of_package(tmp_path: Path) -> Path:
    target = tmp_path / "platform"
    shutil.copytree(
        PACKAGE,
        target / "minsheng",
        ignore=shutil.ignore_patterns("node_modules", "static", "templates", "__pycache__", "*.po"),
    )
    return target


def test_the_layer_contract_is_kept() -> None:
    result = lint_imports(ROOT / "platform", ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layer_contract_catches_a_foundation_module_importing_a_feature(tmp_path: Path) -> None:
    copy = copy_of_package(tmp_path)
    planted = copy / "minsheng" / "db" / "listing.py"
    planted.write_text(planted.read_text() + "\nfrom minsheng.congress.voting import tally  # noqa\n")
    result = lint_imports(copy, ROOT / "pyproject.toml")
    assert result.returncode != 0
    assert "minsheng.db.listing -> minsheng.congress.voting.tally" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            for offset, nxt in enumerate(edges[node][position:], start=position):
                if nxt not in index:
                    work.append((node, offset + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("minsheng", include_external_packages=False)


def test_no_import_cycle_lazy_or_not(graph: grimp.ImportGraph) -> None:
    # grimp reads every import statement, inside functions too: a lazy import is still an edge.
    assert _cycles(graph) == []


def cycles_in(platform_dir: Path) -> list[list[str]]:
    """The cycles of the ``minsheng`` package found under ``platform_dir``, in a fresh interpreter."""
    script = (
        "import grimp, json, sys; sys.path.insert(0, sys.argv[1]); from test_architecture import _cycles; "
        "print(json.dumps(_cycles(grimp.build_graph('minsheng', include_external_packages=False, cache_dir=None))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(platform_dir), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return list(json.loads(result.stdout))


def test_the_cycle_finder_finds_a_planted_lazy_cycle(tmp_path: Path) -> None:
    copy = copy_of_package(tmp_path)
    errors = copy / "minsheng" / "errors.py"
    errors.write_text(
        errors.read_text() + "\n\ndef _late() -> None:\n    from minsheng.settings import Settings  # noqa\n"
    )
    settings = copy / "minsheng" / "settings.py"
    settings.write_text(settings.read_text() + "\nfrom minsheng import errors  # noqa\n")
    assert ["minsheng.errors", "minsheng.settings"] in cycles_in(copy)


def test_contexts_are_registered_once_and_nothing_is_scanned() -> None:
    from minsheng.server import contexts

    names = [context.__name__ for context in contexts.CONTEXTS]
    assert len(names) == len(set(names))
    wired = {path.parent.name for path in PACKAGE.glob("*/wiring.py")}
    assert wired == {name.split(".")[1] for name in names}, "every context with a wiring module is registered"
    # A folder scan would drop a module the day its context grows sub-packages: contexts list theirs.
    scanning = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if "node_modules" not in path.parts and 'glob("*/' in path.read_text(encoding="utf-8")
    ]
    assert scanning == []
