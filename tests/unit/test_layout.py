"""The package lives in platform/minsheng, and platform/ must never shadow the stdlib module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_stdlib_platform_still_works_from_the_repository_root() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import platform, minsheng; print(platform.system(), platform.__file__)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    system, path = result.stdout.split()
    assert system == "Linux"
    assert not path.startswith(str(ROOT / "platform")), path


def test_no_init_file_in_the_platform_folder() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()
