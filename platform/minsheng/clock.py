"""Dates and times as people see them: in their tenant's time zone. Stored times stay UTC.

A moment (a suggestion received, a round closed) is stored as an aware UTC ``datetime``. Whatever a
person reads or a rule counts in days — the date on a page or in a document, "today", a deadline, the
month after the vote, the collection year — is that moment in the tenant's zone: 00:30 on 1 January
in Beijing is 16:30 UTC on 31 December, and the suggestion belongs to the new day and year.

The zone is the ``time_zone`` setting of the built-in rules (``minsheng.defaults``), inherited down the
tenant tree like any setting: Beijing time (``Asia/Shanghai``) unless a region sets Xinjiang time
(``Asia/Urumqi``). ``platform/docs/time.md`` explains it for operators.

Everything here is pure: give it the moment and the zone (``zone_of(hooks.tenant)`` in a request or a
job), and it never reads the clock unless told to (``now=None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from minsheng.i18n import msgid
from minsheng.plugins.configuration import DEFAULTS_PLUGIN, LevelConfiguration, effective_configuration

#: The setting of ``minsheng.defaults`` that names a tenant's zone.
TIME_ZONE_SETTING = "time_zone"
#: Beijing time: the official time of the whole country.
DEFAULT_TIME_ZONE = "Asia/Shanghai"
#: The zones a tenant may choose (the IANA zones of China): Beijing time, and Xinjiang time, which
#: some offices in Xinjiang keep locally.
TIME_ZONES = ("Asia/Shanghai", "Asia/Urumqi")
#: How the pages name each zone.
TIME_ZONE_NAMES = {"Asia/Shanghai": msgid("Beijing time"), "Asia/Urumqi": msgid("Xinjiang time")}


class HasSettings(Protocol):
    """A tenant as the hooks see it (``TenantView``): its effective, validated plugin settings."""

    def settings(self, plugin_name: str) -> Mapping[str, object]: ...


@lru_cache(maxsize=len(TIME_ZONES) + 1)
def zone(name: str | None = None) -> ZoneInfo:
    """The zone called ``name`` (default: Beijing time); a name outside :data:`TIME_ZONES` is an error,
    since settings are validated against that list before they are stored."""
    name = name or DEFAULT_TIME_ZONE
    if name not in TIME_ZONES:
        raise ValueError(f"unknown time zone {name!r}: expected one of {', '.join(TIME_ZONES)}")
    return ZoneInfo(name)


def zone_of(tenant: HasSettings) -> ZoneInfo:
    """The zone of a tenant (``hooks.tenant`` of a request's scope or of a job)."""
    value = tenant.settings(DEFAULTS_PLUGIN).get(TIME_ZONE_SETTING)
    return zone(value if isinstance(value, str) else None)


def zone_of_chain(chain: Sequence[LevelConfiguration]) -> ZoneInfo:
    """The zone of the last tenant of ``chain`` (root first, each ``(plugins, settings)`` as stored),
    without the plugin manager: for jobs that walk many tenants (the oversight roll-ups)."""
    settings = effective_configuration(chain).settings.get(DEFAULTS_PLUGIN, {})
    value = settings.get(TIME_ZONE_SETTING)
    return zone(value if isinstance(value, str) else None)


def utc_now() -> datetime:
    """The current moment, aware, in UTC (what is stored)."""
    return datetime.now(UTC)


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` on the clocks of ``tz``; a naive value is taken as UTC (as the database returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The day ``moment`` falls on in ``tz`` (what a page or a document prints as its date)."""
    return local(moment, tz).date()


def today(tz: ZoneInfo, now: datetime | None = None) -> date:
    """Today in ``tz`` (``now`` given: the day of that moment)."""
    return local_day(now or utc_now(), tz)


def current_year(tz: ZoneInfo, now: datetime | None = None) -> int:
    """The calendar year in ``tz`` (a suggestion's collection year, the default year of a page)."""
    return today(tz, now).year


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``tz``, in UTC (a filter's "on or after ``day``")."""
    return datetime.combine(day, time.min, tz).astimezone(UTC)


def day_end(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after ``day`` in ``tz``, in UTC (a filter's "on or before ``day``", exclusive)."""
    return day_start(day + timedelta(days=1), tz)


def months_after(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, kept within the target month (31 January + 1 month is
    the last day of February)."""
    return day + relativedelta(months=months)


def months_after_moment(moment: datetime, months: int, tz: ZoneInfo) -> date:
    """The day ``months`` calendar months after the day ``moment`` falls on in ``tz``: a work plan is
    due one month after the vote, counted from the vote's day in the tenant's zone."""
    return months_after(local_day(moment, tz), months)
