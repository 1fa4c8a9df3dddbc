"""Shapes of the public portal's JSON: public facts only (no names of people, no contacts)."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec

from minsheng.portal.services import EvaluationStep


class EvaluationView(msgspec.Struct):
    outcome: str
    closed_on: date | None
    rectification_required: bool


class PublicProjectView(msgspec.Struct):
    id: uuid.UUID
    title: str
    category: str
    content: str
    target: str
    location: str
    vote_day: date
    rank: int | None
    status: str
    percent_done: int
    budget: float
    spent: float
    deadline: date | None
    terminated: bool
    evaluation: EvaluationView | None = None


class PublicStatistics(msgspec.Struct):
    projects: int
    completed: int
    budget: float
    spent: float
    average_percent: float
    terminated: int


class PublicProjectList(msgspec.Struct):
    year: int
    years: list[int]
    items: list[PublicProjectView]
    total: int
    statistics: PublicStatistics
    documents: list[PublicDocumentView] = []


class PublicMilestone(msgspec.Struct):
    title: str
    due: date


class PublicPlan(msgspec.Struct):
    responsible_unit: str
    targets: str
    funding_source: str
    deadline: date
    milestones: list[PublicMilestone]


class PublicProgress(msgspec.Struct):
    period: str
    percent_done: int
    spent: float
    text: str
    reported_on: date
    photos: list[str]


class PublicDecision(msgspec.Struct):
    kind: str
    status: str
    decided_on: date | None
    notice: str


class PublicProjectDetail(msgspec.Struct):
    project: PublicProjectView
    plan: PublicPlan | None
    progress: list[PublicProgress]
    decisions: list[PublicDecision]
    #: Every closed evaluation, oldest first: an "unsatisfied" and its rectification stay on record.
    evaluations: list[EvaluationStep] = []


class PublicDocumentView(msgspec.Struct):
    """A public document of the year (公告, 决议, 完成情况报告) and where to download it."""

    id: uuid.UUID
    kind: str
    label: str
    format: str
    made_on: date
    url: str


class PublicCandidate(msgspec.Struct):
    project_id: str
    title: str
    yes: int
    no: int
    abstain: int
    chosen: bool
    rank: int | None


class PublicResultView(msgspec.Struct):
    round_id: uuid.UUID
    title: str
    voted_on: date
    status: str
    entitled: int
    present: int
    ballots_issued: int
    ballots_returned: int
    valid: int
    invalid: int
    candidates: list[PublicCandidate]


class PublicNotice(msgspec.Struct):
    project_id: uuid.UUID
    project_title: str
    kind: str
    status: str
    decided_on: date | None
    notice: str
