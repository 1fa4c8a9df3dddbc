"""Registration of collection: citizens' suggestions, the staff inbox, paper entry, coverage and its documents.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.collection import document_kinds, models, pages, paper_pages, staff_pages
from minsheng.collection.controllers import CoverageController, SuggestionsController

ROUTES: list[Any] = [SuggestionsController, CoverageController, *pages.ROUTES, *staff_pages.ROUTES, *paper_pages.ROUTES]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = list(document_kinds.KINDS)
MODELS: list[ModuleType] = [models]
