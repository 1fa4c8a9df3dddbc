"""Documents of collection: QR posters for every village and the collection report.

Both read the collection year's suggestions through the collection and projects services; neither
prints "today", so the same data renders the same bytes. Both are signed by the body that collects
between sessions: a county's 人大常委会, a township's 人大主席团 (``wording.issuing_bodies``).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng import clock
from minsheng.collection import rules
from minsheng.collection import services as collection
from minsheng.collection.models import Channel, Suggestion
from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date, issuing_bodies, ten_thousand_yuan
from minsheng.errors import InvalidInput, NotFound
from minsheng.permissions import Permission
from minsheng.plugins.manager import get_plugin_manager
from minsheng.plugins.tenant import TenantView
from minsheng.projects.models import CandidateList
from minsheng.tenancy.models import Tenant
from minsheng.tenancy.places import own_places

TEMPLATES = Path(__file__).resolve().parent / "document_templates"

#: How official documents name the channels (documents are always in Chinese).
CHANNEL_NAMES = {
    Channel.ONLINE.value: "网络平台",
    Channel.QR_CODE.value: "微信二维码",
    Channel.NOTICE.value: "公告",
    Channel.LIAISON_STATION.value: "人大代表联络站",
    Channel.SYMPOSIUM.value: "座谈会",
    Channel.LETTER.value: "来信",
    Channel.EMAIL.value: "电子邮件",
    Channel.OTHER.value: "其他",
}
UNKNOWN = "未注明"


async def configured_places(session: AsyncSession, tenant: TenantView) -> list[str]:
    """The tenant's own villages and communities (``tenancy.places``: never a higher level's)."""
    row = await session.get(Tenant, tenant.id)
    return own_places(row) if row is not None else []


async def known_places(session: AsyncSession, tenant: TenantView) -> list[str]:
    """Configured places in their order, then any other place a suggestion named, sorted."""
    named = await session.execute(select(Suggestion.place).distinct().where(Suggestion.place.is_not(None)))
    places = await configured_places(session, tenant)
    extra = sorted({p.strip() for p in named.scalars() if p and p.strip()} - set(places))
    return [*places, *extra]


def suggest_path(slug: str, place: str) -> str:
    """The public form with the QR channel and the village preset (``/t/{slug}/suggest?...``)."""
    return f"/t/{slug}/suggest?" + urlencode({"channel": Channel.QR_CODE.value, "place": place})


async def qr_posters_context(session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None) -> dict[str, Any]:
    """One poster per known village: its name and the path its QR code opens."""
    places = await known_places(session, tenant)
    if not places:
        raise InvalidInput("No villages or communities are known yet: list them in the tenant's settings (places)")
    return {
        "year": rules.collection_year(),
        "issuer": issuing_bodies(tenant.name, tenant.level).standing,
        "sheets": [
            {
                "place": place,
                "path": suggest_path(tenant.slug, place),
                # The same address as people read it, for typing in by hand.
                "display_path": f"/t/{tenant.slug}/suggest?channel={Channel.QR_CODE.value}&place={place}",
            }
            for place in places
        ],
    }


def _named(rows: list[tuple[str, int]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"name": names.get(code, code) or UNKNOWN, "count": count} for code, count in rows]


async def _report_year(session: AsyncSession) -> int:
    latest = (await session.execute(select(func.max(CandidateList.year)))).scalar_one_or_none()
    return int(latest) if latest else rules.collection_year()


async def _candidates(
    session: AsyncSession, tenant: TenantView, year: int, categories: dict[str, str]
) -> list[dict[str, Any]]:
    from minsheng.projects import candidates as candidate_lists
    from minsheng.projects import services as projects

    try:
        state = await candidate_lists.get(session, year, get_plugin_manager().hooks_for(tenant))
    except NotFound:  # no list for the year yet: the report says so with an empty table
        return []
    support = await projects.supporters(session, [p.id for p in state.projects])
    return [
        {
            "title": p.title,
            "category": categories.get(p.category, p.category),
            "budget": ten_thousand_yuan(p.budget),
            "responsible_unit": p.responsible_unit,
            "suggestions": support.get(p.id, 0),
        }
        for p in state.projects
    ]


async def collection_report_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """征集情况说明: counts by channel, village and category, the period, and the candidate list."""
    year = await _report_year(session)
    counts = await collection.coverage(
        session, year, await configured_places(session, tenant), tz=clock.zone_of(tenant)
    )
    categories = {code: c.name for code, c in get_plugin_manager().hooks_for(tenant).project_categories().items()}
    days = [day for day, _ in counts.by_day]
    by_channel = _named(counts.by_channel, CHANNEL_NAMES)
    return {
        "year": year,
        "issuer": issuing_bodies(tenant.name, tenant.level).standing,
        "collection": {
            "opened_on": chinese_date(days[0]) if days else "",
            "closed_on": chinese_date(days[-1]) if days else "",
            "channels": [row["name"] for row in by_channel],
            "suggestions": counts.total,
        },
        "by_channel": by_channel,
        "by_place": _named(counts.by_place, {}),
        "by_category": _named(counts.by_category, categories),
        "places_without_suggestions": counts.places_without_suggestions,
        "candidates": await _candidates(session, tenant, year, categories),
        "document_date": days[-1].isoformat() if days else None,
    }


#: The kinds of this context, for its registration list (``wiring.py``).
KINDS: list[DocumentKind] = []
KINDS.append(
    DocumentKind(
        code="qr_posters",
        label="意见建议征集二维码海报",
        formats=("pdf",),
        build_context=qr_posters_context,
        template_dir=TEMPLATES,
        default_template="qr_posters.html.j2",
        permission=Permission.SUGGESTIONS_HANDLE,
    )
)
KINDS.append(
    DocumentKind(
        code="collection_report",
        label="征集情况说明",
        formats=("pdf", "docx"),
        build_context=collection_report_context,
        template_dir=TEMPLATES,
        default_template="collection_report.md.j2",
        permission=Permission.SUGGESTIONS_HANDLE,
    )
)
