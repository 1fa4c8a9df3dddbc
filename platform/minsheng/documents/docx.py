"""DOCX output for the documents offices edit: Markdown templates via python-docx, or docxtpl files.

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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from minsheng.documents.markdown import CLOSING, NOTE, parse

FIXED_ENTRY_TIME = (2000, 1, 1, 0, 0, 0)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
BODY_FONT = "宋体"
HEADING_SIZES = {1: Pt(20), 2: Pt(16), 3: Pt(14)}


def _setup(doc: DocxDocument, title: str, on: datetime) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
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


def _table(doc: DocxDocument, rows: list[list[Token]]) -> None:
    width = max(len(row) for row in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = doc.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, inline in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _inline(paragraph, inline)
            for run in paragraph.runs:
                run.font.size = Pt(11)
                run.bold = True if r == 0 else run.bold


def _markdown(doc: DocxDocument, text: str) -> None:
    tokens = parse(text)
    lists: list[int | None] = []  # per open list: the next number (None: bullets)
    rows: list[list[Token]] | None = None
    prefix = ""
    for index, token in enumerate(tokens):
        kind = token.type
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
            rows = []
        elif kind == "tr_open" and rows is not None:
            rows.append([])
        elif kind == "inline" and rows is not None:
            rows[-1].append(token)
        elif kind == "table_close" and rows:
            _table(doc, rows)
            rows = None
        elif kind == "heading_open":
            paragraph = doc.add_paragraph()
            level = int(token.tag[1])
            if level == 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _inline(paragraph, tokens[index + 1])
            for run in paragraph.runs:
                run.font.size = HEADING_SIZES.get(level, Pt(14))
        elif kind == "paragraph_open" and rows is None:
            paragraph = doc.add_paragraph()
            if prefix:
                paragraph.add_run(prefix)
                prefix = ""
            elif token.attrGet("class") == CLOSING:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif token.attrGet("class") == NOTE:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif not lists:
                paragraph.paragraph_format.first_line_indent = Pt(28)
            _inline(paragraph, tokens[index + 1])


def _letterhead(doc: DocxDocument, letterhead: Mapping[str, Any]) -> None:
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = issuer.add_run(str(letterhead["issuer"]))
    run.font.size, run.font.color.rgb = Pt(26), RGBColor(0xCC, 0, 0)
    if letterhead.get("number"):
        number = doc.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number.add_run(str(letterhead["number"]))
    rule = doc.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = rule.add_run("━" * 24)
    line.font.color.rgb = RGBColor(0xCC, 0, 0)


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
