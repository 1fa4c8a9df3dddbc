"""The office's template editor (desktop, cookie login): every kind's template, an editor with a
preview rendered from the tenant's own data (HTMX), the difference from the default, the versions,
publish and revert. The use cases are ``template_editing``'s; only ``documents.templates`` (the
office administrator, ``platform/docs/roles.md``) reaches these pages.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Redirect, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents import template_editing as editing
from minsheng.documents.kinds import all_kinds
from minsheng.errors import Conflict, DomainError, InvalidInput
from minsheng.http.dependencies import services
from minsheng.http.listing import posted_form
from minsheng.http.scope import TenantScope, requires
from minsheng.i18n import translate
from minsheng.permissions import Permission
from minsheng.web.build_assets import font_face_css
from minsheng.web.templating import render, request_locale

BASE = "/t/{slug:str}/staff/document-templates"
EDIT = Permission.DOCUMENT_TEMPLATES_EDIT


def _subject(value: object) -> uuid.UUID | None:
    text = str(value or "").strip()
    try:
        return uuid.UUID(text) if text else None
    except ValueError as exc:
        raise InvalidInput("Choose what the document is about from the list") from exc


def _number(value: object) -> int | None:
    text = str(value or "").strip()
    try:
        return int(text) if text else None
    except ValueError as exc:
        raise InvalidInput("Choose a version from the list") from exc


@requires(EDIT)
@get(BASE, include_in_schema=False)
async def templates_page(request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession) -> Template:
    """Every kind with where its template comes from: the office's version, or the default."""
    rows = []
    for kind in all_kinds():
        try:
            state = await editing.template_state(db_session, access.hooks.tenant, kind)
        except DomainError:  # no template of this tenant renders the kind: nothing to edit
            continue
        rows.append(state)
    return render(request, "documents/templates.html", tenant=access.tenant, user=access.user, states=rows)


async def _editor(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    kind_code: str,
    *,
    source: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    kind = editing.editable_kind(kind_code)
    state = await editing.template_state(db_session, access.hooks.tenant, kind)
    subjects = await kind.list_subjects(db_session) if kind.list_subjects else []
    shown = state.source if source is None else source
    return render(
        request,
        "documents/template_editor.html",
        status_code=status_code,
        tenant=access.tenant,
        user=access.user,
        state=state,
        source=shown,
        subjects=subjects,
        diff=editing.unified_diff(state.default_source, shown),
        error=error,
    )


@requires(EDIT)
@get(BASE + "/{kind:str}", include_in_schema=False)
async def editor_page(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, kind: str
) -> Template:
    """The editor of one kind's template: the source in force, the preview, the diff, the versions."""
    return await _editor(request, access, db_session, kind)


@requires(EDIT)
@post(BASE + "/{kind:str}/preview", include_in_schema=False)
async def preview_fragment(
    request: Request[Any, Any, Any], access: TenantScope, state: State, db_session: AsyncSession, kind: str
) -> Template:
    """HTMX: the typed template rendered with the tenant's data, and its difference from the default."""
    form = await posted_form(request)
    found = editing.editable_kind(kind)
    source = str(form.get("source") or "")
    current = await editing.template_state(db_session, access.hooks.tenant, found)
    html: str | None = None
    error: str | None = None
    try:
        rendered = await editing.preview(
            db_session,
            access.hooks.tenant,
            found,
            source,
            _subject(form.get("subject_id")),
            fmt="html",
            public_url=services(state).settings.public_url,
        )
        # The browser cannot load the fonts from the server's disk: the page's own fonts stand in.
        html = str(rendered).replace(font_face_css(), "")
    except DomainError as exc:
        error = translate(exc.message, request_locale(request), **exc.params)
    return render(
        request,
        "documents/template_preview.html",
        html=html,
        error=error,
        diff=editing.unified_diff(current.default_source, source),
    )


@requires(EDIT)
@post(BASE + "/{kind:str}/preview.pdf", include_in_schema=False)
async def preview_pdf(
    request: Request[Any, Any, Any], access: TenantScope, state: State, db_session: AsyncSession, kind: str
) -> Response[bytes]:
    """The typed template rendered as the PDF it would make (nothing is stored)."""
    form = await posted_form(request)
    content = await editing.preview(
        db_session,
        access.hooks.tenant,
        editing.editable_kind(kind),
        str(form.get("source") or ""),
        _subject(form.get("subject_id")),
        fmt="pdf",
        public_url=services(state).settings.public_url,
    )
    assert isinstance(content, bytes)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": "inline", "Cache-Control": "no-store"},
    )


@requires(EDIT)
@post(BASE + "/{kind:str}", include_in_schema=False)
async def publish_action(
    request: Request[Any, Any, Any], access: TenantScope, state: State, db_session: AsyncSession, kind: str
) -> Template | Redirect:
    """Publish the typed template as the kind's next version; a refusal shows the editor again with
    what was typed and why."""
    form = await posted_form(request)
    source = str(form.get("source") or "")
    try:
        await editing.publish(
            db_session,
            access.hooks.tenant,
            editing.editable_kind(kind),
            source,
            actor=access.user.username,
            based_on=_number(form.get("based_on")),
            note=str(form.get("note") or ""),
            public_url=services(state).settings.public_url,
        )
    except DomainError as exc:
        message = translate(exc.message, request_locale(request), **exc.params)
        status = 409 if isinstance(exc, Conflict) else 422
        return await _editor(request, access, db_session, kind, source=source, error=message, status_code=status)
    return Redirect(f"/t/{access.tenant.slug}/staff/document-templates/{kind}", status_code=303)


@requires(EDIT)
@post(BASE + "/{kind:str}/revert", include_in_schema=False)
async def revert_action(
    request: Request[Any, Any, Any], access: TenantScope, db_session: AsyncSession, kind: str
) -> Redirect:
    """Go back to the default (no ``version``) or to an earlier version of the office's."""
    form = await posted_form(request)
    await editing.revert(
        db_session,
        access.hooks.tenant,
        editing.editable_kind(kind),
        to_version=_number(form.get("version")),
        actor=access.user.username,
        based_on=_number(form.get("based_on")),
    )
    return Redirect(f"/t/{access.tenant.slug}/staff/document-templates/{kind}", status_code=303)


ROUTES: list[Any] = [templates_page, editor_page, preview_fragment, preview_pdf, publish_action, revert_action]
