"""Registration of jobs: a job's status for whoever asked for it, and the platform's own ping.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.jobs import builtin, models
from minsheng.jobs.controllers import JobsController
from minsheng.jobs.pages import job_page

ROUTES: list[Any] = [JobsController, job_page]
JOBS: list[Any] = [builtin.ping]
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
