"""Registration of supervision: plans, records, special inquiries, satisfaction evaluations and their documents.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from litestar import Router

from minsheng.supervision import document_kinds, models
from minsheng.supervision.evaluations import pages as evaluation_pages
from minsheng.supervision.evaluations import public_pages
from minsheng.supervision.evaluations.controllers import (
    EvaluationsController,
    ProjectEvaluationsController,
    RectificationsController,
)
from minsheng.supervision.inquiries import pages as inquiry_pages
from minsheng.supervision.inquiries.controllers import (
    CommitmentsController,
    InquiriesController,
    InquiryQuestionsController,
)
from minsheng.supervision.plans import edit_pages as plan_edit_pages
from minsheng.supervision.plans import pages as plan_pages
from minsheng.supervision.plans.controllers import SupervisionController, SupervisionRecordsController
from minsheng.supervision.records import pages as record_pages

#: The pages: the staff's on the desktop, the deputies' and citizens' on the phone (no API schema).
PAGES = Router(
    path="/",
    route_handlers=[
        plan_pages.plan_page,
        plan_edit_pages.edit_plan_page,
        plan_edit_pages.create_plan_page,
        plan_edit_pages.assign_group_page,
        plan_edit_pages.adopt_plan_page,
        *record_pages.ROUTES,
        *inquiry_pages.ROUTES,
        *evaluation_pages.ROUTES,
        public_pages.public_form,
        public_pages.public_code,
        public_pages.public_rate,
    ],
    include_in_schema=False,
)

ROUTES: list[Any] = [
    SupervisionController,
    SupervisionRecordsController,
    ProjectEvaluationsController,
    EvaluationsController,
    RectificationsController,
    InquiriesController,
    InquiryQuestionsController,
    CommitmentsController,
    PAGES,
]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = list(document_kinds.KINDS)
MODELS: list[ModuleType] = [models]
