"""Dates in the tenant's zone: the day a stored UTC moment falls on, today, the year, a month later."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from minsheng import clock
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.plugins.errors import InvalidPluginSettings
from minsheng.plugins.manager import get_plugin_manager, make_tenant_view

BEIJING = clock.zone()
XINJIANG = clock.zone("Asia/Urumqi")


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), date(2026, 12, 31)),  # 23:59:59 in Beijing
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), date(2027, 1, 1)),  # midnight in Beijing
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),  # 00:30 on New Year's Day
        (datetime(2026, 12, 31, 16, 30), date(2027, 1, 1)),  # naive: taken as UTC, as stored
    ],
)
def test_a_moment_is_dated_on_its_day_in_beijing(moment: datetime, day: date) -> None:
    assert clock.local_day(moment, BEIJING) == day
    assert clock.today(BEIJING, now=moment) == day
    assert clock.current_year(BEIJING, now=moment) == day.year


def test_the_same_moment_is_still_the_old_day_in_xinjiang_time() -> None:
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert clock.local_day(moment, XINJIANG) == date(2026, 12, 31)
    assert clock.local_day(datetime(2026, 12, 31, 18, 0, tzinfo=UTC), XINJIANG) == date(2027, 1, 1)


def test_a_day_runs_from_local_midnight_to_local_midnight() -> None:
    assert clock.day_start(date(2027, 1, 1), BEIJING) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert clock.day_end(date(2027, 1, 1), BEIJING) == datetime(2027, 1, 1, 16, tzinfo=UTC)
    assert clock.day_start(date(2027, 1, 1), XINJIANG) == datetime(2026, 12, 31, 18, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2027, 1, 15), date(2027, 2, 15)),
        (date(2027, 1, 31), date(2027, 2, 28)),  # kept within February
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2027, 12, 20), date(2028, 1, 20)),  # into the next year
    ],
)
def test_a_month_later_is_the_same_day_of_the_next_month_or_its_last_day(day: date, due: date) -> None:
    assert clock.months_after(day, 1) == due


def test_the_month_after_a_vote_counts_from_the_vote_s_day_in_the_tenant_s_zone() -> None:
    # The vote closes at 00:10 on 1 February in Beijing: still 31 January in UTC.
    closed = datetime(2027, 1, 31, 16, 10, tzinfo=UTC)
    assert clock.months_after_moment(closed, 1, BEIJING) == date(2027, 3, 1)
    assert clock.months_after_moment(closed, 1, XINJIANG) == date(2027, 2, 28)
    # Ten minutes before midnight in Beijing, the vote was on 31 January there too.
    assert clock.months_after_moment(datetime(2027, 1, 31, 15, 50, tzinfo=UTC), 1, BEIJING) == date(2027, 2, 28)


def test_only_the_zones_of_china_are_known() -> None:
    assert clock.zone(None).key == "Asia/Shanghai"
    with pytest.raises(ValueError, match="Europe/Paris"):
        clock.zone("Europe/Paris")


def test_the_zone_is_a_setting_inherited_down_the_tree() -> None:
    xinjiang_province = (None, {DEFAULTS_PLUGIN: {clock.TIME_ZONE_SETTING: "Asia/Urumqi"}})
    county = (None, {})
    township = (None, {DEFAULTS_PLUGIN: {clock.TIME_ZONE_SETTING: "Asia/Shanghai"}})
    assert clock.zone_of_chain([county]).key == "Asia/Shanghai"
    assert clock.zone_of_chain([xinjiang_province, county]).key == "Asia/Urumqi"
    assert clock.zone_of_chain([xinjiang_province, county, township]).key == "Asia/Shanghai"


def test_the_hooks_view_of_a_tenant_carries_its_zone_and_the_default() -> None:
    manager = get_plugin_manager()
    plain = make_tenant_view(manager, id=1, slug="a", name="A", level="county", ancestry=["a"], chain=[(None, {})])
    assert clock.zone_of(plain).key == "Asia/Shanghai"
    settings = {DEFAULTS_PLUGIN: {clock.TIME_ZONE_SETTING: "Asia/Urumqi"}}
    chosen = make_tenant_view(
        manager, id=2, slug="b", name="B", level="county", ancestry=["b"], chain=[(None, settings)]
    )
    assert clock.zone_of(chosen).key == "Asia/Urumqi"


def test_a_zone_outside_china_is_refused_when_set() -> None:
    settings = {DEFAULTS_PLUGIN: {clock.TIME_ZONE_SETTING: "Europe/Paris"}}
    with pytest.raises(InvalidPluginSettings, match="time_zone"):
        make_tenant_view(
            get_plugin_manager(), id=3, slug="c", name="C", level="county", ancestry=["c"], chain=[(None, settings)]
        )
