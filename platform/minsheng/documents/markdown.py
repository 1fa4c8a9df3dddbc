"""Markdown (what a ``*.md.j2`` template renders to) into HTML for the PDF frame.

Raw HTML in the Markdown is never interpreted: data printed into a template stays text. The parts of
an official document are found and marked here, once, for both the PDF and the DOCX:

- the closing (落款): the last paragraph when its last line is a date; its lines (the issuing body,
  the date) are placed from the right as the standard says (``layout.signature_indents``);
- the block just before the closing, which keeps the closing with it on its page;
- a paragraph in full-width parentheses (题注, "（……通过）"): centred;
- a first paragraph ending in a colon (主送机关, "各位代表："): flush left;
- a title too long for one line: turned at a word boundary;
- table cells: short ones (a category, a figure, a date) never wrap, long ones are set left.

A line break inside a paragraph is kept (a signature is two lines); templates keep every sentence
on one line, so that no sentence breaks in the middle (the wording tests check it).
"""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from minsheng.documents.layout import text_width, title_lines
from minsheng.documents.wording import ends_with_date

CLOSING = "closing"
NOTE = "note"
KEEP = "keep"
SALUTATION = "salutation"
SHORT_CELL = "short"
LONG_CELL = "long"
#: Cells up to this many characters wide never wrap; cells from LONG_WIDTH on are set left.
SHORT_WIDTH = 10.0
LONG_WIDTH = 16.0


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False}).enable("table")


def _mark_cells(tokens: list[Token]) -> None:
    for index, token in enumerate(tokens):
        if token.type in ("td_open", "th_open"):
            width = text_width(tokens[index + 1].content)
            if width <= SHORT_WIDTH:
                token.attrJoin("class", SHORT_CELL)
            elif width >= LONG_WIDTH and token.type == "td_open":
                token.attrJoin("class", LONG_CELL)


def _break_titles(tokens: list[Token]) -> None:
    """A title too long for one line turns at a word boundary (``layout.title_lines``)."""
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag != "h1":
            continue
        inline = tokens[index + 1]
        children = inline.children or []
        if len(children) != 1 or children[0].type != "text":
            continue
        lines = title_lines(children[0].content)
        if len(lines) == 2:
            first, second = (Token("text", "", 0, content=line) for line in lines)
            inline.children = [first, Token("softbreak", "br", 0), second]


def parse(text: str) -> list[Token]:
    """The block tokens of ``text`` with the parts of an official document marked (see the module)."""
    tokens = _parser().parse(text)
    _mark_cells(tokens)
    _break_titles(tokens)
    paragraphs = [i for i, token in enumerate(tokens) if token.type == "paragraph_open" and token.level == 0]
    for i in paragraphs:
        content = tokens[i + 1].content.strip()
        if content.startswith("（") and content.endswith("）"):
            tokens[i].attrSet("class", NOTE)
    first_blocks = [i for i, token in enumerate(tokens) if token.level == 0 and token.nesting == 1]
    if paragraphs and len(first_blocks) > 1 and paragraphs[0] == first_blocks[1]:
        # The paragraph right after the title ending in a colon addresses the readers.
        if tokens[paragraphs[0] + 1].content.strip().endswith("："):
            tokens[paragraphs[0]].attrSet("class", SALUTATION)
    if paragraphs:
        last = paragraphs[-1]
        inline = tokens[last + 1]
        if inline.type == "inline" and ends_with_date(inline.content) and last + 3 == len(tokens):
            tokens[last].attrSet("class", CLOSING)
            before = [i for i in first_blocks if i < last]
            if before:
                tokens[before[-1]].attrJoin("class", KEEP)
    return tokens


def closing_lines(token: Token) -> list[str]:
    """The lines of a closing paragraph's inline token (the issuing bodies, then the date), as text."""
    lines = [""]
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            lines.append("")
        else:
            lines[-1] += child.content
    return [line.strip() for line in lines if line.strip()]


def _closing_html(lines: list[str]) -> str:
    # A block set from the right, its lines from the left: the date's first character then stands
    # two characters right of the issuing body's, and the longer line two from the edge, as
    # ``layout.signature_indents`` says, without guessing the width of any glyph.
    *bodies, date = lines
    rows = "".join(f"<p>{escape(line)}</p>" for line in bodies) + f'<p class="date">{escape(date)}</p>'
    return f'<div class="{CLOSING}"><div class="signature">{rows}</div></div>\n'


def to_html(text: str) -> str:
    """The HTML of a Markdown document (escaped text, tables, lists, the parts of the document marked)."""
    parser = _parser()
    tokens = parse(text)
    html = []
    start = 0
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.attrGet("class") == CLOSING:
            html.append(parser.renderer.render(tokens[start:index], parser.options, {}))
            html.append(_closing_html(closing_lines(tokens[index + 1])))
            start = index + 3
    html.append(parser.renderer.render(tokens[start:], parser.options, {}))
    return "".join(html)
