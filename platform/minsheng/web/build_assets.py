"""Fetch the third-party assets from npm and copy what the platform uses into ``web/static/vendor/``.

``python -m minsheng.web.build_assets`` runs ``npm ci`` (``npm install`` when there is no lock file)
in ``web/assets`` and copies htmx, ECharts and the CJK font used for PDFs. It does nothing when the
copies are there and were made from the same ``package.json`` and ``package-lock.json`` (a stamp file
records their digest). None of these files is ever committed: ``web/static/vendor/`` is git-ignored.

``assets_ready()`` and ``font_path()`` let the rest of the platform (PDF rendering) find the files.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
ASSETS_DIR = WEB_DIR / "assets"
NODE_MODULES = ASSETS_DIR / "node_modules"
VENDOR_DIR = WEB_DIR / "static" / "vendor"
STAMP_FILE = VENDOR_DIR / ".build-stamp"

FONT_FAMILY = "Noto Sans SC"


@dataclass(frozen=True)
class VendorFile:
    """One file copied from an npm package into ``static/vendor``."""

    source: str  # under node_modules
    target: str  # under static/vendor
    required: bool = True  # a missing optional file (a licence text) does not fail the build


VENDOR_FILES: tuple[VendorFile, ...] = (
    VendorFile("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    VendorFile("echarts/dist/echarts.min.js", "echarts.min.js"),
    # Noto Sans SC as a single static TrueType file (~10 MB, 30,898 glyphs): WeasyPrint embeds a subset
    # of it. The other weights of the package are not copied.
    VendorFile(
        "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
        "fonts/NotoSansSC-Regular.ttf",
    ),
    # Licences travel with the copies (the vendor folder is packaged into the wheel).
    VendorFile("htmx.org/LICENSE", "licenses/htmx.org.LICENSE.txt", required=False),
    VendorFile("echarts/LICENSE", "licenses/echarts.LICENSE.txt", required=False),
    VendorFile("echarts/NOTICE", "licenses/echarts.NOTICE.txt", required=False),
    VendorFile("zrender/LICENSE", "licenses/zrender.LICENSE.txt", required=False),
    VendorFile("@expo-google-fonts/noto-sans-sc/LICENSE_FONT", "fonts/OFL.txt", required=False),
)


class AssetsMissing(FileNotFoundError):
    """The vendored assets have not been built."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is missing; build the assets with: python -m minsheng.web.build_assets")
        self.path = path


# --- for the rest of the platform -------------------------------------------------------------------


def vendor_path(target: str) -> Path:
    """Where a vendored file lives (``"echarts.min.js"`` -> ``.../static/vendor/echarts.min.js``)."""
    return VENDOR_DIR / target


def assets_ready() -> bool:
    """Whether every required vendored file is in place (fresh or not)."""
    return all(vendor_path(item.target).is_file() for item in VENDOR_FILES if item.required)


def font_path() -> Path:
    """The CJK TrueType font for PDFs (Noto Sans SC Regular); ``AssetsMissing`` if not built."""
    path = vendor_path("fonts/NotoSansSC-Regular.ttf")
    if not path.is_file():
        raise AssetsMissing(path)
    return path


def font_face_css() -> str:
    """An ``@font-face`` rule naming the PDF font, for WeasyPrint stylesheets."""
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: normal; font-style: normal; '
        f'src: url("{font_path().as_uri()}") format("truetype"); }}'
    )


# --- the build --------------------------------------------------------------------------------------


def manifest_digest() -> str:
    """The digest of what decides the copies: package.json, the lock file and the list of files."""
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        path = ASSETS_DIR / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<none>")
    for item in VENDOR_FILES:
        digest.update(f"{item.source}>{item.target}".encode())
    return digest.hexdigest()


def is_up_to_date() -> bool:
    """Whether the copies are in place and were made from the current package files."""
    if not assets_ready() or not STAMP_FILE.is_file():
        return False
    return STAMP_FILE.read_text(encoding="utf-8").strip() == manifest_digest()


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: install Node.js (20 or later) to build the web assets")
    return npm


def install_packages() -> None:
    """``npm ci`` from the lock file (``npm install`` to create it), without running package scripts."""
    command = "ci" if (ASSETS_DIR / "package-lock.json").is_file() else "install"
    arguments = [_npm(), command, "--no-audit", "--no-fund", "--ignore-scripts"]
    print(f"build_assets: npm {command} in {ASSETS_DIR}", flush=True)
    subprocess.run(arguments, cwd=ASSETS_DIR, check=True)  # noqa: S603 (fixed arguments, no shell)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)  # readers never see half a file


def copy_vendor_files() -> list[Path]:
    """Copy every vendored file out of node_modules; the targets copied."""
    copied: list[Path] = []
    missing: list[str] = []
    for item in VENDOR_FILES:
        source = NODE_MODULES / item.source
        if not source.is_file():
            if item.required:
                missing.append(item.source)
            continue
        target = vendor_path(item.target)
        _copy(source, target)
        copied.append(target)
    if missing:
        raise AssetsMissing(NODE_MODULES / missing[0])
    return copied


def build(force: bool = False) -> bool:
    """Install the npm packages and copy the files, unless up to date; whether anything was done."""
    if not force and is_up_to_date():
        return False
    install_packages()
    copy_vendor_files()
    STAMP_FILE.parent.mkdir(parents=True, exist_ok=True)
    # After npm install a lock file may have appeared: the stamp is taken over the final state.
    STAMP_FILE.write_text(manifest_digest() + "\n", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minsheng.web.build_assets",
        description="Fetch htmx, ECharts and the CJK PDF font from npm into web/static/vendor/.",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--check", action="store_true", help="build nothing; exit 1 unless the assets are up to date")
    arguments = parser.parse_args(argv)
    if arguments.check:
        fresh = is_up_to_date()
        print("build_assets: up to date" if fresh else "build_assets: out of date or missing")
        return 0 if fresh else 1
    try:
        done = build(force=arguments.force)
    except (RuntimeError, FileNotFoundError, subprocess.CalledProcessError) as error:
        print(f"build_assets: {error}", file=sys.stderr)
        return 1
    if done:
        for item in VENDOR_FILES:
            path = vendor_path(item.target)
            if path.is_file():
                print(f"build_assets: {path.relative_to(WEB_DIR)} ({path.stat().st_size:,} bytes)")
    else:
        print("build_assets: up to date, nothing to do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
