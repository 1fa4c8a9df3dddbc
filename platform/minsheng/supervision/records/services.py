"""Supervision records: what an inspection, deliberation, follow-up review ... found, with the places
visited and photos, validated against the fields the tenant's method declares; and which required
methods a project still lacks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.db.listing import page_of
from minsheng.errors import FieldProblem, InvalidFields, InvalidInput
from minsheng.files import services as files
from minsheng.plugins.registries import SupervisionMethod
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.plugins.verdicts import Reason
from minsheng.supervision import rules
from minsheng.supervision.models import SupervisionPhoto, SupervisionRecord
from minsheng.supervision.plans import services as plans


@dataclass(frozen=True)
class Visit:
    """A place visited during the activity (视察点)."""

    place: str
    visited_on: date | None = None
    notes: str = ""


def tenant_methods(hooks: TenantHooks) -> dict[str, SupervisionMethod]:
    """The supervision methods the tenant's plugins offer, by code."""
    return hooks.supervision_methods()


def method_of(hooks: TenantHooks, code: str) -> SupervisionMethod:
    """The tenant's method ``code``; 422 for a method its plugins do not offer."""
    methods = tenant_methods(hooks)
    if code not in methods:
        raise InvalidInput("Unknown supervision method {method}", method=code)
    return methods[code]


async def _check_photos(session: AsyncSession, photo_ids: Sequence[uuid.UUID]) -> None:
    # The files were uploaded (and checked on their content) through the files API; here they must be
    # the tenant's and be images.
    for photo_id in photo_ids:
        stored = await files.get_file(session, photo_id)
        if not stored.content_type.startswith("image/"):
            raise InvalidInput("The file {filename} is not a photo", filename=stored.filename)


async def add_record(
    session: AsyncSession,
    project_id: uuid.UUID,
    *,
    method: str,
    fields: Mapping[str, Any],
    visits: Sequence[Visit],
    photo_ids: Sequence[uuid.UUID],
    actor: str,
    hooks: TenantHooks,
) -> SupervisionRecord:
    """Record a supervision activity on a chosen project (422 for fields its method refuses)."""
    project = await plans.require_chosen(session, project_id)
    definition = method_of(hooks, method)
    problems = rules.record_problems(definition, fields)
    for index, visit in enumerate(visits):
        if not visit.place.strip():
            problems.append(FieldProblem(f"visits[{index}].place", Reason("A visit needs the place visited")))
    if problems:
        raise InvalidFields(problems[0].reason.message, problems=problems, **problems[0].reason.params)
    unique_photos = list(dict.fromkeys(photo_ids))
    await _check_photos(session, unique_photos)
    record = SupervisionRecord(
        project_id=project.id,
        method=definition.code,
        fields=dict(fields),
        visits=[
            {
                "place": v.place.strip(),
                "visited_on": v.visited_on.isoformat() if v.visited_on else None,
                "notes": v.notes.strip(),
            }
            for v in visits
        ],
        recorded_by=actor,
    )
    session.add(record)
    await session.flush()
    session.add_all(
        SupervisionPhoto(record_id=record.id, file_id=photo, position=position)
        for position, photo in enumerate(unique_photos)
    )
    await session.flush()
    await audit.record(
        session,
        "supervision_record.added",
        actor=actor,
        subject=str(record.id),
        payload={"project": str(project.id), "method": definition.code, "photos": [str(p) for p in unique_photos]},
    )
    return record


async def list_records(
    session: AsyncSession, project_id: uuid.UUID, *, page: int, per_page: int, method: str | None = None
) -> tuple[list[SupervisionRecord], int]:
    """A project's supervision records, newest first, optionally of one method."""
    query = select(SupervisionRecord).where(SupervisionRecord.project_id == project_id)
    if method:
        query = query.where(SupervisionRecord.method == method)
    order = (SupervisionRecord.created_at.desc(), SupervisionRecord.id)
    return await page_of(session, query, *order, page=page, per_page=per_page)


async def photos_of(session: AsyncSession, record_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The photos (file ids) of each record, in their order."""
    if not record_ids:
        return {}
    query = select(SupervisionPhoto).where(SupervisionPhoto.record_id.in_(record_ids))
    found: dict[uuid.UUID, list[uuid.UUID]] = {record_id: [] for record_id in record_ids}
    for photo in (await session.execute(query.order_by(SupervisionPhoto.position))).scalars():
        found[photo.record_id].append(photo.file_id)
    return found


async def projects_of_photo(session: AsyncSession, file_id: uuid.UUID) -> set[uuid.UUID]:
    """The projects whose supervision records show the file as a photo."""
    query = (
        select(SupervisionRecord.project_id)
        .join(
            SupervisionPhoto,
            (SupervisionRecord.tenant_id == SupervisionPhoto.tenant_id)
            & (SupervisionRecord.id == SupervisionPhoto.record_id),
        )
        .where(SupervisionPhoto.file_id == file_id)
    )
    return set((await session.execute(query)).scalars())


async def coverage(session: AsyncSession, project_id: uuid.UUID, *, hooks: TenantHooks) -> rules.MethodCoverage:
    """Which required methods (plugins' and the plan's) the project has records of, and which are missing."""
    await plans.require_chosen(session, project_id)
    recorded = select(SupervisionRecord.method).where(SupervisionRecord.project_id == project_id).distinct()
    return rules.method_coverage(
        tenant_methods(hooks),
        await plans.planned_methods(session, project_id),
        (await session.execute(recorded)).scalars(),
    )
