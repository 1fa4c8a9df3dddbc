"""Supervision pages: a deputy rates on the phone (like a ballot: a receipt, nothing of anyone else's);
the presidium runs evaluations and inquiries on the desktop; everyone tracks the commitments.

Every page's data is also in the JSON API (``*_controllers.py``); the pages call the same services.
"""

from __future__ import annotations

from typing import Any

from litestar import Router

from minsheng.http.pages import PAGE_EXCEPTION_HANDLERS
from minsheng.supervision.evaluations import pages as evaluation_pages
from minsheng.supervision.evaluations import public_pages
from minsheng.supervision.inquiries import pages as inquiry_pages
from minsheng.supervision.plans import edit_pages as plan_edit_pages
from minsheng.supervision.plans import pages as plan_pages

ROUTES: list[Any] = [
    Router(
        path="/",
        route_handlers=[
            evaluation_pages.rating_form,
            evaluation_pages.rate_from_phone,
            evaluation_pages.deputy_evaluations,
            evaluation_pages.evaluations_page,
            evaluation_pages.open_from_page,
            evaluation_pages.evaluation_page,
            evaluation_pages.run_evaluation,
            inquiry_pages.inquiries_page,
            inquiry_pages.create_inquiry_from_page,
            inquiry_pages.inquiry_page,
            inquiry_pages.ask_from_page,
            inquiry_pages.answer_from_page,
            inquiry_pages.commitments_page,
            inquiry_pages.close_commitment_from_page,
            plan_pages.plan_page,
            plan_edit_pages.edit_plan_page,
            plan_edit_pages.plan_action,
            public_pages.public_form,
            public_pages.public_code,
            public_pages.public_rate,
        ],
        exception_handlers=PAGE_EXCEPTION_HANDLERS,
        include_in_schema=False,
    )
]
