"""A congress's own places: the villages and communities its collection must reach.

They are kept in the tenant's own settings of the defaults plugin (``places``) and, unlike the rules,
are never inherited: a county's list names the county's places, not its townships' villages, so a
township's coverage reads only the township's own list (``platform/docs/roles.md``: the office keeps
its places).
"""

from __future__ import annotations

from collections.abc import Iterable

from minsheng.errors import InvalidInput
from minsheng.plugins.configuration import DEFAULTS_PLUGIN
from minsheng.tenancy.snapshot import TenantLike

PLACES = "places"
MAX_PLACES = 500
MAX_NAME = 100


def own_places(tenant: TenantLike) -> list[str]:
    """The places the tenant itself lists, in its order (a parent's list does not count)."""
    listed = (tenant.settings or {}).get(DEFAULTS_PLUGIN, {}).get(PLACES) or ()
    return [str(p).strip() for p in listed if str(p).strip()] if isinstance(listed, list | tuple) else []


def normalized_places(names: Iterable[str]) -> list[str]:
    """One place per entry, trimmed, blanks and repeats dropped, order kept; 422 beyond the limits."""
    places = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if len(places) > MAX_PLACES:
        raise InvalidInput("At most {maximum} places", maximum=MAX_PLACES)
    too_long = next((p for p in places if len(p) > MAX_NAME), None)
    if too_long is not None:
        raise InvalidInput("The place {name} is longer than {maximum} characters", name=too_long[:20], maximum=MAX_NAME)
    return places
