"""Pure rules of collection: what a valid suggestion is, tracking codes, coverage (duplicate hints:
``similarity``).

No I/O here: the services call these with plain values, and ``tests/unit/test_collection_rules.py``
checks them without a database.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from minsheng import clock
from minsheng.errors import FieldProblem
from minsheng.notifications.rules import is_valid_phone
from minsheng.plugins.verdicts import Reason

CONTENT_MIN = 5
CONTENT_MAX = 2000
# No 0/O and 1/I: a code is read aloud on the phone and copied by hand from a receipt.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 32**10 = 2**50 codes: not guessable within any rate limit


def new_tracking_code() -> str:
    """A fresh random tracking code (``CODE_LENGTH`` characters of ``CODE_ALPHABET``)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """A code as typed by its author: case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]", "", code).upper()


def collection_year(now: datetime | None = None, tz: ZoneInfo | None = None) -> int:
    """The collection year of a suggestion made at ``now``: the calendar year in the tenant's zone
    ``tz`` (Beijing time when not given)."""
    return clock.current_year(tz or clock.zone(), now)


def china_day(moment: datetime) -> date:
    """The day of ``moment`` in Beijing time. Where the tenant is known, use
    ``clock.local_day(moment, clock.zone_of(hooks.tenant))``: its zone may differ."""
    return clock.local_day(moment, clock.zone())


@dataclass(frozen=True)
class SuggestionDraft:
    """A suggestion as it arrives, before it is checked (all texts untrimmed)."""

    content: str
    category: str | None = None
    place: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    trimmed = value.strip()
    return trimmed or None


def clean_draft(draft: SuggestionDraft) -> SuggestionDraft:
    """The draft with every text trimmed and empty optional texts dropped."""
    phone = _blank_to_none(draft.contact_phone)
    return SuggestionDraft(
        content=draft.content.strip(),
        category=_blank_to_none(draft.category),
        place=_blank_to_none(draft.place),
        contact_name=_blank_to_none(draft.contact_name),
        contact_phone=re.sub(r"\s", "", phone) if phone else None,
    )


def suggestion_problems(draft: SuggestionDraft, categories: Iterable[str]) -> list[FieldProblem]:
    """What is wrong with a (cleaned) draft: content length, category, phone; empty when fine."""
    problems: list[FieldProblem] = []
    length = len(draft.content)
    if not CONTENT_MIN <= length <= CONTENT_MAX:
        problems.append(
            FieldProblem(
                "content",
                Reason(
                    "A suggestion needs between {minimum} and {maximum} characters; this one has {length}",
                    {"minimum": CONTENT_MIN, "maximum": CONTENT_MAX, "length": length},
                ),
            )
        )
    if draft.category is not None and draft.category not in set(categories):
        problems.append(FieldProblem("category", Reason("Unknown category {category}", {"category": draft.category})))
    if draft.contact_phone is not None and not is_valid_phone(draft.contact_phone):
        problems.append(
            FieldProblem(
                "contact_phone",
                Reason(
                    "{phone} is not a mobile number (11 digits from 13 to 19) or a landline with its area code",
                    {"phone": draft.contact_phone},
                ),
            )
        )
    return problems


# --- coverage --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    place: str | None
    channel: str
    category: str | None
    created_at: datetime


@dataclass(frozen=True)
class Coverage:
    total: int
    by_place: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_day: list[tuple[date, int]]
    places_without_suggestions: list[str]
    # (channel, day, count), by day then channel: suggestions per channel over time.
    by_channel_day: list[tuple[str, date, int]] = field(default_factory=list)


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def coverage(rows: Sequence[CoverageRow], known_places: Iterable[str], tz: ZoneInfo) -> Coverage:
    """Counts per place, channel, category and day (in the tenant's zone ``tz``), and the known places
    with none.

    Suggestions without a place or category count under "" so that the totals add up.
    """
    places: Counter[str] = Counter(row.place or "" for row in rows)
    channels: Counter[str] = Counter(row.channel for row in rows)
    categories: Counter[str] = Counter(row.category or "" for row in rows)
    days: Counter[date] = Counter(clock.local_day(row.created_at, tz) for row in rows)
    channel_days: Counter[tuple[str, date]] = Counter(
        (row.channel, clock.local_day(row.created_at, tz)) for row in rows
    )
    silent = sorted({p.strip() for p in known_places if p.strip()} - set(places))
    return Coverage(
        total=len(rows),
        by_place=_ranked(places),
        by_channel=_ranked(channels),
        by_category=_ranked(categories),
        by_day=sorted(days.items()),
        places_without_suggestions=silent,
        by_channel_day=[(channel, day, n) for (channel, day), n in sorted(channel_days.items(), key=_by_day)],
    )


def _by_day(item: tuple[tuple[str, date], int]) -> tuple[date, str]:
    (channel, day), _count = item
    return day, channel
