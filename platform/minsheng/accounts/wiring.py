"""Registration of accounts: login, tokens, the caller's profile, a tenant's users.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.accounts import models, pages
from minsheng.accounts.controllers import AuthController, MeController, TenantUsersController

ROUTES: list[Any] = [AuthController, MeController, TenantUsersController, *pages.ROUTES]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
