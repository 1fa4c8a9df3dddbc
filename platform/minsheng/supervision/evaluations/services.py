"""Satisfaction evaluations (满意度测评): deputies rate a chosen project in secret; the tenant's
``satisfaction_rule`` decides; "unsatisfied" opens a rectification (整改) with a deadline and a
re-evaluation.

Secrecy as for ballots (platform/docs/architecture.md, "Secret and verifiable ballots"; platform/docs/threat-model.md):
a participation row (who) and the rating sealed to the evaluation's public key (``minsheng.secrecy``)
in one transaction; the participation's key refuses a second rating under any concurrency. At close
the evaluation's private key is fetched, the ratings opened, shuffled and written as plain rows
(random id, no deputy, no time, no receipt) in the closing transaction, the sealed rows deleted, and
the key destroyed once that transaction commits. The sorted rating hashes and, apart, the sorted
receipts go into the tenant's audit chain.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.audit import services as audit
from minsheng.collection.rules import china_day
from minsheng.congress.roster import services as roster
from minsheng.congress.voting.rules import ballot_hash, new_receipt
from minsheng.db.base import utcnow
from minsheng.db.listing import page_of
from minsheng.db.lookup import locked, one_or_not_found
from minsheng.db.secrecy import record_secret_choice
from minsheng.errors import Conflict, Forbidden, InvalidInput, NotFound
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.secrecy.custody import KeyDestroyed
from minsheng.secrecy.keeping import current_custody, destroy_after_commit, new_subject_key, open_all
from minsheng.secrecy.sealing import SealBroken, seal
from minsheng.supervision import alerts, rules
from minsheng.supervision.models import (
    EvaluationParticipation,
    EvaluationRating,
    EvaluationStatus,
    Rectification,
    RectificationStatus,
    SatisfactionEvaluation,
    SealedRating,
)
from minsheng.supervision.plans import services as plans
from minsheng.tenancy.context import current_tenant


def tenant_setting(hooks: TenantHooks, name: str) -> Any:
    """A supervision setting of the tenant (``public_evaluation``, ``rectification_days``)."""
    return hooks.tenant.settings(DEFAULTS_PLUGIN)[name]


async def _require_none_pending(session: AsyncSession, project_id: uuid.UUID) -> None:
    pending = (
        select(func.count())
        .select_from(SatisfactionEvaluation)
        .where(
            SatisfactionEvaluation.project_id == project_id,
            SatisfactionEvaluation.status.in_((EvaluationStatus.OPEN.value, EvaluationStatus.SCHEDULED.value)),
        )
    )
    if (await session.execute(pending)).scalar_one():
        raise Conflict("The project already has an evaluation that is open or scheduled")


async def _open(session: AsyncSession, evaluation: SatisfactionEvaluation) -> None:
    members = await roster.entitled_count(session)
    if members < 1:
        raise Conflict("The roster has no deputies: nobody could rate")
    evaluation.members = members
    evaluation.status = EvaluationStatus.OPEN.value
    evaluation.opened_at = utcnow()
    tenant = current_tenant()
    assert tenant is not None
    if evaluation.id is None:
        evaluation.id = uuid.uuid4()
    # Every rating is sealed to this key; its private half stays out of the database until the close.
    evaluation.rating_key = await new_subject_key(tenant.id, evaluation.id)


async def open_evaluation(
    session: AsyncSession, project_id: uuid.UUID, *, title: str | None, public: bool, actor: str, hooks: TenantHooks
) -> SatisfactionEvaluation:
    """Open the deputies' evaluation of a chosen project; ``members`` is fixed now (全体代表).

    409 when the project was not chosen or has an evaluation open or scheduled; 422 when ``public``
    is asked of a tenant whose settings do not allow the online public evaluation.
    """
    project = await plans.require_chosen(session, project_id)
    await _require_none_pending(session, project.id)
    if public and not tenant_setting(hooks, "public_evaluation"):
        raise InvalidInput("This tenant does not hold online public evaluations")
    evaluation = SatisfactionEvaluation(
        project_id=project.id, title=(title or "").strip() or project.title, public=public, created_by=actor
    )
    await _open(session, evaluation)
    session.add(evaluation)
    await session.flush()
    await audit.record(
        session,
        "evaluation.opened",
        actor=actor,
        subject=str(evaluation.id),
        payload={"project": str(project.id), "members": evaluation.members, "public": public},
    )
    return evaluation


async def open_scheduled(session: AsyncSession, evaluation_id: uuid.UUID, *, actor: str) -> SatisfactionEvaluation:
    """Open a scheduled re-evaluation (after the rectification); 409 unless it is scheduled."""
    evaluation = await get_evaluation(session, evaluation_id, for_update=True)
    require_status(evaluation, EvaluationStatus.SCHEDULED)
    await _open(session, evaluation)
    await session.flush()
    await audit.record(
        session,
        "evaluation.opened",
        actor=actor,
        subject=str(evaluation.id),
        payload={
            "project": str(evaluation.project_id),
            "members": evaluation.members,
            "reevaluation_of": str(evaluation.reevaluation_of),
        },
    )
    return evaluation


async def get_evaluation(
    session: AsyncSession, evaluation_id: uuid.UUID, *, for_update: bool = False, for_rating: bool = False
) -> SatisfactionEvaluation:
    """An evaluation of the tenant in context, or 404; locks as ``congress.rounds.get_round`` does."""
    query = select(SatisfactionEvaluation).where(SatisfactionEvaluation.id == evaluation_id)
    missing = NotFound("No satisfaction evaluation {evaluation} in this tenant", evaluation=str(evaluation_id))
    return await one_or_not_found(session, locked(query, exclusive=for_update, shared=for_rating), missing)


def require_status(evaluation: SatisfactionEvaluation, status: EvaluationStatus) -> None:
    """409 unless the evaluation is in ``status``."""
    if evaluation.status == status.value:
        return
    if status == EvaluationStatus.OPEN:
        raise Conflict("The evaluation is not open")
    raise Conflict("Only a scheduled re-evaluation can be opened")


async def rate(session: AsyncSession, evaluation_id: uuid.UUID, principal: Principal, rating: str) -> str:
    """Record a deputy's secret rating and return its receipt code.

    403 for a member who is not a deputy of the roster; 409 when the evaluation is not open, the deputy
    joined the roster after it opened (not among its members), or has rated already; 422 for a rating
    that is not one of satisfied, basically_satisfied, unsatisfied, abstain.
    """
    deputy = await roster.deputy_of_user(session, principal.user_id)
    if deputy is None:
        raise Forbidden("You are not a deputy on this tenant's roster")
    if rating not in rules.RATINGS:
        raise InvalidInput("Unknown rating {rating}", rating=rating)
    evaluation = await get_evaluation(session, evaluation_id, for_rating=True)
    require_status(evaluation, EvaluationStatus.OPEN)
    if evaluation.opened_at is not None and deputy.created_at > evaluation.opened_at:
        raise Conflict("You joined the roster after this evaluation opened and are not among its members")
    # A cheap early answer for a double tap; the participation's key is what guarantees it.
    key = (evaluation.tenant_id, evaluation.id, deputy.id)
    if await session.get(EvaluationParticipation, key) is not None:
        raise Conflict("You have already rated in this evaluation")
    if evaluation.rating_key is None:
        raise Conflict("This evaluation was opened without a rating key: close it and open a new one")
    receipt = new_receipt()
    sealed = seal(evaluation.rating_key, {"rating": rating, "receipt": receipt})
    await record_secret_choice(
        session,
        EvaluationParticipation(evaluation_id=evaluation.id, deputy_id=deputy.id),
        SealedRating(evaluation_id=evaluation.id, id=uuid.uuid4(), sealed=sealed),
        repeated=Conflict("You have already rated in this evaluation"),
    )
    # No audit event: its actor and time would order the raters; the close records every hash.
    return receipt


async def ratings_received(session: AsyncSession, evaluation_id: uuid.UUID) -> int:
    """How many deputies have rated so far."""
    query = (
        select(func.count())
        .select_from(EvaluationParticipation)
        .where(EvaluationParticipation.evaluation_id == evaluation_id)
    )
    return int((await session.execute(query)).scalar_one())


async def has_rated(session: AsyncSession, evaluation: SatisfactionEvaluation, principal: Principal) -> bool:
    """Whether the caller (a deputy) has rated in ``evaluation``."""
    deputy = await roster.deputy_of_user(session, principal.user_id)
    if deputy is None:
        return False
    return await session.get(EvaluationParticipation, (evaluation.tenant_id, evaluation.id, deputy.id)) is not None


def _reason(reason: Any) -> dict[str, Any] | None:
    if reason is None:
        return None
    params = {k: v if isinstance(v, int | str) else str(v) for k, v in reason.params.items()}
    return {"message": reason.message, "params": params}


async def _open_rectification(
    session: AsyncSession, evaluation: SatisfactionEvaluation, *, actor: str, hooks: TenantHooks
) -> Rectification:
    """The rectification an "unsatisfied" outcome calls for, with its scheduled re-evaluation."""
    days = int(tenant_setting(hooks, "rectification_days"))
    again = SatisfactionEvaluation(
        project_id=evaluation.project_id,
        title=evaluation.title,
        status=EvaluationStatus.SCHEDULED.value,
        public=evaluation.public,
        reevaluation_of=evaluation.id,
        created_by=actor,
    )
    session.add(again)
    await session.flush()
    # The day in China: a close at 01:00 Beijing time is that day's, not the UTC day before.
    closed_on = china_day(evaluation.closed_at or utcnow())
    rectification = Rectification(
        evaluation_id=evaluation.id,
        project_id=evaluation.project_id,
        reevaluation_id=again.id,
        deadline=rules.rectification_deadline(closed_on, days),
    )
    session.add(rectification)
    await session.flush()
    await audit.record(
        session,
        "rectification.opened",
        actor=actor,
        subject=str(rectification.id),
        payload={
            "evaluation": str(evaluation.id),
            "deadline": rectification.deadline.isoformat(),
            "reevaluation": str(again.id),
        },
    )
    await alerts.rectification_opened(session, rectification, evaluation.title, hooks)
    return rectification


async def _open_ratings(session: AsyncSession, evaluation: SatisfactionEvaluation) -> list[str]:
    """Open the evaluation's sealed ratings, write them as plain rows in a random order, delete the
    sealed rows (in the closing transaction); the sorted receipts. The close destroys the key after its commit."""
    if evaluation.rating_key is None:
        return []
    found = await session.execute(select(SealedRating.sealed).where(SealedRating.evaluation_id == evaluation.id))
    boxes = list(found.scalars())
    opened: list[Any] = []
    if boxes:
        try:
            private = await current_custody().fetch(evaluation.tenant_id, evaluation.id)
            opened = open_all(private, boxes)
        except (KeyDestroyed, SealBroken) as exc:
            raise Conflict("The key of this evaluation is gone: its sealed ratings cannot be opened") from exc
    if opened:
        await session.execute(
            insert(EvaluationRating),
            [
                {
                    "tenant_id": evaluation.tenant_id,
                    "evaluation_id": evaluation.id,
                    "id": uuid.uuid4(),
                    "rating": str(choice["rating"]),
                }
                for choice in opened
            ],
        )
    await session.execute(delete(SealedRating).where(SealedRating.evaluation_id == evaluation.id))
    return sorted(str(choice["receipt"]) for choice in opened)


async def close_evaluation(
    session: AsyncSession, evaluation_id: uuid.UUID, *, actor: str, hooks: TenantHooks
) -> SatisfactionEvaluation:
    """Close an open evaluation and store its result (platform/docs/domain.md: satisfaction evaluation).

    The counts by rating and the members fixed at opening go to the tenant's ``satisfaction_rule``.
    "unsatisfied" (``rectification_required``) opens a rectification with a deadline and schedules a
    re-evaluation of the project.
    """
    evaluation = await get_evaluation(session, evaluation_id, for_update=True)
    require_status(evaluation, EvaluationStatus.OPEN)
    receipts = await _open_ratings(session, evaluation)
    rows = list(
        (
            await session.execute(
                select(EvaluationRating.id, EvaluationRating.rating).where(
                    EvaluationRating.evaluation_id == evaluation.id
                )
            )
        ).all()
    )
    counts = rules.zero_counts({r: sum(1 for row in rows if row.rating == r) for r in rules.RATINGS})
    members = evaluation.members or 0
    decided = hooks.satisfaction_rule(counts=counts, members=members)
    participations = await ratings_received(session, evaluation.id)
    event = await audit.record(
        session,
        "evaluation.closed",
        actor=actor,
        subject=str(evaluation.id),
        payload={
            "outcome": decided.outcome,
            "members": members,
            "counts": counts,
            "participations": participations,
            "rectification_required": decided.rectification_required,
            "rating_hashes": sorted(ballot_hash(row.id, row.rating) for row in rows),
            "receipts": receipts,
        },
    )
    evaluation.status = EvaluationStatus.CLOSED.value
    evaluation.outcome = decided.outcome
    evaluation.closed_at = utcnow()
    result: dict[str, Any] = {
        "outcome": decided.outcome,
        "counts": counts,
        "members": members,
        "rectification_required": decided.rectification_required,
        "reason": _reason(decided.reason),
        "receipts": receipts,
        "chain_head": event.digest,
        "rectification_id": None,
        "reevaluation_id": None,
    }
    if decided.rectification_required:
        rectification = await _open_rectification(session, evaluation, actor=actor, hooks=hooks)
        result["rectification_id"] = str(rectification.id)
        result["reevaluation_id"] = str(rectification.reevaluation_id)
    evaluation.result = result
    await session.flush()
    # Registered last, when nothing of the close can fail: a close refused in a savepoint keeps the key.
    destroy_after_commit(session, evaluation.tenant_id, evaluation.id)
    return evaluation


def stored_result(evaluation: SatisfactionEvaluation) -> dict[str, Any]:
    """The stored result of a closed evaluation, or 409 while it is not closed."""
    if evaluation.status != EvaluationStatus.CLOSED.value or evaluation.result is None:
        raise Conflict("The evaluation has no result until it is closed")
    return evaluation.result


async def list_evaluations(
    session: AsyncSession,
    *,
    page: int,
    per_page: int,
    status: str | None = None,
    project_id: uuid.UUID | None = None,
    q: str | None = None,
) -> tuple[list[SatisfactionEvaluation], int]:
    """The tenant's evaluations, newest first; filter by status or project, search titles."""
    query = select(SatisfactionEvaluation)
    if status:
        query = query.where(SatisfactionEvaluation.status == status)
    if project_id is not None:
        query = query.where(SatisfactionEvaluation.project_id == project_id)
    if q:
        query = query.where(SatisfactionEvaluation.title.ilike(f"%{q.strip()}%"))
    order = (SatisfactionEvaluation.created_at.desc(), SatisfactionEvaluation.id)
    return await page_of(session, query, *order, page=page, per_page=per_page)


async def rectification_of(session: AsyncSession, evaluation_id: uuid.UUID) -> Rectification | None:
    """The rectification an evaluation's outcome opened, if any."""
    query = select(Rectification).where(Rectification.evaluation_id == evaluation_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_rectifications(
    session: AsyncSession, *, page: int, per_page: int, status: str | None = None
) -> tuple[list[Rectification], int]:
    """Rectifications by deadline, the open ones first."""
    query = select(Rectification)
    if status:
        query = query.where(Rectification.status == status)
    order = (Rectification.status, Rectification.deadline, Rectification.id)
    return await page_of(session, query, *order, page=page, per_page=per_page)


async def report_rectification(
    session: AsyncSession, rectification_id: uuid.UUID, *, report: str, actor: str
) -> Rectification:
    """The government reports what it rectified (needed text); 409 when reported already."""
    rectification = await one_or_not_found(
        session,
        select(Rectification).where(Rectification.id == rectification_id),
        NotFound("No rectification {rectification} in this tenant", rectification=str(rectification_id)),
    )
    if rectification.status != RectificationStatus.OPEN.value:
        raise Conflict("The rectification has been reported already")
    if not report.strip():
        raise InvalidInput("Describe what was rectified")
    rectification.status = RectificationStatus.REPORTED.value
    rectification.report = report.strip()
    rectification.reported_by = actor
    rectification.reported_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        "rectification.reported",
        actor=actor,
        subject=str(rectification.id),
        payload={"report": rectification.report},
    )
    return rectification
