"""API routes of satisfaction evaluations (platform/docs/api.md: satisfaction), rectifications, the public
evaluation."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.collection.controllers import client_address
from minsheng.http.dependencies import services
from minsheng.http.openapi import problems
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.problems import request_locale
from minsheng.http.scope import TenantScope, public, requires
from minsheng.i18n import translate
from minsheng.permissions import Permission
from minsheng.supervision.evaluations import public as citizens
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.models import Rectification, SatisfactionEvaluation
from minsheng.supervision.schemas import (
    CodeRequest,
    EvaluationResult,
    EvaluationView,
    NewEvaluation,
    PublicEvaluationView,
    PublicRatingIn,
    RatingIn,
    Receipt,
    RectificationReport,
    RectificationView,
)


def result_view(stored: dict[str, Any], locale: str, deadline: date | None = None) -> EvaluationResult:
    """The stored result in platform/docs/api.md's shape, its reason translated into the caller's language."""
    reason = stored.get("reason")
    return EvaluationResult(
        outcome=stored["outcome"],
        counts=dict(stored["counts"]),
        rectification_required=stored["rectification_required"],
        members=stored["members"],
        reason=translate(reason["message"], locale, **reason["params"]) if reason else None,
        receipts=list(stored["receipts"]),
        chain_head=stored["chain_head"],
        rectification_id=uuid.UUID(stored["rectification_id"]) if stored.get("rectification_id") else None,
        reevaluation_id=uuid.UUID(stored["reevaluation_id"]) if stored.get("reevaluation_id") else None,
        rectification_deadline=deadline,
    )


async def evaluation_view(
    db_session: AsyncSession, evaluation: SatisfactionEvaluation, locale: str, access: TenantScope | None = None
) -> EvaluationView:
    """An evaluation with its progress, and once closed its result (and the citizens' counts, apart)."""
    result = None
    if evaluation.result is not None:
        rectification = await evaluations.rectification_of(db_session, evaluation.id)
        result = result_view(evaluation.result, locale, rectification.deadline if rectification else None)
    rated = None
    if access is not None and access.principal is not None and access.may(Permission.EVALUATIONS_RATE):
        rated = await evaluations.has_rated(db_session, evaluation, access.principal)
    return EvaluationView(
        id=evaluation.id,
        project_id=evaluation.project_id,
        title=evaluation.title,
        status=evaluation.status,
        public=evaluation.public,
        members=evaluation.members,
        ratings_received=await evaluations.ratings_received(db_session, evaluation.id),
        reevaluation_of=evaluation.reevaluation_of,
        outcome=evaluation.outcome,
        opened_at=evaluation.opened_at,
        closed_at=evaluation.closed_at,
        result=result,
        public_counts=await citizens.counts(db_session, evaluation.id) if evaluation.public else None,
        rated=rated,
    )


def rectification_view(row: Rectification) -> RectificationView:
    return RectificationView(
        id=row.id,
        evaluation_id=row.evaluation_id,
        project_id=row.project_id,
        reevaluation_id=row.reevaluation_id,
        deadline=row.deadline,
        status=row.status,
        report=row.report,
        reported_by=row.reported_by,
        reported_at=row.reported_at,
    )


class ProjectEvaluationsController(Controller):
    path = "/api/v1/t/{slug:str}/projects/{project_id:uuid}/evaluations"
    tags = ["supervision"]

    @requires(Permission.EVALUATIONS_RUN)
    @post("/", status_code=201, responses=problems(409))
    async def open_evaluation(
        self,
        access: TenantScope,
        project_id: uuid.UUID,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        data: NewEvaluation | None = None,
    ) -> EvaluationView:
        """Open the deputies' satisfaction evaluation of a chosen project (the standing committee; in a
        township the presidium).

        409 when the project was not chosen by a vote or already has an evaluation open or scheduled;
        422 when ``public`` is asked and the tenant's settings do not allow the public evaluation.
        """
        user = access.user
        body = data or NewEvaluation()
        evaluation = await evaluations.open_evaluation(
            db_session, project_id, title=body.title, public=body.public, actor=user.username, hooks=access.hooks
        )
        return await evaluation_view(db_session, evaluation, request_locale(request))

    @requires(Permission.SUPERVISION_READ)
    @get("/")
    async def list_for_project(
        self,
        access: TenantScope,
        project_id: uuid.UUID,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[EvaluationView]:
        """The project's evaluations (the first and any re-evaluations), newest first."""
        rows, total = await evaluations.list_evaluations(
            db_session, page=page, per_page=per_page, project_id=project_id
        )
        locale = request_locale(request)
        return Page(items=[await evaluation_view(db_session, e, locale, access) for e in rows], total=total)


class EvaluationsController(Controller):
    path = "/api/v1/t/{slug:str}/evaluations"
    tags = ["supervision"]

    @requires(Permission.SUPERVISION_READ)
    @get("/")
    async def list_evaluations(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        request: Request[Any, Any, Any],
        status: Annotated[Literal["scheduled", "open", "closed"] | None, QueryParameter(name="status")] = None,
        q: Annotated[str | None, QueryParameter(name="q", max_length=200, description="Search titles")] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[EvaluationView]:
        """The tenant's evaluations, newest first; deputies see whether they have rated each."""
        rows, total = await evaluations.list_evaluations(db_session, page=page, per_page=per_page, status=status, q=q)
        locale = request_locale(request)
        return Page(items=[await evaluation_view(db_session, e, locale, access) for e in rows], total=total)

    @requires(Permission.SUPERVISION_READ)
    @get("/{evaluation_id:uuid}")
    async def get_evaluation(
        self, access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> EvaluationView:
        """An evaluation: status, members, ratings received so far, and once closed its result."""
        evaluation = await evaluations.get_evaluation(db_session, evaluation_id)
        return await evaluation_view(db_session, evaluation, request_locale(request), access)

    @requires(Permission.EVALUATIONS_RATE)
    @post("/{evaluation_id:uuid}/ratings", status_code=201, responses=problems(409))
    async def rate(
        self, access: TenantScope, evaluation_id: uuid.UUID, data: RatingIn, db_session: AsyncSession
    ) -> Receipt:
        """A deputy's secret rating (satisfied, basically_satisfied, unsatisfied, abstain): its receipt.

        403 for a member who is not a deputy of the roster; 409 on a second rating, or when the
        evaluation is not open.
        """
        return Receipt(receipt=await evaluations.rate(db_session, evaluation_id, access.user, data.rating))

    @requires(Permission.EVALUATIONS_RUN)
    @post("/{evaluation_id:uuid}/close", status_code=200, responses=problems(409))
    async def close(
        self, access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> EvaluationResult:
        """Close the evaluation: ``{outcome, counts, rectification_required}`` by the tenant's rule, with the
        receipts and the chain head; "unsatisfied" opens a rectification and schedules a re-evaluation."""
        user = access.user
        evaluation = await evaluations.close_evaluation(
            db_session, evaluation_id, actor=user.username, hooks=access.hooks
        )
        rectification = await evaluations.rectification_of(db_session, evaluation.id)
        return result_view(
            evaluations.stored_result(evaluation),
            request_locale(request),
            rectification.deadline if rectification else None,
        )

    @requires(Permission.EVALUATIONS_RUN)
    @post("/{evaluation_id:uuid}/open", status_code=200, responses=problems(409))
    async def open_scheduled(
        self, access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession, request: Request[Any, Any, Any]
    ) -> EvaluationView:
        """Open a scheduled re-evaluation (after the rectification); 409 unless it is scheduled."""
        user = access.user
        evaluation = await evaluations.open_scheduled(db_session, evaluation_id, actor=user.username)
        return await evaluation_view(db_session, evaluation, request_locale(request))

    @public
    @get("/{evaluation_id:uuid}/public")
    async def public_view(
        self, access: TenantScope, evaluation_id: uuid.UUID, db_session: AsyncSession
    ) -> PublicEvaluationView:
        """(No login) A public evaluation: open or not; once closed, the citizens' counts and, apart, the
        deputies' outcome."""
        evaluation = await citizens.public_evaluation(db_session, evaluation_id)
        closed = evaluation.status == "closed"
        return PublicEvaluationView(
            id=evaluation.id,
            project_id=evaluation.project_id,
            title=evaluation.title,
            status=evaluation.status,
            public_counts=await citizens.counts(db_session, evaluation.id) if closed else None,
            deputies_outcome=evaluation.outcome if closed else None,
        )

    @public
    @post("/{evaluation_id:uuid}/public/codes", status_code=202, responses=problems(409, 429))
    async def request_code(
        self,
        access: TenantScope,
        evaluation_id: uuid.UUID,
        data: CodeRequest,
        db_session: AsyncSession,
        state: State,
        request: Request[Any, Any, Any],
    ) -> None:
        """(No login) Send a verification code to a phone for the public evaluation; 429 when asked too often."""
        svc = services(state)
        await citizens.request_code(
            db_session,
            evaluation_id,
            data.phone,
            settings=svc.settings,
            limiter=svc.rate_limiter,
            client=client_address(request),
            hooks=access.hooks,
        )

    @public
    @post("/{evaluation_id:uuid}/public/ratings", status_code=201, responses=problems(409, 429))
    async def public_rate(
        self,
        access: TenantScope,
        evaluation_id: uuid.UUID,
        data: PublicRatingIn,
        db_session: AsyncSession,
        state: State,
        request: Request[Any, Any, Any],
    ) -> None:
        """(No login) A citizen's rating with the code received; one per phone (409 for a second)."""
        svc = services(state)
        await citizens.rate(
            db_session,
            evaluation_id,
            data.phone,
            data.code,
            data.rating,
            settings=svc.settings,
            limiter=svc.rate_limiter,
            client=client_address(request),
            hooks=access.hooks,
        )


class RectificationsController(Controller):
    path = "/api/v1/t/{slug:str}/rectifications"
    tags = ["supervision"]

    @requires(Permission.SUPERVISION_READ)
    @get("/")
    async def list_rectifications(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        status: Annotated[Literal["open", "reported"] | None, QueryParameter(name="status")] = None,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
    ) -> Page[RectificationView]:
        """Rectifications (整改) by deadline, open ones first."""
        rows, total = await evaluations.list_rectifications(db_session, page=page, per_page=per_page, status=status)
        return Page(items=[rectification_view(r) for r in rows], total=total)

    @requires(Permission.RECTIFICATIONS_REPORT)
    @post("/{rectification_id:uuid}/report", status_code=200, responses=problems(409))
    async def report(
        self, access: TenantScope, rectification_id: uuid.UUID, data: RectificationReport, db_session: AsyncSession
    ) -> RectificationView:
        """The government reports what it rectified (the re-evaluation is then opened by the presidium)."""
        user = access.user
        row = await evaluations.report_rectification(
            db_session, rectification_id, report=data.report, actor=user.username
        )
        return rectification_view(row)
