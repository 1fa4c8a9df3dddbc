"""Fetch the third-party assets from npm and copy what the platform uses into ``web/static/vendor/``.

``python -m minsheng.web.build_assets`` runs ``npm ci`` (``npm install`` when there is no lock file)
in ``web/assets`` and copies htmx, ECharts and the CJK fonts used for PDFs. It does nothing when the
copies are there and were made from the same ``package.json`` and ``package-lock.json`` (a stamp file
records their digest). None of these files is ever committed: ``web/static/vendor/`` is git-ignored.

The official documents (``platform/docs/documents.md``) need three styles of Chinese type, all free
(SIL Open Font License) and all from npm:

- a Song (宋体) for titles and page numbers, standing in for 方正小标宋: Noto Serif SC, Regular and
  Bold, as static TrueType files (``@expo-google-fonts/noto-serif-sc``);
- a Kai (楷体) for the body, headings of the second level and notes, standing in for 仿宋 and 楷体:
  LXGW WenKai (霞鹜文楷). No npm package ships it as one file, only as ~100 web subsets (WOFF2, split by
  Unicode range, ``lxgw-wenkai-webfont``); WeasyPrint would unpack and register each subset on every
  render, so the build merges them once into one TrueType file (fontTools);
- a Hei (黑体) for headings of the first level and tables' headers: Noto Sans SC.

No free FangSong (仿宋) with the full GB 2312 repertoire is published on npm; Debian's only one
(``fonts-cwtex-fs``) is a traditional-Chinese font. So the body is set in a Kai, which offices accept
for printed drafts; the DOCX files name the official fonts, which Word or WPS on an office PC use.

``assets_ready()`` and ``font_faces()`` let the rest of the platform (PDF rendering) find the files.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
ASSETS_DIR = WEB_DIR / "assets"
NODE_MODULES = ASSETS_DIR / "node_modules"
VENDOR_DIR = WEB_DIR / "static" / "vendor"
STAMP_FILE = VENDOR_DIR / ".build-stamp"

#: The CSS family names of the PDF fonts, by the style of Chinese type they stand in for.
SONG_FAMILY = "Noto Serif SC"
KAI_FAMILY = "LXGW WenKai"
HEI_FAMILY = "Noto Sans SC"
#: Kept for the pages that name the sans font (posters and charts predate the official styles).
FONT_FAMILY = HEI_FAMILY


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
    VendorFile(
        "@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf",
        "fonts/NotoSerifSC-Regular.ttf",
    ),
    VendorFile("@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf", "fonts/NotoSerifSC-Bold.ttf"),
    # Licences travel with the copies (the vendor folder is packaged into the wheel).
    VendorFile("htmx.org/LICENSE", "licenses/htmx.org.LICENSE.txt", required=False),
    VendorFile("echarts/LICENSE", "licenses/echarts.LICENSE.txt", required=False),
    VendorFile("echarts/NOTICE", "licenses/echarts.NOTICE.txt", required=False),
    VendorFile("zrender/LICENSE", "licenses/zrender.LICENSE.txt", required=False),
    VendorFile("@expo-google-fonts/noto-sans-sc/LICENSE_FONT", "fonts/OFL.txt", required=False),
    VendorFile("@expo-google-fonts/noto-serif-sc/LICENSE_FONT", "fonts/OFL-NotoSerifSC.txt", required=False),
    VendorFile("lxgw-wenkai-webfont/OFL.txt", "fonts/OFL-LXGWWenKai.txt", required=False),
)


@dataclass(frozen=True)
class MergedFont:
    """One TrueType file made from a web font's subsets (all cut from the same font)."""

    pattern: str  # a glob under node_modules
    target: str  # under static/vendor


MERGED_FONTS: tuple[MergedFont, ...] = (
    MergedFont("lxgw-wenkai-webfont/files/lxgwwenkai-regular-subset-*.woff2", "fonts/LXGWWenKai-Regular.ttf"),
)


@dataclass(frozen=True)
class FontFace:
    """One ``@font-face`` of the PDF fonts: family, weight and the vendored file."""

    family: str
    weight: int
    target: str


FONT_FACES: tuple[FontFace, ...] = (
    FontFace(SONG_FAMILY, 400, "fonts/NotoSerifSC-Regular.ttf"),
    FontFace(SONG_FAMILY, 700, "fonts/NotoSerifSC-Bold.ttf"),
    FontFace(KAI_FAMILY, 400, "fonts/LXGWWenKai-Regular.ttf"),
    FontFace(HEI_FAMILY, 400, "fonts/NotoSansSC-Regular.ttf"),
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
    targets = [item.target for item in VENDOR_FILES if item.required] + [font.target for font in MERGED_FONTS]
    return all(vendor_path(target).is_file() for target in targets)


def font_path(target: str = "fonts/NotoSansSC-Regular.ttf") -> Path:
    """A vendored font file (by default Noto Sans SC Regular); ``AssetsMissing`` if not built."""
    path = vendor_path(target)
    if not path.is_file():
        raise AssetsMissing(path)
    return path


def font_face_css() -> str:
    """The ``@font-face`` rules of every PDF font (Song, Kai, Hei), for WeasyPrint stylesheets."""
    return " ".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: normal; '
        f'src: url("{font_path(face.target).as_uri()}") format("truetype"); }}'
        for face in FONT_FACES
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
    for font in MERGED_FONTS:
        digest.update(f"merge {font.pattern}>{font.target}".encode())
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


def merge_font(font: MergedFont) -> Path:
    """Merge the web font's subsets into one TrueType file, the same bytes for the same subsets."""
    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont, woff2

    sources = sorted(NODE_MODULES.glob(font.pattern), key=lambda path: path.name)
    if not sources:
        raise AssetsMissing(NODE_MODULES / font.pattern)
    target = vendor_path(font.target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        parts = []
        for number, source in enumerate(sources):
            unpacked = io.BytesIO()
            with source.open("rb") as packed:
                woff2.decompress(packed, unpacked)
            unpacked.seek(0)
            subset = TTFont(unpacked)
            # Layout tables of the subsets cannot be merged (and CJK body text needs none); the
            # vertical metrics neither: documents are set horizontally.
            for tag in ("GSUB", "GPOS", "GDEF", "morx", "bsln", "feat", "prop", "FFTM", "vhea", "vmtx"):
                if tag in subset:
                    del subset[tag]
            part = Path(folder) / f"{number:04d}.ttf"
            subset.save(str(part))
            parts.append(str(part))
        merged = Merger().merge(parts)
        merged.recalcTimestamp = False  # the first subset's date: the same file on every build
        partial = target.with_name(f".{target.name}.partial")
        merged.save(str(partial))
    os.replace(partial, target)
    return target


def build(force: bool = False) -> bool:
    """Install the npm packages and copy the files, unless up to date; whether anything was done."""
    if not force and is_up_to_date():
        return False
    install_packages()
    copy_vendor_files()
    for font in MERGED_FONTS:
        print(f"build_assets: merging {font.pattern} into {font.target}", flush=True)
        merge_font(font)
    STAMP_FILE.parent.mkdir(parents=True, exist_ok=True)
    # After npm install a lock file may have appeared: the stamp is taken over the final state.
    STAMP_FILE.write_text(manifest_digest() + "\n", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minsheng.web.build_assets",
        description="Fetch htmx, ECharts and the CJK PDF fonts from npm into web/static/vendor/.",
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
        for target in [item.target for item in VENDOR_FILES] + [font.target for font in MERGED_FONTS]:
            path = vendor_path(target)
            if path.is_file():
                print(f"build_assets: {path.relative_to(WEB_DIR)} ({path.stat().st_size:,} bytes)")
    else:
        print("build_assets: up to date, nothing to do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
