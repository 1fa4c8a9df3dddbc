"""The agenda (议程) of a congress session: read it, replace it as a whole (staff edit it as one list)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit import services as audit
from minsheng.congress.hall.agenda_models import AgendaItem
from minsheng.congress.models import CongressSession
from minsheng.errors import FieldProblem, InvalidFields
from minsheng.i18n import msgid
from minsheng.plugins.verdicts import Reason

MAX_ITEMS = 50
TITLE_MAX = 200
PRESENTER_MAX = 100

# What most sessions hear before the vote (platform/docs/domain.md, "Deliberation and vote": 两报告一说明); offered
# as a starting point on an empty agenda, never saved until staff save it.
USUAL_ITEMS: tuple[tuple[str, str], ...] = (
    (msgid("Report of the government on the collection of livelihood project suggestions"), msgid("Government")),
    (msgid("Work report of the presidium"), msgid("Presidium")),
    (msgid("Explanation of the candidate projects"), msgid("Government")),
    (msgid("Adopt the voting method"), msgid("Presidium")),
    (msgid("Vote on the livelihood projects"), ""),
    (msgid("Announce the result"), msgid("Presidium")),
)


@dataclass(frozen=True)
class AgendaDraft:
    """One item as staff typed it."""

    title: str
    presenter: str = ""


def check_agenda(items: Sequence[AgendaDraft]) -> list[AgendaDraft]:
    """The items trimmed and checked (pure): a title of 1 to 200 characters, a presenter of at most 100,
    at most 50 items; raises ``InvalidFields`` naming each bad item (``row`` from 0)."""
    problems: list[FieldProblem] = []
    if len(items) > MAX_ITEMS:
        problems.append(FieldProblem("items", Reason("An agenda has at most {maximum} items", {"maximum": MAX_ITEMS})))
    cleaned = [AgendaDraft(item.title.strip(), item.presenter.strip()) for item in items]
    for row, item in enumerate(cleaned):
        if not item.title:
            problems.append(FieldProblem("title", Reason("The item needs a title"), row))
        elif len(item.title) > TITLE_MAX:
            problems.append(FieldProblem("title", Reason("At most {maximum} characters", {"maximum": TITLE_MAX}), row))
        if len(item.presenter) > PRESENTER_MAX:
            problems.append(
                FieldProblem("presenter", Reason("At most {maximum} characters", {"maximum": PRESENTER_MAX}), row)
            )
    if problems:
        raise InvalidFields("The agenda is not valid", problems=problems)
    return cleaned


async def agenda_of(session: AsyncSession, session_id: uuid.UUID) -> list[AgendaItem]:
    """The session's agenda in order."""
    query = select(AgendaItem).where(AgendaItem.session_id == session_id).order_by(AgendaItem.position)
    return list((await session.execute(query)).scalars())


async def replace_agenda(
    session: AsyncSession, congress: CongressSession, items: Sequence[AgendaDraft], *, actor: str
) -> list[AgendaItem]:
    """Replace the session's agenda by ``items`` in their order (422 on a bad item; audited)."""
    cleaned = check_agenda(items)
    await session.execute(delete(AgendaItem).where(AgendaItem.session_id == congress.id))
    rows = [
        AgendaItem(
            session_id=congress.id, position=number, title=item.title, presenter=item.presenter, created_by=actor
        )
        for number, item in enumerate(cleaned, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    await audit.record(
        session,
        "session.agenda_changed",
        actor=actor,
        subject=str(congress.id),
        payload={"items": [[row.title, row.presenter] for row in rows]},
    )
    return rows
