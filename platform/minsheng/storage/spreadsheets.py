"""Text for a cell of an exported workbook: never a formula, never a character Excel cannot hold.

Every Excel export writes stored text through :func:`cell_text`. The input policy keeps control
characters out of what is stored now (``minsheng.http.input_policy``), but rows stored before it, or
written by a job or an import, may still hold one; openpyxl refuses such a cell and the whole export
would fail, so they are dropped here instead. Pure.
"""

from __future__ import annotations

import re

# A cell beginning with one of these is a formula to Excel; stored text must never run as one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What the workbook's XML cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), lone surrogates and the
# non-characters too.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(text: str) -> str:
    """``text`` as a cell may hold it: unwritable characters dropped, a formula prefix quoted."""
    cleaned = UNWRITABLE.sub("", text)
    return "'" + cleaned if cleaned.startswith(FORMULA_PREFIXES) else cleaned
