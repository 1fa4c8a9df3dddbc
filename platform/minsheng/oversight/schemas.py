"""Response shapes of oversight (extends platform/docs/api.md: ``/api/v1/t/{slug}/oversight``)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from minsheng.oversight.figures import Figures, completion_rate, satisfaction_rate, supervision_coverage
from minsheng.oversight.services import Dashboard
from minsheng.tenancy.snapshot import TenantLike


class FiguresView(msgspec.Struct):
    suggestions: int
    projects: int
    chosen: int
    funds: float
    completed: int
    completion_rate: float | None
    work_plans: int
    overdue_plans: int
    evaluations: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    satisfaction_rate: float | None
    supervised: int = 0
    supervision_coverage: float | None = None
    inspections: int = 0
    reviews: int = 0
    inquiries: int = 0
    rated_unsatisfied: int = 0
    rectified: int = 0
    reevaluated: int = 0


class TenantRefView(msgspec.Struct):
    slug: str
    name: str
    level: str


class YearFigures(msgspec.Struct):
    year: int
    figures: FiguresView


class CategoryFigures(msgspec.Struct):
    category: str
    name: str
    figures: FiguresView


class PlaceFigures(msgspec.Struct):
    tenant: TenantRefView
    own_records: bool
    figures: FiguresView


class OversightSummary(msgspec.Struct):
    tenant: TenantRefView
    path: list[TenantRefView]
    year: int | None
    years: list[int]
    totals: FiguresView
    by_year: list[YearFigures]
    by_category: list[CategoryFigures]
    by_place: list[PlaceFigures]
    updated_at: datetime | None


def figures_view(figures: Figures) -> FiguresView:
    counts = {name: value for name, value in figures.as_dict().items() if name != "funds"}
    return FiguresView(
        **counts,
        funds=float(figures.funds),
        completion_rate=completion_rate(figures.completed, figures.chosen),
        satisfaction_rate=satisfaction_rate(figures.satisfied, figures.basically_satisfied, figures.evaluations),
        supervision_coverage=supervision_coverage(figures.supervised, figures.chosen),
    )


def tenant_ref(tenant: TenantLike) -> TenantRefView:
    return TenantRefView(slug=tenant.slug, name=tenant.name, level=tenant.level.value)


def summary_view(board: Dashboard, category_names: dict[str, str]) -> OversightSummary:
    return OversightSummary(
        tenant=tenant_ref(board.tenant),
        path=[tenant_ref(t) for t in board.ancestry],
        year=board.year,
        years=board.years,
        totals=figures_view(board.totals),
        by_year=[YearFigures(year=y, figures=figures_view(f)) for y, f in sorted(board.by_year.items())],
        by_category=[
            CategoryFigures(category=code, name=category_names.get(code, code), figures=figures_view(f))
            for code, f in sorted(board.by_category.items())
        ],
        by_place=[
            PlaceFigures(tenant=tenant_ref(p.tenant), own_records=p.own_records, figures=figures_view(p.figures))
            for p in board.places
        ],
        updated_at=board.updated_at,
    )
