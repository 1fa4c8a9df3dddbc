"""What the staff's list pages share: page links, filters in the query string, dates, posted forms."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request

from minsheng import clock
from minsheng.errors import InvalidInput

# The old role tuple of the project pool's pages, kept only until they declare their permissions.


@dataclass(frozen=True)
class Pager:
    """Where a page of a list is: its number, size, the total and the other pages' links."""

    page: int
    per_page: int
    total: int
    filters: Mapping[str, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.page * self.per_page)

    def link(self, page: int) -> str:
        """The query string of another page with the same filters."""
        return "?" + urlencode({**{k: v for k, v in self.filters.items() if v}, "page": page})

    @property
    def previous(self) -> str | None:
        return self.link(self.page - 1) if self.page > 1 else None

    @property
    def next(self) -> str | None:
        return self.link(self.page + 1) if self.page < self.pages else None


def one_of(value: str | None, allowed: Iterable[str]) -> str | None:
    """``value`` when it is one of ``allowed`` (a select's "all" option sends "": no filter)."""
    return value if value and value in set(allowed) else None


def text_filter(value: str | None, limit: int = 200) -> str | None:
    """A trimmed search or place filter, None when blank."""
    trimmed = (value or "").strip()[:limit]
    return trimmed or None


def day_start(day: date | None, tz: ZoneInfo) -> datetime | None:
    """The first instant of ``day`` in the tenant's zone ``tz``, in UTC (for "received on or after")."""
    return None if day is None else clock.day_start(day, tz)


def day_end(day: date | None, tz: ZoneInfo) -> datetime | None:
    """The first instant after ``day`` in the tenant's zone ``tz``, in UTC (for "received on or before",
    inclusive)."""
    return None if day is None else clock.day_end(day, tz)


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` field of a filter form; None when blank; 422 when not a date."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput("{value} is not a date (YYYY-MM-DD)", value=value[:20]) from exc


def parse_ids(values: Iterable[str]) -> list[uuid.UUID]:
    """The ids a form posted (checkboxes), in order, without repeats; 422 on anything else."""
    ids: list[uuid.UUID] = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError as exc:
            raise InvalidInput("The form was not valid; reload the page and try again") from exc
    return list(dict.fromkeys(ids))


async def posted_form(request: Request[Any, Any, Any]) -> Any:
    """The posted form as a multi-dict (``.get``, ``.getall``): the CSRF middleware has checked it."""
    return await request.form()
