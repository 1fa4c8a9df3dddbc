"""Request and response shapes of the congress vote (platform/docs/api.md: roster, session, check-in, rounds,
result)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

Choice = Literal["yes", "no", "abstain"]
MethodName = Literal["electronic", "paper", "mixed"]
DutyName = Literal["chief_scrutineer", "scrutineer", "teller"]
Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Created(msgspec.Struct):
    id: uuid.UUID


# --- roster ---------------------------------------------------------------------------------------


class NewDeputy(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)] | None = None
    """A member of the tenant with the role ``deputy``, who will vote with this account."""


class DeputyView(msgspec.Struct):
    id: uuid.UUID
    name: str
    username: str | None
    active: bool


# --- sessions and check-in ------------------------------------------------------------------------


class NewSession(msgspec.Struct):
    title: Title
    date: date
    year: Year | None = None
    """The year whose projects the session decides (实施年度); by default the year of ``date``."""


class SessionView(msgspec.Struct):
    id: uuid.UUID
    title: str
    date: date
    created_at: datetime
    year: int
    """The year whose projects the session decides: its rounds take that year's fixed candidate list."""
    voting_method_adopted_at: datetime | None
    """When the session adopted its voting method (票决办法); no round opens before."""


class NewScrutineer(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    role: DutyName


class ScrutineerView(msgspec.Struct):
    username: str
    display_name: str
    role: str
    approved_by: str
    approved_at: datetime


class NewCheckIn(msgspec.Struct):
    deputy_id: uuid.UUID | None = None
    """The deputy to check in; a deputy checking themself in may leave it out."""
    code: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    """A deputy checking themself in: the code of the QR code shown in the hall (it rotates)."""


class CheckInView(msgspec.Struct):
    session_id: uuid.UUID
    deputy_id: uuid.UUID
    checked_in_at: datetime
    already: bool
    """True when the deputy had already checked in (answered 200 instead of 201)."""


class Attendance(msgspec.Struct):
    entitled: int
    present: int
    quorum_met: bool
    required: int


# --- rounds ---------------------------------------------------------------------------------------


class NewRound(msgspec.Struct):
    title: Title
    seats: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    candidates: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=2000)]
    ballot_format: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    method: MethodName = "electronic"
    """``electronic``: deputies vote through the API; ``paper``: tellers enter the paper ballots;
    ``mixed``: deputies vote on phones, and those who ask are handed a paper ballot (``paper-issued``)."""


class NewRunoff(msgspec.Struct):
    title: Title | None = None


class RoundView(msgspec.Struct):
    id: uuid.UUID
    session_id: uuid.UUID
    title: str
    seats: int
    ballot_format: str
    method: str
    status: str
    candidates: list[uuid.UUID]
    runoff_of: uuid.UUID | None
    runoff: uuid.UUID | None
    outcome: str | None
    ballots_received: int
    """Deputies who have taken part so far: phone ballots, and paper ballots handed out in a mixed round."""
    paper_issued: int = 0
    """Paper ballots handed out (a mixed round)."""


class NewPaperIssue(msgspec.Struct):
    deputy_id: uuid.UUID


class PaperIssuedView(msgspec.Struct):
    round_id: uuid.UUID
    deputy_id: uuid.UUID
    paper_issued: int
    """Paper ballots the round has handed out so far."""


class BallotIn(msgspec.Struct):
    """A ballot in its format's shape: ``choices`` for ``yes_no_abstain``, ``selected`` for approval.

    For a ranking format (one declared ``ordered``, e.g. ``priority_ranking``), ``selected`` lists the
    candidates most urgent first and that order is kept; other formats' selections are unordered.
    """

    choices: dict[str, Choice] | None = None
    selected: list[str] | None = None


class Receipt(msgspec.Struct):
    receipt: str


class KeyShareView(msgspec.Struct):
    """A scrutineer's share of a round's key, handed out once: ``share`` as printed for them."""

    number: int
    share: str
    needed: int
    holders: int


class KeyShareIn(msgspec.Struct):
    share: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class KeySharesEntered(msgspec.Struct):
    """How many shares are entered, of those needed before the round can be counted."""

    entered: int
    needed: int


class PaperBallotsIn(msgspec.Struct):
    ballots: Annotated[list[Any], msgspec.Meta(min_length=1, max_length=5000)]
    """Each ballot as marked: a mapping ``{project_id: yes|no|abstain}`` or a list of selected ids."""


class PaperEntryView(msgspec.Struct):
    entry_id: uuid.UUID
    entered: int
    valid: int
    invalid: int


class CloseRound(msgspec.Struct):
    ballots_issued: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    ballots_returned: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None


class CandidateResult(msgspec.Struct):
    project_id: uuid.UUID
    yes: int
    no: int
    abstain: int
    chosen: bool
    rank: int | None
    figures: dict[str, int] = msgspec.field(default_factory=dict)
    """Figures of the ballot format's own, e.g. ``{"points": 8}`` for a priority ranking (Borda points)."""


class RoundResult(msgspec.Struct):
    """platform/docs/api.md's result; ``tied`` and ``reason`` say why a runoff is needed or the round is void."""

    status: str
    entitled: int
    present: int
    ballots_issued: int
    ballots_returned: int
    valid: int
    invalid: int
    candidates: list[CandidateResult]
    receipts: list[str]
    chain_head: str
    tied: list[uuid.UUID]
    reason: str | None
    remaining_seats: int
    by_method: dict[str, dict[str, int]] | None = None
    """A mixed round's two parts (``electronic``, ``paper``), each with its ballots issued, returned,
    valid and invalid; the totals above add them up."""


class TellerEntryView(msgspec.Struct):
    """One teller's entry: all the batches the teller posted, counted together."""

    teller: str
    batches: list[uuid.UUID]
    ballots: int
    valid: int
    invalid: int
    counted: bool
    """True for the entry whose ballots count at close (the first teller's)."""


class PaperDifference(msgspec.Struct):
    content: Any
    """The ballot's marks, normalised."""
    counts: dict[str, int]
    """How many times each teller entered this marking."""


class PaperEntriesView(msgspec.Struct):
    """Double entry (platform/docs/domain.md, "Paper ballots"): each teller's entry and how they compare."""

    entries: list[TellerEntryView]
    required_tellers: int
    agree: bool
    """At least ``required_tellers`` different tellers entered, and their entries are equal."""
    differences: list[PaperDifference]
