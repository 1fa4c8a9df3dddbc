"""Request and response shapes of the documents API."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from minsheng.documents.kinds import DocumentKind
from minsheng.documents.models import GeneratedDocument


class DocumentOrder(msgspec.Struct):
    """Ask for a document: its kind, what it is about (a round, a project ...) and the format."""

    kind: str
    subject_id: uuid.UUID | None = None
    format: str | None = None


class JobAccepted(msgspec.Struct):
    job_id: uuid.UUID
    status: str


class DocumentView(msgspec.Struct):
    id: uuid.UUID
    kind: str
    label: str
    subject_id: uuid.UUID | None
    format: str
    file_id: uuid.UUID
    filename: str
    sha256: str
    template: str
    created_by: str
    created_at: datetime


class KindView(msgspec.Struct):
    code: str
    label: str
    formats: list[str]
    subject_required: bool


def document_view(row: GeneratedDocument, label: str) -> DocumentView:
    return DocumentView(
        id=row.id,
        kind=row.kind,
        label=label,
        subject_id=row.subject_id,
        format=row.format,
        file_id=row.file_id,
        filename=row.filename,
        sha256=row.sha256,
        template=row.template,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def kind_view(kind: DocumentKind) -> KindView:
    return KindView(
        code=kind.code, label=kind.label, formats=list(kind.formats), subject_required=kind.subject_required
    )
