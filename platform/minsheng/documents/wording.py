"""How official documents write dates, counts, names and who signs them (pure functions, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
_DATE_LINE = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2})\s*$")


def chinese_date(value: date | datetime | str | None) -> str:
    """``2026-01-10`` -> ``2026年1月10日``; empty for None (an ISO string is accepted too).

    A moment (``datetime``, stored in UTC; a naive one is UTC) is written as the day it was in China:
    a plan adopted at 00:30 Beijing time is dated that day, not the UTC day before.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        value = moment.astimezone(CHINA).date()
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


def session_name(tenant_name: str, title: str) -> str:
    """The session's full name, the tenant's name once: ``鲁山县`` and ``第十七届人民代表大会第三次会议``
    give ``鲁山县第十七届人民代表大会第三次会议``; a title that names the tenant already is kept as it is."""
    title = title.strip()
    return title if tenant_name and tenant_name in title else f"{tenant_name}{title}"


@dataclass(frozen=True)
class IssuingBodies:
    """Who signs what (落款), by the tenant's level (platform/docs/roles.md: roles by law).

    ``standing``: the body that acts between sessions (collects suggestions, supervises, evaluates):
    the standing committee (人大常委会) of a county, city or province; a township has none, so its
    人大主席团 acts.
    """

    congress: str  # 鲁山县人民代表大会
    standing: str  # 鲁山县人民代表大会常务委员会 / 赵庄镇人民代表大会主席团
    government: str  # 鲁山县人民政府
    standing_short: str  # 县人大常委会 / 镇人大主席团: how a sentence refers to it
    #: Who decides an adjustment between sessions: a county's standing committee, a township's congress.
    adjustments: str

    def as_context(self) -> dict[str, str]:
        return {
            "congress": self.congress,
            "standing": self.standing,
            "government": self.government,
            "standing_short": self.standing_short,
            "adjustments": self.adjustments,
        }


def issuing_bodies(tenant_name: str, level: str) -> IssuingBodies:
    """The bodies of a tenant called ``tenant_name`` at ``level`` (province, city, county, township)."""
    congress = f"{tenant_name}人民代表大会"
    short = tenant_name[-1:] if tenant_name else ""
    government = f"{tenant_name}人民政府"
    if level == "township":
        return IssuingBodies(congress, f"{congress}主席团", government, f"{short}人大主席团", f"{short}人民代表大会")
    standing_short = f"{short}人大常委会"
    return IssuingBodies(congress, f"{congress}常务委员会", government, standing_short, standing_short)


def majority_of(total: int) -> int:
    """The smallest number that is more than half of ``total`` (过半数: exactly half is not enough)."""
    return total // 2 + 1


_TERMINAL = ("。", "！", "？", "；", "…", "」", "”")


def sentence(text: object) -> str:
    """``text`` as one sentence ending in exactly one full stop: never "。。", never none."""
    value = str(text or "").strip().rstrip(".")
    while value.endswith("。。"):
        value = value[:-1]
    if not value:
        return ""
    return value if value.endswith(_TERMINAL) else f"{value}。"


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (headings: "一、", "十二、"), up to 99."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def clause(text: object) -> str:
    """``text`` without its closing punctuation, to go on inside a sentence ("每月义诊一次（已办结）。")."""
    return str(text or "").strip().rstrip("。；;.，,")
