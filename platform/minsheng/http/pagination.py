"""Every list answers ``{items, total}`` and takes ``?page=`` (from 1) and ``?per_page=`` (platform/docs/api.md);
the query parameters lists share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from litestar.params import QueryParameter

T = TypeVar("T")

MAX_PER_PAGE = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int


PageParam = QueryParameter(name="page", ge=1, le=1_000_000, description="Page number, from 1")
PerPageParam = QueryParameter(
    name="per_page", ge=1, le=MAX_PER_PAGE, description=f"Items per page (at most {MAX_PER_PAGE})"
)

#: ``?year=``: the lists of a year (a collection year, a vote year); absent, every year.
YearFilter = Annotated[int | None, QueryParameter(name="year", ge=2000, le=2100)]
