"""Every list answers ``{items, total}`` and takes ``?page=`` (from 1) and ``?per_page=`` (API.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from litestar.params import Parameter

T = TypeVar("T")

MAX_PER_PAGE = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int


PageParam = Parameter(query="page", ge=1, le=1_000_000, default=1, description="Page number, from 1")
PerPageParam = Parameter(
    query="per_page", ge=1, le=MAX_PER_PAGE, default=20, description=f"Items per page (at most {MAX_PER_PAGE})"
)
