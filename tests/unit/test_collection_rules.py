"""Pure rules of collection: suggestion checks, tracking codes, duplicate hints, coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from minsheng import clock
from minsheng.collection import rules
from minsheng.collection.rules import CoverageRow, SuggestionDraft
from minsheng.plugins.registries import FieldDefinition
from minsheng.projects.rules import candidate_problems, extra_problems, screening_view


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("13800138000", True),
        ("19912345678", True),
        ("12800138000", False),  # 12x is not a mobile prefix
        ("1380013800", False),  # 10 digits
        ("138001380001", False),  # 12 digits
        ("010-12345678", True),
        ("0371-1234567", True),
        ("037112345678", True),
        ("0371-123456", False),  # 6-digit local number
        ("138 0013 8000", True),  # spaces as people type them
        ("+8613800138000", False),
        ("abc", False),
    ],
)
def test_phone_numbers(phone: str, valid: bool) -> None:
    assert rules.is_valid_phone(phone) is valid


@pytest.mark.parametrize(("length", "ok"), [(4, False), (5, True), (2000, True), (2001, False)])
def test_content_length_bounds_after_trimming(length: int, ok: bool) -> None:
    draft = rules.clean_draft(SuggestionDraft(content="  " + "路" * length + "\n"))
    problems = rules.suggestion_problems(draft, ["roads_transport"])
    assert (problems == []) is ok


def test_unknown_category_and_bad_phone_are_both_reported() -> None:
    draft = rules.clean_draft(SuggestionDraft("修一条路吧谢谢", category="nope", contact_phone="123"))
    assert [p.key for p in rules.suggestion_problems(draft, ["education"])] == ["category", "contact_phone"]


def test_blank_optional_fields_are_dropped() -> None:
    draft = rules.clean_draft(SuggestionDraft(" 修路修路 ", category=" ", place="", contact_phone=" "))
    assert draft == SuggestionDraft("修路修路")


def test_tracking_codes_are_ten_unambiguous_characters() -> None:
    codes = {rules.new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 10
        assert not set(code) & set("0O1I")


def test_codes_are_read_back_whatever_the_case_and_dashes() -> None:
    assert rules.normalise_code(" abcd-efgh 23 ") == "ABCDEFGH23"


def test_the_collection_year_is_china_s() -> None:
    # 31 December 17:00 UTC is already 1 January in Beijing.
    assert rules.collection_year(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)) == 2026
    assert rules.collection_year(datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == 2025


def test_coverage_counts_and_silent_places() -> None:
    rows = [
        CoverageRow("东村", "online", "education", datetime(2026, 3, 1, 2, tzinfo=UTC)),
        CoverageRow("东村", "qr_code", None, datetime(2026, 3, 1, 17, tzinfo=UTC)),  # 2 March in China
        CoverageRow(None, "letter", "health", datetime(2026, 3, 2, 1, tzinfo=UTC)),
    ]
    counts = rules.coverage(rows, ["东村", "西村", " ", "南村"], clock.zone())
    assert counts.total == 3
    assert counts.by_place == [("东村", 2), ("", 1)]
    assert dict(counts.by_channel) == {"online": 1, "qr_code": 1, "letter": 1}
    assert counts.by_day == [(date(2026, 3, 1), 1), (date(2026, 3, 2), 2)]
    assert counts.places_without_suggestions == ["南村", "西村"]
    # Per channel and day in China, by day then channel (the coverage page's chart over time).
    assert counts.by_channel_day == [
        ("online", date(2026, 3, 1), 1),
        ("letter", date(2026, 3, 2), 1),
        ("qr_code", date(2026, 3, 2), 1),
    ]
    # In Xinjiang time (UTC+6) the 17:00 UTC suggestion is still on 1 March.
    xinjiang = rules.coverage(rows, [], clock.zone("Asia/Urumqi"))
    assert xinjiang.by_day == [(date(2026, 3, 1), 2), (date(2026, 3, 2), 1)]


def test_extra_fields_are_checked_against_their_schemas() -> None:
    fields = {
        "households": FieldDefinition("households", "Households", {"type": "integer", "minimum": 0}, required=True),
        "note": FieldDefinition("note", "Note"),
    }
    assert extra_problems({"households": 12}, fields) == []
    assert [p.key for p in extra_problems({"households": -1, "x": 1}, fields)] == ["extra.households", "extra.x"]
    assert extra_problems({}, fields) == []
    assert [p.key for p in extra_problems({}, fields, complete=True)] == ["extra.households"]


def test_screening_sees_the_title_as_name() -> None:
    view = screening_view({"title": "新建办公楼", "content": "x", "budget": None})
    assert view["name"] == view["title"] == "新建办公楼"


def test_candidates_must_be_screened_in_and_listed_once() -> None:
    import uuid

    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    statuses = {a: "accepted", b: "pool"}
    problems = candidate_problems([a, b, c, a], statuses)
    assert [p.key for p in problems] == ["project_ids[1]", "project_ids[2]", "project_ids[3]"]
