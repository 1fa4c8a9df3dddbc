"""Registration of implementation: work plans, progress, meetings, adjustments, deadlines, the completion report.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.implementation import document_kinds, jobs, models, pages
from minsheng.implementation.controllers import ImplementationController

ROUTES: list[Any] = [ImplementationController, *pages.ROUTES]
JOBS: list[Any] = [jobs.check_tenant_deadlines]
PERIODIC: list[Any] = [jobs.schedule_deadline_checks]
DOCUMENT_KINDS: list[Any] = list(document_kinds.KINDS)
MODELS: list[ModuleType] = [models]
