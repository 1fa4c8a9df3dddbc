"""Which version of its own template an office has put in force for a kind (read only).

The latest :class:`~minsheng.documents.models.TemplateVersion` of the kind decides: its source, or
none (the office went back to the plugins' template). The tenant in context filters the rows, so a
neighbour's versions are never seen.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.documents.kinds import DocumentKind
from minsheng.documents.models import TemplateVersion
from minsheng.documents.template_resolution import ResolvedTemplate, office_template


async def latest_version(session: AsyncSession, kind: str) -> TemplateVersion | None:
    """The newest version of ``kind``'s template in this tenant, whatever it holds."""
    query = select(TemplateVersion).where(TemplateVersion.kind == kind)
    return (await session.execute(query.order_by(TemplateVersion.number.desc()).limit(1))).scalar_one_or_none()


async def office_template_of(session: AsyncSession, kind: DocumentKind) -> ResolvedTemplate | None:
    """The office's template in force for ``kind``, or None when the plugins' template renders it."""
    version = await latest_version(session, kind.code)
    if version is None or version.source is None:
        return None
    return office_template(kind, number=version.number, syntax=version.syntax, source=version.source)
