"""The congress vote: roster, sessions and check-in, voting rounds, participations and secret ballots.

platform/docs/architecture.md, "Secret and verifiable ballots": who voted (``Participation``) and what was voted
(``Ballot``) live in two tables that share nothing but the round. A ballot has a random id, no deputy,
no user and no time; a participation has no ballot. Both tables are ``WITHOUT ROWID`` on SQLite, so
rows are stored in key order (random for ballots) rather than in the order they were written.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, TenantScoped, Timestamped, UtcDateTime, new_id, utcnow


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"  # candidates set, not yet put to the vote
    OPEN = "open"  # ballots are accepted
    CLOSED = "closed"  # counted; the result is stored


class VotingMethod(enum.StrEnum):
    ELECTRONIC = "electronic"  # deputies vote on their phones or devices
    PAPER = "paper"  # tellers enter the paper ballots from the box
    MIXED = "mixed"  # phones, and a paper ballot for each deputy who asks for one


class ScrutinyRole(enum.StrEnum):
    """What the session approves a person for (总监票人, 监票人, 计票人)."""

    CHIEF_SCRUTINEER = "chief_scrutineer"
    SCRUTINEER = "scrutineer"
    TELLER = "teller"


class Deputy(TenantScoped, Timestamped, Base):
    """A deputy (人大代表) of the tenant's roster, optionally linked to the user account they log in with."""

    __tablename__ = "deputies"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    # Only active deputies are entitled (全体代表): one who left the congress stays for the record.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


def _year_of_date(context: Any) -> int:
    """A session written without a year decides the year of its date (as the API's default)."""
    return int(context.get_current_parameters()["date"].year)


class CongressSession(TenantScoped, Timestamped, Base):
    """A congress session (人代会): the meeting at which deputies check in and vote.

    ``year`` is the year whose projects it decides (实施年度): its rounds take their candidates from
    that year's fixed candidate list. ``voting_method_adopted_at``: when the session adopted its
    票决办法; no round opens before.
    """

    __tablename__ = "congress_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False, default=_year_of_date)
    voting_method_adopted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    voting_method_adopted_by: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class SessionScrutineer(TenantScoped, Base):
    """A person the session approved as chief scrutineer, scrutineer or teller (one duty per person)."""

    __tablename__ = "session_scrutineers"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["congress_sessions.tenant_id", "congress_sessions.id"], ondelete="CASCADE"
        ),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    approved_by: Mapped[str] = mapped_column(String(64), nullable=False)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class CheckIn(TenantScoped, Base):
    """A deputy's check-in (签到) to a session: at most one per deputy and session."""

    __tablename__ = "checkins"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["congress_sessions.tenant_id", "congress_sessions.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "deputy_id"], ["deputies.tenant_id", "deputies.id"], ondelete="CASCADE"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    deputy_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    checked_in_by: Mapped[str] = mapped_column(String(64), nullable=False)  # staff, or the deputy themself
    checked_in_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class VotingRound(TenantScoped, Timestamped, Base):
    """A voting round (票决轮次): seats, candidates, ballot format, and once closed its result."""

    __tablename__ = "voting_rounds"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["congress_sessions.tenant_id", "congress_sessions.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "runoff_of"], ["voting_rounds.tenant_id", "voting_rounds.id"]),
        # One runoff per round: a second click must not start a second vote among the tied.
        UniqueConstraint("tenant_id", "runoff_of"),
        Index("ix_voting_rounds_tenant_session", "tenant_id", "session_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    ballot_format: Mapped[str] = mapped_column(String(50), nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False, default=VotingMethod.ELECTRONIC.value)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=RoundStatus.DRAFT.value)
    runoff_of: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Fixed when the round opens, so deputies added to the roster mid-vote do not move the majority.
    entitled: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))  # decided | runoff_required | void
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The public half of the round's key (X25519), made when it opens: every phone ballot is sealed to
    # it. The private half is never here (``minsheng.secrecy``; platform/docs/threat-model.md).
    ballot_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Who holds the private half while the round is open: ``platform`` or ``scrutineers`` (shares).
    key_custody: Mapped[str | None] = mapped_column(String(16))
    # With the scrutineers' custody: {"needed": k, "commitments": {"1": digest, ...}}; never a share.
    key_shares: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)


class RoundCandidate(TenantScoped, Base):
    """A candidate project of a round, in the order of the ballot paper."""

    __tablename__ = "round_candidates"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "round_id"], ["voting_rounds.tenant_id", "voting_rounds.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "project_id"], ["projects.tenant_id", "projects.id"]),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)


class Participation(TenantScoped, Base):
    """That a deputy voted in a round, and nothing about how: the key refuses a second ballot."""

    __tablename__ = "participations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "round_id"], ["voting_rounds.tenant_id", "voting_rounds.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "deputy_id"], ["deputies.tenant_id", "deputies.id"]),
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    deputy_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class PaperIssue(TenantScoped, Base):
    """A paper ballot handed to a deputy in a mixed round. The deputy's participation is written with
    it, so the participation's key refuses a phone ballot after it, and this paper after a phone ballot."""

    __tablename__ = "paper_issues"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "round_id"], ["voting_rounds.tenant_id", "voting_rounds.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "deputy_id"], ["deputies.tenant_id", "deputies.id"]),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    deputy_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    issued_by: Mapped[str] = mapped_column(String(64), nullable=False)


class PaperEntry(TenantScoped, Base):
    """A batch of paper ballots entered by one teller (计票人): who entered what, never who voted."""

    __tablename__ = "paper_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "round_id"], ["voting_rounds.tenant_id", "voting_rounds.id"], ondelete="CASCADE"
        ),
        Index("ix_paper_entries_tenant_round", "tenant_id", "round_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    teller: Mapped[str] = mapped_column(String(64), nullable=False)
    ballots: Mapped[int] = mapped_column(Integer, nullable=False)
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)


class SealedBallot(TenantScoped, Base):
    """A phone ballot as it arrives: its marks and receipt sealed to the round's public key.

    Written with the deputy's participation (one transaction refuses a second ballot), so it must be
    unreadable: nobody holding the database, its WAL or a backup can open it. At the close it is
    opened, written apart as a :class:`Ballot` and deleted; then the round's key is destroyed.
    """

    __tablename__ = "sealed_ballots"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "round_id"], ["voting_rounds.tenant_id", "voting_rounds.id"], ondelete="CASCADE"
        ),
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Ballot(TenantScoped, Base):
    """One secret ballot's content: a random id, the marks, and whether the format accepts it.

    No deputy, no user, no time, no sequence, no receipt: nothing that could be joined to a
    participation or to the receipt a deputy holds. A phone ballot is written here only at the close,
    opened from its :class:`SealedBallot` and shuffled with all the others in one transaction.
    ``entry_id`` names the teller's batch for a paper ballot (NULL for an electronic one).
    """

    __tablename__ = "ballots"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "round_id"], ["voting_rounds.tenant_id", "voting_rounds.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "entry_id"], ["paper_entries.tenant_id", "paper_entries.id"], ondelete="CASCADE"
        ),
        {"sqlite_with_rowid": False},
    )

    # The round leads the key so a round's ballots are read in key order, which is random.
    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    content: Mapped[Any] = mapped_column(JsonColumn, nullable=False)
    valid: Mapped[bool] = mapped_column(Boolean, nullable=False)
    invalid_reason: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)  # {message, params}
    entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
