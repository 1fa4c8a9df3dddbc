"""The office edits its documents' wording: a kind's template, previewed with its own data, compared
with the default, published as a numbered version, reverted to the default or an earlier version.

The default is what the tenant's plugins give (the platform's template, or a region plugin's); the
office's version wins for this tenant only. Every version is kept and every change is audited with
the digest of the template it puts in force (``document_template.published`` / ``.reverted``).
Templates an office types are checked and rendered in Jinja2's sandbox (``template_resolution``).
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import jinja2
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.documents.kinds import DocumentKind, get_kind
from minsheng.documents.models import TemplateVersion
from minsheng.documents.office_templates import latest_version
from minsheng.documents.rendering import document_context, render_bytes, render_html
from minsheng.documents.template_resolution import (
    ResolvedTemplate,
    TemplateMissing,
    office_template,
    resolve_template,
    sandboxed_environment,
)
from minsheng.errors import Conflict, InvalidInput, NotFound
from minsheng.plugins.tenant import TenantView

#: A template longer than this is refused (the longest default is a few kilobytes).
MAX_SOURCE = 50_000
MARKDOWN = "markdown"
HTML = "html"


def digest(source: str) -> str:
    """The SHA-256 of a template's source, as the audit chain records it."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def editable_kind(code: str) -> DocumentKind:
    """The kind called ``code``, or 404."""
    kind = get_kind(code)
    if kind is None:
        raise NotFound("There is no document kind {kind}", kind=code)
    return kind


def default_template(tenant: TenantView, kind: DocumentKind) -> ResolvedTemplate:
    """The template the tenant's plugins give for the kind's text (its PDF template): what the office's
    version replaces, and what "back to the default" restores."""
    try:
        return resolve_template(tenant, kind, kind.formats[0])
    except TemplateMissing as exc:
        raise Conflict("No template of this tenant makes the {label}", label=kind.label) from exc


def syntax_of(template: ResolvedTemplate) -> str:
    return MARKDOWN if template.is_markdown else HTML


@dataclass(frozen=True)
class TemplateState:
    """What the editor shows of one kind: the default, the version in force and every version."""

    kind: DocumentKind
    default: ResolvedTemplate
    default_source: str
    current: TemplateVersion | None  # the office's version in force (None: the default renders)
    versions: list[TemplateVersion]  # newest first

    @property
    def source(self) -> str:
        """The source in force: the office's, else the default's."""
        return self.current.source if self.current and self.current.source is not None else self.default_source

    @property
    def latest_number(self) -> int:
        return self.versions[0].number if self.versions else 0


async def template_state(session: AsyncSession, tenant: TenantView, kind: DocumentKind) -> TemplateState:
    """The kind's default, the office's version in force and its history."""
    default = default_template(tenant, kind)
    query = select(TemplateVersion).where(TemplateVersion.kind == kind.code)
    versions = list((await session.execute(query.order_by(TemplateVersion.number.desc()))).scalars())
    latest = versions[0] if versions else None
    current = latest if latest is not None and latest.source is not None else None
    return TemplateState(kind, default, default.read_text(), current, versions)


def check_source(source: str, syntax: str) -> str:
    """The source, normalised (Unix line ends, one final newline), once it compiles in the sandbox;
    else 422 naming the line and the problem."""
    text = source.replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n"
    if not text.strip():
        raise InvalidInput("The template is empty")
    if len(text) > MAX_SOURCE:
        raise InvalidInput("The template is longer than {limit} characters", limit=MAX_SOURCE)
    try:
        sandboxed_environment(syntax == MARKDOWN).from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput(
            "Line {line} of the template cannot be read: {problem}", line=exc.lineno, problem=exc.message or ""
        ) from exc
    return text


async def preview_context(
    session: AsyncSession, tenant: TenantView, kind: DocumentKind, subject_id: uuid.UUID | None, *, public_url: str
) -> dict[str, Any]:
    """The data a preview renders: the tenant's own, for the subject chosen (or the latest one)."""
    if kind.subject_required and subject_id is None:
        subjects = await kind.list_subjects(session) if kind.list_subjects else []
        if not subjects:
            raise Conflict("There is nothing of this tenant yet to preview the {label} with", label=kind.label)
        subject_id = subjects[0][0]
    return await document_context(session, tenant, kind, subject_id, public_url=public_url)


#: What a template an office typed may fail with when it renders: shown to the office, never a 500.
RENDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError)


def _render_problem(exc: Exception) -> InvalidInput:
    if isinstance(exc, jinja2.UndefinedError):
        return InvalidInput("The template uses something the document has no data for: {problem}", problem=str(exc))
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return InvalidInput("The template tries something templates may not do: {problem}", problem=str(exc))
    return InvalidInput("The template cannot be rendered: {problem}", problem=str(exc))


async def preview(
    session: AsyncSession,
    tenant: TenantView,
    kind: DocumentKind,
    source: str,
    subject_id: uuid.UUID | None,
    *,
    fmt: str,
    public_url: str,
) -> str | bytes:
    """The kind rendered from ``source`` with the tenant's data: the HTML of its pages (``fmt`` html)
    or the PDF. Nothing is stored. Rendering runs in a worker thread."""
    syntax = syntax_of(default_template(tenant, kind))
    template = office_template(kind, number=0, syntax=syntax, source=check_source(source, syntax))
    context = await preview_context(session, tenant, kind, subject_id, public_url=public_url)
    try:
        if fmt == "pdf":
            return await asyncio.to_thread(render_bytes, template, context, "pdf")
        return await asyncio.to_thread(render_html, template, context)
    except RENDER_ERRORS as exc:
        raise _render_problem(exc) from exc


async def _validate_with_data(
    session: AsyncSession, tenant: TenantView, kind: DocumentKind, template: ResolvedTemplate, public_url: str
) -> None:
    """Render the new template with the tenant's data when there is some: a template that names a
    field the kind does not have is refused now, not when the 公告 is due."""
    try:
        context = await preview_context(session, tenant, kind, None, public_url=public_url)
    except (Conflict, NotFound, InvalidInput):
        return  # no data yet: the syntax check stands alone
    try:
        await asyncio.to_thread(render_html, template, context)
    except RENDER_ERRORS as exc:
        raise _render_problem(exc) from exc


async def _add_version(session: AsyncSession, version: TemplateVersion, based_on: int | None) -> TemplateVersion:
    latest = await latest_version(session, version.kind)
    number = latest.number if latest else 0
    if based_on is not None and based_on != number:
        raise Conflict("The template was changed by someone else since you opened it: reload the page and try again")
    version.number = number + 1
    try:
        async with session.begin_nested():
            session.add(version)
            await session.flush()
    except IntegrityError as exc:  # a publication at the same moment took this number
        raise Conflict(
            "The template was changed by someone else since you opened it: reload the page and try again"
        ) from exc
    return version


async def publish(
    session: AsyncSession,
    tenant: TenantView,
    kind: DocumentKind,
    source: str,
    *,
    actor: str,
    based_on: int | None,
    note: str = "",
    public_url: str,
) -> TemplateVersion:
    """Put the office's ``source`` in force for ``kind`` as its next version, audited.

    ``based_on`` is the version the editor started from: 409 when another was published since (or
    at the same moment). 422 when the source does not compile in the sandbox or cannot render the
    tenant's own data.
    """
    syntax = syntax_of(default_template(tenant, kind))
    text = check_source(source, syntax)
    candidate = office_template(kind, number=0, syntax=syntax, source=text)
    await _validate_with_data(session, tenant, kind, candidate, public_url)
    version = await _add_version(
        session,
        TemplateVersion(
            kind=kind.code, syntax=syntax, source=text, sha256=digest(text), note=note.strip()[:200], created_by=actor
        ),
        based_on,
    )
    await audit.record(
        session,
        "document_template.published",
        actor=actor,
        subject=kind.code,
        payload={"kind": kind.code, "version": version.number, "syntax": syntax, "sha256": version.sha256},
    )
    return version


async def revert(
    session: AsyncSession,
    tenant: TenantView,
    kind: DocumentKind,
    *,
    to_version: int | None,
    actor: str,
    based_on: int | None,
) -> TemplateVersion:
    """Go back to the default (``to_version`` None) or to an earlier version, as a new version, audited."""
    default = default_template(tenant, kind)
    source: str | None = None
    if to_version is not None:
        query = select(TemplateVersion).where(TemplateVersion.kind == kind.code, TemplateVersion.number == to_version)
        earlier = (await session.execute(query)).scalar_one_or_none()
        if earlier is None:
            raise NotFound("There is no version {number} of this template", number=to_version)
        source = earlier.source
    in_force = source if source is not None else default.read_text()
    version = await _add_version(
        session,
        TemplateVersion(
            kind=kind.code,
            syntax=syntax_of(default),
            source=source,
            sha256=digest(in_force),
            restored_from=to_version,
            created_by=actor,
        ),
        based_on,
    )
    await audit.record(
        session,
        "document_template.reverted",
        actor=actor,
        subject=kind.code,
        payload={
            "kind": kind.code,
            "version": version.number,
            "to": "default" if source is None else f"version {to_version}",
            "template": f"{default.plugin}:{default.name}" if source is None else f"office:v{to_version}",
            "sha256": version.sha256,
        },
    )
    return version


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: ``kind`` is context, added, removed or hunk."""

    kind: str
    text: str


def unified_diff(default_source: str, source: str) -> list[DiffLine]:
    """How ``source`` differs from the default, line by line (difflib's unified format)."""
    lines = []
    for line in difflib.unified_diff(
        default_source.splitlines(), source.splitlines(), fromfile="default", tofile="office", lineterm="", n=2
    ):
        if line.startswith(("---", "+++")):
            continue
        kind = (
            "hunk"
            if line.startswith("@@")
            else "added"
            if line[:1] == "+"
            else "removed"
            if line[:1] == "-"
            else "context"
        )
        lines.append(DiffLine(kind, line))
    return lines
