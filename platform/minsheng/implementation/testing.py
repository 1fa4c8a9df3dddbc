"""Test help: projects the congress chose, written directly (the vote has tests of its own).

    ids = await record_decided_round(database, TenantRef(tenant_id, slug), ["学校改造"], voted_at=...)

Writes accepted projects, a session and a closed, decided round choosing the given titles (plus
``losers`` projects not chosen), closed at ``voted_at``: the vote day starts the work plan's month.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from minsheng.congress.models import CongressSession, VotingRound
from minsheng.db.session import Database
from minsheng.projects.models import Project
from minsheng.tenancy.context import TenantRef, tenant_scope


async def record_decided_round(
    database: Database, tenant: TenantRef, titles: list[str], *, voted_at: datetime, losers: int = 1, entitled: int = 30
) -> list[uuid.UUID]:
    """The ids of the chosen projects (in rank order)."""
    with tenant_scope(tenant):
        async with database.session() as session:
            projects = [
                Project(
                    year=voted_at.year - 1,
                    title=title,
                    content=f"{title}的内容",
                    category="education",
                    status="accepted",
                    budget=100000,
                    created_by="test",
                )
                for title in [*titles, *(f"落选项目{n}" for n in range(losers))]
            ]
            session.add_all(projects)
            congress = CongressSession(title="第一次会议", date=voted_at.date(), created_by="test")
            session.add(congress)
            await session.flush()
            candidates = [
                {
                    "project_id": str(p.id),
                    "yes": entitled - n,
                    "no": n,
                    "abstain": 0,
                    "chosen": n < len(titles),
                    "rank": n + 1 if n < len(titles) else None,
                }
                for n, p in enumerate(projects)
            ]
            figures = {"entitled": entitled, "present": entitled, "ballots_issued": entitled}
            session.add(
                VotingRound(
                    session_id=congress.id,
                    title="民生实事项目票决",
                    seats=len(titles),
                    ballot_format="yes_no_abstain",
                    status="closed",
                    outcome="decided",
                    entitled=entitled,
                    result={
                        "status": "decided",
                        **figures,
                        "ballots_returned": entitled,
                        "valid": entitled,
                        "invalid": 0,
                        "candidates": candidates,
                    },
                    created_by="test",
                    opened_at=voted_at,
                    closed_at=voted_at,
                )
            )
            return [p.id for p in projects[: len(titles)]]
