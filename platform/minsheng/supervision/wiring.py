"""Registration of supervision: plans, records, special inquiries, satisfaction evaluations and their documents.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.supervision import document_kinds, models
from minsheng.supervision.evaluations import phone_pages
from minsheng.supervision.evaluations.controllers import (
    EvaluationsController,
    ProjectEvaluationsController,
    RectificationsController,
)
from minsheng.supervision.inquiries.controllers import (
    CommitmentsController,
    InquiriesController,
    InquiryQuestionsController,
)
from minsheng.supervision.plans.controllers import SupervisionController, SupervisionRecordsController

ROUTES: list[Any] = [
    SupervisionController,
    SupervisionRecordsController,
    ProjectEvaluationsController,
    EvaluationsController,
    RectificationsController,
    InquiriesController,
    InquiryQuestionsController,
    CommitmentsController,
    *phone_pages.ROUTES,
]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = list(document_kinds.KINDS)
MODELS: list[ModuleType] = [models]
