"""Request and response shapes of the office's self-service API (platform/docs/api.md: the office's own
accounts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from minsheng.accounts.schemas import RoleName


class NewOfficeUser(msgspec.Struct):
    """A person the office adds: a new account with this password, or an existing account whose
    password is given (so nobody takes over an account by adding it)."""

    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=12)] = []


class PasswordLinkView(msgspec.Struct):
    """A one-time link to choose a new password: the token is shown this once and never again."""

    username: str
    token: str
    path: str
    expires_at: datetime


class PlacesView(msgspec.Struct):
    """The villages and communities of this congress, in its order (never inherited)."""

    places: Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=500)]


class NegativeListView(msgspec.Struct):
    """The negative list screening applies here; ``own`` false: inherited from the level above."""

    terms: list[str]
    own: bool


class NegativeListChange(msgspec.Struct):
    """``terms``: the office's own list; ``null``: follow the level above again."""

    terms: Annotated[list[Annotated[str, msgspec.Meta(max_length=50)]], msgspec.Meta(max_length=200)] | None


class PluginSettingsView(msgspec.Struct):
    """One plugin's settings here: its schema, what is in force, and what this office sets itself."""

    plugin: str
    schema: dict[str, Any]
    effective: dict[str, Any]
    own: dict[str, Any]


class PluginSettingsChange(msgspec.Struct):
    """The office's own settings of the plugin; the keys left out are inherited."""

    values: dict[str, Any]
