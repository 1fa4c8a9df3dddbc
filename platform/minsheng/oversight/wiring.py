"""Registration of oversight: the figures of a subtree, their roll-ups and dashboards.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.oversight import jobs, models, pages
from minsheng.oversight.controllers import OversightController

ROUTES: list[Any] = [OversightController, *pages.ROUTES]
JOBS: list[Any] = [jobs.rollup, jobs.rebuild]
PERIODIC: list[Any] = [jobs.schedule_rebuild]
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
