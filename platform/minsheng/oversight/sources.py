"""Counting one tenant's own records into figures by (year, category).

Runs with that tenant in context: the ORM filter and row-level security limit every query to its
rows, so nothing here can read another tenant's data.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.models import Suggestion
from minsheng.implementation.chosen import chosen_projects
from minsheng.oversight.figures import UNCATEGORIZED, Figures, Key
from minsheng.oversight.progress_sources import count_progress
from minsheng.projects.models import Project


def _slot(table: dict[Key, Figures], year: int, category: str | None) -> Figures:
    return table.setdefault((int(year), category or UNCATEGORIZED), Figures())


async def count_own_records(session: AsyncSession, today: date) -> dict[Key, Figures]:
    """The tenant in context's own figures: suggestions, projects, chosen projects, their funds,
    completion, overdue work plans (as of ``today`` in the tenant's zone) and satisfaction outcomes."""
    table: dict[Key, Figures] = {}
    suggestions = select(Suggestion.year, Suggestion.category, func.count()).group_by(
        Suggestion.year, Suggestion.category
    )
    for year, category, count in await session.execute(suggestions):
        _slot(table, year, category).suggestions += int(count)
    projects = select(Project.year, Project.category, func.count()).group_by(Project.year, Project.category)
    for year, category, count in await session.execute(projects):
        _slot(table, year, category).projects += int(count)
    # Chosen as implementation reads it (closed rounds that chose, the first choosing round counts).
    chosen = await chosen_projects(session)
    for choice in chosen:
        slot = _slot(table, choice.project.year, choice.project.category)
        slot.chosen += 1
        slot.funds += Decimal(choice.project.budget or 0)
    await count_progress(session, table, chosen, today)
    return {key: value for key, value in table.items() if not value.is_empty()}
