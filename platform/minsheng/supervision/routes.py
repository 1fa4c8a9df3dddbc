"""Every route of supervision, for the app-core plugin's list (``server/routes.py``)."""

from __future__ import annotations

from typing import Any

from minsheng.supervision.controllers import SupervisionController, SupervisionRecordsController
from minsheng.supervision.evaluation_controllers import (
    EvaluationsController,
    ProjectEvaluationsController,
    RectificationsController,
)
from minsheng.supervision.inquiry_controllers import (
    CommitmentsController,
    InquiriesController,
    InquiryQuestionsController,
)
from minsheng.supervision.pages import PAGE_HANDLERS

SUPERVISION_ROUTES: list[Any] = [
    SupervisionController,
    SupervisionRecordsController,
    ProjectEvaluationsController,
    EvaluationsController,
    RectificationsController,
    InquiriesController,
    InquiryQuestionsController,
    CommitmentsController,
    *PAGE_HANDLERS,
]
