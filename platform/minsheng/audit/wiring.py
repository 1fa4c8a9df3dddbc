"""Registration of the audit log: browse, verify and export a tenant's chain.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.audit import jobs, models
from minsheng.audit.controllers import AuditController
from minsheng.audit.public_controllers import CheckpointsController

ROUTES: list[Any] = [AuditController, CheckpointsController]
JOBS: list[Any] = [jobs.export_chain, jobs.sign_head]
PERIODIC: list[Any] = [jobs.schedule_checkpoints]
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
