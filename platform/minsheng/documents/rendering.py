"""Rendering one document: the kind's data, the tenant's template, then PDF or DOCX bytes.

Nothing here stores anything: ``services`` keeps the result. Rendering is CPU work (WeasyPrint lays
out every page), so it runs in a worker thread, one document at a time per process (Pango is not
made for concurrent layouts).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents.docx import docxtpl_to_docx, markdown_to_docx
from minsheng.documents.kinds import DocumentKind
from minsheng.documents.markdown import to_html
from minsheng.documents.office_templates import office_template_of
from minsheng.documents.pdf import frame_html, html_to_pdf_isolated
from minsheng.documents.template_resolution import ResolvedTemplate, resolve_template
from minsheng.documents.wording import issuing_bodies
from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.tenant import TenantView

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

_render_lock = threading.Lock()


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its bytes and what they are."""

    content: bytes
    filename: str
    content_type: str
    sha256: str
    title: str
    template: ResolvedTemplate


async def document_context(
    session: AsyncSession, tenant: TenantView, kind: DocumentKind, subject_id: uuid.UUID | None, *, public_url: str
) -> dict[str, Any]:
    """The kind's data plus what every template may use: ``tenant``, ``kind_label``, ``public_url`` and
    ``bodies`` (the tenant's congress, standing body and government, as they sign: ``wording``)."""
    data = await kind.build_context(session, tenant, subject_id)
    return {
        "tenant": {"name": tenant.name, "slug": tenant.slug, "level": tenant.level},
        "kind_label": kind.label,
        "public_url": public_url.rstrip("/"),
        "bodies": issuing_bodies(tenant.name, tenant.level).as_context(),
        **data,
    }


def _pages(template: ResolvedTemplate, context: dict[str, Any]) -> list[dict[str, Any]]:
    compiled = template.compiled()
    pages = []
    for sheet in context.get("sheets") or [{}]:
        text = compiled.render({**context, **sheet})
        pages.append({"text": text, "label": sheet.get("sheet_label")})
    return pages


def render_bytes(template: ResolvedTemplate, context: dict[str, Any], fmt: str) -> bytes:
    """The document as ``fmt`` bytes (synchronous: call it in a thread)."""
    title = template.label
    letterhead = context.get("letterhead")
    if fmt == "docx" and template.is_docx:
        return docxtpl_to_docx(template.read_bytes(), context, title=title, document_date=context.get("document_date"))
    pages = _pages(template, context)
    if fmt == "docx":
        return markdown_to_docx(
            [{"markdown": p["text"], "label": p["label"]} for p in pages],
            title=title,
            letterhead=letterhead,
            document_date=context.get("document_date"),
        )
    with _render_lock:
        return html_to_pdf_isolated(_framed(template, pages, context))


def _framed(template: ResolvedTemplate, pages: list[dict[str, Any]], context: dict[str, Any]) -> str:
    bodies = [{"body": to_html(p["text"]) if template.is_markdown else p["text"], "label": p["label"]} for p in pages]
    numbered = not context.get("sheets")  # one sheet per village or deputy: nothing to number
    return frame_html(bodies, title=template.label, letterhead=context.get("letterhead"), numbered=numbered)


def render_html(template: ResolvedTemplate, context: dict[str, Any]) -> str:
    """The document as the HTML the PDF is laid out from (a preview; synchronous: call it in a thread)."""
    return _framed(template, _pages(template, context), context)


async def render_document(
    session: AsyncSession,
    tenant: TenantView,
    kind: DocumentKind,
    subject_id: uuid.UUID | None,
    fmt: str,
    *,
    public_url: str,
    manager: MinshengPluginManager | None = None,
) -> Rendered:
    """Render ``kind`` for ``subject_id`` as ``fmt`` with the tenant's template (not stored).

    ``manager`` defaults to the process's plugin manager (tests pass one with other plugins).
    """
    template = resolve_template(tenant, kind, fmt, manager, office=await office_template_of(session, kind))
    context = await document_context(session, tenant, kind, subject_id, public_url=public_url)
    content = await asyncio.to_thread(render_bytes, template, context, fmt)
    return Rendered(
        content=content,
        filename=f"{template.label}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        sha256=hashlib.sha256(content).hexdigest(),
        title=template.label,
        template=template,
    )
