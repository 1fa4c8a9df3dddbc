"""The figures oversight counts, and how they add up: pure functions of plain data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

# Suggestions without a category are counted under this key (a project always has one).
UNCATEGORIZED = ""


@dataclass
class Figures:
    """What a higher level follows (platform/docs/domain.md, oversight across levels)."""

    suggestions: int = 0
    projects: int = 0
    chosen: int = 0  # chosen by the deputies' vote
    funds: Decimal = Decimal(0)  # budgets of the chosen projects, in yuan
    completed: int = 0  # chosen projects reported complete
    work_plans: int = 0
    overdue_plans: int = 0  # work plans past their deadline and not complete
    evaluations: int = 0  # chosen projects with a closed satisfaction evaluation
    satisfied: int = 0  # by the latest closed evaluation of each project
    basically_satisfied: int = 0
    unsatisfied: int = 0
    # Supervision coverage: every way of supervising counts alike.
    supervised: int = 0  # chosen projects with any supervision: a record of any method, or a special inquiry
    inspections: int = 0  # inspection records (视察)
    reviews: int = 0  # follow-up review records (回头看)
    inquiries: int = 0  # special inquiries held (专题询问)
    # An evaluation's whole history: an "unsatisfied" stays counted after the re-evaluation.
    rated_unsatisfied: int = 0  # chosen projects rated unsatisfied at least once
    rectified: int = 0  # rectifications the government reported done
    reevaluated: int = 0  # re-evaluations closed after a rectification

    def add(self, other: Figures) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def is_empty(self) -> bool:
        return all(not getattr(self, item.name) for item in fields(self))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FIGURE_NAMES: tuple[str, ...] = tuple(item.name for item in fields(Figures))

Key = tuple[int, str]  # (year, category)


def completion_rate(completed: int, chosen: int) -> float | None:
    """Completed chosen projects over chosen projects, from 0 to 1; None when nothing was chosen."""
    if chosen <= 0:
        return None
    return min(1.0, completed / chosen)


def supervision_coverage(supervised: int, chosen: int) -> float | None:
    """Chosen projects supervised in any way (inspection, review, inquiry, any other method), over
    chosen projects; None when nothing was chosen."""
    return completion_rate(supervised, chosen)


def satisfaction_rate(satisfied: int, basically_satisfied: int, evaluations: int) -> float | None:
    """Evaluations whose outcome was satisfied or basically satisfied, over closed evaluations."""
    if evaluations <= 0:
        return None
    return min(1.0, (satisfied + basically_satisfied) / evaluations)


def merge(parts: Iterable[Mapping[Key, Figures]]) -> dict[Key, Figures]:
    """The sum of several tables of figures by (year, category): a subtree from its members."""
    total: dict[Key, Figures] = {}
    for part in parts:
        for key, figures in part.items():
            total.setdefault(key, Figures()).add(figures)
    return {key: value for key, value in total.items() if not value.is_empty()}


def figures_of(row: Any) -> Figures:
    """Figures read from any object with the figure attributes (a roll-up row, a result row)."""
    counts: dict[str, Any] = {name: int(getattr(row, name) or 0) for name in FIGURE_NAMES if name != "funds"}
    return Figures(funds=Decimal(row.funds or 0), **counts)


def ancestry_path(ids: Iterable[object]) -> str:
    """The path stored on a roll-up row: the ids from the root down, each between slashes."""
    return "/" + "".join(f"{value}/" for value in ids)
