"""DOCX output for the documents offices edit: Markdown templates via python-docx, or docxtpl files.

The page is the official one of ``layout.py``: A4 with its margins, the document grid of 22 lines
of 28 characters, the page number "— 1 —" at the outside edge (right on odd pages, left on even
ones). Text names the official fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) for both
Latin and East Asian characters (``w:ascii``/``w:hAnsi`` and ``w:eastAsia``), so Word or WPS on an
office PC sets every character in them.

Word files are zip archives, and python-docx stamps every entry with the time it was written; the
archive is rewritten with fixed entry times and the core properties (created, modified, revision)
are set from the document's own date, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from minsheng.documents import layout
from minsheng.documents.layout import Typeface
from minsheng.documents.markdown import CLOSING, KEEP, NOTE, SALUTATION, SHORT_CELL, closing_lines, parse

#: What may follow ``w:pBdr`` in a paragraph's properties (the schema fixes the order; Word refuses others).
AFTER_BORDERS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
FIXED_ENTRY_TIME = (2000, 1, 1, 0, 0, 0)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
RED = RGBColor(0xCC, 0, 0)
#: Word's document grid: the line pitch in twentieths of a point, the character pitch as the
#: difference from the body size in 4096ths of a point (22 lines of 28 characters).
GRID_LINE_PITCH = round(layout.LINE_PITCH_PT * 20)
GRID_CHAR_SPACE = round((layout.CHARACTER_PITCH_PT - layout.SIZE_3) * 4096)
LINE = Pt(round(layout.LINE_PITCH_PT, 2))
#: The footer's distance from the bottom edge, so that the page number stands 7 mm below the text block.
FOOTER_DISTANCE = Mm(layout.MARGIN_BOTTOM_MM - layout.PAGE_NUMBER_GAP_MM - layout.SIZE_4 * layout.MM_PER_PT)


def set_typeface(target: Any, face: Typeface) -> None:
    """Name the official font of ``face`` for every script of a run or style (``rPr/rFonts``)."""
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), face.official)


def _indent_in_characters(paragraph: Paragraph, *, first_line: float = 0, right: float = 0, left: float = 0) -> None:
    """Indents counted in characters (Word's ``…Chars`` attributes, in hundredths), with their length."""
    pitch = layout.CHARACTER_PITCH_PT
    fmt = paragraph.paragraph_format
    if first_line:
        fmt.first_line_indent = Pt(first_line * pitch)
    if right:
        fmt.right_indent = Pt(right * pitch)
    if left:
        fmt.left_indent = Pt(left * pitch)
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    for name, value in (("w:firstLineChars", first_line), ("w:rightChars", right), ("w:leftChars", left)):
        if value:
            ind.set(qn(name), str(round(value * 100)))


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(layout.PAGE_WIDTH_MM), Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(layout.MARGIN_TOP_MM), Mm(layout.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(layout.MARGIN_LEFT_MM), Mm(layout.MARGIN_RIGHT_MM)
    section.footer_distance = FOOTER_DISTANCE
    section.start_type = WD_SECTION_START.NEW_PAGE
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
    grid.set(qn("w:charSpace"), str(GRID_CHAR_SPACE))


def _page_number(paragraph: Paragraph) -> None:
    """ "— PAGE —" in 4 号 宋体: Word fills in the number of each page."""

    def run(text: str | None = None) -> Run:
        made = paragraph.add_run(text)
        made.font.size = Pt(layout.SIZE_4)
        set_typeface(made, layout.PAGE_NUMBER_FACE)
        return made

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        made = run("1" if kind is None and instruction is None else None)
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            made._r.append(field)
        elif instruction is not None:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            made._r.append(text)
    run(" —")


def _footers(doc: DocxDocument) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent_in_characters(odd, right=1)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _indent_in_characters(even, left=1)
    _page_number(even)


def _setup(doc: DocxDocument, title: str, on: datetime) -> None:
    _page(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(layout.SIZE_3)
    set_typeface(normal, layout.BODY_FACE)
    spacing = normal.paragraph_format
    spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.widow_control = True
    _footers(doc)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = title, "", "", ""
    props.created = props.modified = on
    props.revision = 1


def _inline(paragraph: Paragraph, token: Token) -> None:
    bold = italic = False
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break()
        elif child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            italic = child.type == "em_open"
        elif child.content:
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold or None, italic or None


def _styled(paragraph: Paragraph, face: Typeface, size: float) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(size)
        set_typeface(run, face)


def _no_wrap(cell: _Cell) -> None:
    properties = cell._tc.get_or_add_tcPr()
    properties.append(OxmlElement("w:noWrap"))


def _table(doc: DocxDocument, rows: list[list[Token]], short: set[tuple[int, int]]) -> None:
    width = max(len(row) for row in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, inline in enumerate(row):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _inline(paragraph, inline)
            _styled(paragraph, layout.HEADING_FACE if r == 0 else layout.BODY_FACE, layout.SIZE_SMALL_4)
            if (r, c) in short:
                _no_wrap(cell)


def _closing(doc: DocxDocument, lines: list[str]) -> None:
    """The issuing body and the date, each set from the right as ``layout.signature_indents`` says."""
    doc.add_paragraph().paragraph_format.keep_with_next = True  # 正文下空一行
    for number, (line, indent) in enumerate(zip(lines, layout.signature_indents(lines), strict=True)):
        paragraph = doc.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_in_characters(paragraph, right=indent)
        paragraph.paragraph_format.keep_with_next = number < len(lines) - 1


def _markdown(doc: DocxDocument, text: str) -> None:
    tokens = parse(text)
    lists: list[int | None] = []  # per open list: the next number (None: bullets)
    rows: list[list[Token]] | None = None
    short: set[tuple[int, int]] = set()
    prefix = ""
    keep = False  # the block before the closing: each of its paragraphs keeps with the next
    for index, token in enumerate(tokens):
        kind = token.type
        classes = str(token.attrGet("class") or "").split()
        if token.level == 0 and token.nesting == 1:
            keep = KEEP in classes
        if kind in ("ordered_list_open", "bullet_list_open"):
            start = token.attrGet("start")
            lists.append(
                int(start)
                if kind == "ordered_list_open" and start is not None
                else 1
                if kind == "ordered_list_open"
                else None
            )
        elif kind in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            number = lists[-1]
            prefix = "• " if number is None else f"{number}. "
            if number is not None:
                lists[-1] = number + 1
        elif kind == "table_open":
            rows, short = [], set()
        elif kind == "tr_open" and rows is not None:
            rows.append([])
        elif kind in ("td_open", "th_open") and rows is not None and SHORT_CELL in classes:
            short.add((len(rows) - 1, len(rows[-1])))
        elif kind == "inline" and rows is not None:
            rows[-1].append(token)
        elif kind == "table_close" and rows:
            _table(doc, rows, short)
            rows = None
        elif kind == "heading_open":
            paragraph = doc.add_paragraph()
            level = int(token.tag[1])
            _inline(paragraph, tokens[index + 1])
            paragraph.paragraph_format.keep_with_next = True
            if level == 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _styled(paragraph, layout.TITLE_FACE, layout.SIZE_2)
                doc.add_paragraph().paragraph_format.keep_with_next = True  # 标题下空一行
            else:
                _indent_in_characters(paragraph, first_line=2)
                _styled(paragraph, layout.HEADING_FACE if level == 2 else layout.SUBHEADING_FACE, layout.SIZE_3)
        elif kind == "paragraph_open" and CLOSING in classes:
            _closing(doc, closing_lines(tokens[index + 1]))
        elif kind == "paragraph_open" and rows is None:
            paragraph = doc.add_paragraph()
            if prefix:
                paragraph.add_run(prefix)
                prefix = ""
            _inline(paragraph, tokens[index + 1])
            if NOTE in classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _styled(paragraph, layout.SUBHEADING_FACE, layout.SIZE_3)
            elif SALUTATION not in classes:
                _indent_in_characters(paragraph, first_line=2)
            paragraph.paragraph_format.keep_with_next = keep or None


def _letterhead(doc: DocxDocument, letterhead: Mapping[str, Any]) -> None:
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = issuer.add_run(str(letterhead["issuer"]))
    run.font.size, run.font.color.rgb = Pt(layout.letterhead_size(str(letterhead["issuer"]))), RED
    set_typeface(run, layout.TITLE_FACE)
    issuer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    last = issuer
    if letterhead.get("number"):
        last = doc.add_paragraph(str(letterhead["number"]))
        last.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The red rule under the mark (版头中的分隔线): a bottom border as wide as the text block.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "CC0000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    last._p.get_or_add_pPr().insert_element_before(borders, *AFTER_BORDERS)
    doc.add_paragraph()


def document_moment(document_date: str | date | None) -> datetime:
    """The time written into a DOCX's properties: the document's own date, else a fixed epoch."""
    if not document_date:
        return EPOCH
    day = date.fromisoformat(document_date[:10]) if isinstance(document_date, str) else document_date
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def markdown_to_docx(
    pages: Sequence[Mapping[str, Any]],
    *,
    title: str,
    letterhead: Mapping[str, Any] | None,
    document_date: str | None,
) -> bytes:
    """A Word document of Markdown ``pages`` (each ``markdown`` with an optional ``label``)."""
    doc = Document()
    _setup(doc, title, document_moment(document_date))
    for number, page in enumerate(pages):
        if number:
            doc.add_page_break()
        if letterhead:
            _letterhead(doc, letterhead)
        if page.get("label"):
            doc.add_paragraph(str(page["label"])).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _markdown(doc, str(page["markdown"]))
    return _saved(doc)


def docxtpl_to_docx(template: bytes, context: Mapping[str, Any], *, title: str, document_date: str | None) -> bytes:
    """Render a docxtpl template (a Word file with Jinja2 tags) with ``context``."""
    from docxtpl import DocxTemplate

    doc = DocxTemplate(io.BytesIO(template))
    doc.render(dict(context), autoescape=True)
    inner = doc.docx
    assert inner is not None
    props = inner.core_properties
    props.title, props.last_modified_by = title, ""
    props.created = props.modified = document_moment(document_date)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return normalise_zip(out.getvalue())


def _saved(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return normalise_zip(out.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times and attributes, entries in their original order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
