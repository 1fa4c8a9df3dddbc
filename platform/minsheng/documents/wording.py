"""How official documents write dates and counts (pure functions, no I/O)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

_DATE_LINE = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2})\s*$")


def chinese_date(value: date | datetime | str | None) -> str:
    """``2026-01-10`` -> ``2026年1月10日``; empty for None (an ISO string is accepted too)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


def ends_with_date(text: str) -> bool:
    """Whether the last line of a paragraph is a date: then it is the closing (落款), set right."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return bool(lines) and bool(_DATE_LINE.search(lines[-1]))


def ten_thousand_yuan(amount: Decimal | int | float | None) -> str:
    """An amount in yuan written in 万元, as budgets are in official tables (``3000000`` -> ``300``)."""
    if amount is None:
        return ""
    value = (Decimal(str(amount)) / 10000).quantize(Decimal("0.01")).normalize()
    return f"{value:f}"


def in_chinese(message: str, /, **params: object) -> str:
    """A platform msgid (a channel, a ballot instruction) as documents print it: in Chinese."""
    from minsheng.i18n import translate

    return translate(message, "zh_CN", **params)
