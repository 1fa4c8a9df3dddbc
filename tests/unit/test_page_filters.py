"""The pages' filters: dates on the tenant's clock, money in 万元, settings in words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from minsheng.web.templating import make_environment

ENV = make_environment()
NEW_YEAR = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January 2027 in Beijing


def render(source: str, **context: object) -> str:
    return ENV.from_string(source).render({"lang": "zh_CN", **context})


def test_a_stored_moment_is_dated_and_timed_on_the_tenant_s_clock() -> None:
    assert render("{{ m|date }} {{ m|datetime('minute') }}", m=NEW_YEAR) == "2027年1月1日 2027年1月1日 00:30"
    xinjiang = render("{{ m|date }} {{ m|datetime('minute') }}", m=NEW_YEAR, time_zone="Asia/Urumqi")
    assert xinjiang == "2026年12月31日 2026年12月31日 22:30"
    assert render("{{ d|date }}", d=date(2027, 1, 1), time_zone="Asia/Urumqi") == "2027年1月1日"  # a day is a day
    english = ENV.from_string("{{ m|datetime('minute') }}").render(lang="en", m=NEW_YEAR)
    assert english == "Jan 1, 2027, 00:30"


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (0, "0万元"),
        (125_000, "12.5万元"),
        (3_000_000, "300万元"),
        (Decimal("12345678"), "1,234.57万元"),
        (None, "0万元"),
    ],
)
def test_money_is_written_in_wan_yuan(yuan: object, shown: str) -> None:
    assert render("{{ v|wan_yuan }}", v=yuan) == shown


def test_settings_read_by_their_titles_and_values_in_words() -> None:
    assert render("{{ setting_title('minsheng.defaults', 'margin_lower_ratio') }}") == "最小差额比例（占应选数）"
    assert render("{{ setting_title('minsheng.defaults', 'unknown_key') }}") == "unknown_key"
    assert render("{{ plugin_title('minsheng.defaults') }}") == "平台通用规则"
    values = "{{ a|setting_value }}|{{ b|setting_value }}|{{ c|setting_value }}|{{ d|setting_value }}"
    assert render(values, a=True, b=["东村", "西村"], c="Asia/Shanghai", d=None) == "是|东村、西村|北京时间|—"
