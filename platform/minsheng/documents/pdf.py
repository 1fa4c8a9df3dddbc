"""HTML pages into an A4 PDF in the official layout (``layout.py``) with WeasyPrint and the CJK fonts,
byte for byte the same every time.

Determinism matters (a county's documents must not change because a neighbour installed a
plugin): the PDF's file identifier is derived from its content, it carries no creation date, and
the embedded font subset gets a fixed timestamp (fontTools stamps a subset's ``head`` table with
the time unless ``SOURCE_DATE_EPOCH`` is set, https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from markupsafe import Markup

from minsheng.documents import layout
from minsheng.documents.template_resolution import environment
from minsheng.web.build_assets import font_face_css

FRAME_DIR = Path(__file__).resolve().parent / "document_templates"

# WeasyPrint reports every layout step at INFO: only its warnings belong in the platform's logs.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

# Any fixed value makes font subsets reproducible; an operator's own setting is kept.
os.environ.setdefault("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01T00:00:00Z


def frame_css() -> str:
    """The stylesheet of the official page, its numbers taken from ``layout``."""
    return (
        environment(FRAME_DIR)
        .get_template("frame.css.j2")
        .render(
            L=layout,
            # Rounded down: 22 lines must fit the 225 mm exactly, not overflow it by a rounding.
            pitch=math.floor(layout.LINE_PITCH_PT * 100) / 100,
            title_pitch=round(layout.LINE_PITCH_PT * 1.25, 3),
            # A hair under the exact difference, so that rounding never pushes the 28th character over.
            spacing=round(layout.CHARACTER_PITCH_PT - layout.SIZE_3 - 0.01, 3),
            indent=round(2 * layout.CHARACTER_PITCH_PT, 3),
        )
    )


def frame_html(
    pages: Sequence[Mapping[str, Any]], *, title: str, letterhead: Mapping[str, Any] | None, numbered: bool = True
) -> str:
    """The whole document: each page (``body`` HTML, optional ``label``) in the official frame, its
    pages numbered unless they are sheets (``numbered`` False: posters, ballot papers)."""
    env = environment(FRAME_DIR)
    css = frame_css()
    return env.get_template("frame.html.j2").render(
        title=title,
        letterhead=letterhead,
        numbered=numbered,
        letterhead_size=layout.letterhead_size(str(letterhead["issuer"])) if letterhead else None,
        pages=[{"body": Markup(page["body"]), "label": page.get("label")} for page in pages],  # noqa: S704
        css=Markup(css),  # noqa: S704
        font_face=Markup(font_face_css()),  # noqa: S704
    )


# The fonts of the @font-face rules, loaded once per rendering process: WeasyPrint keys each face by
# its rule, so the second document does not read and register the CJK files (15 MB each) again.
_font_config: Any = None


def _fonts() -> Any:
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` to PDF; the same HTML always gives the same bytes."""
    import weasyprint  # imported here: it loads Pango, which only rendering processes need

    # The font's @font-face names its path on this machine: left out, so every install agrees.
    portable = html.replace(font_face_css(), "")
    identifier = hashlib.sha256(portable.encode("utf-8")).hexdigest()[:32].encode("ascii")
    # base_url: relative references (none are expected) resolve inside the frame folder, never the cwd.
    # Only local files (the font) and data: URIs: rendering never reaches the network, which would
    # also make a document depend on something other than its data.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("file", "data"))
    document = weasyprint.HTML(string=html, base_url=str(FRAME_DIR), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(pdf_identifier=identifier, font_config=_fonts())
    return pdf


# WeasyPrint lays out in pure Python: in a thread it would hold the interpreter lock for most of a long
# render and starve the event loop (every tenant's requests). So it renders in a process of its own,
# started on first use (spawned: nothing of the server's threads or connections is inherited).
_pool: ProcessPoolExecutor | None = None
_pool_guard = threading.Lock()


def _renderer() -> ProcessPoolExecutor:
    global _pool
    with _pool_guard:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


def html_to_pdf_isolated(html: str) -> bytes:
    """:func:`html_to_pdf` in the rendering process (blocking: call it from a worker thread)."""
    global _pool
    pool = _renderer()
    try:
        return pool.submit(html_to_pdf, html).result()
    except BrokenProcessPool:
        # The process died (out of memory, killed): the next render starts a new one.
        with _pool_guard:
            if _pool is pool:
                _pool = None
        raise
