"""Generated documents (which kind, for which subject, in which format, the stored file) and the
office's own versions of its templates."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, TenantScoped, Timestamped, new_id


class GeneratedDocument(TenantScoped, Timestamped, Base):
    """A rendered document (票决办法, 主席团公告 ...) kept in object storage with its digest.

    ``job_id`` is unique: the render job that made it, so delivering that job twice never makes a
    second document. ``template`` says which plugin's template rendered it (``plugin:name``).
    """

    __tablename__ = "generated_documents"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]),
        UniqueConstraint("tenant_id", "job_id"),
        Index("ix_generated_documents_tenant_kind_subject", "tenant_id", "kind", "subject_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    file_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    template: Mapped[str] = mapped_column(String(300), nullable=False)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class TemplateVersion(TenantScoped, Timestamped, Base):
    """One version of the office's own template of a kind (its wording of a 公告, a 决议 ...).

    Versions are numbered per kind and never change: publishing, restoring an earlier version or
    going back to the default each add one. The latest decides what renders the kind for this
    tenant: its ``source`` (Jinja2 over Markdown or HTML, ``syntax``), or with no ``source`` the
    template the tenant's plugins give. ``number`` is unique per kind, so two offices' clerks
    publishing at once cannot both become version n.
    """

    __tablename__ = "document_template_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    syntax: Mapped[str] = mapped_column(String(16), nullable=False)  # markdown | html
    source: Mapped[str | None] = mapped_column(Text)  # None: back to the plugins' template
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)  # of the source in force
    restored_from: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
