"""API routes of oversight: a subtree's figures and their Excel export (``/api/v1/t/{slug}/oversight``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.http.openapi import problems
from minsheng.http.scope import TenantScope, requires
from minsheng.oversight import services as oversight
from minsheng.oversight.export import dashboard_workbook
from minsheng.oversight.schemas import OversightSummary, summary_view
from minsheng.permissions import Permission
from minsheng.storage.keys import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OfParam = QueryParameter(name="of", max_length=63, description="A tenant of the caller's subtree (default: the caller)")
YearParam = QueryParameter(name="year", ge=2000, le=2100, description="One year (default: all years)")


def category_names(access: TenantScope) -> dict[str, str]:
    categories = access.hooks.project_categories()
    return {code: category.name for code, category in categories.items()}


async def workbook_response(
    db_session: AsyncSession, access: TenantScope, of: str | None, year: int | None
) -> Response[bytes]:
    """The dashboard of ``of`` (in the caller's subtree) as an Excel download."""
    chain = await oversight.subtree_member(db_session, access.tenant, of)
    board = await oversight.dashboard(db_session, chain, year)
    data = dashboard_workbook(board, category_names(access))
    name = f"{board.tenant.name}-监督统计{'-' + str(year) if year else ''}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": content_disposition(name)})


class OversightController(Controller):
    path = "/api/v1/t/{slug:str}/oversight"
    tags = ["oversight"]

    @requires(Permission.OVERSIGHT_READ)
    @get("/", responses=problems(404))
    async def summary(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        of: Annotated[str | None, OfParam] = None,
        year: Annotated[int | None, YearParam] = None,
    ) -> OversightSummary:
        """Figures of the caller's subtree (or of ``of`` inside it; 404 outside): totals, by year,
        category and place (the direct children), from the roll-up tables."""
        chain = await oversight.subtree_member(db_session, access.tenant, of)
        board = await oversight.dashboard(db_session, chain, year)
        return summary_view(board, category_names(access))

    @requires(Permission.OVERSIGHT_READ)
    @get(
        "/export.xlsx",
        media_type=XLSX,
        responses={
            200: ResponseSpec(
                data_container=bytes,
                media_type=XLSX,
                description="The figures as an Excel workbook",
                generate_examples=False,
            ),
            **problems(404),
        },
    )
    async def export(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        of: Annotated[str | None, OfParam] = None,
        year: Annotated[int | None, YearParam] = None,
    ) -> Response[bytes]:
        """The same figures as an Excel workbook (by place, by category, by year)."""
        return await workbook_response(db_session, access, of, year)
