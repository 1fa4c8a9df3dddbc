"""The project pool as an Excel workbook, headers in Chinese."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.projects.models import Project
from minsheng.storage.spreadsheets import cell_text

# ASCII name for old clients, the Chinese one (项目库.xlsx) for the rest (RFC 6266).
EXPORT_DISPOSITION = "attachment; filename=\"projects.xlsx\"; filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E5%BA%93.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Offices read this sheet as it is, so the headers are the terms they use (not translated per reader).
HEADERS = (
    "项目名称",
    "类别",
    "年度",
    "状态",
    "民意数（建议条数）",
    "投资额（元）",
    "资金来源",
    "责任单位",
    "完成时限",
    "实施地点",
    "目标任务",
    "项目内容",
)
STATUS_WORDS = {"pool": "储备", "accepted": "初审通过", "rejected": "初审未通过"}
# Stored text never runs as a formula nor breaks the workbook (storage/spreadsheets.py).
_safe = cell_text


def pool_workbook(
    projects: Sequence[Project], supporters: Mapping[uuid.UUID, int], category_names: Mapping[str, str]
) -> bytes:
    """One row per project with its supporters, status and budget."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "项目库"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for project in projects:
        sheet.append(
            [
                _safe(project.title),
                category_names.get(project.category, project.category),
                project.year,
                STATUS_WORDS.get(project.status, project.status),
                supporters.get(project.id, 0),
                float(project.budget) if project.budget is not None else None,
                _safe(project.funding_source),
                _safe(project.responsible_unit),
                project.deadline,
                _safe(project.location),
                _safe(project.target),
                _safe(project.content),
            ]
        )
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKL", (30, 12, 8, 12, 10, 14, 16, 20, 12, 16, 30, 50), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export_pool(session: AsyncSession, hooks: TenantHooks, *, status: str | None, year: int | None) -> bytes:
    """The tenant's pool (optionally one status and year) as the workbook (API and staff page alike)."""
    from minsheng.projects import services as projects

    rows, _total = await projects.pool(session, projects.PoolFilter(status=status, year=year), page=1, per_page=None)
    counts = await projects.supporters(session, [r.id for r in rows])
    names = {code: c.name for code, c in hooks.project_categories().items()}
    return pool_workbook(rows, counts, names)
