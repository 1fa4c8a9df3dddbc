"""Registration of the project pool, screening and the year's candidate list.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.projects import candidate_pages, models, pages
from minsheng.projects.controllers import CandidateListsController, ProjectsController

ROUTES: list[Any] = [ProjectsController, CandidateListsController, *pages.ROUTES, *candidate_pages.ROUTES]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
