"""The registry of document kinds: what each kind is called, what it produces, and its data.

A kind lives with its domain (``minsheng/<context>/document_kinds.py`` lists its ``KINDS``); the
context's ``wiring.py`` names them and the app's registration list (``minsheng.server.contexts``)
registers every context's kinds at start.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.permissions import Permission
from minsheng.plugins.registries import DocumentTemplate
from minsheng.plugins.tenant import TenantView

FORMATS = ("pdf", "docx")

#: ``(session, tenant, subject_id) -> context``: the plain data a template is rendered with.
ContextBuilder = Callable[[AsyncSession, TenantView, uuid.UUID | None], Awaitable[dict[str, Any]]]

#: ``(session) -> [(subject_id, label)]``: what a staff page offers as the document's subject.
SubjectLister = Callable[[AsyncSession], Awaitable[list[tuple[uuid.UUID, str]]]]


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document (征集情况说明, 主席团公告 ...) and where its default template lives.

    ``formats`` lists what it can be rendered to, the first being the default; ``build_context``
    must be deterministic (no "today"), so the same data always renders the same bytes.
    ``list_subjects`` (optional) names the subjects a staff page offers, newest first. ``permission``
    is what the caller needs, besides ``documents.order``, to order and read this kind (the body that
    issues it, see ``platform/docs/roles.md``).
    """

    code: str
    label: str
    formats: tuple[str, ...]
    build_context: ContextBuilder
    template_dir: Path
    default_template: str
    subject_required: bool = False
    permission: Permission = Permission.DOCUMENTS_ORDER
    list_subjects: SubjectLister | None = None

    def __post_init__(self) -> None:
        unknown = set(self.formats) - set(FORMATS)
        if not self.formats or unknown:
            raise ValueError(f"document kind {self.code!r}: formats must be among {FORMATS}, got {self.formats}")


_kinds: dict[str, DocumentKind] = {}


def register_kinds(kinds: Iterable[DocumentKind]) -> None:
    """Add ``kinds`` to the registry (the app's registration list does, at start); a second kind
    with a code already taken by another is an error."""
    for kind in kinds:
        known = _kinds.get(kind.code)
        if known is not None and known.build_context.__qualname__ != kind.build_context.__qualname__:
            raise ValueError(f"document kind {kind.code!r} is already registered")
        _kinds[kind.code] = kind


def get_kind(code: str) -> DocumentKind | None:
    """The registered kind called ``code``, or None."""
    return _kinds.get(code)


def all_kinds() -> list[DocumentKind]:
    """Every registered kind, by code."""
    return [_kinds[code] for code in sorted(_kinds)]


def default_templates() -> list[DocumentTemplate]:
    """The platform's own template of every registered kind (contributed by ``minsheng.defaults``)."""
    return [DocumentTemplate(kind.code, kind.default_template, kind.label) for kind in all_kinds()]
