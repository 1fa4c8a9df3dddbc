"""Installing the platform and its plugins is quiet: the licence is an SPDX string, and every file a
plugin ships (templates, catalogs) is declared package data of a package setuptools is told about."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(path.parent for path in (ROOT / "plugins").glob("*/pyproject.toml"))


def _project(folder: Path) -> dict:
    return tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))


def undeclared_data(package: Path, patterns: list[str]) -> list[str]:
    """The files under ``package`` (besides Python sources) that no package-data pattern matches."""
    shipped = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    return [name for name in shipped if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)]


def test_the_check_finds_a_file_no_pattern_declares(tmp_path: Path) -> None:
    (tmp_path / "templates" / "x").mkdir(parents=True)
    (tmp_path / "templates" / "x" / "a.j2").write_text("")
    (tmp_path / "templates" / "x" / "b.css").write_text("")
    assert undeclared_data(tmp_path, ["templates/x/*.j2"]) == ["templates/x/b.css"]


@pytest.mark.parametrize("folder", [ROOT, *PLUGINS], ids=lambda folder: folder.name)
def test_the_licence_is_an_spdx_string_and_setuptools_knows_it(folder: Path) -> None:
    project = _project(folder)
    assert any(req.startswith("setuptools>=77") for req in project["build-system"]["requires"])
    licence = project["project"]["license"]
    assert isinstance(licence, str) and licence, "an SPDX expression, not a table (deprecated)"


@pytest.mark.parametrize("folder", PLUGINS, ids=lambda folder: folder.name)
def test_a_plugin_declares_its_subfolders_and_every_file_it_ships(folder: Path) -> None:
    project = _project(folder)
    setuptools = project["tool"]["setuptools"]
    (package,) = [path for path in folder.glob("minsheng_*") if (path / "__init__.py").exists()]
    # Its data folders are importable (namespace) packages: found, not listed by hand.
    assert setuptools["packages"]["find"]["include"] == [f"{package.name}*"]
    # A plain path entry for the editable install (no meta path finder, no warning about it).
    assert setuptools["package-dir"] == {"": "."}
    patterns = setuptools.get("package-data", {}).get(package.name, [])
    assert undeclared_data(package, patterns) == []
