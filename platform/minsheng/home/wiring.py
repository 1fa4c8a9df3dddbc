"""Registration of where a user starts: the landing page, the home chooser, a tenant's home and what it is.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.home import pages
from minsheng.home.controllers import TenantPublicController

ROUTES: list[Any] = [TenantPublicController, *pages.ROUTES]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = []
