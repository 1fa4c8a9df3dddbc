"""Registration of notifications: a user's contacts and messages, delivered by the tenant's channels.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.notifications import jobs, models
from minsheng.notifications.controllers import ContactController, NotificationsController

ROUTES: list[Any] = [ContactController, NotificationsController]
JOBS: list[Any] = [jobs.deliver]
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
