"""Entries that the "all" hooks contribute to a tenant's registries (formats, methods, categories ...).

Each entry has a ``code``: the stable key stored in the database. When two enabled plugins contribute
the same code, the more specific plugin's entry wins (the proxy in ``manager.py`` keeps the first one
pluggy returns, and pluggy calls later-registered plugins first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from minsheng.plugins.verdicts import CandidateId, Reason

#: Checks one ballot: ``(ballot, candidates, seats) -> None`` when valid, else the reason it is invalid.
BallotValidator = Callable[[object, Sequence[CandidateId], int], Reason | None]

#: Counts valid ballots: ``(ballots, candidates) -> {candidate: {"yes": n, "no": n, "abstain": n}}``.
BallotCounter = Callable[[Iterable[object], Sequence[CandidateId]], dict[CandidateId, dict[str, int]]]


@dataclass(frozen=True)
class PaperLayout:
    """How a paper ballot of a format is printed: the mark columns and the instruction line.

    ``instruction`` may contain ``{seats}``; the document template fills it in.
    """

    columns: tuple[str, ...]
    instruction: str


@dataclass(frozen=True)
class BallotFormat:
    """A way of voting (platform/docs/domain.md: ballot formats): how a ballot looks, is checked and is counted.

    A ballot's shape belongs to its format (a mapping for yes/no/abstain, a list of selections for
    "choose at most N"), which is why ``validate`` and ``tally`` take plain ``object`` ballots.

    ``ordered``: a list ballot of this format is a ranking, so the platform keeps its order (an
    unordered format's list is sorted on the way in, so the order of marking tells nothing).
    A counter may add figures of its own beside ``yes``/``no``/``abstain`` in a candidate's tally
    (e.g. ``points``); the result shows them as the candidate's ``figures``.
    """

    code: str
    label: str
    validate: BallotValidator
    tally: BallotCounter
    paper_layout: PaperLayout
    ordered: bool = False


@dataclass(frozen=True)
class Category:
    """A project category offered in forms and used in reports: stable code, Chinese name."""

    code: str
    name: str


@dataclass(frozen=True)
class FieldDefinition:
    """An extra field on a form or record; ``schema`` is the JSON schema of its value."""

    code: str
    label: str
    schema: Mapping[str, object] = field(default_factory=lambda: {"type": "string"}, hash=False)
    required: bool = False


@dataclass(frozen=True)
class SupervisionMethod:
    """A supervision method (视察调研, 专题询问 ...): what its record holds and whether it is required."""

    code: str
    label: str
    fields: tuple[FieldDefinition, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class DocumentTemplate:
    """A template for one kind of document (票决办法, 主席团公告, 决议 ...).

    ``template`` is a Jinja2 template name the documents context resolves with its loader.
    """

    kind: str
    template: str
    label: str = ""


@dataclass(frozen=True)
class NotificationMessage:
    """What a channel sends: already rendered and translated for its recipients."""

    subject: str
    body: str


@dataclass(frozen=True)
class NotificationChannel:
    """A way to reach people (SMS, WeChat, e-mail, log); ``send`` runs inside a job, so it is async."""

    code: str
    label: str
    send: Callable[[NotificationMessage, Sequence[str]], Awaitable[None]]
    #: The kind of address ``send`` receives: "email", "phone", "user" (user ids) or "any" (all of them).
    accepts: str = "any"


@dataclass(frozen=True)
class DigestAlgorithm:
    """The digest of the audit chain: ``name`` is recorded with each event so verifiers pick the same."""

    name: str
    digest: Callable[[bytes], str]
