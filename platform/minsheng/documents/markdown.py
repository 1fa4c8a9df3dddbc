"""Markdown (what a ``*.md.j2`` template renders to) into HTML for the PDF frame.

Raw HTML in the Markdown is never interpreted: data printed into a template stays text. A line
break inside a paragraph is kept (a signature is two lines), and the closing paragraph, whose last
line is a date (落款), is marked so that both the PDF and the DOCX set it to the right; a paragraph
in full-width parentheses (题注, "（……通过）") is marked to be centred.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from minsheng.documents.wording import ends_with_date

CLOSING = "closing"
NOTE = "note"


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False}).enable("table")


def parse(text: str) -> list[Token]:
    """The block tokens of ``text``, the closing paragraph marked with the class ``closing``."""
    tokens = _parser().parse(text)
    paragraphs = [i for i, token in enumerate(tokens) if token.type == "paragraph_open" and token.level == 0]
    for i in paragraphs:
        # "（2026年1月10日……通过）" under a title is a note (题注): centred, not indented.
        text = tokens[i + 1].content.strip()
        if text.startswith("（") and text.endswith("）"):
            tokens[i].attrSet("class", NOTE)
    if paragraphs:
        last = paragraphs[-1]
        inline = tokens[last + 1]
        if inline.type == "inline" and ends_with_date(inline.content):
            tokens[last].attrSet("class", CLOSING)
    return tokens


def to_html(text: str) -> str:
    """The HTML of a Markdown document (escaped text, tables, lists, the closing paragraph marked)."""
    parser = _parser()
    return str(parser.renderer.render(parse(text), parser.options, {}))
