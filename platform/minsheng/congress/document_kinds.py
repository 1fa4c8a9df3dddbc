"""Documents of the vote: 票决办法, the ballot papers, the tally sheet (计票单), 主席团公告 and 决议,
each from one voting round.

The data comes from the congress and projects services; dates are the session's and the round's
own (the day it closed, in China), never "today", so a round always renders the same bytes. The
session is named once with its tenant (``session.name``: "鲁山县第十七届人民代表大会第三次会议", never
"鲁山县鲁山县…"), and each paper names who issues it: the session's presidium (主席团) for the 票决办法
and the 公告, the session itself for the 决议, the scrutineers and tellers for the tally sheet.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.rules import china_day
from minsheng.congress.hall import sessions
from minsheng.congress.models import CongressSession, RoundStatus, VotingRound
from minsheng.congress.roster import services as roster
from minsheng.congress.voting import rounds
from minsheng.documents.kinds import DocumentKind
from minsheng.documents.wording import chinese_date, in_chinese, majority_of, session_name, ten_thousand_yuan
from minsheng.errors import Conflict, InvalidInput
from minsheng.permissions import Permission
from minsheng.plugins.manager import get_plugin_manager
from minsheng.plugins.tenant import TenantView
from minsheng.projects import services as projects

TEMPLATES = Path(__file__).resolve().parent / "document_templates"

#: The mark columns of paper layouts, as printed on a Chinese ballot.
COLUMN_NAMES = {"yes": "赞成", "no": "反对", "abstain": "弃权", "approve": "同意", "rank": "排序"}


def _round_id(subject_id: uuid.UUID | None) -> uuid.UUID:
    if subject_id is None:
        raise InvalidInput("This document needs the subject_id of a voting round")
    return subject_id


async def _candidates(session: AsyncSession, tenant: TenantView, round_id: uuid.UUID) -> list[dict[str, Any]]:
    ids = await rounds.candidates_of(session, round_id)
    support = await projects.supporters(session, ids)
    categories = {code: c.name for code, c in get_plugin_manager().hooks_for(tenant).project_categories().items()}
    rows = []
    for project_id in ids:
        project = await projects.get(session, project_id)
        rows.append(
            {
                "id": str(project.id),
                "title": project.title,
                "category": categories.get(project.category, project.category),
                "budget": ten_thousand_yuan(project.budget),
                "responsible_unit": project.responsible_unit,
                "target": project.target,
                "suggestions": support.get(project.id, 0),
            }
        )
    return rows


async def _ordinal(session: AsyncSession, voting_round: VotingRound) -> int:
    """The round's number within its session (主席团公告 are numbered per session)."""
    query = select(VotingRound.id).where(VotingRound.session_id == voting_round.session_id)
    ids = list((await session.execute(query.order_by(VotingRound.created_at, VotingRound.id))).scalars())
    return ids.index(voting_round.id) + 1


async def round_context(session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None) -> dict[str, Any]:
    """What every round document shows: the session, seats, candidates and the ballot format."""
    voting_round = await rounds.get_round(session, _round_id(subject_id))
    congress = await sessions.get_session(session, voting_round.session_id)
    ballot_format = rounds.ballot_format(get_plugin_manager().hooks_for(tenant), voting_round.ballot_format)
    candidates = await _candidates(session, tenant, voting_round.id)
    layout = ballot_format.paper_layout
    # Fixed when the round opened; before that, the deputies on the roster now (全体代表).
    entitled = voting_round.entitled if voting_round.entitled is not None else await roster.entitled_count(session)
    name = session_name(tenant.name, congress.title)
    return {
        "year": congress.year,
        "session": {"title": congress.title, "name": name, "date": chinese_date(congress.date)},
        "presidium": f"{name}主席团",
        "round": {
            "title": voting_round.title,
            "method": voting_round.method,
            "number": await _ordinal(session, voting_round),
        },
        "entitled": entitled,
        "majority": majority_of(entitled),
        "seats": voting_round.seats,
        "margin": len(candidates) - voting_round.seats,
        "candidates": candidates,
        "ballot_format": voting_round.ballot_format,
        "ballot_format_label": in_chinese(ballot_format.label),
        "columns": [COLUMN_NAMES.get(column, in_chinese(column)) for column in layout.columns],
        "instruction": in_chinese(layout.instruction, seats=voting_round.seats),
        "document_date": congress.date.isoformat(),
    }


async def voting_method_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """票决办法: seats, candidates and margin, ballot format, how the result is fixed and published."""
    context = await round_context(session, tenant, subject_id)
    context["issuer"] = context["presidium"]
    return context


async def ballot_paper_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """Ballot papers: one unnumbered sheet per deputy present, in the round's paper layout."""
    context = await round_context(session, tenant, subject_id)
    voting_round = await rounds.get_round(session, _round_id(subject_id))
    present = await sessions.present_count(session, voting_round.session_id)
    if present == 0:
        raise Conflict("No deputy has checked in yet: ballot papers are printed for the deputies present")
    context["present"] = present
    # Identical sheets, one per deputy present: a ballot paper carries no number that could be noted
    # against the deputy it was handed to (platform/docs/threat-model.md).
    context["sheets"] = [{} for _ in range(present)]
    return context


async def _closed(session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None) -> dict[str, Any]:
    """A closed round's figures: attendance, ballots, and per candidate its votes and outcome."""
    context = await round_context(session, tenant, subject_id)
    voting_round = await rounds.get_round(session, _round_id(subject_id))
    if voting_round.status != RoundStatus.CLOSED.value or voting_round.result is None or voting_round.closed_at is None:
        raise Conflict("The tally sheet needs a voting round that has closed")
    by_id = {c["id"]: c for c in context["candidates"]}
    result = voting_round.result
    rows = [
        {
            **by_id[str(row["project_id"])],
            "yes": row["yes"],
            "no": row["no"],
            "abstain": row["abstain"],
            "chosen": bool(row["chosen"]),
            "rank": row.get("rank"),
            # Format-specific figures (a ranking's Borda points); a template shows what its format has.
            "figures": dict(row.get("figures") or {}),
            "points": (row.get("figures") or {}).get("points", "—"),
        }
        for row in result["candidates"]
    ]
    decided_on = china_day(voting_round.closed_at)
    context["result"] = {
        **{
            key: result[key]
            for key in ("entitled", "present", "ballots_issued", "ballots_returned", "valid", "invalid")
        },
        "candidates": rows,
        "chain_head": result.get("chain_head", ""),
        "status": voting_round.outcome,
        # A round on phones and paper: each part's ballots issued, returned, valid and invalid (else None).
        "by_method": result.get("by_method"),
    }
    context["entitled"] = result["entitled"]
    context["majority"] = majority_of(int(result["entitled"]))
    context["chosen"] = sorted((row for row in rows if row["chosen"]), key=lambda row: row["rank"] or 0)
    context["not_chosen"] = [row for row in rows if not row["chosen"]]
    context["announced_on"] = context["adopted_on"] = context["closed_on"] = chinese_date(decided_on)
    context["document_date"] = decided_on.isoformat()
    return context


async def _decided(session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None) -> dict[str, Any]:
    voting_round = await rounds.get_round(session, _round_id(subject_id))
    if voting_round.outcome != "decided":
        raise Conflict("The result announcement and the resolution need a round that has closed with a decided result")
    return await _closed(session, tenant, subject_id)


#: How the tally sheet names a round's outcome.
OUTCOME_WORDS = {
    "decided": "票决有效，结果已产生",
    "runoff_required": "需就票数相等的项目再次投票",
    "void": "票决无效，应当重新投票",
}


async def tally_sheet_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """计票单: a closed round's figures for the chief scrutineer, scrutineers and tellers to sign."""
    context = await _closed(session, tenant, subject_id)
    context["outcome"] = OUTCOME_WORDS.get(str(context["result"]["status"]), str(context["result"]["status"]))
    context["signatures"] = ["总监票人", "监票人", "计票人"]
    return context


async def result_announcement_context(
    session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None
) -> dict[str, Any]:
    """主席团公告: attendance, ballots, and per candidate its votes and whether it was chosen."""
    context = await _decided(session, tenant, subject_id)
    context["issuer"] = context["presidium"]
    return context


async def resolution_context(session: AsyncSession, tenant: TenantView, subject_id: uuid.UUID | None) -> dict[str, Any]:
    """决议: the chosen projects, which bind the government; adopted by the session itself."""
    context = await _decided(session, tenant, subject_id)
    context["issuer"] = context["session"]["name"]
    return context


async def round_subjects(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """The tenant's voting rounds, newest first, named by their session and title."""
    query = (
        select(VotingRound.id, CongressSession.title, VotingRound.title)
        .join(
            CongressSession,
            (CongressSession.tenant_id == VotingRound.tenant_id) & (CongressSession.id == VotingRound.session_id),
        )
        .order_by(VotingRound.created_at.desc(), VotingRound.id)
        .limit(200)
    )
    return [
        (round_id, f"{session_title} · {title}") for round_id, session_title, title in (await session.execute(query))
    ]


#: The kinds of this context, for its registration list (``wiring.py``).
KINDS: list[DocumentKind] = []
for code, label, formats, builder, template in (
    ("voting_method", "票决办法", ("pdf", "docx"), voting_method_context, "voting_method.md.j2"),
    ("ballot_paper", "表决票", ("pdf",), ballot_paper_context, "ballot_paper.html.j2"),
    ("tally_sheet", "计票单", ("pdf", "docx"), tally_sheet_context, "tally_sheet.md.j2"),
    ("result_announcement", "主席团公告", ("pdf", "docx"), result_announcement_context, "result_announcement.md.j2"),
    ("resolution", "决议", ("pdf", "docx"), resolution_context, "resolution.md.j2"),
):
    KINDS.append(
        DocumentKind(
            code=code,
            label=label,
            formats=formats,
            build_context=builder,
            template_dir=TEMPLATES,
            default_template=template,
            subject_required=True,
            permission=Permission.ROUNDS_PREPARE,
            list_subjects=round_subjects,
        )
    )
