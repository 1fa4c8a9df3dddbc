"""A project's supervision on the phone: the methods it still lacks, the records filed with their visits
and photos, and the form that files a record of one method (deputies, the presidium and the office
inspect on site, platform/docs/roles.md).

The form is built from the method's declared fields (``form.py``) and sent to the same service as
``POST /projects/{id}/supervision-records``: the same checks, the same refusals, shown beside the
field they name with everything typed kept.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import DomainError
from minsheng.files.page_uploads import FormUploads
from minsheng.http.dependencies import services
from minsheng.http.forms import FormValues, posted, read_day
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission
from minsheng.supervision.pages import render_page
from minsheng.supervision.plans import services as plans
from minsheng.supervision.records import form
from minsheng.supervision.records import services as records

#: Rows for the places visited a form offers at least, and empty ones besides those typed.
VISIT_ROWS = 2
SPARE_VISIT_ROWS = 1


def _project_url(access: TenantScope, project_id: uuid.UUID) -> str:
    return f"/t/{access.tenant.slug}/supervision/projects/{project_id}"


def visit_rows(values: FormValues) -> list[tuple[str, str, str]]:
    """The visits typed (place, date, notes), empty rows left out."""
    places, days, notes = values.all("visit_place"), values.all("visit_date"), values.all("visit_notes")
    count = max(len(places), len(days), len(notes))

    def cell(found: list[str], index: int) -> str:
        return found[index] if index < len(found) else ""

    rows = [(cell(places, i), cell(days, i), cell(notes, i)) for i in range(count)]
    return [row for row in rows if any(part.strip() for part in row)]


def visits_from(values: FormValues) -> list[records.Visit]:
    """The visits of the form; a date that is not one is refused naming its row."""
    return [
        records.Visit(place, read_day(day, f"visits[{index}].visited_on"), notes)
        for index, (place, day, notes) in enumerate(visit_rows(values))
    ]


@requires(Permission.SUPERVISION_READ)
@get("/t/{slug:str}/supervision/projects/{project_id:uuid}")
async def project_supervision_page(
    request: Request[Any, Any, Any], access: TenantScope, project_id: uuid.UUID, db_session: AsyncSession
) -> Template:
    """A chosen project's supervision: required methods done and missing, the records with visits and
    photos, newest first, and for those who file records a link per method."""
    project = await plans.require_chosen(db_session, project_id)
    rows, total = await records.list_records(db_session, project.id, page=1, per_page=50)
    return render_page(
        request,
        access,
        "supervision/project.html",
        project=project,
        coverage=await records.coverage(db_session, project.id, hooks=access.hooks),
        records=rows,
        total=total,
        photos=await records.photos_of(db_session, [r.id for r in rows]),
        methods=records.tenant_methods(access.hooks),
        done=request.query_params.get("done") == "record",
    )


async def _record_form(
    request: Request[Any, Any, Any],
    access: TenantScope,
    db_session: AsyncSession,
    project_id: uuid.UUID,
    method_code: str,
    *,
    error: DomainError | None = None,
    values: FormValues | None = None,
) -> Template:
    project = await plans.require_chosen(db_session, project_id)
    methods = records.tenant_methods(access.hooks)
    method = methods.get(method_code)
    typed = values or FormValues()
    fields = form.form_fields(method) if method else []
    visits = visit_rows(typed)
    return render_page(
        request,
        access,
        "supervision/record_form.html",
        project=project,
        methods=methods,
        method=method,
        fields=fields,
        tables={f.code: form.shown_rows(f, typed) for f in fields if f.kind == "table"},
        visits=visits + [("", "", "")] * max(SPARE_VISIT_ROWS, VISIT_ROWS - len(visits)),
        error=error,
        failed="record" if error else "",
        values=typed,
    )


@requires(Permission.SUPERVISION_RECORDS_FILE)
@get("/t/{slug:str}/supervision/projects/{project_id:uuid}/records/new")
async def record_form_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    project_id: uuid.UUID,
    db_session: AsyncSession,
    method: str = "",
) -> Template:
    """The form of a record of ``?method=`` (its fields, the places visited, photos); without a method,
    the methods to choose from."""
    return await _record_form(request, access, db_session, project_id, method[:50])


@requires(Permission.SUPERVISION_RECORDS_FILE)
@post("/t/{slug:str}/supervision/projects/{project_id:uuid}/records")
async def file_record_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    project_id: uuid.UUID,
    state: State,
    db_session: AsyncSession,
) -> Template | Redirect:
    """File the record from the form, with its photos (each checked on its content)."""
    values, items = await posted(request)
    method_code = values.text("method", 50)
    svc = services(state)
    stored = FormUploads(svc.store, svc.settings.max_upload_bytes)
    try:
        async with db_session.begin_nested():
            definition = records.method_of(access.hooks, method_code)
            visits = visits_from(values)
            photos = await stored.save(db_session, items, "photos", uploaded_by=access.user.username)
            await records.add_record(
                db_session,
                project_id,
                method=definition.code,
                fields=form.record_fields(form.form_fields(definition), values),
                visits=visits,
                photo_ids=photos,
                actor=access.user.username,
                hooks=access.hooks,
            )
    except DomainError as error:
        await stored.discard()  # the record was refused: its photos go too
        return await _record_form(request, access, db_session, project_id, method_code, error=error, values=values)
    return Redirect(f"{_project_url(access, project_id)}?done=record", status_code=303)


ROUTES: list[Any] = [project_supervision_page, record_form_page, file_record_page]
