"""Request and response shapes of the session's web: agenda, roster import, check-in code, big screen."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

# --- agenda -----------------------------------------------------------------------------------------


class AgendaItemIn(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(max_length=400)]
    presenter: Annotated[str, msgspec.Meta(max_length=200)] = ""


class AgendaIn(msgspec.Struct):
    items: Annotated[list[AgendaItemIn], msgspec.Meta(max_length=200)]
    """The whole agenda in order; it replaces the session's agenda."""


class AgendaItemView(msgspec.Struct):
    id: uuid.UUID
    position: int
    title: str
    presenter: str


class AgendaView(msgspec.Struct):
    items: list[AgendaItemView]
    total: int


# --- roster import ----------------------------------------------------------------------------------


class RosterImportView(msgspec.Struct):
    """What an import did (all rows were valid)."""

    rows: int
    added: int
    updated: int
    accounts_created: int
    deactivated: int


class RowProblemView(msgspec.Struct):
    row: int
    """The row number in Excel (the heading is row 1)."""
    column: str
    message: str


# --- check-in code ----------------------------------------------------------------------------------


class CheckInCodeView(msgspec.Struct):
    """The code of the hall's QR code now, and the page the QR code opens."""

    code: str
    url: str
    refresh_in: int
    """Seconds until the next code replaces this one on the screen."""
    valid_for: int
    """Seconds a code is accepted after it first appears."""


# --- a session's rounds ----------------------------------------------------------------------------


class RoundSummary(msgspec.Struct):
    id: uuid.UUID
    title: str
    status: str
    method: str
    ballot_format: str
    seats: int
    outcome: str | None
    runoff_of: uuid.UUID | None
    ballots_received: int
    """How many deputies have voted electronically (never who, never how)."""


# --- big screen -------------------------------------------------------------------------------------


class ScreenCandidate(msgspec.Struct):
    project_id: uuid.UUID
    title: str
    yes: int
    no: int
    abstain: int
    chosen: bool
    rank: int | None


class ScreenResult(msgspec.Struct):
    status: str
    ballots_issued: int
    ballots_returned: int
    valid: int
    invalid: int
    reason: str | None
    candidates: list[ScreenCandidate]


class ScreenRound(msgspec.Struct):
    id: uuid.UUID
    title: str
    status: str
    method: str
    seats: int
    candidates: int
    ballots_received: int | None
    """Electronic rounds: how many deputies have voted so far (never who, never how)."""
    result: ScreenResult | None


class ScreenView(msgspec.Struct):
    """What the hall's big screen shows: attendance, then the featured round and, once closed, its result."""

    session_id: uuid.UUID
    title: str
    date: date
    entitled: int
    present: int
    required: int
    quorum_met: bool
    round: ScreenRound | None
