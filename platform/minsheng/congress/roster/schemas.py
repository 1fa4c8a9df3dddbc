"""Request and response shapes of the roster's import (the deputies' own shapes are the congress's)."""

from __future__ import annotations

import uuid

import msgspec

from minsheng.congress.hall.schemas import RowProblemView


class RosterImportStarted(msgspec.Struct):
    """The import's background job: follow it at ``status`` (the API) or ``page`` (a person)."""

    job_id: uuid.UUID
    status: str
    page: str


class RosterImportSummary(msgspec.Struct):
    """What an import did (every row was valid)."""

    rows: int
    added: int
    updated: int
    accounts_created: int
    deactivated: int
    links: int
    """New accounts without an initial password: each has a one-time link (``links.xlsx``)."""
    without_account: int
    """Rows of deputies no longer serving whose user name named no account: none was made."""


class RosterImportStatus(msgspec.Struct):
    """The import job: ``status`` pending | queued | running | done | failed; once done, ``summary`` or,
    when the accounts changed since the check, ``errors`` (and nothing imported)."""

    job_id: uuid.UUID
    status: str
    progress: int
    total: int | None
    summary: RosterImportSummary | None = None
    errors: list[RowProblemView] | None = None
