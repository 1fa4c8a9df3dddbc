"""Which project of the pool a suggestion may belong to: its title and content against the suggestion.

The same scoring as the duplicate hints between suggestions (``similarity``), over the projects of the
suggestion's year that were not refused, so a clerk merging a late suggestion finds the project its
neighbours already joined.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection import similarity
from minsheng.collection.models import Suggestion
from minsheng.projects import services as projects
from minsheng.projects.models import Project


async def likely_projects(
    session: AsyncSession, suggestion: Suggestion, *, limit: int = 3
) -> list[tuple[Project, float]]:
    """The projects of the suggestion's year most like it, best first, with their scores."""
    rows, _total = await projects.pool(session, projects.PoolFilter(year=suggestion.year), page=1, per_page=None)
    by_id = {row.id: row for row in rows if row.status != "rejected"}
    texts = [(key, f"{row.title}。{row.content}") for key, row in by_id.items()]
    # Scoring is CPU work: off the event loop.
    matches = await asyncio.to_thread(similarity.most_similar, suggestion.content, texts, limit=limit)
    return [(by_id[match.key], match.score) for match in matches if match.key in by_id]  # type: ignore[index]
