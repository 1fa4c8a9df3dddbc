"""Registration of the tenant tree's tables (its routes belong to the console and the home).

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.tenancy import models

ROUTES: list[Any] = []
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
