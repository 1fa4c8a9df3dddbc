"""What the rule hooks answer: small frozen values, free of I/O, easy to compare in tests.

A rule says "no" by returning a verdict, never by raising (platform/docs/architecture.md: the hook contract). Every
human explanation is a :class:`Reason`: an English message id with ``{placeholders}`` plus the numbers
that fill them, so the web layer can translate it with the Babel catalogs before formatting it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

#: Candidates are named by the string form of their id everywhere a rule sees them, so that rules,
#: exports and the offline verifier agree on one spelling whatever the database uses.
CandidateId = str

#: Per-candidate vote counts: ``{"yes": n, "no": n, "abstain": n}`` (missing keys count as 0).
Tally = Mapping[CandidateId, Mapping[str, int]]

OutcomeStatus = Literal["decided", "runoff_required", "void"]
SatisfactionLevel = Literal["satisfied", "basically_satisfied", "unsatisfied"]


@dataclass(frozen=True)
class Reason:
    """A translatable explanation: ``message`` is an English msgid, ``params`` fill its placeholders.

    Write the msgid as a literal first argument (``Reason("margin {margin} ...", {...})``) so that
    Babel's extractor, configured with the keyword ``Reason``, finds it.
    """

    message: str
    # Excluded from hashing because a dict cannot be hashed; equality still compares it.
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """Return the text, translated by ``translate`` (a gettext function) when one is given."""
        template = translate(self.message) if translate is not None else self.message
        return template.format(**self.params)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class MarginVerdict:
    """Answer of ``minsheng_margin_rule``: may ``candidates`` be put to a vote for ``seats``?

    ``minimum`` and ``maximum`` bound the margin (candidates − seats) the rule accepts, so a form can
    say "add between 2 and 5 more candidates"; ``no_margin_allowed`` adds margin 0 (等额) to that range.
    """

    allowed: bool
    reason: Reason | None
    minimum: int
    maximum: int
    no_margin_allowed: bool = False


@dataclass(frozen=True)
class QuorumVerdict:
    """Answer of ``minsheng_quorum_rule``: is the session quorate, and how many must be present."""

    met: bool
    required: int
    reason: Reason | None = None


class RankedCandidate(NamedTuple):
    """A chosen candidate and its rank (1 = most approvals; equal approvals share a rank)."""

    candidate: CandidateId
    rank: int


@dataclass(frozen=True)
class Outcome:
    """Answer of ``minsheng_outcome_rule`` once a round closes.

    ``decided``: ``chosen`` is final. ``runoff_required``: ``chosen`` holds the sure winners and a new
    vote among ``tied`` must fill ``remaining_seats``. ``void``: the round must be held again.
    """

    status: OutcomeStatus
    chosen: tuple[RankedCandidate, ...] = ()
    tied: tuple[CandidateId, ...] = ()
    reason: Reason | None = None
    remaining_seats: int = 0


@dataclass(frozen=True)
class RoundValidity:
    """Answer of ``minsheng_round_validity`` for a paper round: valid, or void with a reason."""

    valid: bool
    reason: Reason | None = None


@dataclass(frozen=True)
class SatisfactionOutcome:
    """Answer of ``minsheng_satisfaction_rule`` for one project's evaluation."""

    outcome: SatisfactionLevel
    rectification_required: bool
    reason: Reason | None = None


@dataclass(frozen=True)
class Refusal:
    """One objection from ``minsheng_screen_project``: which rule refused the project, and why."""

    rule: str
    reason: Reason
