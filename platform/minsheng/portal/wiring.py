"""Registration of the public portal: the year's chosen projects for citizens, without logging in.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.portal import pages
from minsheng.portal.controllers import PortalController

ROUTES: list[Any] = [PortalController, *pages.ROUTES]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = []
