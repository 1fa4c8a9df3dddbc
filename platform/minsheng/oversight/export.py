"""An oversight dashboard as an Excel workbook: by place, by category, by year (headers in Chinese, funds
in 万元 as offices write them)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from minsheng.oversight.figures import Figures, completion_rate, satisfaction_rate, supervision_coverage
from minsheng.oversight.services import Dashboard
from minsheng.storage.spreadsheets import cell_text

# Offices pass this sheet on as it is, so the headers are the terms they use.
FIGURE_HEADERS = (
    "意见建议",
    "项目",
    "票决项目",
    "资金（万元）",
    "已完成",
    "完成率",
    "工作方案",
    "逾期方案",
    "满意度测评",
    "满意",
    "基本满意",
    "不满意",
    "满意率",
    "已监督项目",
    "监督覆盖率",
    "视察",
    "回头看",
    "专题询问",
    "曾被测评不满意",
    "已报告整改",
    "已再次测评",
)
LEVEL_WORDS = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}
# Stored text never runs as a formula nor breaks the workbook (storage/spreadsheets.py).
_safe = cell_text


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _cells(figures: Figures) -> list[object]:
    return [
        figures.suggestions,
        figures.projects,
        figures.chosen,
        float((Decimal(figures.funds) / 10_000).quantize(Decimal("0.01"))),
        figures.completed,
        _rate(completion_rate(figures.completed, figures.chosen)),
        figures.work_plans,
        figures.overdue_plans,
        figures.evaluations,
        figures.satisfied,
        figures.basically_satisfied,
        figures.unsatisfied,
        _rate(satisfaction_rate(figures.satisfied, figures.basically_satisfied, figures.evaluations)),
        figures.supervised,
        _rate(supervision_coverage(figures.supervised, figures.chosen)),
        figures.inspections,
        figures.reviews,
        figures.inquiries,
        figures.rated_unsatisfied,
        figures.rectified,
        figures.reevaluated,
    ]


def _sheet(book: Workbook, title: str, first: tuple[str, ...]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append([*first, *FIGURE_HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def dashboard_workbook(board: Dashboard, category_names: dict[str, str]) -> bytes:
    """Three sheets: the tenant's places (its children), its categories and its years."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    places = _sheet(book, "按地区", ("地区", "层级", "标识"))
    for place in board.places:
        name = f"{place.tenant.name}（本级）" if place.own_records else place.tenant.name
        level = LEVEL_WORDS.get(place.tenant.level.value, place.tenant.level.value)
        places.append([_safe(name), level, place.tenant.slug, *_cells(place.figures)])
    places.append(["合计", "", "", *_cells(board.totals)])
    categories = _sheet(book, "按类别", ("类别",))
    for code, figures in sorted(board.by_category.items()):
        categories.append([_safe(category_names.get(code, code) or "未分类"), *_cells(figures)])
    years = _sheet(book, "按年度", ("年度",))
    for year, figures in sorted(board.by_year.items()):
        years.append([year, *_cells(figures)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
