"""The list pages' pure parts: page links keep the filters, day bounds are days in the tenant's zone, form values."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from minsheng import clock
from minsheng.errors import InvalidInput
from minsheng.http.listing import Pager, day_end, day_start, one_of, parse_day, parse_ids, text_filter


@pytest.mark.parametrize(
    ("page", "total", "pages", "first", "last", "previous", "following"),
    [
        (1, 0, 1, 0, 0, None, None),
        (1, 20, 1, 1, 20, None, None),
        (1, 21, 2, 1, 20, None, "?q=%E8%B7%AF&page=2"),
        (2, 21, 2, 21, 21, "?q=%E8%B7%AF&page=1", None),
        (2, 60, 3, 21, 40, "?q=%E8%B7%AF&page=1", "?q=%E8%B7%AF&page=3"),
    ],
)
def test_pages_and_their_links(
    page: int, total: int, pages: int, first: int, last: int, previous: str | None, following: str | None
) -> None:
    pager = Pager(page, 20, total, {"q": "路", "status": ""})
    assert (pager.pages, pager.first_item, pager.last_item) == (pages, first, last)
    assert (pager.previous, pager.next) == (previous, following)


def test_a_day_filter_covers_the_whole_day_in_the_tenant_s_zone() -> None:
    beijing, xinjiang = clock.zone(), clock.zone("Asia/Urumqi")
    assert day_start(date(2026, 3, 2), beijing) == datetime(2026, 3, 1, 16, tzinfo=UTC)
    assert day_end(date(2026, 3, 2), beijing) == datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert day_start(date(2026, 3, 2), xinjiang) == datetime(2026, 3, 1, 18, tzinfo=UTC)
    assert day_start(None, beijing) is None and day_end(None, beijing) is None
    assert parse_day(" 2026-03-02 ") == date(2026, 3, 2)
    assert parse_day("") is None
    with pytest.raises(InvalidInput):
        parse_day("2026-02-30")


def test_filter_values_and_posted_ids() -> None:
    assert one_of("merged", ("received", "merged")) == "merged"
    assert one_of("", ("received",)) is None and one_of("drop table", ("received",)) is None
    assert text_filter("  东村 ") == "东村" and text_filter("   ") is None
    assert text_filter("x" * 300, 100) == "x" * 100
    a, b = uuid.uuid4(), uuid.uuid4()
    assert parse_ids([str(a), str(b), str(a)]) == [a, b]
    with pytest.raises(InvalidInput):
        parse_ids(["not-an-id"])
